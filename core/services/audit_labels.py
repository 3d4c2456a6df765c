"""The audit log's words for online services: what each action code this module records says."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.audit.describe import describe_actions, describe_group


def register() -> None:
    """Name this module's actions in the audit log (called from its `init_app`)."""
    describe_group("services", _l("Online services"), ("service.", "application."))
    describe_actions({}, {"service": _l("Service items"), "application": _l("Applications")})
