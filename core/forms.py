"""Small helpers shared by the forms of every module."""
from __future__ import annotations

from collections.abc import Iterable

from wtforms.fields.choices import SelectChoice


def choices(pairs: Iterable[tuple[str, object]]) -> list[SelectChoice]:
    """Options for a select, radio or checkbox list; labels may stay lazy (translated when drawn)."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]
