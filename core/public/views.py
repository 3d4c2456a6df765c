"""The public pages of a department site: what a citizen reads."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, g, redirect, request, send_from_directory
from sqlalchemy import select

from core.content.models import Attachment
from core.content.operations import latest_by_section, public_article, section_page, upload_dir
from core.extensions import db
from core.public.cache import cached_page
from core.sections.models import POLICY_LEVELS, Section
from core.sections.operations import site_sections
from themes import render_page

bp = Blueprint("public", __name__)


@bp.before_request
def only_on_a_site():
    """Site pages exist only on a site's host; the portal has its own home."""
    if g.get("host_kind") == "portal" and request.endpoint == "public.home":
        from core.portal.views import home as portal_home

        return portal_home()
    if g.get("host_kind") != "site":
        abort(404)
    return None


def sections() -> list[Section]:
    """This request's site sections, loaded once (one query)."""
    if "sections" not in g:
        g.sections = site_sections()
    return g.sections


def nav_sections() -> list[Section]:
    return [s for s in sections() if s.parent_id is None and s.in_nav]


def page_number() -> int:
    """The ?page= argument; anything but a positive integer is a 404."""
    raw = request.args.get("page", "1")
    if not raw.isdigit() or int(raw) < 1:
        abort(404)
    return int(raw)


@bp.get("/")
@cached_page
def home():
    blocks = sorted((s for s in sections() if s.homepage_priority is not None and s.kind not in
                     ("single_page", "external_link")), key=lambda s: (s.homepage_priority, s.position))
    items = latest_by_section([s.id for s in blocks], current_app.config["HOMEPAGE_BLOCK_SIZE"])
    about = next((s for s in sections() if s.mandatory_key == "about"), None)
    return render_page("public/home.html", blocks=[(s, items[s.id]) for s in blocks], about=about)


@bp.get("/sections/<slug>/")
@cached_page
def section(slug: str):
    found = next((s for s in sections() if s.slug == slug), None)
    if found is None:
        abort(404)
    if found.kind == "external_link" and found.external_url:
        return redirect(found.external_url)
    children = [s for s in sections() if s.parent_id == found.id]
    if found.kind == "single_page":
        return render_page("public/page.html", section=found, children=children)
    level = request.args.get("level") or None
    if level is not None and (found.kind != "policy_list" or level not in POLICY_LEVELS):
        abort(404)
    page = page_number()
    pagination = section_page(found, page, current_app.config["PAGE_SIZE"], policy_level=level)
    if page > 1 and page > (pagination.pages or 1):
        abort(404)
    return render_page("public/section.html", section=found, children=children, pagination=pagination,
                       level=level, levels=POLICY_LEVELS)


@bp.get("/articles/<int:article_id>")
@cached_page
def article(article_id: int):
    found = public_article(article_id)
    if found is None:
        abort(404)
    section = next(s for s in sections() if s.id == found.section_id)
    return render_page("public/article.html", article=found, section=section)


@bp.get("/attachments/<int:attachment_id>/<path:filename>")
def attachment(attachment_id: int, filename: str):
    found = db.session.execute(select(Attachment).where(Attachment.id == attachment_id)).scalar_one_or_none()
    if found is None or found.filename != filename or public_article(found.article_id) is None:
        abort(404)
    return send_from_directory(upload_dir(found.tenant_id), found.stored_name, as_attachment=True,
                               download_name=found.filename, mimetype=found.content_type)


@bp.get("/site-logo/<filename>")
def logo(filename: str):
    site = g.site
    if not site.logo_filename or filename != site.logo_filename:
        abort(404)
    return send_from_directory(upload_dir(site.id), site.logo_filename, max_age=30 * 24 * 3600)


@bp.get("/sitemap")
@cached_page
def sitemap():
    tree: dict[int | None, list[Section]] = {}
    for s in sections():
        tree.setdefault(s.parent_id, []).append(s)
    return render_page("public/sitemap.html", tree=tree)


def init_app(app) -> None:
    from core.public import cache

    cache.init_app(app)
    app.register_blueprint(bp)
    app.jinja_env.globals.update(nav_sections=nav_sections)
