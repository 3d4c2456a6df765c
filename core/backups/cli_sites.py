"""`flask backup export-site | import-site` and `flask tenants delete`: one site out, in, or gone, from a shell.

The same operations as the console's (audited on the platform's log).
"""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from core.backups.archive import archive_name
from core.backups.archive_import import LIST_LABELS, ArchiveRefused, import_site
from core.backups.archive_sites import SiteDeletionRefused, delete_site, export_site
from core.backups.cli import backup_cli
from core.content.labels import human_size
from core.extensions import db
from core.sites.cli import tenants_cli
from tenants.provisioning import ProvisioningError, get_tenant

#: The command-line option that fixes each problem of a refused import.
OPTIONS = {"slug": "--slug", "domain": "--domain", "archive": "archive"}


def _fail(problems: dict[str, str], options: dict[str, str] | None = None) -> None:
    db.session.rollback()
    for name, message in problems.items():
        click.echo(f"error: {(options or {}).get(name, name)}: {message}", err=True)
    raise SystemExit(2)


def _tenant(slug: str):
    try:
        return get_tenant(slug)
    except ProvisioningError as error:
        _fail(error.problems)


@backup_cli.command("export-site")
@click.argument("slug")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="The archive to write (default: SLUG-DATE-TIME.site.zip here).")
def export_site_command(slug: str, output: Path | None) -> None:
    """Export one site — its rows, the accounts they name, its files — as one archive.

    The archive holds the site's personal data in clear (so that it can be imported where the encryption
    keys differ): it is written readable by you only; keep it like the database.
    """
    tenant = _tenant(slug)
    output = output or Path(archive_name(tenant.slug))
    if output.exists():
        _fail({"output": f"{output} exists; name another file"})
    result = export_site(tenant, output)
    db.session.commit()
    click.echo(f"wrote {result.path} ({human_size(result.size)}): {result.total_rows} rows in "
               f"{sum(1 for n in result.rows.values() if n)} tables, {result.files} files, {result.users} accounts")
    click.echo("It holds the site's personal data in clear: keep it like the database (only you can read it).")


@backup_cli.command("import-site")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--slug", help="Import the site under this short name instead of the archive's.")
@click.option("--domain", help="Give it this domain instead of the archive's (its aliases are left out).")
def import_site_command(archive: Path, slug: str | None, domain: str | None) -> None:
    """Import a site's archive as a new site: every id new, nothing else of this deployment changed.

    Refused, with nothing written, when the archive is damaged or newer than this code, or when its
    short name or a domain is taken here (give --slug and --domain).
    """
    try:
        result = import_site(archive, slug=slug, domain=domain)
    except ArchiveRefused as error:
        _fail(error.problems, OPTIONS)
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()
    tenant = result.tenant
    click.echo(f"imported {tenant.slug} at {tenant.primary_domain}: {result.total_rows} rows, {result.files} files")
    click.echo(f"accounts: {len(result.users_created)} created, {len(result.users_linked)} already here "
               f"(their passwords unchanged)")
    if result.links_restored:
        click.echo(f"letters of other sites forwarded to or from it, linked to it again: {result.links_restored}")
    for table, name in result.platform_added:
        click.echo(f"added to the platform's list “{LIST_LABELS.get(table, table)}”: {name}")


@tenants_cli.command("delete")
@click.argument("slug")
@click.option("--yes", is_flag=True, help="Do not ask to type the short name again.")
def delete_command(slug: str, yes: bool) -> None:
    """Delete a site with all its content, letters, applications, roles, audit log and files.

    Export it first (`flask backup export-site SLUG`): nothing brings it back but its archive.
    """
    tenant = _tenant(slug)
    confirm = slug if yes else click.prompt(
        f"This deletes {tenant.slug} ({tenant.name_zh}) and everything on it. Type its short name to confirm")
    try:
        removed = delete_site(tenant, confirm_slug=confirm)
    except SiteDeletionRefused as error:
        _fail(error.problems, {"confirm_slug": "short name"})
    db.session.commit()
    click.echo(f"deleted {slug}: {sum(removed.values())} rows")


def init_app(app: Flask) -> None:
    """The commands join the `backup` and `tenants` groups, which their modules add to the app."""
