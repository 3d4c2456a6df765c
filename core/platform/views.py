"""The information bureau's console: every site, the platform's own data, the audit trail."""
from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core.auth.guard import route
from core.auth.permissions import can
from tenants.hosts import registry
from themes import render_page

bp = Blueprint("platform", __name__, url_prefix="/platform")

MENU = (
    ("platform.home", _l("Sites"), "platform.view"),
)


def platform_menu() -> list[tuple[str, str]]:
    return [(endpoint, str(label)) for endpoint, label, permission in MENU if can(current_user, permission)]


@route(bp, "/", permission="platform.view", host="platform")
def home():
    return render_page("platform/home.html", sites=registry().sites())


def init_app(app) -> None:
    app.register_blueprint(bp)
