"""The yearly website report's forms: the year to prepare, the lines the site enters, and withdrawing it."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from core.evaluation.yearly import MAX_REASON
from core.evaluation.yearly_layout import COUNT, MANUAL_LINES, MAX_COUNT, MAX_TEXT, YES_NO
from core.forms import Form, ascii_int, choices, strip

#: A yes / no line's choices: left empty, the report shows it as not answered.
YES_NO_CHOICES = choices((("", "—"), ("yes", _l("Yes")), ("no", _l("No"))))


class PrepareForm(Form):
    year = SelectField(_l("Year"), coerce=ascii_int, validators=[InputRequired()])
    submit = SubmitField(_l("Prepare the report"))


def _field(line):
    if line.kind == COUNT:
        return IntegerField(line.label_en, validators=[Optional(), NumberRange(min=0, max=MAX_COUNT)],
                            render_kw={"inputmode": "numeric"})
    if line.kind == YES_NO:
        return SelectField(line.label_en, choices=YES_NO_CHOICES, validators=[Optional()])
    # The lines needed for publication may stay empty in a draft: publishing names the ones still missing.
    return StringField(line.label_en, validators=[Optional(), Length(max=MAX_TEXT)], filters=[strip],
                       render_kw={"maxlength": MAX_TEXT})


class ReportForm(Form):
    """One field per line of `yearly_layout.MANUAL_LINES`, named by its key."""

    version = HiddenField()
    submit = SubmitField(_l("Save"))

    def manual(self) -> dict:
        """The entered lines as the operation takes them: ints, bools and texts; empty ones left out."""
        values = {}
        for line in MANUAL_LINES:
            data = self[line.key].data
            if line.kind == YES_NO:
                data = {"yes": True, "no": False}.get(data)
            if data is not None and data != "":
                values[line.key] = data
        return values


for _line in MANUAL_LINES:
    setattr(ReportForm, _line.key, _field(_line))


class PublishForm(Form):
    version = HiddenField()
    submit = SubmitField(_l("Publish the report"))


class WithdrawForm(Form):
    version = HiddenField()
    reason = TextAreaField(_l("Why it is withdrawn"), validators=[InputRequired(), Length(max=MAX_REASON)],
                           filters=[strip], render_kw={"rows": 2})
    submit = SubmitField(_l("Withdraw to correct it"))
