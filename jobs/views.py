"""The console's page of job runs: the schedule, the scheduler's lease, and every run, newest first."""
from __future__ import annotations

from flask import Blueprint, current_app, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.extensions import db
from core.timeutil import now
from core.web import add_menu_item, page_number, route
from jobs.lease import current_lease
from jobs.models import JobRun
from jobs.registry import JOBS, ScheduleError, effective_schedules
from jobs.summary import describe
from themes import render_page

bp = Blueprint("jobs", __name__, template_folder="templates")
PER_PAGE = 50
JOB_OUTCOMES = {"running": _l("Running"), "success": _l("Success"), "partial": _l("Partial"),
                "failure": _l("Failure")}


@route(bp, "/platform/jobs", permission="platform.view", host="platform")
def platform_runs():
    """Every job run, newest first; the schedule and the scheduler's lease above them."""
    page = page_number()
    job = request.args.get("job", "").strip()
    outcome = request.args.get("outcome", "")
    outcome = outcome if outcome in JOB_OUTCOMES else ""
    query = select(JobRun)
    if job:
        query = query.where(JobRun.job_id == job)
    if outcome:
        query = query.where(JobRun.outcome == outcome)
    pagination = db.paginate(query.order_by(JobRun.id.desc()), page=page, per_page=PER_PAGE, error_out=False)
    try:
        schedules, schedule_error = effective_schedules(current_app.config), ""
    except ScheduleError as error:
        schedules, schedule_error = [], str(error)
    known = sorted({s.job.id for s in schedules} | set(db.session.execute(select(JobRun.job_id).distinct()).scalars()))
    lease = current_lease()
    return render_page("jobs/platform_runs.html", pagination=pagination, job=job, outcome=outcome, job_ids=known,
                       outcomes=JOB_OUTCOMES, schedules=schedules, schedule_error=schedule_error,
                       job_title=job_title, run_summary=lambda run: describe(run.job_id, run.summary),
                       lease=lease if lease is not None and lease.expires_at > now() else None)


def job_title(job_id: str) -> str:
    """A job's name on the console: its title, or its id when it was declared without one (or no longer exists)."""
    job = JOBS.get(job_id)
    return str(job.title) if job is not None and job.title is not None else job_id


def init_app(app) -> None:
    app.register_blueprint(bp)
    add_menu_item(app, "platform", "jobs.platform_runs", _l("Job runs"), "platform.view", order=80)
