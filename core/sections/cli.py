"""`flask sections …`: the mandatory set and a site's sections from a shell."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import func, select

from core.content.models import Article
from core.extensions import db
from core.sections.models import KINDS
from core.sections.operations import SectionError, add_section, ensure_mandatory_set, site_sections, sync_all_tenants
from tenants.provisioning import ProvisioningError, get_tenant
from tenants.scoping import activate_tenant

sections_cli = AppGroup("sections", help="The mandatory section set and each site's sections.")


@sections_cli.command("sync")
def sync() -> None:
    """Bring every site's mandatory sections in step with the platform's set."""
    added = ensure_mandatory_set()
    totals = sync_all_tenants()
    db.session.commit()
    click.echo(f"mandatory set: {added} defaults added; sites: {totals['added']} sections added, "
               f"{totals['updated']} updated, {totals['released']} released")


@sections_cli.command("list")
@click.argument("slug")
def list_sections(slug: str) -> None:
    """A site's sections in navigation order, with item counts; empty ones are flagged."""
    try:
        tenant = get_tenant(slug)
    except ProvisioningError as error:
        raise click.ClickException(str(error)) from None
    with activate_tenant(tenant.id):
        counts = dict(db.session.execute(select(Article.section_id, func.count()).group_by(Article.section_id)).all())
        for s in site_sections():
            mark = "mandatory  " if s.is_mandatory else "specialized"
            empty = "  EMPTY (placeholder)" if s.kind not in ("single_page", "external_link") and not counts.get(s.id) else ""
            click.echo(f"{s.id:>5} {mark} {s.kind:<15} {s.slug:<16} {s.name_zh} / {s.name_en}  items={counts.get(s.id, 0)}{empty}")


@sections_cli.command("add")
@click.argument("slug")
@click.option("--section-slug", required=True)
@click.option("--name-zh", required=True)
@click.option("--name-en", required=True)
@click.option("--kind", type=click.Choice(KINDS), default="article_list", show_default=True)
@click.option("--parent", "parent_slug", help="Nest under this section.")
@click.option("--homepage-priority", type=int, help="Show on the homepage; lower comes first.")
def add(slug, section_slug, name_zh, name_en, kind, parent_slug, homepage_priority) -> None:
    """Add a specialized section to a site."""
    try:
        tenant = get_tenant(slug)
    except ProvisioningError as error:
        raise click.ClickException(str(error)) from None
    with activate_tenant(tenant.id):
        parent_id = None
        if parent_slug:
            parent = next((s for s in site_sections() if s.slug == parent_slug), None)
            if parent is None:
                raise click.ClickException(f"no section '{parent_slug}' on {slug}")
            parent_id = parent.id
        try:
            section = add_section(name_zh=name_zh, name_en=name_en, slug=section_slug, kind=kind,
                                  parent_id=parent_id, homepage_priority=homepage_priority)
        except SectionError as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from None
        db.session.commit()
        click.echo(f"added {section.slug} to {slug}")


def init_app(app: Flask) -> None:
    app.cli.add_command(sections_cli)
