"""Translated labels for the disclosure module's coded values."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

#: How an interpretation explains its policy (政策解读: 文字解读 / 图解 / 视频解读).
INTERPRETATION_KIND_LABELS = {
    "text": _l("Interpretation in words"),
    "graphic": _l("Graphic interpretation"),
    "video": _l("Video interpretation"),
}


def interpretation_kind_label(kind: str | None) -> str:
    return str(INTERPRETATION_KIND_LABELS.get(kind, "")) if kind else ""
