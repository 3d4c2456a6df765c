"""The audit log's words for the disclosure catalogue: what each action code this module records says."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.audit.describe import describe_actions, describe_group


def register() -> None:
    """Name this module's actions in the audit log (called from its `init_app`)."""
    describe_group("categories", _l("Disclosure categories"), ("category.",))
    describe_actions({
        "category.defaults": _l("Restored the default disclosure categories"),
        "category.add": _l("Added a disclosure category"),
        "category.update": _l("Changed a disclosure category"),
        "category.delete": _l("Deleted a disclosure category"),
        "category.move": _l("Moved a disclosure category"),
    }, {"category": _l("Disclosure categories")})
