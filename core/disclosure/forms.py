"""The console's form for a disclosure category."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from core.forms import Form, strip


class CategoryForm(Form):
    name_zh = StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=100)], filters=[strip])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=150)], filters=[strip])
    description = TextAreaField(_l("What it covers"), validators=[Optional(), Length(max=2000)], filters=[strip],
                                render_kw={"rows": 2})
    submit = SubmitField(_l("Save category"))
