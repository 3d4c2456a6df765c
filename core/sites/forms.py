"""Forms for sites: the console's (create, domains, suspension, mourning) and a site administrator's settings."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from core.forms import Form, choices, strip


def upper(value):
    """A field filter: a code typed in small letters is the same code."""
    return value.upper() if isinstance(value, str) else value
from tenants.models import BANNERS, KINDS as SITE_KINDS, PALETTE

SITE_KIND_LABELS = {
    "department": _l("Department website"),
    "county": _l("County portal"),
}
ACCENT_LABELS = {"red": _l("Red"), "blue": _l("Blue"), "green": _l("Green"), "teal": _l("Teal"),
                 "indigo": _l("Indigo"), "brown": _l("Brown")}
BANNER_LABELS = {"skyline": _l("City skyline"), "river": _l("River"), "plain": _l("Plain")}


class SiteForm(Form):
    """A new site. Names and the short name are checked by provisioning, so every problem shows at once."""

    slug = StringField(_l("Short name"), validators=[Length(max=32)], filters=[strip],
                       description=_l("2-32 characters: a-z first, then a-z, 0-9 or '-'. It becomes the "
                                      "first label of the site's domain."),
                       render_kw={"autocapitalize": "none"})
    name_zh = StringField(_l("Name (Chinese)"), validators=[Length(max=200)], filters=[strip])
    name_en = StringField(_l("Name (English)"), validators=[Length(max=200)], filters=[strip])
    kind = SelectField(_l("Kind"), choices=choices((k, SITE_KIND_LABELS[k]) for k in SITE_KINDS))
    group = SelectField(_l("Group on the city portal"), choices=[])
    domain = StringField(_l("Primary domain"), validators=[Optional(), Length(max=253)], filters=[strip],
                         render_kw={"autocapitalize": "none"})
    aliases = TextAreaField(_l("Aliases"), description=_l("Other domains of the site, one per line. They "
                                                           "redirect to the primary domain."),
                            render_kw={"rows": 3, "autocapitalize": "none"})
    is_window_department = BooleanField(_l("Window department (handles licensing items online)"))
    accent = SelectField(_l("Accent colour"), choices=choices((k, ACCENT_LABELS[k]) for k in PALETTE),
                         default="red")
    # The legal footer: what the public sees at the foot of every page (core.sites.footer checks the formats).
    sponsor_zh = StringField(_l("Sponsor (Chinese)"), validators=[Length(max=200)], filters=[strip],
                             description=_l("The body that runs the site (主办单位). Leave it empty to use the "
                                            "site's Chinese name."))
    sponsor_en = StringField(_l("Sponsor (English)"), validators=[Length(max=200)], filters=[strip],
                             description=_l("Leave it empty to use the site's English name."))
    address_zh = StringField(_l("Address (Chinese)"), validators=[Length(max=300)], filters=[strip])
    address_en = StringField(_l("Address (English)"), validators=[Length(max=300)], filters=[strip],
                             description=_l("Leave it empty to show the Chinese address in English pages too."))
    phone = StringField(_l("Telephone"), validators=[Length(max=50)], filters=[strip],
                        description=_l("With the area code, e.g. 0316-2012345."), render_kw={"inputmode": "tel"})
    icp_record = StringField(_l("ICP record"), validators=[Length(max=100)], filters=[strip],
                             description=_l("e.g. 冀ICP备05000128号. Leave it empty until it is issued: the site's "
                                            "page lists what the footer still lacks."))
    psb_record = StringField(_l("Public security record"), validators=[Length(max=100)], filters=[strip],
                             description=_l("e.g. 冀公网安备 13100302000001号, once it is issued."))
    site_code = StringField(_l("Site identifier code"), validators=[Length(max=20)], filters=[strip],
                            description=_l("The 10 letters or digits assigned to the site, e.g. 1310000001, once "
                                           "it is assigned."), render_kw={"autocapitalize": "none"})
    # The first site administrator: they add the site's people and finish the settings.
    admin_username = StringField(_l("User name"), validators=[Length(max=64)], filters=[strip],
                                 description=_l("3-64 characters: a-z first, then a-z, 0-9, '.', '_' or '-', "
                                                "e.g. jtj.admin."), render_kw={"autocapitalize": "none",
                                                                             "autocomplete": "off"})
    admin_name = StringField(_l("Display name"), validators=[Length(max=100)], filters=[strip],
                             description=_l("The person's name, as the site's people will see it."))
    submit = SubmitField(_l("Create site"))

    FOOTER_FIELDS = ("sponsor_zh", "sponsor_en", "address_zh", "address_en", "phone", "icp_record", "psb_record",
                     "site_code")

    def alias_list(self) -> list[str]:
        return [line.strip() for line in (self.aliases.data or "").splitlines() if line.strip()]

    def footer(self) -> dict[str, str]:
        return {name: self[name].data or "" for name in self.FOOTER_FIELDS}


class DomainForm(Form):
    hostname = StringField(_l("Domain"), validators=[DataRequired(), Length(max=253)], filters=[strip],
                           render_kw={"autocapitalize": "none"})
    primary = BooleanField(_l("Make it the primary domain (the current one becomes an alias)"))
    submit = SubmitField(_l("Add domain"))


class RemoveDomainForm(Form):
    hostname = HiddenField(validators=[DataRequired(), Length(max=253)])


class SuspendForm(Form):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=1000)], filters=[strip],
                           description=_l("Kept in the audit log; the public sees a maintenance page."),
                           render_kw={"rows": 2})
    submit = SubmitField(_l("Suspend the site"))


class MourningForm(Form):
    start = SubmitField(_l("Turn mourning mode on"))
    end = SubmitField(_l("Turn mourning mode off"))


class SettingsForm(Form):
    sponsor_zh = StringField(_l("Sponsor (Chinese)"), validators=[DataRequired(), Length(max=200)], filters=[strip])
    sponsor_en = StringField(_l("Sponsor (English)"), validators=[DataRequired(), Length(max=200)], filters=[strip])
    address_zh = StringField(_l("Address (Chinese)"), validators=[Optional(), Length(max=300)], filters=[strip])
    address_en = StringField(_l("Address (English)"), validators=[Optional(), Length(max=300)], filters=[strip])
    phone = StringField(_l("Telephone"), validators=[Optional(), Length(max=50)], filters=[strip])
    icp_record = StringField(_l("ICP record"), validators=[Optional(), Length(max=100)], filters=[strip])
    psb_record = StringField(_l("Public security record"), validators=[Optional(), Length(max=100)], filters=[strip])
    site_code = StringField(_l("Site identifier code"), validators=[Optional(), Length(max=20)], filters=[strip])
    organisation_code = StringField(
        _l("Unified social credit code"), validators=[Optional(), Length(max=18)], filters=[strip, upper],
        description=_l("The department's 18-character code (统一社会信用代码), e.g. 11131000000000000X. It begins "
                       "every index number (索引号) of the site's disclosure items."),
        render_kw={"autocapitalize": "characters", "spellcheck": "false"})
    accent = RadioField(_l("Accent colour"), choices=choices((k, ACCENT_LABELS[k]) for k in PALETTE))
    banner = RadioField(_l("Banner"), choices=choices((k, BANNER_LABELS[k]) for k in BANNERS))
    logo = FileField(_l("Logo (PNG, JPEG or GIF, at most 512 KB)"))
    review_own_forbidden = BooleanField(_l("Nobody may review an item they wrote or edited"))
    submit = SubmitField(_l("Save settings"))

    #: The footer fields and the organisation code, saved as typed.
    FOOTER_FIELDS = ("sponsor_zh", "sponsor_en", "address_zh", "address_en", "phone", "icp_record", "psb_record",
                     "site_code", "organisation_code")
