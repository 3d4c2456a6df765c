"""One clock for the whole app, so tests and jobs can fix it."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

CITY_TZ = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    """Return the city's wall-clock time, naive, as every timestamp is stored."""
    return datetime.now(CITY_TZ).replace(tzinfo=None, microsecond=0)


def day_bounds(since: date | None, until: date | None) -> tuple[datetime | None, datetime | None]:
    """The moments a filter "from day `since` through day `until`" keeps: (first moment, first moment after).

    Either end may be None (no bound). The day after `until` is where its range stops, except after the last day
    the calendar has (9999-12-31): nothing comes after it, so that range has no upper bound rather than an overflow.
    """
    start = datetime.combine(since, time()) if since is not None else None
    end = datetime.combine(until + timedelta(days=1), time()) if until is not None and until < date.max else None
    return start, end
