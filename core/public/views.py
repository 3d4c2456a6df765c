"""The shell of the public sites: a department site's homepage, the portal's home on the city domain.

Every other public page belongs to its module (sections: section pages and the
site map; content: articles and files; sites: the logo).
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, g, url_for

from core.content.queries import latest_by_section
from core.extensions import db
from core.sections.queries import request_sections
from core.services.queries_guide import public_items
from core.web import cached_page, route
from core.web.cache import site_memo, unlimited_reads
from core.web.menus import front_page, set_front_page
from core.web.sitemaps import PublicPage, add_public_pages
from themes import render_page

bp = Blueprint("public", __name__)


@route(bp, "/", permission=None, host="all")
@unlimited_reads  # a front page: the site's and the portal's are public pages, the console's a sign-in link
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
    size = current_app.config["HOMEPAGE_BLOCK_SIZE"]
    ids = [s.id for s in blocks]
    # The newest items change with the site's content and when an item's time comes: kept until either.
    items = site_memo(("public.latest_by_section", tuple(ids), size), lambda: _detached(latest_by_section(ids, size)),
                      timed=True)
    about = next((s for s in request_sections() if s.mandatory_key == "about"), None)
    return render_page("public/home.html", blocks=[(s, items[s.id]) for s in blocks], about=about,
                       catalogue=_catalogue_blocks(blocks, size))


def _detached(blocks: dict[int, list]) -> dict[int, list]:
    """The items of `blocks`, out of the request's session: kept across requests, no commit may expire them. Only
    the columns a list shows are read of them (their bodies are not loaded)."""
    for items in blocks.values():
        for item in items:
            db.session.expunge(item)
    return blocks


def _catalogue_blocks(blocks, size: int) -> dict[int, list[tuple[str, str]]]:
    """The service guide's and the form downloads' blocks: the site's published items and their forms.

    Those sections show the service catalogue (core.services); their block lists it too, first `size` entries
    as (title, link), in the catalogue's order. A site with no item keeps the section's own articles there.
    """
    kinds = {s.kind for s in blocks} & {"service_items", "forms"}
    if not kinds:
        return {}
    # Kept while the site's content is unchanged (items and sections are its PublicContent; no clock is read).
    return site_memo(f"public.catalogue_blocks.{size}", lambda: _read_catalogue_blocks(blocks, kinds, size))


def _read_catalogue_blocks(blocks, kinds: set[str], size: int) -> dict[int, list[tuple[str, str]]]:
    listed = public_items()
    entries = {
        "service_items": [(i.name, url_for("services_guide.item", item_id=i.id)) for i in listed[:size]],
        "forms": [(f["title"], url_for("services_guide.form_file", item_id=i.id, form_id=f["id"],
                                       filename=f["filename"]))
                  for i in listed for f in i.forms][:size],
    }
    return {s.id: entries[s.kind] for s in blocks if s.kind in kinds and entries[s.kind]}


def _home_page() -> list[PublicPage]:
    return [PublicPage("/")]


def init_app(app) -> None:
    app.register_blueprint(bp)
    set_front_page(app, "site", site_home)
    add_public_pages("site", _home_page)  # the homepage, in the site's sitemap
