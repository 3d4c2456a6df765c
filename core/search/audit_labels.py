"""The audit log's words for search: the bureau's synonym groups, and rebuilding the index."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from core.audit.describe import describe_actions, describe_details, describe_group


def register() -> None:
    """Name the search module's actions and details (called from its `init_app`)."""
    describe_group("search", _l("Search"), ("search.",))
    describe_actions({
        "search.synonyms_add": _l("Added synonyms for search"),
        "search.synonyms_update": _l("Changed synonyms for search"),
        "search.synonyms_delete": _l("Removed synonyms for search"),
        "search.reindex": _l("Rebuilt the search index"),
    }, {"search": _l("Synonym group")})
    describe_details({
        "words": lazy_pgettext("audit detail", "Words"),
        "entries": lazy_pgettext("audit detail", "Entries"),
    })
