"""The lines of letters left unanswered: the early warning and the national inspection's veto, the bureau's to set.

A valid letter unanswered for more than `veto_months` calendar months, whose wait ended (or goes on) within the
last `window_months`, fails the site in the national inspection; a letter open `warning_months` after it came is
the early warning. The figures are among the evaluation's thresholds (core.evaluation.settings): the bureau sets
them on the console's settings page, audited, with the others. The evaluation sits above this module, so it says
here where they come from, from its `init_app` (`set_lines_source`), and the officers' queue, the daily warning
job, the statistics and the evaluation's late-letters rule all read the same lines (`letter_lines()`). With no
module filling the hook, the national inspection's own lines hold (the defaults below).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

#: The early warning: a letter not answered this many calendar months after it came.
WARNING_MONTHS = 2
#: The national inspection vetoes a site with a valid letter left unanswered for more than this many months...
VETO_MONTHS = 3
#: ...within this many months before the inspection.
VETO_WINDOW_MONTHS = 12


@dataclass(frozen=True)
class LetterLines:
    """The three lines, in calendar months."""

    warning_months: int = WARNING_MONTHS
    veto_months: int = VETO_MONTHS
    window_months: int = VETO_WINDOW_MONTHS


_SOURCE: list[Callable[[], LetterLines]] = []


def set_lines_source(source: Callable[[], LetterLines]) -> None:
    """Say where the lines come from: `source()` returns the `LetterLines` in force (the evaluation's settings)."""
    _SOURCE[:] = [source]


def letter_lines() -> LetterLines:
    """The lines in force now (one small query when the evaluation fills the hook)."""
    return _SOURCE[0]() if _SOURCE else LetterLines()
