"""The disclosure module's forms: the bureau's lists, the interpretation links, the column's pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from core.forms import Form, ascii_int, strip


class CategoryForm(Form):
    name_zh = StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=100)], filters=[strip])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=150)], filters=[strip])
    description = TextAreaField(_l("What it covers"), validators=[Optional(), Length(max=2000)], filters=[strip],
                                render_kw={"rows": 2})
    submit = SubmitField(_l("Save category"))


class SubjectForm(Form):
    name_zh = StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=100)], filters=[strip])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=150)], filters=[strip])
    submit = SubmitField(_l("Save subject"))


def _id_or_none(value):
    """`coerce` for a select of ids whose first option is empty: "" is None (then DataRequired says so)."""
    if value in (None, "", "None"):
        return None
    return ascii_int(value)


class InterpretationForm(Form):
    interpretation_id = SelectField(_l("The interpretation"), coerce=_id_or_none, validators=[DataRequired()],
                                    description=_l("The item that explains the policy: in words, a graphic or a "
                                                   "video."))
    policy_id = SelectField(_l("The policy it interprets"), coerce=_id_or_none, validators=[DataRequired()],
                            description=_l("Items with a policy level, newest first; search above to find any "
                                           "other."))
    kind = SelectField(_l("How it interprets"), choices=[])
    submit = SubmitField(_l("Link them"))


class PageForm(Form):
    page_html = TextAreaField(_l("Text"), validators=[Optional(), Length(max=200_000)],
                              render_kw={"rows": 18, "data-rich-text": "1"})
    submit = SubmitField(_l("Save page"))
