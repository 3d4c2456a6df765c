"""The site administrator's forms for specialized sections."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from core.forms import choices
from core.sections.models import KINDS

KIND_LABELS = {
    "article_list": _l("Article list"),
    "policy_list": _l("Policy list"),
    "service_items": _l("Service items"),
    "forms": _l("Forms"),
    "online_services": _l("Online services"),
    "interaction": _l("Interaction"),
    "single_page": _l("Single page"),
    "external_link": _l("External link"),
}


class SectionForm(FlaskForm):
    name_zh = StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=100)])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=100)])
    slug = StringField(_l("Address name"), validators=[DataRequired(), Length(max=40)],
                       description=_l("Used in the address: /sections/<name>/. a-z, 0-9 and '-'."))
    kind = SelectField(_l("Kind"), choices=choices((k, KIND_LABELS[k]) for k in KINDS))
    parent_id = SelectField(_l("Under"), coerce=lambda v: int(v) if v not in (None, "", "None") else None)
    homepage_priority = IntegerField(_l("Homepage position (empty: not on the homepage)"),
                                     validators=[Optional(), NumberRange(min=1, max=999)])
    in_nav = BooleanField(_l("Show in the top navigation"), default=True)
    external_url = StringField(_l("External address (for an external link)"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Save section"))


class EditSectionForm(SectionForm):
    slug = None  # the address does not change once published
    kind = None
