"""The search form (a GET form: no CSRF, every field optional) and the bureau's synonym form."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from core.forms import Form, strip
from core.search.terms import MAX_QUERY_CHARS


#: The dates a search can be narrowed to (beyond them no government item is dated).
FIRST_DATE, LAST_DATE = date(1900, 1, 1), date(2100, 12, 31)


class SearchForm(Form):
    """What the public can ask: the words, then filters. Choices are filled by the view for the host."""

    class Meta:
        csrf = False

    q = StringField(_l("Search for"), filters=[strip], validators=[Optional(), Length(max=MAX_QUERY_CHARS)])
    kind = SelectField(_l("What"), validate_choice=True, validators=[Optional()])
    section = SelectField(_l("Section"), validate_choice=True, validators=[Optional()])
    site = SelectField(_l("Site"), validate_choice=True, validators=[Optional()])
    since = DateField(_l("Published from"), validators=[Optional()],
                      render_kw={"placeholder": "2026-01-01"})
    until = DateField(_l("Published until"), validators=[Optional()])
    level = SelectField(_l("Policy level"), validate_choice=True, validators=[Optional()])
    status = SelectField(_l("Policy status"), validate_choice=True, validators=[Optional()])
    issuer = StringField(_l("Issuing body"), filters=[strip], validators=[Optional(), Length(max=50)])
    number = StringField(_l("Document number"), filters=[strip], validators=[Optional(), Length(max=50)])

    def validate_since(self, field):
        _in_range(field)

    def validate_until(self, field):
        _in_range(field)
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end date is before the start date."))


def _in_range(field) -> None:
    if field.data and not FIRST_DATE <= field.data <= LAST_DATE:
        raise ValidationError(_l("Give a date between %(first)s and %(last)s.", first=FIRST_DATE.isoformat(),
                                 last=LAST_DATE.isoformat()))


class SynonymForm(Form):
    words = StringField(_l("Words that mean the same"), filters=[strip],
                        validators=[InputRequired(_l("Give the words of the group.")), Length(max=300)],
                        description=_l("Two or more words, separated by spaces or commas: 社保 社会保险 社会保障."))
    submit = SubmitField(_l("Save"))
