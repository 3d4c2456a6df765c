"""The disclosure column's parts on every site: the guide and the rules (single pages the site edits), the annual
reports (a list). Operations, audited on the site's log.

The column itself is the platform's mandatory section of kind "disclosure"; its parts are the site's own
sections below it, given to every new site (and by migration 0016 to the sites there were), found again by
their address names, which never change: core.disclosure.column_parts finds the column and adds the parts.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.audit.log import record
from core.content.sanitize import clean_body
from core.disclosure.column_parts import add_missing_parts
from core.disclosure.defaults import GUIDE_SLUG, RULES_SLUG
from core.extensions import db
from core.operations import OperationError, audited, read_only
from core.sections.models import Section

#: The parts whose text the site writes (single pages).
PAGE_SLUGS = (GUIDE_SLUG, RULES_SLUG)


class ColumnError(OperationError):
    """A change to the disclosure column's pages refused."""


@audited
def provide_column_parts() -> list[Section]:
    """Give the active site's disclosure column the parts it lacks (guide, rules, annual reports); return them.

    A part whose address name the site already uses elsewhere is left out. Idempotent.
    """
    added = add_missing_parts()
    if added:
        record("column.parts", "", sections=[s.slug for s in added])
    return added


@read_only
def column_page(section_id: int) -> Section | None:
    """One of the active site's column pages (the guide or the rules) by id, else None."""
    found = db.session.execute(select(Section).where(Section.id == section_id)).scalar_one_or_none()
    return found if found is not None and found.slug in PAGE_SLUGS and found.kind == "single_page" else None


@audited
def save_column_page(section: Section, *, body_html: str) -> list[str]:
    """Write the text of the column's guide or rules page; return what cleaning the text removed.

    The text is cleaned as an article's is (core.content.sanitize).

    :raises ColumnError: the section is not one of the column's pages.
    """
    if section.slug not in PAGE_SLUGS or section.kind != "single_page":
        raise ColumnError(_l("Only the disclosure guide and rules pages are written here."))
    cleaned = clean_body(body_html or "")
    section.page_html = cleaned.html
    record("column.page", section.slug, name_zh=section.name_zh, length=len(cleaned.html))
    db.session.flush()
    return cleaned.removed
