"""Keeping the calendar: loading a year from the package, and the bureau's own entries. Audited, flushed.

A change applies to every deadline counted afterwards; the last days other
modules store (core.workdays.deadlines) are counted again in the same
transaction, and the audit entry says how many moved.
"""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from core.audit.log import record
from core.extensions import db
from core.operations import OperationError, audited
from core.text import column_problems
from core.workdays.deadlines import deadlines_follow
from core.workdays.models import CalendarDay, CalendarYear
from core.workdays.sources import package_schedule

#: The kinds of day the bureau can set; "normal" removes an entry (the Monday-to-Friday rule applies).
DAY_KINDS = ("holiday", "workday", "normal")
#: Years a deadline can reasonably fall in.
FIRST_YEAR, LAST_YEAR = 2000, 2100


class CalendarError(OperationError):
    """A calendar change refused, with the reason."""


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise CalendarError(_l("Choose a year between %(first)s and %(last)s.", first=FIRST_YEAR, last=LAST_YEAR))


@audited
def load_year(year: int, *, replace: bool = False) -> int:
    """Enter a year's schedule from the calendar package; return how many days were entered.

    The bureau's own entries for that year are kept unless `replace`.

    :raises CalendarError: for a year the package does not know (the bureau enters it day by day then).
    """
    _check_year(year)
    schedule = package_schedule(year)
    if not schedule:
        raise CalendarError(_l("The calendar package does not know %(year)s yet: enter its holidays and make-up "
                               "working days from the State Council's notice below.", year=year))
    existing = {d.day: d for d in db.session.execute(
        select(CalendarDay).where(CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31))
    ).scalars()}
    entered = 0
    with deadlines_follow({year}) as moved:
        for item in schedule:
            found = existing.get(item.day)
            if found is not None and found.source == "bureau" and not replace:
                continue
            if found is None:
                found = CalendarDay(day=item.day)
                db.session.add(found)
            found.working, found.name_zh, found.name_en = item.working, item.name_zh, item.name_en
            found.source = "package"
            entered += 1
        year_row = db.session.get(CalendarYear, year) or CalendarYear(year=year)
        year_row.source = "package"
        db.session.add(year_row)
    record("calendar.load_year", f"calendar:{year}", year=year, days=entered, deadlines_moved=moved[0])
    db.session.flush()
    return entered


@audited
def set_day(day: date, kind: str, *, name_zh: str = "", name_en: str = "") -> None:
    """Make `day` a day off ("holiday"), a make-up working day ("workday"), or an ordinary day ("normal").

    A holiday on a weekend is recorded too (the calendar names it); an
    ordinary day that the package's schedule lists is kept as the bureau's
    entry, so that loading the year again does not bring the schedule back.

    A year the package does not know counts as entered once the bureau
    confirms it (`confirm_year`), after entering all its days.

    :raises CalendarError: for an unknown kind, a year out of range, a make-up working day on a weekday or a
        day off named nothing, with the field it concerns.
    """
    if kind not in DAY_KINDS:
        raise CalendarError({"kind": _l("Choose what kind of day it is.")})
    _check_year(day.year)
    name_zh, name_en = name_zh.strip(), name_en.strip()
    problems = column_problems(CalendarDay, {"name_zh": name_zh, "name_en": name_en})
    if problems:
        raise CalendarError(problems)
    if kind == "workday" and day.weekday() < 5:
        raise CalendarError({"day": _l("%(day)s is a weekday, a working day already.", day=day.isoformat())})
    if kind != "normal" and not name_zh:
        raise CalendarError({"name_zh": _l("Name the holiday it belongs to, e.g. 春节.")})
    with deadlines_follow({day.year}) as moved:
        db.session.execute(delete(CalendarDay).where(CalendarDay.day == day))
        if kind != "normal":
            db.session.add(CalendarDay(day=day, working=kind == "workday", name_zh=name_zh, name_en=name_en,
                                       source="bureau"))
        elif any(item.day == day for item in package_schedule(day.year)):
            # Undoing a day of the State Council's schedule: remembered, so reloading the year keeps it undone.
            db.session.add(CalendarDay(day=day, working=day.weekday() < 5, source="bureau"))
    record("calendar.set_day", f"calendar:{day.isoformat()}", day=day.isoformat(), kind=kind, name=name_zh,
           deadlines_moved=moved[0])
    db.session.flush()


@audited
def confirm_year(year: int) -> None:
    """The bureau says a year's schedule is complete: every holiday and make-up day of the notice entered.

    :raises CalendarError: for a year out of range, or one with no day entered (a year has at least New Year's Day).
    """
    _check_year(year)
    entered = db.session.execute(select(CalendarDay.day).where(CalendarDay.day >= date(year, 1, 1),
                                                               CalendarDay.day <= date(year, 12, 31))).first()
    if entered is None:
        raise CalendarError(_l("Enter the year's holidays and make-up working days first."))
    found = db.session.get(CalendarYear, year)
    if found is None:
        db.session.add(CalendarYear(year=year, source="bureau"))
    record("calendar.confirm_year", f"calendar:{year}", year=year)
    db.session.flush()
