"""`flask sections …`: the mandatory set and a site's sections from a shell (audited like the pages)."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from core.extensions import db
from core.sections.models import KINDS
from core.sections.operations import SectionError, add_section, sync_mandatory_sections
from core.sections.queries import items_by_section, site_sections
from tenants.provisioning import ProvisioningError, get_tenant
from tenants.scoping import activate_tenant, crosses_tenants

sections_cli = AppGroup("sections", help="The mandatory section set and each site's sections.")


@sections_cli.command("sync")
def sync() -> None:
    """Bring every site's mandatory sections in step with the platform's set."""
    added, totals = sync_mandatory_sections()
    db.session.commit()
    click.echo(f"mandatory set: {added} defaults added; sites: {totals['added']} sections added, "
               f"{totals['updated']} updated, {totals['released']} released")


def _site(slug: str):
    try:
        return get_tenant(slug)
    except ProvisioningError as error:
        raise click.ClickException(error.message) from None


@sections_cli.command("list")
@click.argument("slug")
@crosses_tenants("the command works on the site its argument names")
def list_sections(slug: str) -> None:
    """A site's sections in navigation order, with item counts; empty ones are flagged."""
    tenant = _site(slug)
    with activate_tenant(tenant.id):
        counts = items_by_section()
        for s in site_sections():
            mark = "mandatory  " if s.is_mandatory else "specialized"
            empty = "  EMPTY (placeholder)" if s.kind not in ("single_page", "external_link") \
                and not counts.get(s.id) else ""
            click.echo(f"{s.id:>5} {mark} {s.kind:<15} {s.slug:<16} {s.name_zh} / {s.name_en}  "
                       f"items={counts.get(s.id, 0)}{empty}")


@sections_cli.command("add")
@click.argument("slug")
@click.option("--section-slug", required=True)
@click.option("--name-zh", required=True)
@click.option("--name-en", required=True)
@click.option("--kind", type=click.Choice(KINDS), default="article_list", show_default=True)
@click.option("--parent", "parent_slug", help="Nest under this section.")
@click.option("--homepage-priority", type=int, help="Show on the homepage; lower comes first.")
@click.option("--external-url", default="", help="For an external link: its http(s) address.")
@crosses_tenants("the command works on the site its argument names")
def add(slug, section_slug, name_zh, name_en, kind, parent_slug, homepage_priority, external_url) -> None:
    """Add a specialized section to a site."""
    tenant = _site(slug)
    with activate_tenant(tenant.id):
        parent_id = None
        if parent_slug:
            parent = next((s for s in site_sections() if s.slug == parent_slug), None)
            if parent is None:
                raise click.ClickException(f"no section '{parent_slug}' on {slug}")
            parent_id = parent.id
        try:
            section = add_section(name_zh=name_zh, name_en=name_en, slug=section_slug, kind=kind,
                                  parent_id=parent_id, homepage_priority=homepage_priority, external_url=external_url)
        except SectionError as error:
            db.session.rollback()
            raise click.ClickException(error.message) from None
        db.session.commit()
        click.echo(f"added {section.slug} to {slug}")


def init_app(app: Flask) -> None:
    app.cli.add_command(sections_cli)
