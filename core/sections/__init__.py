"""Sections: the platform's mandatory set and each site's specialized sections."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from core.sections import cli

    cli.init_app(app)
