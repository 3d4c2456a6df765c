"""The words of the security pages: severities, states, a rule's title."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l, lazy_pgettext

from core.security.registry import CHECKS

SEVERITY_LABELS = {"high": lazy_pgettext("severity", "High"), "medium": lazy_pgettext("severity", "Medium"),
                   "low": lazy_pgettext("severity", "Low")}
STATE_LABELS = {"new": lazy_pgettext("finding", "New"), "open": lazy_pgettext("finding", "Still open"),
                "resolved": lazy_pgettext("finding", "Resolved"), "accepted": lazy_pgettext("finding", "Accepted")}
STATE_FILTER_LABELS = {"reported": _l("Reported now (new and still open)"), **STATE_LABELS, "all": _l("All")}


def rule_title(rule: str) -> str:
    """A rule in words: its check's title; a rule whose check is gone keeps its key."""
    found = CHECKS.get(rule)
    return str(found.title) if found is not None else rule
