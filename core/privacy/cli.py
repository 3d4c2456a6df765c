"""`flask privacy …`: a new encryption key, and re-encrypting what is stored with the newest one."""
from __future__ import annotations

import click
from cryptography.fernet import Fernet
from flask import Flask
from flask.cli import AppGroup

from core.extensions import db
from core.privacy.operations import rotate_column
from core.privacy.crypto import encrypted_columns

privacy_cli = AppGroup("privacy", help="Personal information: encryption keys.")


@privacy_cli.command("new-key")
def new_key() -> None:
    """Print a new key: put it first in PERSONAL_DATA_KEYS (keep the old ones after it), restart, then rotate."""
    click.echo(Fernet.generate_key().decode("ascii"))


@privacy_cli.command("rotate")
def rotate() -> None:
    """Re-encrypt every stored personal value with the newest key; the older keys can then be removed."""
    for table_name, column_name in encrypted_columns(db.metadata):
        count = rotate_column(table_name, column_name)
        db.session.commit()
        click.echo(f"{table_name}.{column_name}: {count} values re-encrypted")


def init_app(app: Flask) -> None:
    app.cli.add_command(privacy_cli)
