"""The audit log's words for sections: what each action code this module records says."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from core.audit.describe import describe_actions, describe_details, describe_group


def register() -> None:
    """Name this module's actions in the audit log (called from its `init_app`)."""
    describe_group("sections", _l("Sections"), ("section.", "mandatory."))
    describe_actions({
        "section.add": _l("Added a section"),
        "section.update": _l("Changed a section"),
        "section.move": _l("Moved a section"),
        "section.delete": _l("Deleted a section"),
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
    describe_details({"sub_sections_deleted": lazy_pgettext("audit detail", "Sub-sections deleted"),
                      "items_deleted": lazy_pgettext("audit detail", "Items deleted")})
