"""Applications: the public files, tracks and rates them; the service officers handle them."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("services_applications", __name__, template_folder="templates")


def init_app(app) -> None:
    app.register_blueprint(bp)
