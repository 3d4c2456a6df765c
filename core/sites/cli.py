"""`flask tenants …`: what the information bureau's operators do from a shell, audited like the console."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.extensions import db
from tenants.models import BANNERS, KINDS, PALETTE, Tenant
from core.sites.operations import (add_site_domain, create_site, remove_site_domain, resume_site, suspend_site,
                                   update_site_settings)
from tenants.provisioning import ProvisioningError, get_tenant

tenants_cli = AppGroup("tenants", help="Create, list, suspend and resume sites; manage their domains.")


def _fail(error: ProvisioningError) -> None:
    db.session.rollback()
    for field, message in error.problems.items():
        click.echo(f"error: {field}: {message}", err=True)
    raise SystemExit(2)


@tenants_cli.command("list")
@click.option("--status", type=click.Choice(["active", "suspended"]), help="Only sites in this state.")
def list_tenants(status: str | None) -> None:
    """List every site with its domains."""
    query = select(Tenant).options(selectinload(Tenant.domains)).order_by(Tenant.id)
    if status:
        query = query.where(Tenant.status == status)
    for t in db.session.execute(query).scalars():
        aliases = f" (aliases: {', '.join(t.aliases)})" if t.aliases else ""
        click.echo(f"{t.slug:<12} {t.status:<10} {t.kind:<11} {t.primary_domain}{aliases}  {t.name_zh} / {t.name_en}")


@tenants_cli.command("create")
@click.option("--slug", required=True, help="Short name, also the default host label.")
@click.option("--name-zh", required=True, help="Chinese name.")
@click.option("--name-en", required=True, help="English name.")
@click.option("--kind", type=click.Choice(KINDS), default="department", show_default=True)
@click.option("--domain", help="Primary domain; default <slug>.<BASE_DOMAIN>.")
@click.option("--alias", "aliases", multiple=True, help="An alias domain (repeatable).")
@click.option("--group", "group_key", help="Portal group key.")
@click.option("--window/--no-window", default=False, help="A window department (licensing at the service window).")
@click.option("--accent", type=click.Choice(list(PALETTE)), default="red", show_default=True)
def create(slug, name_zh, name_en, kind, domain, aliases, group_key, window, accent) -> None:
    """Create a site with the mandatory sections."""
    try:
        tenant = create_site(slug=slug, name_zh=name_zh, name_en=name_en, kind=kind, domain=domain,
                               aliases=list(aliases), group_key=group_key, is_window_department=window, accent=accent)
    except ProvisioningError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"created {tenant.slug} at {tenant.primary_domain}")


def _change(slug: str, action) -> Tenant:
    try:
        tenant = get_tenant(slug)
        action(tenant)
    except ProvisioningError as error:
        _fail(error)
    db.session.commit()
    return tenant


@tenants_cli.command("suspend")
@click.argument("slug")
@click.option("--reason", default="", help="Why, for the record.")
def suspend(slug: str, reason: str) -> None:
    """Show the maintenance page instead of the site (its admin stays reachable)."""
    _change(slug, lambda t: suspend_site(t, reason))
    click.echo(f"suspended {slug}")


@tenants_cli.command("resume")
@click.argument("slug")
def resume(slug: str) -> None:
    """Bring a suspended site back."""
    _change(slug, resume_site)
    click.echo(f"resumed {slug}")


@tenants_cli.command("add-domain")
@click.argument("slug")
@click.argument("hostname")
@click.option("--primary", is_flag=True, help="Make it the primary domain; the old one becomes an alias.")
def add_domain_cmd(slug: str, hostname: str, primary: bool) -> None:
    """Add a domain to a site."""
    _change(slug, lambda t: add_site_domain(t, hostname, primary=primary))
    click.echo(f"{hostname} now serves {slug}")


@tenants_cli.command("remove-domain")
@click.argument("slug")
@click.argument("hostname")
def remove_domain_cmd(slug: str, hostname: str) -> None:
    """Remove an alias domain from a site."""
    _change(slug, lambda t: remove_site_domain(t, hostname))
    click.echo(f"{hostname} removed from {slug}")


@tenants_cli.command("set")
@click.argument("slug")
@click.option("--accent", type=click.Choice(list(PALETTE)))
@click.option("--banner", type=click.Choice(BANNERS))
@click.option("--phone")
@click.option("--address-zh")
@click.option("--address-en")
@click.option("--icp-record")
@click.option("--psb-record")
@click.option("--site-code")
@click.option("--window/--no-window", default=None)
def set_options(slug: str, window, **options) -> None:
    """Change a site's footer, contact or theme options."""
    fields = {k: v for k, v in options.items() if v is not None}
    if window is not None:
        fields["is_window_department"] = window
    _change(slug, lambda t: update_site_settings(t, **fields))
    click.echo(f"updated {slug}")


@tenants_cli.command("set-logo")
@click.argument("slug")
@click.argument("image", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--clear", is_flag=True, help="Go back to the platform's emblem.")
def set_logo_cmd(slug: str, image: Path | None, clear: bool) -> None:
    """Give a site its own logo in the masthead (PNG, JPEG or GIF)."""
    if clear:
        _change(slug, lambda t: update_site_settings(t, logo_filename=None))
    elif image is None:
        raise click.UsageError("give an image file or --clear")
    else:
        _change(slug, lambda t: update_site_settings(t, logo=(image.name, image.read_bytes())))
    click.echo(f"logo of {slug} updated")


def init_app(app: Flask) -> None:
    app.cli.add_command(tenants_cli)
