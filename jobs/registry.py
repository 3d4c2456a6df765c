"""Declaring jobs: `@scheduled`, the triggers `every` and `cron`, and the one registry.

A trigger is spelled the same way in code and in configuration, so that
`flask jobs list` prints what an operator would write: ``every 30s``,
``every 5m``, ``every 1h30m``, ``every 1d``, or ``cron 0 2 * * *`` (minute,
hour, day of month, month, day of week, in the city's time zone).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext, lazy_gettext as _l, ngettext

from core.timeutil import CITY_TZ


class ScheduleError(ValueError):
    """A schedule, an override or a job id that cannot be used."""


_UNITS = (("d", 86400), ("h", 3600), ("m", 60), ("s", 1))
_EVERY = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")


@dataclass(frozen=True)
class Every:
    """Run every so many seconds (counted from the job's last run when a scheduler takes over)."""

    seconds: int

    def __str__(self) -> str:
        rest, parts = self.seconds, []
        for unit, size in _UNITS:
            if rest >= size:
                parts.append(f"{rest // size}{unit}")
                rest %= size
        return "every " + "".join(parts)

    def words(self) -> str:
        """The interval as people say it, in the current language: "every 1 hour 30 minutes"."""
        single = {size: unit for unit, size in _UNITS}.get(self.seconds)
        if single is not None:  # "every minute", not "every 1 minute"
            return str(_EVERY_ONE[single])
        rest, parts = self.seconds, []
        for unit, size in _UNITS:
            if rest >= size:
                parts.append(_unit_words(unit, rest // size))
                rest %= size
        return gettext("every %(interval)s", interval=" ".join(parts))

    def to_apscheduler(self):
        from apscheduler.triggers.interval import IntervalTrigger

        return IntervalTrigger(seconds=self.seconds, timezone=CITY_TZ)


@dataclass(frozen=True)
class Cron:
    """Run at the moments a five-field crontab names, in the city's time zone."""

    expression: str

    def __str__(self) -> str:
        return f"cron {self.expression}"

    def words(self) -> str:
        """The common crontabs as people say them ("every day at 02:00"); any other as the expression."""
        minute, hour, day, month, weekday = self.expression.split(" ")
        step = re.fullmatch(r"\*/(\d+)", minute)
        if step and hour == day == month == weekday == "*":
            return Every(int(step.group(1)) * 60).words()
        if not minute.isdigit() or month != "*":
            return _crontab_words(self.expression)
        if hour == "*" and day == weekday == "*":
            return gettext("every hour, at minute %(minute)s", minute=int(minute))
        if not hour.isdigit():
            return _crontab_words(self.expression)
        at = f"{int(hour):02d}:{int(minute):02d}"
        if day == "*" and weekday == "*":
            return gettext("every day at %(time)s", time=at)
        if day == "*" and weekday in ("1-5", "mon-fri"):
            return gettext("Monday to Friday at %(time)s", time=at)
        if day == "*" and weekday.isdigit() and int(weekday) in range(8):
            return gettext("every %(weekday)s at %(time)s", weekday=WEEKDAYS[int(weekday) % 7], time=at)
        if day.isdigit() and weekday == "*":
            return gettext("on day %(day)s of every month at %(time)s", day=int(day), time=at)
        return _crontab_words(self.expression)

    def to_apscheduler(self):
        from apscheduler.triggers.cron import CronTrigger

        return CronTrigger.from_crontab(self.expression, timezone=CITY_TZ)


Trigger = Every | Cron

#: Crontab's day-of-week numbers (0 and 7 are Sunday).
WEEKDAYS = (_l("Sunday"), _l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"),
            _l("Saturday"))


_EVERY_ONE = {"d": _l("every day"), "h": _l("every hour"), "m": _l("every minute"), "s": _l("every second")}


def _unit_words(unit: str, n: int) -> str:
    if unit == "d":
        return ngettext("%(num)s day", "%(num)s days", n)
    if unit == "h":
        return ngettext("%(num)s hour", "%(num)s hours", n)
    if unit == "m":
        return ngettext("%(num)s minute", "%(num)s minutes", n)
    return ngettext("%(num)s second", "%(num)s seconds", n)


def _crontab_words(expression: str) -> str:
    return gettext("on the crontab schedule “%(expression)s” (minute, hour, day, month, weekday; city time)",
                   expression=expression)


def every(*, days: int = 0, hours: int = 0, minutes: int = 0, seconds: int = 0) -> Every:
    """An interval trigger: ``every(minutes=5)``."""
    total = days * 86400 + hours * 3600 + minutes * 60 + seconds
    if total < 1:
        raise ScheduleError("an interval must be at least one second")
    return Every(total)


def cron(expression: str) -> Cron:
    """A crontab trigger: ``cron("0 2 * * *")`` is every day at 02:00, city time."""
    expression = " ".join(expression.split())
    if len(expression.split(" ")) != 5:
        raise ScheduleError(f"'{expression}' is not a five-field crontab (minute hour day month day-of-week)")
    try:
        Cron(expression).to_apscheduler()
    except ValueError as error:
        raise ScheduleError(f"'{expression}' is not a valid crontab: {error}") from None
    return Cron(expression)


def parse_trigger(text: str) -> Trigger:
    """Read ``every 30s`` / ``every 1h30m`` / ``cron 0 2 * * *``."""
    kind, _, rest = text.strip().partition(" ")
    rest = rest.strip()
    if kind == "every":
        match = _EVERY.match(rest.replace(" ", ""))
        if not rest or not match:
            raise ScheduleError(f"'{text.strip()}': write every 30s, every 5m, every 2h, every 1d or every 1h30m")
        days, hours, minutes, seconds = (int(part or 0) for part in match.groups())
        return every(days=days, hours=hours, minutes=minutes, seconds=seconds)
    if kind == "cron":
        return cron(rest)
    raise ScheduleError(f"'{text.strip()}': a schedule starts with 'every' or 'cron'")


@dataclass(frozen=True)
class Job:
    id: str
    fn: Callable[..., Any]
    trigger: Trigger
    #: What the console calls the job and says it does (lazy strings: translated when shown).
    title: Any = None
    description: Any = None
    #: How one result reads, with the result's counts as its parameters: ``_l("%(ended)s logins ended")``.
    summary: Any = None


#: Every declared job by id. Filled as each module's init_app imports its `jobs.py`.
JOBS: dict[str, Job] = {}
_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")


def scheduled(*, id: str, trigger: Trigger, title=None, description=None, summary=None):
    """Declare a job next to its function: ``@scheduled(id="area.verb", trigger=every(minutes=5), title=_l(…))``.

    The function is called as ``fn(now=<the run's start, city time>)`` and
    returns None, its counts as a dict (``{"ended": 3}``, worded by `summary`
    in the reader's language when the run is shown), or a `SiteLoopResult` of
    such dicts. `title` and `description` name the job on the console.
    """
    if not _ID.match(id):
        raise ScheduleError(f"job id '{id}': use lower-case dotted words, e.g. sessions.end_idle")
    if not isinstance(trigger, (Every, Cron)):
        raise ScheduleError(f"job {id}: the trigger must be every(...) or cron(...)")

    def decorator(fn):
        if id in JOBS and JOBS[id].fn is not fn:
            raise ScheduleError(f"job id '{id}' is declared twice")
        JOBS[id] = Job(id, fn, trigger, title, description, summary)
        return fn

    return decorator


@dataclass(frozen=True)
class Schedule:
    """A job's schedule as configuration makes it."""

    job: Job
    trigger: Trigger
    is_overridden: bool
    is_disabled: bool


def _overrides(raw: str | Mapping[str, str] | None) -> dict[str, Trigger]:
    """Read JOB_SCHEDULES: ``"job.id=every 30s; other.id=cron 0 2 * * *"`` or a dict of the same."""
    if not raw:
        return {}
    if isinstance(raw, Mapping):
        pairs = list(raw.items())
    else:
        pairs = []
        for part in (p.strip() for p in str(raw).split(";")):
            if not part:
                continue
            job_id, sep, spec = part.partition("=")
            if not sep:
                raise ScheduleError(f"JOB_SCHEDULES: '{part}' is not job.id=schedule")
            pairs.append((job_id, spec))
    return {job_id.strip(): parse_trigger(spec) for job_id, spec in pairs}


def effective_schedules(config: Mapping[str, Any]) -> list[Schedule]:
    """Every job with the trigger it runs on and whether it is disabled, by id.

    :raises ScheduleError: when JOB_SCHEDULES cannot be read or either key names
        a job that does not exist (a typo must not go unnoticed).
    """
    load_jobs()
    overrides = _overrides(config.get("JOB_SCHEDULES"))
    disabled = {str(i).strip() for i in config.get("JOBS_DISABLED") or () if str(i).strip()}
    unknown = sorted((set(overrides) | disabled) - set(JOBS))
    if unknown:
        raise ScheduleError(f"JOB_SCHEDULES / JOBS_DISABLED name unknown jobs: {', '.join(unknown)} "
                            f"(known: {', '.join(sorted(JOBS))})")
    return [Schedule(job, overrides.get(job.id, job.trigger), job.id in overrides, job.id in disabled)
            for job in sorted(JOBS.values(), key=lambda j: j.id)]


def load_jobs() -> dict[str, Job]:
    """Every declared job by id: those of the modules `create_app` wired in (their init_app imports their jobs)."""
    return JOBS



def catch_up_time(trigger: Trigger, last_started: datetime | None, now: datetime) -> datetime | None:
    """When a scheduler taking over should first run a job, given its last recorded run (naive city times).

    A run that fell due while no scheduler was running (a failover, a
    restart) is made up at once, and only once however many were missed; an
    interval job keeps its cadence. None: no run recorded yet, so the
    trigger's own next time applies.
    """
    if last_started is None:
        return None
    if isinstance(trigger, Every):
        due = last_started + timedelta(seconds=trigger.seconds)
    else:
        after = (last_started + timedelta(microseconds=1)).replace(tzinfo=CITY_TZ)
        fire = trigger.to_apscheduler().get_next_fire_time(None, after)
        due = fire.astimezone(CITY_TZ).replace(tzinfo=None)
    return max(due, now) if isinstance(trigger, Every) or due <= now else None
