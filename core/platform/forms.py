"""Forms of the information bureau's console. Every POST goes through one (CSRF included)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional

from core.forms import choices
from core.sections.forms import KIND_LABELS as SECTION_KIND_LABELS
from core.sections.models import KINDS as SECTION_KINDS
from tenants.models import KINDS as SITE_KINDS
from tenants.models import PALETTE

SITE_KIND_LABELS = {
    "department": _l("Department website"),
    "county": _l("County portal"),
}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token is posted."""


class MoveForm(FlaskForm):
    direction = HiddenField(validators=[AnyOf(("up", "down"))])


class SiteForm(FlaskForm):
    """A new site. Names and the short name are checked by provisioning, so every problem shows at once."""

    slug = StringField(_l("Short name"), validators=[Length(max=32)], filters=[_strip],
                       description=_l("2-32 characters: a-z first, then a-z, 0-9 or '-'. It becomes the "
                                      "first label of the site's domain."),
                       render_kw={"autocapitalize": "none"})
    name_zh = StringField(_l("Name (Chinese)"), validators=[Length(max=200)], filters=[_strip])
    name_en = StringField(_l("Name (English)"), validators=[Length(max=200)], filters=[_strip])
    kind = SelectField(_l("Kind"), choices=choices((k, SITE_KIND_LABELS[k]) for k in SITE_KINDS))
    group = SelectField(_l("Group on the city portal"), choices=[])
    domain = StringField(_l("Primary domain"), validators=[Optional(), Length(max=253)], filters=[_strip],
                         render_kw={"autocapitalize": "none"})
    aliases = TextAreaField(_l("Aliases"), description=_l("Other domains of the site, one per line. They "
                                                           "redirect to the primary domain."),
                            render_kw={"rows": 3, "autocapitalize": "none"})
    is_window_department = BooleanField(_l("Window department (handles licensing items online)"))
    accent = SelectField(_l("Accent colour"), choices=choices((k, k) for k in PALETTE), default="red")
    submit = SubmitField(_l("Create site"))

    def alias_list(self) -> list[str]:
        return [line.strip() for line in (self.aliases.data or "").splitlines() if line.strip()]


class DomainForm(FlaskForm):
    hostname = StringField(_l("Domain"), validators=[DataRequired(), Length(max=253)], filters=[_strip],
                           render_kw={"autocapitalize": "none"})
    primary = BooleanField(_l("Make it the primary domain (the current one becomes an alias)"))
    submit = SubmitField(_l("Add domain"))


class RemoveDomainForm(FlaskForm):
    hostname = HiddenField(validators=[DataRequired()])


class SuspendForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=1000)], filters=[_strip],
                           description=_l("Kept in the audit log; the public sees a maintenance page."),
                           render_kw={"rows": 2})
    submit = SubmitField(_l("Suspend the site"))


class MourningForm(FlaskForm):
    start = SubmitField(_l("Turn mourning mode on"))
    end = SubmitField(_l("Turn mourning mode off"))


class MandatorySectionForm(FlaskForm):
    key = StringField(_l("Key"), validators=[DataRequired(), Length(max=40)], filters=[_strip],
                      description=_l("Also the section's address on every site: /sections/<key>/. a-z, 0-9 and "
                                     "'-'. A site's own section with this address is renamed."),
                      render_kw={"autocapitalize": "none"})
    name_zh = StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=100)], filters=[_strip])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=100)], filters=[_strip])
    kind = SelectField(_l("Kind"), choices=choices((k, SECTION_KIND_LABELS[k]) for k in SECTION_KINDS))
    position = IntegerField(_l("Place in the order (1 = first; empty = last)"),
                            validators=[Optional(), NumberRange(min=1, max=999)])
    homepage_priority = IntegerField(_l("Homepage position (empty: not on the homepage)"),
                                     validators=[Optional(), NumberRange(min=1, max=999)])
    in_nav = BooleanField(_l("Show in the top navigation"), default=True)
    submit = SubmitField(_l("Add to every site"))


class EditMandatorySectionForm(MandatorySectionForm):
    key = None  # the key is every site's address of the section: it does not change
    position = None  # the order changes with the move buttons
    submit = SubmitField(_l("Save for every site"))


class CategoryForm(FlaskForm):
    name_zh = StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=100)], filters=[_strip])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=150)], filters=[_strip])
    description = TextAreaField(_l("What it covers"), validators=[Optional(), Length(max=2000)], filters=[_strip],
                                render_kw={"rows": 2})
    submit = SubmitField(_l("Save category"))


class NoticeForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)], filters=[_strip])
    body = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=20000)],
                         description=_l("Plain text; every line becomes a paragraph."), render_kw={"rows": 10})
    submit = SubmitField(_l("Publish on every site"))
