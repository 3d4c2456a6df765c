"""The shell of a site's admin area and of the console: the menu host and a site's admin home.

Modules add their menu entries and home-page cards (`core.web.menus`); this
draws them for the signed-in user, in order, filtered by permission.
"""
from __future__ import annotations

from flask import Blueprint, g
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from core.auth.permissions import can
from core.web import add_menu_item, route
from core.web.menus import menu_items, panels, set_home
from themes import render_page

bp = Blueprint("admin", __name__)


def _allowed(permission: str) -> bool:
    return can(current_user, permission)


def admin_menu() -> list[tuple[str, str]]:
    """(endpoint, label) of the menu of this host's area that the user may open."""
    return menu_items("platform" if g.get("host_kind") == "platform" else "site", _allowed)


def home_cards() -> list[Markup]:
    """The cards modules add to this host's home (`add_panel`) that the user may see, drawn, in order.

    The site admin's home shows them; the console's home page (a module's
    page, the site list) draws them above its own content.
    """
    area = "platform" if g.get("host_kind") == "platform" else "site"
    return [Markup(render_page(panel.template, **panel.context())) for panel in panels(area, _allowed)]


@route(bp, "/admin/", permission="admin.enter")
def home():
    return render_page("admin/home.html", cards=home_cards())


def init_app(app) -> None:
    app.register_blueprint(bp)
    set_home(app, "site", "admin.home")
    add_menu_item(app, "site", "admin.home", _l("Overview"), "admin.enter", order=0)
    app.jinja_env.globals.update(admin_menu=admin_menu, home_cards=home_cards)
