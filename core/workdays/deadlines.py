"""Deadlines other modules store follow the calendar: when a year is entered or a day changed, every open item's
stored last day is counted again.

A module that stores a deadline counted in working days (a disclosure application's reply, a service
application's promised limit, a letter's reply) adds a source with `add_deadline_source`: a function that
returns, across every site, its open items with the stored day's field and the day its count started. Each
calendar change (core.workdays.operations) runs inside `deadlines_follow(years)`: before the change, each item's
count is read on the calendar as it was (how many working days it was given, pauses and extensions included);
after it, its last day is that many working days from the same start on the new calendar. One mechanism for
every module; each says which of its items are open and where their count starts, and nothing else.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from core.extensions import db
from core.workdays.queries import working_calendar

#: () -> [(row, field name, start date)]: the open items of one module whose `field` is a last day counted in
#: working days from `start` (across every site: the calendar is the city's).
DeadlineSource = Callable[[], Iterable[tuple[object, str, date]]]
_SOURCES: list[DeadlineSource] = []


def add_deadline_source(source: DeadlineSource) -> None:
    """Have a module's stored deadlines follow calendar changes (called from the module's `init_app`)."""
    if source not in _SOURCES:
        _SOURCES.append(source)


@contextmanager
def deadlines_follow(years: set[int]) -> Iterator[list[int]]:
    """Around a change to the calendar of `years`: recount every open item's stored last day whose count crosses
    one of them. Yields a one-element list that holds, after the block, how many last days moved.

    The session is flushed before the recount so that the new calendar is read.
    """
    held: list[tuple[object, str, date, int]] = []
    entries = [(row, field, start, getattr(row, field)) for source in _SOURCES for row, field, start in source()]
    entries = [(row, field, start, due) for row, field, start, due in entries
               if start is not None and due is not None and due >= start
               and any(start.year <= year <= due.year for year in years)]
    moved = [0]
    if entries:
        old = working_calendar(min(e[2] for e in entries), max(e[3] for e in entries))
        held = [(row, field, start, old.between(start, due)) for row, field, start, due in entries]
    yield moved
    if not held:
        return
    db.session.flush()
    first = min(start for _row, _field, start, _days in held)
    new = working_calendar(first, max(e[3] for e in entries) + timedelta(days=90))
    for row, field, start, days in held:
        due = new.add(start, days)
        if getattr(row, field) != due:
            setattr(row, field, due)
            moved[0] += 1
    db.session.flush()
