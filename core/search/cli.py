"""`flask search reindex`: rebuild every site's search entries (after an upgrade that changed how text is cut,
or to repair)."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from rich.progress import Progress

from core.extensions import db

search_cli = AppGroup("search", help="Site and city search.")


@search_cli.command("reindex")
@click.option("--if-empty", is_flag=True, help="Only when no site has any entry yet (a database from before search: "
                                                "scripts/serve uses this).")
def reindex(if_empty: bool) -> None:
    """Write every site's search entries again from their articles, service items and letters."""
    from core.search.indexing import any_entries
    from core.search.operations import rebuild_index
    from tenants.models import Tenant

    if if_empty and any_entries():
        click.echo("search entries kept: the sites have theirs")
        return
    sites = db.session.execute(db.select(db.func.count()).select_from(Tenant)).scalar_one()
    with Progress() as bar:
        task = bar.add_task("search entries", total=sites)
        total = rebuild_index(lambda slug: bar.update(task, advance=1, description=f"search entries: {slug}"))
    db.session.commit()
    click.echo(f"{total} search entries written for {sites} sites")


def init_app(app: Flask) -> None:
    app.cli.add_command(search_cli)
