"""Forms of a site's admin area: its people and its own settings."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from core.auth.models import SITE_ROLES
from core.forms import choices
from tenants.models import BANNERS, PALETTE


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def role_label(role: str) -> str:
    return str(ROLE_LABELS[role])


ROLE_LABELS = {
    "collector": _l("Collector"),
    "editor": _l("Editor"),
    "reviewer": _l("Reviewer"),
    "publisher": _l("Publisher"),
    "service_officer": _l("Service officer"),
    "interaction_officer": _l("Interaction officer"),
    "site_admin": _l("Site administrator"),
    "platform_admin": _l("Platform administrator"),
    "evaluator": _l("Evaluator"),
}


ACCENT_LABELS = {"red": _l("Red"), "blue": _l("Blue"), "green": _l("Green"), "teal": _l("Teal"),
                 "indigo": _l("Indigo"), "brown": _l("Brown")}
BANNER_LABELS = {"skyline": _l("City skyline"), "river": _l("River"), "plain": _l("Plain")}


class RolesForm(FlaskForm):
    roles = MultiCheckboxField(_l("Roles on this site"), choices=[])
    submit = SubmitField(_l("Save roles"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.roles.choices = choices((r, ROLE_LABELS[r]) for r in SITE_ROLES)


class NewUserForm(RolesForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)],
                           render_kw={"autocapitalize": "none"})
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    submit = SubmitField(_l("Create account"))


class SettingsForm(FlaskForm):
    sponsor_zh = StringField(_l("Sponsor (Chinese)"), validators=[DataRequired(), Length(max=200)])
    sponsor_en = StringField(_l("Sponsor (English)"), validators=[DataRequired(), Length(max=200)])
    address_zh = StringField(_l("Address (Chinese)"), validators=[Optional(), Length(max=300)])
    address_en = StringField(_l("Address (English)"), validators=[Optional(), Length(max=300)])
    phone = StringField(_l("Telephone"), validators=[Optional(), Length(max=50)])
    icp_record = StringField(_l("ICP record"), validators=[Optional(), Length(max=100)])
    psb_record = StringField(_l("Public security record"), validators=[Optional(), Length(max=100)])
    site_code = StringField(_l("Site identifier code"), validators=[Optional(), Length(max=20)])
    accent = RadioField(_l("Accent colour"), choices=choices((k, ACCENT_LABELS[k]) for k in PALETTE))
    banner = RadioField(_l("Banner"), choices=choices((k, BANNER_LABELS[k]) for k in BANNERS))
    logo = FileField(_l("Logo (PNG, JPEG or GIF, at most 512 KB)"))
    review_own_forbidden = BooleanField(_l("Nobody may review an item they wrote or edited"))
    submit = SubmitField(_l("Save settings"))
