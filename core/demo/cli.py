"""`flask demo load`: the demo city, idempotent."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from core.timeutil import now

demo_cli = AppGroup("demo", help="The demo city.")


@demo_cli.command("load")
@click.option("--scale", type=int, default=1, show_default=True, help="Copies of the catalog (load tests).")
@click.option("--news-per-site", type=int, default=120, show_default=True, help="Work news items per site.")
def load(scale: int, news_per_site: int) -> None:
    """Create every catalog site with months of content; run again to bring sites in step."""
    from core.demo.loader import load_city

    totals = load_city(today=now().date(), seed=current_app.config["DEMO_SEED"], scale=scale,
                       news_per_site=news_per_site, echo=lambda line: None)
    click.echo(f"demo city: {totals['sites_created']} sites created, {totals['sites_updated']} brought in step, "
               f"{totals['articles']} articles written")


def init_app(app: Flask) -> None:
    app.cli.add_command(demo_cli)
