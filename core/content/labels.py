"""Translated labels for the content model's coded values."""
from __future__ import annotations

from flask_babel import format_decimal, gettext, lazy_gettext as _l, ngettext

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


def human_size(size: int) -> str:
    """A file's size as people read it, in the page's language: bytes under 1 KB, then KB, then MB (of 1024).

    One decimal at most ("1.5 KB", "12 KB", "3.2 MB"), the number written the locale's way.
    """
    if size < 1024:
        return ngettext("%(count)s byte", "%(count)s bytes", size, count=format_decimal(size))
    if round(size / 1024, 1) < 1024:
        return gettext("%(size)s KB", size=format_decimal(size / 1024, "#,##0.#"))
    return gettext("%(size)s MB", size=format_decimal(size / 1048576, "#,##0.#"))
