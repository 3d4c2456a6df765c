"""Reading the calendar: working-day arithmetic for any module, and what the bureau still has to enter."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from core.extensions import db
from core.workdays.counting import WorkingCalendar
from core.workdays.models import CalendarDay, CalendarYear


def _exceptions(first: date, last: date) -> dict[date, bool]:
    rows = db.session.execute(select(CalendarDay.day, CalendarDay.working)
                              .where(CalendarDay.day >= first, CalendarDay.day <= last))
    return {day: working for day, working in rows}


def working_calendar(first: date, last: date | None = None) -> WorkingCalendar:
    """The calendar from `first` to `last` (a year on when not given), loading further years when a count needs them.

    One query per stretch: count many deadlines with one calendar rather
    than one query each.
    """
    last = last or first + timedelta(days=366)
    return WorkingCalendar(_exceptions(first, last), first, last, extend=_exceptions)


def add_working_days(start: date, days: int) -> date:
    """The last day of a limit of `days` working days counted from the day after `start` (see counting.py).

    :raises ValueError: for a negative number of days.
    """
    return working_calendar(start, start + timedelta(days=days * 2 + 40)).add(start, days)


def working_days_between(start: date, end: date) -> int:
    """The working days after `start` up to and including `end`; 0 when `end` is not after `start`."""
    return working_calendar(start, max(start, end)).between(start, end)


def is_working_day(day: date) -> bool:
    return working_calendar(day, day).is_working_day(day)


def known_years() -> dict[int, str]:
    """The years whose schedule has been entered, with where it came from ("package" or "bureau")."""
    return dict(db.session.execute(select(CalendarYear.year, CalendarYear.source)).all())


def missing_years(today: date) -> list[int]:
    """The years deadlines need now and nobody has entered: this year, and from October the next.

    The State Council publishes the next year's schedule late in the year;
    until it is entered, counts in that year follow the Monday-to-Friday rule
    and may be wrong across its holidays.
    """
    needed = [today.year] + ([today.year + 1] if today.month >= 10 else [])
    known = known_years()
    return [year for year in needed if year not in known]


def days_of_year(year: int) -> list[CalendarDay]:
    return list(db.session.execute(select(CalendarDay).where(CalendarDay.day >= date(year, 1, 1),
                                                             CalendarDay.day <= date(year, 12, 31))
                                   .order_by(CalendarDay.day)).scalars())


def calendar_panel() -> dict:
    """For the console home's card: the years the bureau still has to enter."""
    from core.timeutil import now

    return {"missing": missing_years(now().date())}
