"""`flask security baseline` (the tamper check's manifest) and `flask security checks` (what is checked)."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from core.extensions import db
from core.security.registry import CHECKS
from core.timeutil import now

security_cli = AppGroup("security", help="The daily security checks.")


@security_cli.command("baseline")
@click.option("--if-missing", is_flag=True, help="Leave an existing manifest as it is (scripts/serve uses this).")
def baseline(if_missing: bool) -> None:
    """Hash the deployed code, templates and static files into the tamper check's manifest."""
    from core.security.integrity import manifest_path
    from core.security.operations import take_baseline

    taken = take_baseline(now(), if_missing=if_missing)
    db.session.commit()
    if taken is None and not manifest_path().exists():
        click.echo(f"baseline NOT written: {manifest_path()} was written before and is gone. The daily check "
                   "reports it; run `flask security baseline` once the deployed files are known to be right.",
                   err=True)
        return
    if taken is None:
        click.echo(f"baseline kept: {manifest_path()}")
        return
    files, digest = taken
    click.echo(f"baseline written: {manifest_path()} ({files} files)")
    click.echo(f"its SHA-256: {digest} (keep it off the server, to know the manifest itself was not changed)")


@security_cli.command("checks")
def list_checks() -> None:
    """List every security check: its key, scope, severity and what it looks for."""
    for item in CHECKS.values():
        summary = " ".join(item.doc.split("\n\n")[0].split())
        click.echo(f"{item.key:<34} {item.scope:<9} {item.severity:<7} {summary}")


def init_app(app: Flask) -> None:
    app.cli.add_command(security_cli)
