"""The audit log's words for personal information: what each action code this module records says."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from core.audit.describe import describe_actions, describe_details, describe_group


def register() -> None:
    """Name this module's actions in the audit log (called from its `init_app`)."""
    describe_group("privacy", _l("Personal information"), ("privacy.",))
    describe_actions({"privacy.rotate": _l("Re-encrypted stored personal information with the newest key")},
                     {"privacy": _l("Personal information")})
    describe_details({"values": lazy_pgettext("audit detail", "Values re-encrypted")})
