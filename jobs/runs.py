"""Running a job and recording the run: the same path for the scheduler and for `run-once`."""
from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from core.extensions import db
from core.timeutil import CITY_TZ
from jobs.models import MANUAL, JobRun
from jobs.progress import reporting
from jobs.registry import JOBS, ScheduleError, load_jobs
from jobs.sites import SiteLoopResult
from jobs.summary import store

log = logging.getLogger("govsites.jobs")
ERROR_LIMIT = 20000


def clock() -> datetime:
    """The city's wall-clock time, naive like every stored timestamp, to the microsecond."""
    return datetime.now(CITY_TZ).replace(tzinfo=None)


#: Called with each finished run whose outcome is "failure" or "partial", after it is committed: a feature
#: above the jobs layer (the inbox) adds the alert that tells the platform's administrators.
FAILURE_HOOKS: list[Callable[[JobRun], None]] = []


def run_job(job_id: str, *, holder: str = MANUAL, now: datetime | None = None, echo: bool = False) -> JobRun:
    """Run one job now and record it: a row at the start, its outcome at the end.

    The job's own work is committed when it returns and rolled back when it
    raises; the run's row is committed either way. A run that failed (or failed
    for some sites) is passed to every `FAILURE_HOOKS` entry. `echo` draws the
    run's progress (jobs.progress) on the terminal. Needs an app context.

    :raises ScheduleError: when no job has this id.
    """
    job = load_jobs().get(job_id)
    if job is None:
        raise ScheduleError(f"no job '{job_id}' (known: {', '.join(sorted(JOBS))})")
    db.session.rollback()  # whatever the caller left open is not part of this run
    started_at, began = now or clock(), time.monotonic()
    run = JobRun(job_id=job_id, started_at=started_at, outcome="running", holder=holder)
    db.session.add(run)
    db.session.commit()
    run_id = run.id
    outcome, summary, error = "success", "", ""
    try:
        with reporting(run_id, echo=echo):
            value = job.fn(now=started_at)
        db.session.commit()
    except Exception:
        db.session.rollback()
        outcome, error = "failure", traceback.format_exc()
        log.exception("job %s failed", job_id)
    else:
        if isinstance(value, SiteLoopResult):
            outcome, error = value.outcome, value.error
        summary = store(value)
    # Measured, not read from the clock again, so a run with a fixed clock has its real duration.
    finished_at = started_at + timedelta(seconds=time.monotonic() - began)
    db.session.execute(update(JobRun).where(JobRun.id == run_id).values(
        finished_at=finished_at, outcome=outcome, summary=summary, error=error[-ERROR_LIMIT:]))
    db.session.commit()
    if outcome in ("failure", "partial"):
        for hook in FAILURE_HOOKS:
            try:
                hook(db.session.get(JobRun, run_id))
                db.session.commit()
            except Exception:  # an alert that cannot be sent must not hide the run's own outcome
                db.session.rollback()
                log.exception("the alert on the failed run %s of job %s was not sent", run_id, job_id)
    finished = db.session.get(JobRun, run_id, populate_existing=True)
    log.info("job %s: %s %s", job_id, outcome, summary)
    return finished


def close_interrupted_runs(*, holder: str, now: datetime) -> int:
    """Mark as failed the runs other schedulers left unfinished; return how many.

    Called by a scheduler that has just taken the lease: the previous holder
    died during those runs (its lease expired). Manual runs are left alone.
    """
    result = db.session.execute(
        update(JobRun).where(JobRun.finished_at.is_(None), JobRun.holder != holder, JobRun.holder != MANUAL)
        .values(finished_at=now, outcome="failure",
                error="Interrupted: the scheduler running this job stopped before it finished.")
    )
    db.session.commit()
    return result.rowcount or 0


def last_started() -> dict[str, datetime]:
    """When each job last started (any holder, by hand included), by job id."""
    rows = db.session.execute(select(JobRun.job_id, func.max(JobRun.started_at)).group_by(JobRun.job_id)).all()
    return dict(rows)
