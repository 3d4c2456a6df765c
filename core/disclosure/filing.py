"""Filing an item in the disclosure catalogue: the lists to file under, and where filing is required.

The article's filing fields are content's (core.content.filing); this module fills its hooks: the options
are the platform's categories and subjects, and the rule is that every item of the disclosure column (a
section of kind "disclosure" and every section below it) is filed under a category and a subject. The
annual reports column is the exception: its items are the yearly reports, which no category describes.
Whatever creates, saves or publishes an item asks the rule (the article form, `flask articles create`, the
city-wide notice, publishing, a correction's publication, the scheduled job), and a section with published
unfiled items is not moved into the column (the sections' placement rule), so no path puts an unfiled item
in the column; the site's disclosure page and the bureau's coverage list any there still are.
"""
from __future__ import annotations

from flask import has_request_context, url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import func, select

from core.content.filing import add_filing_check, set_filing_options
from core.content.models import Article
from core.disclosure.defaults import REPORTS_SLUG
from core.disclosure.index_numbers import PUBLIC_STATES
from core.disclosure.models import DisclosureCategory, DisclosureSubject
from core.extensions import db
from core.i18n import localized
from core.sections.models import Section
from core.sections.queries import add_placement_check, site_sections


def column_section_ids(sections: list[Section] | None = None, *, moved: tuple[int, int | None] | None = None
                       ) -> set[int]:
    """The ids of the active site's sections whose items must be filed: every disclosure column and all below it,
    but the annual reports column.

    `moved` = (section id, new parent id): the ids as they would be once that section is moved there.
    """
    sections = site_sections() if sections is None else sections
    parents = {s.id: s.parent_id for s in sections}
    if moved is not None:
        parents[moved[0]] = moved[1]
    children: dict[int | None, list[int]] = {}
    for section_id, parent_id in parents.items():
        children.setdefault(parent_id, []).append(section_id)
    found: set[int] = set()
    todo = [s.id for s in sections if s.kind == "disclosure"]
    while todo:
        section_id = todo.pop()
        if section_id not in found:
            found.add(section_id)
            todo.extend(children.get(section_id, []))
    return found - {s.id for s in sections if s.slug == REPORTS_SLUG}


def unfiled_public(section_ids: set[int]):
    """The condition for an item of these sections that is public (or scheduled to be) and not filed."""
    return (Article.section_id.in_(section_ids) & Article.status.in_(PUBLIC_STATES)
            & (Article.disclosure_category_id.is_(None) | Article.subject_id.is_(None)))


def check_section_move(section: Section, parent_id: int | None, sections: list[Section]) -> dict:
    """Sections' placement rule: a section with public unfiled items does not move into the disclosure column.

    Every item of the column is filed; moving a section there would bring its published items in unfiled. The
    message says how many, with a link to the list of them (in a request). Returns {"parent_id": message} or {}.
    """
    joining = column_section_ids(sections, moved=(section.id, parent_id)) - column_section_ids(sections)
    if not joining:
        return {}
    count = db.session.execute(select(func.count()).select_from(Article).where(unfiled_public(joining))).scalar_one()
    if not count:
        return {}
    message = _l("%(n)s published or scheduled items in this section or below it are not filed in the disclosure "
                 "catalogue, and every item of the disclosure column is filed under a category and a subject. File "
                 "them first, then move the section.", n=count)
    if not has_request_context():
        return {"parent_id": message}
    return {"parent_id": Markup('{} <a href="{}">{}</a>').format(
        message, url_for("publishing.index", filing="missing", under=section.id), _l("See the items to file"))}


def requires_filing(section_id: int) -> bool:
    """Whether items of this section of the active site must be filed in the disclosure catalogue."""
    return section_id in column_section_ids()


def _ids(model) -> set[int]:
    return set(db.session.execute(select(model.id)).scalars())


def check_filing(section_id: int, values: dict) -> dict:
    """Why these filing values may not be kept in the section: {field: message}; empty when they may.

    An entry that is not (or no longer) on the platform's list is refused anywhere; in the disclosure
    column both a category and a subject are required.
    """
    problems: dict = {}
    category, subject = values.get("disclosure_category_id"), values.get("subject_id")
    if category is not None and category not in _ids(DisclosureCategory):
        problems["disclosure_category_id"] = _l("This category is not on the platform's list any more: "
                                                "choose another.")
    if subject is not None and subject not in _ids(DisclosureSubject):
        problems["subject_id"] = _l("This subject is not on the platform's list any more: choose another.")
    if requires_filing(section_id):
        if category is None:
            problems.setdefault("disclosure_category_id", _l(
                "Items in the government information disclosure column are filed under a disclosure category: "
                "choose one."))
        if subject is None:
            problems.setdefault("subject_id", _l(
                "Items in the government information disclosure column are filed under a subject: choose one."))
    return problems


def category_options() -> list[tuple[int, str]]:
    rows = db.session.execute(select(DisclosureCategory).order_by(DisclosureCategory.position,
                                                                  DisclosureCategory.id)).scalars()
    return [(row.id, localized(row)) for row in rows]


def subject_options() -> list[tuple[int, str]]:
    rows = db.session.execute(select(DisclosureSubject).order_by(DisclosureSubject.position,
                                                                 DisclosureSubject.id)).scalars()
    return [(row.id, localized(row)) for row in rows]


def register() -> None:
    """Fill content's filing hooks (called from this module's `init_app`)."""
    set_filing_options("disclosure_category_id", category_options)
    set_filing_options("subject_id", subject_options)
    add_filing_check(check_filing)
    add_placement_check(check_section_move)
