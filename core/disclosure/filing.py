"""Filing an item in the disclosure catalogue: the lists to file under, and where filing is required.

The article's filing fields are content's (core.content.filing); this module fills its hooks: the options
are the platform's categories and subjects, and the rule is that every item of the disclosure column (a
section of kind "disclosure" and every section below it) is filed under a category and a subject. The
annual reports column is the exception: its items are the yearly reports, which no category describes.
Whatever creates or saves an item asks the rule (the article form, `flask articles create`, the city-wide
notice), so no path skips it.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.content.filing import add_filing_check, set_filing_options
from core.disclosure.defaults import REPORTS_SLUG
from core.disclosure.models import DisclosureCategory, DisclosureSubject
from core.extensions import db
from core.i18n import localized
from core.sections.models import Section
from core.sections.queries import descendants, site_sections


def column_section_ids(sections: list[Section] | None = None) -> set[int]:
    """The ids of the active site's sections whose items must be filed: every disclosure column and all below it,
    but the annual reports column."""
    sections = site_sections() if sections is None else sections
    found: set[int] = set()
    for section in sections:
        if section.kind == "disclosure":
            found |= {section.id} | descendants(section.id, sections)
    return found - {s.id for s in sections if s.slug == REPORTS_SLUG}


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
