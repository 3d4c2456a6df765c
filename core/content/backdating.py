"""How many days an item may be dated earlier than it was written without a reason: the bureau's line.

The figure is one of the evaluation's thresholds (core.evaluation.settings, `backdate_margin_days`): the bureau
sets it on the console's settings page, audited, with the others. The evaluation sits above content and
publishing, so it says here where the figure comes from, from its `init_app` (`set_margin_source`); the publish
step (core.publishing.operations), the editor's hint and the evaluation's forged-dates rule all read the same
value. With no module filling the hook, `DEFAULT_MARGIN_DAYS` holds.
"""
from __future__ import annotations

from collections.abc import Callable

#: The line when nobody has set one (and the evaluation's default).
DEFAULT_MARGIN_DAYS = 3

_SOURCE: list[Callable[[], int]] = []


def set_margin_source(source: Callable[[], int]) -> None:
    """Say where the margin comes from: `source()` returns it in days (the evaluation's settings)."""
    _SOURCE[:] = [source]


def backdate_margin_days() -> int:
    """Days an item's publication date may be earlier than the day it was written without a recorded reason."""
    return _SOURCE[0]() if _SOURCE else DEFAULT_MARGIN_DAYS
