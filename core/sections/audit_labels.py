"""The audit log's words for sections: what each action code this module records says."""
from __future__ import annotations

from collections.abc import Mapping

from flask import g, has_app_context
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from core.audit.describe import describe_actions, describe_details, describe_group, describe_values
from core.i18n import localized
from core.sections.forms import UPDATE_CLASS_SHORT
from core.sections.queries import site_sections
from tenants.scoping import active_tenant_id


class _SectionNames(Mapping):
    """A section's address name (news) read as its name on the active site (工作动态); others stay as written."""

    def _names(self) -> dict[str, str]:
        """The active site's sections by address, read once per request (an audit page names many)."""
        if active_tenant_id() is None or not has_app_context():
            return {}
        key = ("audit.section_names", active_tenant_id(), str(get_locale()))
        cached = g.get("audit_section_names")
        if cached is None or cached[0] != key:
            cached = (key, {section.slug: localized(section) for section in site_sections()})
            g.audit_section_names = cached
        return cached[1]

    def __getitem__(self, slug):
        return self._names()[slug]

    def __contains__(self, slug) -> bool:
        return isinstance(slug, str) and slug in self._names()

    def __iter__(self):
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())


def register() -> None:
    """Name this module's actions in the audit log (called from its `init_app`)."""
    describe_group("sections", _l("Sections"), ("section.", "mandatory."))
    describe_actions({
        "section.add": _l("Added a section"),
        "section.update": _l("Changed a section"),
        "section.move": _l("Moved a section"),
        "section.delete": _l("Deleted a section"),
        "section.empty_note": _l("Explained why a section has nothing in it"),
        "mandatory.add": _l("Added a mandatory section"),
        "mandatory.update": _l("Changed a mandatory section"),
        "mandatory.remove": _l("Removed a mandatory section"),
        "mandatory.move": _l("Moved a mandatory section"),
        "mandatory.defaults": _l("Restored the default mandatory sections"),
        "mandatory.sync": _l("Brought every site's mandatory sections in step"),
    }, {
        "section": _l("Sections"),
        "mandatory": _l("Mandatory sections"),
    })
    describe_values("", "section", _SectionNames())  # every module's records name the section by its address
    describe_details({"sub_sections_deleted": lazy_pgettext("audit detail", "Sub-sections deleted"),
                      "items_deleted": lazy_pgettext("audit detail", "Items deleted"),
                      "update_class": lazy_pgettext("audit detail", "How often it is updated"),
                      "empty_note": lazy_pgettext("audit detail", "Why it has nothing in it")})
    describe_values("", "update_class", UPDATE_CLASS_SHORT)
