"""`flask backup export-site | import-site` and `flask tenants delete`: one site out, in, or gone, from a shell.

The same operations as the console's (audited on the platform's log).

The passphrase that seals an archive's personal data is never an argument: a command line is read by anyone on
the machine (`ps`, the shell's history). It is typed at a hidden prompt (twice for an export), or read from
the environment (`PASSPHRASE_VARIABLE`) or from the first line of a file (`--passphrase-file`), for scripts.
"""
from __future__ import annotations

import os
from pathlib import Path

import click
from flask import Flask

from core.backups.archive import archive_name
from core.backups.archive_import import LIST_LABELS, ArchiveReader, ArchiveRefused, import_site
from core.backups.archive_sites import ExportRefused, SiteDeletionRefused, delete_site, export_site
from core.backups.cli import backup_cli
from core.content.labels import human_size
from core.extensions import db
from core.sites.cli import tenants_cli
from tenants.provisioning import ProvisioningError, get_tenant

#: The command-line option that fixes each problem of a refused import.
OPTIONS = {"slug": "--slug", "domain": "--domain", "archive": "archive", "passphrase": "passphrase"}
#: The environment variable a script gives the passphrase in (read by these two commands only; no setting).
PASSPHRASE_VARIABLE = "GOVSITES_ARCHIVE_PASSPHRASE"
_PASSPHRASE_FILE = click.option(
    "--passphrase-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=f"Read the passphrase from this file's first line (else from ${PASSPHRASE_VARIABLE}, else a hidden "
         f"prompt). Never give it on the command line.")


def _passphrase(passphrase_file: Path | None, *, confirm: bool) -> str:
    """The passphrase: from the file, else the environment, else typed at a hidden prompt (twice when `confirm`)."""
    if passphrase_file is not None:
        lines = passphrase_file.read_text("utf-8").splitlines()
        return lines[0] if lines else ""
    if os.environ.get(PASSPHRASE_VARIABLE):
        return os.environ[PASSPHRASE_VARIABLE]
    return click.prompt("Passphrase that protects the personal data in the archive", hide_input=True,
                        confirmation_prompt="Type the passphrase again" if confirm else False, err=True)


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
@_PASSPHRASE_FILE
def export_site_command(slug: str, output: Path | None, passphrase_file: Path | None) -> None:
    """Export one site — its rows, the accounts they name, its files — as one archive.

    The personal data in it (names, ID numbers, phones, letters, the files the public sent) is sealed with a
    passphrase of at least 12 characters, asked for twice: without it, nobody can import the archive, and its
    personal data is lost. The file is written readable by you only.
    """
    tenant = _tenant(slug)
    output = output or Path(archive_name(tenant.slug))
    if output.exists():
        _fail({"output": f"{output} exists; name another file"})
    passphrase = _passphrase(passphrase_file, confirm=True)
    try:
        result = export_site(tenant, output, passphrase=passphrase)
    except ExportRefused as error:
        _fail(error.problems)
    db.session.commit()
    click.echo(f"wrote {result.path} ({human_size(result.size)}): {result.total_rows} rows in "
               f"{sum(1 for n in result.rows.values() if n)} tables, {result.files} files, {result.users} accounts")
    click.echo(f"Personal data sealed with the passphrase: {result.sealed_values} values, {result.sealed_files} "
               f"files. Keep the passphrase apart from the file: without it the site cannot be imported.")


@backup_cli.command("import-site")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--slug", help="Import the site under this short name instead of the archive's.")
@click.option("--domain", help="Give it this domain instead of the archive's (its aliases are left out).")
@_PASSPHRASE_FILE
def import_site_command(archive: Path, slug: str | None, domain: str | None, passphrase_file: Path | None) -> None:
    """Import a site's archive as a new site: every id new, nothing else of this deployment changed.

    Asks for the passphrase the archive was exported with (an archive of an earlier version, with its
    personal data in clear, needs none). Refused, with nothing written, when the archive is damaged or newer
    than this code, the passphrase is wrong, or its short name or a domain is taken here (give --slug and
    --domain).
    """
    passphrase = _passphrase(passphrase_file, confirm=False) if _is_protected(archive) else None
    try:
        result = import_site(archive, slug=slug, domain=domain, passphrase=passphrase)
    except ArchiveRefused as error:
        _fail(error.problems, OPTIONS)
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()
    tenant = result.tenant
    click.echo(f"imported {tenant.slug} at {tenant.primary_domain}: {result.total_rows} rows, {result.files} files")
    if result.personal_data == "clear":
        click.echo("The archive was made by an earlier version of govsites: its personal data was in clear. "
                   "Delete the file now that the site is imported.")
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


def _is_protected(archive: Path) -> bool:
    """Whether the archive's personal data is sealed (so the passphrase is asked for); False for a file that is
    no archive, which the import then refuses in words."""
    try:
        reader = ArchiveReader(archive)
    except ArchiveRefused:
        return False
    try:
        return reader.protected
    finally:
        reader.close()


def init_app(app: Flask) -> None:
    """The commands join the `backup` and `tenants` groups, which their modules add to the app."""
