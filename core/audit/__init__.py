"""The append-only audit log of every site and of the platform, and the pages that read it."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from core.audit import views

    views.init_app(app)
