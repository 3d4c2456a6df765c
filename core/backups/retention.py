"""Which backups to keep: grandfather-father-son, as a pure rule over dates, and its application to a folder.

The rule (BACKUP_KEEP_DAILY / _WEEKLY / _MONTHLY, e.g. 7 / 4 / 12): counting
back from `today`, the newest backup of each of the last N calendar days, of
each of the last N ISO weeks (Monday to Sunday, the current one included) and
of each of the last N months is kept; a backup kept by any of the three is
kept. Whatever else, the newest good backup and the newest one a verify
passed are kept (`protect`), so a run of failures, a stopped scheduler, a
clock set wrong or a second backup on one day that then fails its verify never
leaves nothing to restore. Everything else is deleted. Backups dated after `today` (a clock
that went back) are kept too: nothing is deleted on a date it cannot place.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from pathlib import Path

from core.backups.layout import complete_backups, remove, started_at


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def keep(backups: Iterable[tuple[str, datetime]], *, today: date, daily: int, weekly: int, monthly: int,
         protect: str | Iterable[str] | None = None) -> set[str]:
    """The names to keep among `backups` ((name, when it started), any order).

    :param today: the day the rule counts back from (city time).
    :param daily, weekly, monthly: how many last days, ISO weeks, months keep their newest backup (0: none).
    :param protect: names kept whatever the rule says (the newest good backup, the newest verified one).
    """
    items = sorted(backups, key=lambda item: (item[1], item[0]), reverse=True)  # newest first
    kept: set[str] = {protect} if isinstance(protect, str) else set(protect or ())
    first_day = today - timedelta(days=daily - 1)
    monday = today - timedelta(days=today.weekday())
    first_week = monday - timedelta(weeks=weekly - 1)
    first_month = _month_index(today) - monthly + 1
    seen_day: set[date] = set()
    seen_week: set[tuple[int, int]] = set()
    seen_month: set[int] = set()
    for name, moment in items:
        day = moment.date()
        if day > today:
            kept.add(name)
            continue
        if daily > 0 and day >= first_day and day not in seen_day:
            seen_day.add(day)
            kept.add(name)
        week = day.isocalendar()[:2]
        if weekly > 0 and day >= first_week and week not in seen_week:
            seen_week.add(week)
            kept.add(name)
        month = _month_index(day)
        if monthly > 0 and month >= first_month and month not in seen_month:
            seen_month.add(month)
            kept.add(name)
    return kept


def apply(folder: Path, *, today: date, daily: int, weekly: int, monthly: int,
          protect: str | Iterable[str] | None = None) -> list[str]:
    """Delete from `folder` the whole backups the rule does not keep; return their names, oldest first.

    Only folders named like a backup and holding a manifest are considered: anything else in the folder (a
    partial run, a file someone put there) is left alone.
    """
    names = complete_backups(folder)
    kept = keep(((name, started_at(name)) for name in names), today=today, daily=daily, weekly=weekly,
                monthly=monthly, protect=protect)
    removed = [name for name in names if name not in kept]
    for name in removed:
        remove(folder / name)
    return removed
