"""Counting in working days, over a calendar of exceptions to the Monday-to-Friday rule.

The rule (Administrative Licensing Law, art. 82, and the practice of every
time limit given in working days): a limit counts working days only, and it
starts on the day after the event (受理之日的次日起算). So a 5-working-day
limit for an application accepted on a Friday ends on the next Friday, and one
accepted on the eve of the Spring Festival ends five working days after it.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


class WorkingCalendar:
    """Working-day arithmetic over a loaded stretch of the calendar.

    `exceptions` maps a date to True (a make-up working day on a weekend) or
    False (a day off on a weekday, or any day of a holiday). `extend`, when
    given, loads the exceptions of a further stretch (first, last) on demand,
    so a long count never silently leaves the loaded range.
    """

    def __init__(self, exceptions: Mapping[date, bool], first: date, last: date,
                 extend: Callable[[date, date], Mapping[date, bool]] | None = None):
        self._days = dict(exceptions)
        self._first, self._last = first, last
        self._extend = extend

    def _cover(self, day: date) -> None:
        if self._extend is None or self._first <= day <= self._last:
            return
        if day > self._last:
            first, last = self._last + ONE_DAY, max(day, self._last + timedelta(days=366))
            self._last = last
        else:
            first, last = min(day, self._first - timedelta(days=366)), self._first - ONE_DAY
            self._first = first
        self._days.update(self._extend(first, last))

    def is_working_day(self, day: date) -> bool:
        """Whether government offices work on `day`: its exception if it has one, else Monday to Friday."""
        self._cover(day)
        found = self._days.get(day)
        return found if found is not None else day.weekday() < 5

    def add(self, start: date, days: int) -> date:
        """The date on which a limit of `days` working days, counted from the day after `start`, ends.

        `days` = 0 gives `start` itself. :raises ValueError: for a negative number of days.
        """
        if days < 0:
            raise ValueError("a time limit cannot be negative")
        day, left = start, days
        while left:
            day += ONE_DAY
            if self.is_working_day(day):
                left -= 1
        return day

    def between(self, start: date, end: date) -> int:
        """How many working days have passed after `start`, up to and including `end` (0 when end <= start)."""
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            if self.is_working_day(day):
                count += 1
        return count
