"""The console's backup page: every backup with its size, state, verification and copy; "Back up now", "Verify now".

The buttons do not back up inside the web request: a backup of a big city
takes many minutes, longer than a request may live, and its tools and folders
(pg_dump of the server's version, BACKUP_FOLDER, the second location's mount)
are set up on the host that runs the scheduler, not necessarily on every web
host. A button records a request (`BackupRequest`); the scheduler's
`backups.requested` job, every minute, takes it up and runs the nightly or the
verify job, recorded and shown with its progress like any run. Without a
running scheduler the request waits, and the page says so (and how to run it
on the server by hand). A background thread in the web worker was the other
choice, and was left: the worker may be recycled mid-run, and two workers or
hosts could start two backups at once.

Backups cannot be downloaded here: they hold every site's data, citizens'
personal information included; they are read on the server only.
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SubmitField

from core.backups import labels
from core.backups.alerts import MISSING_AFTER_HOURS
from core.backups.operations import request_run
from core.backups.queries import backups_page, last_runs, last_success, newest_good_backup, waiting_requests
from core.extensions import db
from core.forms import Form, submitted
from core.timeutil import now
from core.web import add_menu_item, route
from jobs.lease import scheduler_running
from jobs.registry import JOBS
from jobs.summary import describe
from themes import render_page

bp = Blueprint("backups", __name__, template_folder="templates")


class BackupNowForm(Form):
    submit = SubmitField(_l("Back up now"))


class VerifyNowForm(Form):
    submit = SubmitField(_l("Verify now"))


@route(bp, "/platform/backups", permission="platform.view", host="platform")
def platform_index():
    """The backups, newest first, with what the platform administrators need to trust them."""
    moment = now()
    newest = newest_good_backup()
    last = last_success()
    config = current_app.config
    rows = backups_page()
    return render_page(
        "backups/platform_index.html", backups=rows, newest=newest, last_success=last,
        missing=last is None or (moment - last).total_seconds() > MISSING_AFTER_HOURS * 3600,
        missing_hours=MISSING_AFTER_HOURS, runs=last_runs(), requests=waiting_requests(),
        scheduler=scheduler_running(moment), labels=labels, job_title=_job_title,
        run_summary=lambda run: describe(run.job_id, run.summary),
        problems={b.id: labels.stored_problems(b.verify_problems) for b in rows if b.verify_problems},
        folder=config["BACKUP_FOLDER"], copy_folder=config.get("BACKUP_COPY_FOLDER") or "",
        keep=(config["BACKUP_KEEP_DAILY"], config["BACKUP_KEEP_WEEKLY"], config["BACKUP_KEEP_MONTHLY"]),
        backup_form=BackupNowForm(), verify_form=VerifyNowForm())


def _job_title(job_id: str) -> str:
    job = JOBS.get(job_id)
    return str(job.title) if job is not None and job.title is not None else job_id


def _request(action: str, form: Form):
    submitted(form)
    request_run(action, user=current_user, now=now())
    db.session.commit()
    if scheduler_running(now()):
        flash(str(_l("Asked for: the scheduler starts it within a minute. This page shows its progress.")),
              "success")
    else:
        flash(str(_l("Asked for, but no scheduler is running: it starts when one does. To run it at once, use the "
                     "command on the server (see below).")), "warning")
    return redirect(url_for("backups.platform_index"))


@route(bp, "/platform/backups/back-up-now", permission="platform.manage", host="platform", methods=("POST",))
def back_up_now():
    return _request("backup", BackupNowForm())


@route(bp, "/platform/backups/verify-now", permission="platform.manage", host="platform", methods=("POST",))
def verify_now():
    return _request("verify", VerifyNowForm())


def init_app(app) -> None:
    app.register_blueprint(bp)
    add_menu_item(app, "platform", "backups.platform_index", _l("Backups"), "platform.view", order=85)
