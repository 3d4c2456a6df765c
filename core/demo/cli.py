"""`flask demo load`: the demo city, idempotent."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from core.timeutil import now
from tenants.hosts import public_origin

demo_cli = AppGroup("demo", help="The demo city.")


@demo_cli.command("load")
@click.option("--scale", type=int, default=1, show_default=True, help="Copies of the catalog (load tests).")
@click.option("--news-per-site", type=int, default=120, show_default=True, help="Work news items per site.")
def load(scale: int, news_per_site: int) -> None:
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
               f"{totals['page_views']} page views of the past {DAYS} days")
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


def init_app(app: Flask) -> None:
    app.cli.add_command(demo_cli)
