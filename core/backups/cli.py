"""`flask backup …`: the commands of full backups and of per-site archives share this one group."""
from __future__ import annotations

from flask.cli import AppGroup

backup_cli = AppGroup("backup", help="Backups: create, list, verify and restore full backups; export and import "
                                     "one site.")


def init_app(app) -> None:
    app.cli.add_command(backup_cli)
