"""The demo city: `flask demo load`."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from core.demo import cli

    cli.init_app(app)
