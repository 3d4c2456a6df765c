"""`flask articles …`: publishing from a shell until the workflow's admin pages exist."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from core.content.files import ContentError, Upload
from core.content.operations import create_article
from core.extensions import db
from core.sections.models import POLICY_LEVELS
from core.sections.queries import site_sections
from tenants.provisioning import ProvisioningError, get_tenant
from tenants.scoping import activate_tenant, crosses_tenants

articles_cli = AppGroup("articles", help="Create articles on a site.")


@articles_cli.command("create")
@click.argument("slug")
@click.option("--section", "section_slug", required=True, help="The section's address name, e.g. news.")
@click.option("--title", required=True)
@click.option("--body-file", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="HTML body; it is sanitised.")
@click.option("--summary", default="")
@click.option("--source", default="")
@click.option("--author", default="")
@click.option("--published-at", type=click.DateTime(["%Y-%m-%d %H:%M", "%Y-%m-%d"]), help="Default: now.")
@click.option("--attach", "attachments", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--policy-level", type=click.Choice(POLICY_LEVELS))
@click.option("--document-number", default="")
@click.option("--issuing-body", default="")
@crosses_tenants("the command works on the site its argument names")
def create(slug, section_slug, title, body_file, summary, source, author, published_at, attachments,
           policy_level, document_number, issuing_body) -> None:
    """Publish an article in one of a site's sections."""
    try:
        tenant = get_tenant(slug)
    except ProvisioningError as error:
        raise click.ClickException(error.message) from None
    with activate_tenant(tenant.id):
        section = next((s for s in site_sections() if s.slug == section_slug), None)
        if section is None:
            raise click.ClickException(f"no section '{section_slug}' on {slug}")
        try:
            article = create_article(
                section=section, title=title, body_html=body_file.read_text("utf-8") if body_file else "",
                summary=summary, source=source, author=author, published_at=published_at,
                attachments=[Upload(p.name, p.read_bytes()) for p in attachments],
                policy_level=policy_level, document_number=document_number, issuing_body=issuing_body,
            )
        except ContentError as error:
            db.session.rollback()
            raise click.ClickException(error.message) from None
        db.session.commit()
        click.echo(f"article {article.id} published in {slug}/{section_slug}")


def init_app(app: Flask) -> None:
    app.cli.add_command(articles_cli)
