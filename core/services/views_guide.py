"""The service guides: the public's item pages and form downloads, the department's guide editing, the bureau's catalogue."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("services_guide", __name__, template_folder="templates")


def init_app(app) -> None:
    app.register_blueprint(bp)
