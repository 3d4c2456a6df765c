"""Translated labels for the content model's coded values."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

POLICY_LEVEL_LABELS = {
    "national": _l("National"),
    "provincial": _l("Provincial"),
    "municipal": _l("Municipal"),
    "departmental": _l("Departmental"),
}
POLICY_STATUS_LABELS = {
    "in_force": _l("In force"),
    "repealed": _l("Repealed"),
}


def policy_level_label(level: str | None) -> str:
    return str(POLICY_LEVEL_LABELS.get(level, "")) if level else ""


def policy_status_label(status: str | None) -> str:
    return str(POLICY_STATUS_LABELS.get(status, "")) if status else ""
