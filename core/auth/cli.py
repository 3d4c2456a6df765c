"""`flask users …`: what an operator needs before the console is reachable, and after."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from core.auth.models import PLATFORM_ROLES, User
from core.auth.operations import AccountError, create_user
from core.auth.operations import reset_password as reset_password_of
from core.auth.passwords import generate_password
from core.extensions import db

users_cli = AppGroup("users", help="Platform accounts and password resets from a shell.")


@users_cli.command("create-platform")
@click.argument("username")
@click.option("--name", "display_name", required=True, help="The person's name.")
@click.option("--role", type=click.Choice(PLATFORM_ROLES), default="platform_admin", show_default=True)
def create_platform(username: str, display_name: str, role: str) -> None:
    """Create an information-bureau account; its temporary password is printed once."""
    password = generate_password()
    try:
        create_user(username=username, display_name=display_name, password=password, platform_role=role)
    except AccountError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(f"{username} ({role}) created; temporary password: {password}")
    click.echo("It must be changed at the first sign-in, and two-step login set up.")


@users_cli.command("reset-password")
@click.argument("username")
def reset_password(username: str) -> None:
    """Give an account a new temporary password (printed once) and end its sessions."""
    user = db.session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        raise click.ClickException(f"no user '{username}'")
    password = reset_password_of(user, by="cli")
    db.session.commit()
    click.echo(f"temporary password for {username}: {password}")


def init_app(app: Flask) -> None:
    app.cli.add_command(users_cli)
