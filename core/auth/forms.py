"""Forms for signing in and for a person's own account (Flask-WTF: CSRF on every post)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from core.auth.models import SITE_ROLES
from core.forms import Form, MultiCheckboxField, choices


class LoginForm(Form):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)],
                           render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Sign in"))


class CodeForm(Form):
    code = StringField(_l("Six-digit code from your authenticator app"), validators=[DataRequired(), Length(min=6, max=8)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
    submit = SubmitField(_l("Verify"))


class PasswordChangeForm(Form):
    current = PasswordField(_l("Current password"), validators=[DataRequired()],
                            render_kw={"autocomplete": "current-password"})
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)],
                        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("New password again"),
                            validators=[DataRequired(), EqualTo("new", message=_l("The two new passwords differ."))],
                            render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Change password"))


class AccountForm(Form):
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    email = StringField(_l("E-mail"), validators=[Length(max=254)],
                        description=_l("Optional. Copies of your inbox messages (training material, reminders, "
                                       "alerts) are sent here."),
                        render_kw={"autocomplete": "email", "inputmode": "email", "autocapitalize": "none"})
    language = SelectField(_l("Language"), choices=choices([("zh_CN", "中文"), ("en", "English")]))
    submit = SubmitField(_l("Save"))


class TotpDisableForm(Form):
    password = PasswordField(_l("Password"), validators=[DataRequired()], render_kw={"autocomplete": "current-password"})
    code = StringField(_l("Six-digit code from your authenticator app"), validators=[DataRequired(), Length(min=6, max=8)])
    submit = SubmitField(_l("Turn off two-step login"))


ROLE_LABELS = {
    "collector": _l("Collector"),
    "editor": _l("Editor"),
    "reviewer": _l("Reviewer"),
    "publisher": _l("Publisher"),
    "service_officer": _l("Service officer"),
    "interaction_officer": _l("Interaction officer"),
    "disclosure_officer": _l("Disclosure officer"),
    "site_admin": _l("Site administrator"),
    "platform_admin": _l("Platform administrator"),
    "evaluator": _l("Evaluator"),
}


def role_label(role: str) -> str:
    """A role's name as people say it, in the current language."""
    return str(ROLE_LABELS[role])


class RolesForm(Form):
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
