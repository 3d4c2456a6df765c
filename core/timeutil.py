"""One clock for the whole app, so tests and jobs can fix it."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

CITY_TZ = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    """Return the city's wall-clock time, naive, as every timestamp is stored."""
    return datetime.now(CITY_TZ).replace(tzinfo=None, microsecond=0)
