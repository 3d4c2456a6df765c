"""`flask backup …`: the commands of full backups and of per-site archives share this one group.

Full backups: ``create``, ``list``, ``verify [NAME]``, ``restore NAME [--yes]``. Create and verify run as
recorded runs of their jobs (a progress bar here, the same figures on the console's pages); the shell speaks
English, as the rest of the `flask` commands do.
"""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from core.extensions import db

backup_cli = AppGroup("backup", help="Backups: create, list, verify and restore full backups; export and import "
                                     "one site.")


def _run(job_id: str) -> None:
    from jobs.runs import run_job
    from jobs.summary import describe

    run = run_job(job_id, echo=True)
    with force_locale("en"):
        summary = describe(run.job_id, run.summary)
    click.echo(f"{job_id}: {run.outcome} in {run.seconds:.1f}s" + (f": {summary}" if summary else ""))
    if run.outcome != "success":
        click.echo(_last_error(run.error), err=True)
        raise SystemExit(1)


def _last_error(traceback_text: str) -> str:
    """The reason a run failed: the last line of its traceback, without the exception's module and class."""
    lines = [line for line in traceback_text.strip().splitlines() if line.strip()]
    last = lines[-1] if lines else ""
    return last.split(": ", 1)[1] if last.startswith(("core.backups.", "OSError", "PermissionError")) and ": " in last \
        else last


@backup_cli.command("create")
def create() -> None:
    """Make a full backup now (database and uploaded files), as the nightly job does; exit 1 when it failed."""
    from core.backups.runner import TRIGGER

    token = TRIGGER.set("hand")
    try:
        _run("backups.nightly")
    finally:
        TRIGGER.reset(token)


@backup_cli.command("list")
def list_backups() -> None:
    """Every backup on record, newest first: state, size, verify result, copy."""
    from core.backups import labels, layout, operations
    from core.backups.errors import BackupError
    from core.backups.queries import backups_page
    from core.backups.runner import second_or_none, locked, size_words
    from core.timeutil import now

    folder = layout.backup_folder()
    try:
        with locked(folder, wait=0):  # no backup running: a "running" row is one whose process died
            operations.reconcile_records(folder, now=now(), copy_folder=second_or_none())
    except BackupError:
        operations.reconcile_records(folder, now=now(), copy_folder=second_or_none(), close_running=False)
    db.session.commit()
    rows = backups_page(1000)
    click.echo(f"backup folder: {current_app.config['BACKUP_FOLDER']}")
    if current_app.config.get("BACKUP_COPY_FOLDER"):
        click.echo(f"second location: {current_app.config['BACKUP_COPY_FOLDER']}")
    if not rows:
        click.echo("no backups yet (make one with `flask backup create`)")
        return
    with force_locale("en"):
        table = [("name", "database", "state", "size", "verify", "copy")]
        for b in rows:
            verify = str(labels.VERIFY[b.verify_result])
            if b.verified_at:
                verify += f" ({b.verified_at:%Y-%m-%d %H:%M})"
            table.append((b.name, labels.KIND.get(b.kind, b.kind), str(labels.STATUS[b.status]),
                          size_words(b.size_bytes) if b.size_bytes else "—", verify,
                          str(labels.COPY[b.copy_state])))
        widths = [max(len(row[i]) for row in table) for i in range(5)]
        for row in table:
            click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[5])
        for b in rows:
            if b.status == "failed" and b.failure:
                click.echo(f"{b.name} failed: {labels.failure_words(b.failure)}")


@backup_cli.command("verify")
@click.argument("name", required=False)
def verify(name: str | None) -> None:
    """Restore a backup (the newest, or NAME) into a scratch database and compare it with its manifest.

    Exits with status 1 when something differs (each difference is printed) or the verify could not run.
    """
    from core.backups import labels
    from core.backups.queries import backup_named
    from core.backups.runner import TARGET

    token = TARGET.set(name)
    try:
        _run("backups.verify")
    except SystemExit:
        with force_locale("en"):
            from core.backups.queries import backups_page

            shown = backup_named(name) if name else next((b for b in backups_page(50) if b.verified_at), None)
            problems, count = labels.stored_problems(shown.verify_problems) if shown else ([], 0)
            for problem in problems:
                click.echo(f"  {labels.problem_words(problem)}", err=True)
            if count > len(problems):
                click.echo(f"  … and {count - len(problems)} more", err=True)
        raise
    finally:
        TARGET.reset(token)


@backup_cli.command("restore")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore(name: str, yes: bool) -> None:
    """Replace the database and the uploaded files with the backup NAME (see `flask backup list`).

    Stop the web server and the scheduler first: nothing else may use the database while it is replaced.
    A backup of an older schema is restored as it is; run `flask db upgrade` afterwards.
    """
    from core.backups.errors import BackupError
    from core.backups.runner import restore as run_restore
    from core.timeutil import now
    from jobs.progress import reporting

    click.echo(f"This replaces the database ({_database_name()}) and every uploaded file with the backup {name}.")
    click.echo("Stop the web server and the scheduler first (SQLite: they would go on writing to the old file).")
    if not yes and not click.confirm("Restore now?"):
        raise SystemExit(1)
    try:
        with reporting(None, echo=True):
            result = run_restore(name, now=now())
    except BackupError as error:
        with force_locale("en"):
            click.echo(f"Not restored: {error.words()}", err=True)
        raise SystemExit(1) from None
    click.echo(f"Restored {result['name']} (schema revision {result['revision']}).")
    if result["kept_database"]:
        click.echo(f"The previous database file is kept as {result['kept_database']}: delete it once all is well.")
    if result["kept_uploads"]:
        click.echo(f"The previous uploaded files are kept in {result['kept_uploads']}: delete them once all is well.")
    if result["revision"] != result["head"]:
        click.echo(f"The backup's schema is older than this code's ({result['head']}): run `flask db upgrade` now.")
    click.echo("Then start the web server and the scheduler again.")


def _database_name() -> str:
    from sqlalchemy.engine import make_url

    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    return url.render_as_string(hide_password=True)


def init_app(app) -> None:
    app.cli.add_command(backup_cli)
