"""`flask demo load`: the demo city, idempotent."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from core.timeutil import now
from tenants.hosts import public_origin

demo_cli = AppGroup("demo", help="The demo city.")


@demo_cli.command("load")
@click.option("--scale", type=int, default=1, show_default=True, help="Copies of the catalog (load tests).")
@click.option("--news-per-site", type=int, default=120, show_default=True, help="Work news items per site.")
@click.option("--backup/--no-backup", default=True, show_default=True,
              help="Make a first full backup, and verify it, when there is none yet (the console's backup page).")
def load(scale: int, news_per_site: int, backup: bool) -> None:
    """Create every catalog site with months of content; run again to bring sites in step."""
    from core.demo.accounts import write_csv
    from core.demo.loader import load_city
    from core.demo.visits import DAYS

    accounts: list[tuple[str, str, str, str]] = []
    totals = load_city(today=now().date(), seed=current_app.config["DEMO_SEED"], scale=scale,
                       news_per_site=news_per_site, echo=lambda line: None, accounts=accounts)
    click.echo(f"demo city: {totals['sites_created']} sites created, {totals['sites_updated']} brought in step, "
               f"{totals['articles']} articles written, {totals['service_items']} service items and "
               f"{totals['applications']} applications, {totals['letters']} letters "
               f"({totals.get('letters_forwarded', 0)} forwarded between sites), {totals['consultations']} public "
               f"consultations with {totals['opinions']} opinions, {totals['disclosure_applications']} applications "
               f"for disclosure, {totals['disclosure_reports']} yearly disclosure reports, "
               f"{totals['website_reports']} yearly website reports, "
               f"{totals.get('training_materials', 0)} training materials "
               f"({totals.get('training_acknowledgements', 0)} read, {totals.get('training_delivered', 0)} delivered "
               "to inboxes), "
               f"{totals['page_views']} page views of the past {DAYS} days, "
               f"{totals.get('searches', 0)} searches counted, {totals.get('synonyms', 0)} synonym groups")
    if accounts:
        path = Path(current_app.instance_path) / current_app.config["DEMO_ACCOUNTS_FILE"]  # may be absolute
        write_csv(path, accounts)
        click.echo(f"\n{len(accounts)} new demo accounts, with their passwords, are in {path}")
        click.echo("(host, username, password, role; e.g. rsj.siteadmin for the Personnel Bureau, platform.admin for "
                   "the console). Demo accounts need no password change at the first sign-in.")
        click.echo("Sign in at /admin/login on each site's host; the platform console is at "
                   f"{public_origin(current_app.config['PLATFORM_HOST_LABEL'] + '.' + current_app.config['BASE_DOMAIN'])}"
                   "/admin/login")
        click.echo("The console's accounts (platform.admin, platform.evaluator) set up two-step login at their first "
                   "sign-in: scan the QR code with any authenticator app, or type the key shown under it; every "
                   "later sign-in asks for the app's six-digit code.")
    if backup:
        _first_backup()
    _run_security_checks()  # after the backup: a city just loaded is not "without a backup"


def _first_backup() -> None:
    """A backup and its verify, as the nightly and weekly jobs make them, when the city has no good backup yet.

    So the console's backup page shows a real backup from the start; run again, it does nothing.
    """
    from core.backups.queries import newest_good_backup
    from jobs.runs import run_job
    from jobs.summary import describe

    if newest_good_backup() is not None:
        return
    for job_id in ("backups.nightly", "backups.verify"):
        run = run_job(job_id)
        with force_locale("en"):
            said = describe(run.job_id, run.summary)
        click.echo(f"{job_id}: {run.outcome}" + (f": {said}" if said else ""))
        if run.outcome != "success":
            click.echo("(the backup page of the console says why; the demo city itself is loaded)")
            return
    click.echo(f"the first full backup is in {current_app.config['BACKUP_FOLDER']} (see /platform/backups)")


def _run_security_checks() -> None:
    """Run the daily security checks once, so the demo's findings are on the pages at once (a recorded run)."""
    from flask_babel import force_locale

    from jobs.runs import run_job
    from jobs.summary import describe

    run = run_job("security.daily")
    with force_locale("en"):
        click.echo(f"security checks: {run.outcome}: {describe(run.job_id, run.summary)}")


def init_app(app: Flask) -> None:
    app.cli.add_command(demo_cli)
