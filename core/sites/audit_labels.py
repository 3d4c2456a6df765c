"""The audit log's words for sites: what each action code this module records says."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.audit.describe import describe_actions, describe_details, describe_group


def register() -> None:
    """Name this module's actions in the audit log (called from its `init_app`)."""
    describe_group("sites", _l("Sites and mourning mode"), ("site.", "mourning."))
    describe_actions({
        "site.create": _l("Created a site"),
        "site.domain.add": _l("Added a domain to a site"),
        "site.domain.remove": _l("Removed a domain from a site"),
        "site.suspend": _l("Suspended a site"),
        "site.resume": _l("Opened a suspended site again"),
        "site.mourning": _l("Switched a site's mourning mode"),
        "site.settings": _l("Changed a site's settings"),
        "mourning.city": _l("Switched mourning mode for the whole city"),
    }, {"site": _l("Sites"), "mourning": _l("Mourning mode")})
    describe_details({"organisation_code": _l("Unified social credit code")})
