"""The shell of the public sites: a department site's homepage, the portal's home on the city domain.

Every other public page belongs to its module (sections: section pages and the
site map; content: articles and files; sites: the logo).
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, g

from core.content.queries import latest_by_section
from core.sections.queries import request_sections
from core.web import cached_page, route
from core.web.menus import front_page, set_front_page
from themes import render_page

bp = Blueprint("public", __name__)


@route(bp, "/", permission=None, host="all")
def home():
    """`/` on any host: the front page its shell set (a site's homepage, the portal's, the console's)."""
    view = front_page(g.get("host_kind"))
    if view is None:
        abort(404)
    return view()


@cached_page
def site_home():
    blocks = sorted((s for s in request_sections() if s.homepage_priority is not None and s.kind not in
                     ("single_page", "external_link")), key=lambda s: (s.homepage_priority, s.position))
    items = latest_by_section([s.id for s in blocks], current_app.config["HOMEPAGE_BLOCK_SIZE"])
    about = next((s for s in request_sections() if s.mandatory_key == "about"), None)
    return render_page("public/home.html", blocks=[(s, items[s.id]) for s in blocks], about=about)


def init_app(app) -> None:
    app.register_blueprint(bp)
    set_front_page(app, "site", site_home)
