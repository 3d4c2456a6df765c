"""The disclosure column of the active site, and the parts it is given: the guide, the rules and the annual
reports, added where their address names are free.

Kept apart from the column's operations (core.disclosure.column): `add_missing_parts` writes without an audit
entry of its own, for the two callers that answer for it, the audited `provide_column_parts` and the
`site_created` receiver below (the platform's log records the site's creation; the parts are not recorded one
by one, as the mandatory sections are not).
"""
from __future__ import annotations

from core.disclosure.defaults import COLUMN_PARTS
from core.extensions import db
from core.sections.models import Section
from core.sections.queries import site_sections
from tenants.models import Tenant
from tenants.scoping import activate_tenant, crosses_tenants


def column_section(sections: list[Section] | None = None) -> Section | None:
    """The active site's disclosure column: the mandatory one, else the first section of kind "disclosure"."""
    sections = site_sections() if sections is None else sections
    return (next((s for s in sections if s.mandatory_key == "disclosure"), None)
            or next((s for s in sections if s.kind == "disclosure"), None))


def add_missing_parts() -> list[Section]:
    """Add the parts the active site's column lacks, where their address is free; return them. Records nothing:
    the audited operation (core.disclosure.column.provide_column_parts) does, and a new site's creation is on the
    platform's log."""
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


@crosses_tenants("a new site's disclosure column gets its parts inside the new site")
def give_new_site_its_column(tenant: Tenant, **_extra) -> None:
    """`site_created` receiver (after the sections module's, which gives the column itself).

    Part of creating the site, which the platform's log records; the parts are not recorded one by one, as
    the mandatory sections are not.
    """
    with activate_tenant(tenant.id):
        add_missing_parts()
