"""The disclosure column's parts on every site: the guide and the rules (single pages the site edits), the annual
reports (a list). Operations, audited on the site's log.

The column itself is the platform's mandatory section of kind "disclosure"; its parts are the site's own
sections below it, given to every new site (and by migration 0016 to the sites there were), found again by
their address names, which never change.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.audit.log import record
from core.content.sanitize import clean_body
from core.disclosure.defaults import COLUMN_PARTS, GUIDE_SLUG, RULES_SLUG
from core.extensions import db
from core.operations import OperationError, audited
from core.sections.models import Section
from core.sections.queries import site_sections
from tenants.models import Tenant
from tenants.scoping import activate_tenant, crosses_tenants

#: The parts whose text the site writes (single pages).
PAGE_SLUGS = (GUIDE_SLUG, RULES_SLUG)


class ColumnError(OperationError):
    """A change to the disclosure column's pages refused."""


def column_section(sections: list[Section] | None = None) -> Section | None:
    """The active site's disclosure column: the mandatory one, else the first section of kind "disclosure"."""
    sections = site_sections() if sections is None else sections
    return (next((s for s in sections if s.mandatory_key == "disclosure"), None)
            or next((s for s in sections if s.kind == "disclosure"), None))


def _add_missing_parts() -> list[Section]:
    """Add the parts the active site's column lacks, where their address is free; record nothing."""
    sections = site_sections()
    column = column_section(sections)
    if column is None:
        return []
    taken = {s.slug for s in sections}
    last = max((s.position for s in sections if s.mandatory_key is None), default=0)
    added = []
    for slug, name_zh, name_en, kind in COLUMN_PARTS:
        if slug in taken:
            continue
        last += 1
        added.append(Section(parent_id=column.id, slug=slug, name_zh=name_zh, name_en=name_en, kind=kind,
                             position=last, in_nav=True, page_html="", external_url=""))
    db.session.add_all(added)
    db.session.flush()
    return added


@audited
def provide_column_parts() -> list[Section]:
    """Give the active site's disclosure column the parts it lacks (guide, rules, annual reports); return them.

    A part whose address name the site already uses elsewhere is left out. Idempotent.
    """
    added = _add_missing_parts()
    if added:
        record("column.parts", "", sections=[s.slug for s in added])
    return added


@crosses_tenants("a new site's disclosure column gets its parts inside the new site")
def give_new_site_its_column(tenant: Tenant, **_extra) -> None:
    """`site_created` receiver (after the sections module's, which gives the column itself).

    Part of creating the site, which the platform's log records; the parts are not recorded one by one, as
    the mandatory sections are not.
    """
    with activate_tenant(tenant.id):
        _add_missing_parts()


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
