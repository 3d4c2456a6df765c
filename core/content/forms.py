"""The console's city-wide notice form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from core.forms import Form, strip


class NoticeForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)], filters=[strip])
    body = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=20000)],
                         description=_l("Plain text; every line becomes a paragraph."), render_kw={"rows": 10})
    submit = SubmitField(_l("Publish on every site"))
