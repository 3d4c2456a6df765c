"""The public disclosure column on every site: its home (the parts, the catalogue by category and by subject, the
latest items), the catalogue with its filters, and the header table and interpretation links on item pages.

The column is the section of kind "disclosure" (`/sections/<slug>/`); the catalogue lists every item of the
site filed under a category, wherever it is kept. Cached like every public page (core.web.cache): the
categories, subjects and links are PublicContent.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, g, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.content.models import Article
from core.disclosure.column_parts import column_section
from core.disclosure.defaults import GUIDE_SLUG, REPORTS_SLUG, RULES_SLUG
from core.disclosure.models import DisclosureCategory, DisclosureSubject
from core.disclosure.queries import disclosure_categories, disclosure_subjects
from core.disclosure.queries_catalogue import (catalogue_page, catalogue_years, counts_by_category,
                                               counts_by_subject, interpretation_links)
from core.extensions import db
from core.sections.models import Section
from core.sections.pages import section_page
from core.sections.queries import request_sections
from core.web import cached_page, int_arg, page_number, route
from themes import render_page

bp = Blueprint("disclosure_public", __name__, template_folder="templates")
LATEST = 10
#: Links to further parts of the column that other pages of the module draw (disclosure on application):
#: (endpoint, label, order), added with `add_column_link`.
COLUMN_LINKS: list[tuple[str, object, int]] = []


def add_column_link(endpoint: str, label, order: int) -> None:
    """Show a link to `endpoint` among the column's parts (e.g. the application for disclosure)."""
    COLUMN_LINKS[:] = sorted([c for c in COLUMN_LINKS if c[0] != endpoint] + [(endpoint, label, order)],
                             key=lambda c: c[2])


def _parts(sections: list[Section]) -> list[tuple[str, str, str]]:
    """The column's parts as (key, label, address), in the national order: guide, catalogue, rules, reports, …"""
    by_slug = {s.slug: s for s in sections}
    parts = []
    for key, slug, label in (("guide", GUIDE_SLUG, _l("Disclosure guide")),
                             ("catalogue", None, _l("Disclosure catalogue")),
                             ("rules", RULES_SLUG, _l("Disclosure rules")),
                             ("reports", REPORTS_SLUG, _l("Annual reports"))):
        if slug is None:
            parts.append((key, str(label), url_for("disclosure_public.catalogue")))
        elif slug in by_slug:
            parts.append((key, str(label), url_for("sections.show", slug=slug)))
    for endpoint, label, _order in COLUMN_LINKS:
        if endpoint in current_app.view_functions:
            parts.append((endpoint, str(label), url_for(endpoint)))
    return parts


@section_page("disclosure")
def column_home(section: Section, children: list[Section]):
    """The column's own page: its parts, the catalogue by category and by subject, the newest entries."""
    sections = request_sections()
    part_slugs = {GUIDE_SLUG, RULES_SLUG, REPORTS_SLUG}
    return render_page("disclosure/column.html", section=section, parts=_parts(sections),
                       others=[c for c in children if c.slug not in part_slugs],
                       categories=disclosure_categories(), subjects=disclosure_subjects(),
                       by_category=counts_by_category(), by_subject=counts_by_subject(),
                       latest=catalogue_page(page=1, per_page=LATEST).items)


def _listed(model, key: str):
    """A filter's entry from `?key=`: None when absent; an id not on the list is not found."""
    value = int_arg(key)
    if value is None:
        return None
    found = db.session.get(model, value)
    if found is None:
        abort(404)
    return found


@route(bp, "/disclosure/catalogue", permission=None)
@cached_page
def catalogue():
    """The catalogue, by category, subject and year; paged. An unknown filter or a page past the end: 404."""
    sections = request_sections()
    column = column_section(sections)
    if column is None:
        abort(404)
    category, subject = _listed(DisclosureCategory, "category"), _listed(DisclosureSubject, "subject")
    years = catalogue_years()
    year = int_arg("year")
    if year is not None and year not in years:
        abort(404)
    page = page_number()
    pagination = catalogue_page(page=page, per_page=current_app.config["PAGE_SIZE"],
                                category_id=category.id if category else None,
                                subject_id=subject.id if subject else None, year=year)
    if page > 1 and page > (pagination.pages or 1):
        abort(404)
    return render_page("disclosure/catalogue.html", section=column, parts=_parts(sections), pagination=pagination,
                       categories=disclosure_categories(), subjects=disclosure_subjects(), years=years,
                       category=category, subject=subject, year=year, counts=counts_by_category(year))


# --- on an item's page ---------------------------------------------------------------------------

def _header(article: Article):
    """The table government sites put over a filed item: 索引号, 主题分类, 发布机构, 成文日期, 文号, 发布日期."""
    if article.disclosure_category_id is None:
        return None
    category, subject = db.session.execute(
        select(DisclosureCategory, DisclosureSubject).where(DisclosureCategory.id == article.disclosure_category_id)
        .outerjoin(DisclosureSubject, DisclosureSubject.id == article.subject_id)).one_or_none() or (None, None)
    return render_page("disclosure/_article_header.html", article=article, category=category, subject=subject,
                       publisher=article.issuing_body or g.site.name_zh)


def _links(article: Article):
    """The interpretations of a policy, and the policies an interpretation explains."""
    interpretations, policies = interpretation_links(article.id)
    if not interpretations and not policies:
        return None
    return render_page("disclosure/_article_links.html", interpretations=interpretations, policies=policies)


def init_app(app) -> None:
    from core.content.parts import add_article_part

    app.register_blueprint(bp)
    add_article_part("header", _header)
    add_article_part("footer", _links)
