"""Figures of online services: per site for the department, per city and coverage for the bureau."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("services_stats", __name__, template_folder="templates")


def init_app(app) -> None:
    app.register_blueprint(bp)
