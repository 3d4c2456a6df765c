"""`flask jobs …`: the scheduler process, the schedule as configured, and a run by hand."""
from __future__ import annotations

import logging

import click
from flask import current_app
from flask_babel import force_locale
from flask.cli import AppGroup
from sqlalchemy import func, select

from core.extensions import db
from jobs.lease import current_lease
from jobs.models import JobRun
from jobs.registry import ScheduleError, effective_schedules
from jobs.runs import clock, run_job
from jobs.summary import describe

jobs_cli = AppGroup("jobs", help="Scheduled jobs: the scheduler process, the schedule, runs by hand.")


def _schedules():
    try:
        return effective_schedules(current_app.config)
    except ScheduleError as error:
        raise click.UsageError(str(error)) from None


@jobs_cli.command("list")
def list_jobs() -> None:
    """Every job with the schedule it runs on (from code or configuration), and its last run."""
    schedules = _schedules()
    last_ids = select(func.max(JobRun.id)).group_by(JobRun.job_id)
    last = {run.job_id: run for run in db.session.execute(select(JobRun).where(JobRun.id.in_(last_ids))).scalars()}
    rows = [("job", "schedule", "state", "last run")]
    for s in schedules:
        run = last.get(s.job.id)
        rows.append((
            s.job.id,
            f"{s.trigger}" + (" (configured)" if s.is_overridden else ""),
            "disabled" if s.is_disabled else "enabled",
            f"{run.outcome} at {run.started_at:%Y-%m-%d %H:%M:%S} ({run.holder})" if run else "never",
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[3])
    lease = current_lease()
    if lease is None or lease.expires_at < clock():
        click.echo("scheduler: no scheduler holds the lease (start one with `flask jobs run`)")
    else:
        click.echo(f"scheduler: {lease.holder}, lease until {lease.expires_at:%Y-%m-%d %H:%M:%S}")


@jobs_cli.command("run-once")
@click.argument("job_id")
def run_once(job_id: str) -> None:
    """Run one job now, by hand, recorded like a scheduled run (holder "manual").

    Exits with status 1 when the run failed or some sites failed.
    """
    known = {s.job.id: s for s in _schedules()}
    if job_id not in known:
        raise click.BadParameter(f"no job '{job_id}'; `flask jobs list` shows them", param_hint="JOB_ID")
    if known[job_id].is_disabled:
        click.echo(f"{job_id} is disabled in JOBS_DISABLED; running it by hand anyway")
    run = run_job(job_id, echo=True)
    with force_locale("en"):  # the shell speaks English, as the rest of `flask jobs` does
        summary = describe(run.job_id, run.summary)
    click.echo(f"{job_id}: {run.outcome} in {run.seconds:.2f}s" + (f": {summary}" if summary else ""))
    if run.error:
        click.echo(run.error, err=True)
    if run.outcome != "success":
        raise SystemExit(1)


@jobs_cli.command("run")
def run() -> None:
    """The scheduler process: hold the lease and run the enabled jobs while holding it.

    Start one per host (scripts/serve does); only the lease holder runs jobs,
    the others wait and take over when it stops. Stops on SIGTERM or SIGINT.
    """
    from jobs.scheduler import SchedulerProcess

    logging.basicConfig(level=logging.INFO, format="%(asctime)s [jobs] %(levelname)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    _schedules()  # a bad JOB_SCHEDULES stops the start here, with exit status 2
    SchedulerProcess(current_app._get_current_object()).run_forever()


def init_app(app) -> None:
    app.cli.add_command(jobs_cli)
