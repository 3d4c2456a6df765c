"""Reading sections: a site's in navigation order, the platform's set, a request's own copy."""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from sqlalchemy import case, select

from core.extensions import db
from core.web.cache import site_memo
from core.sections.models import MandatorySection, Section
from core.web.sitemaps import PublicPage
from tenants.models import Tenant
from tenants.scoping import activate_tenant, crosses_tenants


def ordering():
    """Mandatory sections first in the platform's order, then the site's own."""
    return (case((Section.mandatory_key.is_(None), 1), else_=0), Section.position, Section.id)


def site_sections() -> list[Section]:
    """Every section of the current site, in navigation order (one query)."""
    return list(db.session.execute(select(Section).order_by(*ordering())).scalars())


def mandatory_sections() -> list[MandatorySection]:
    """The platform's set, in its order."""
    return list(db.session.execute(select(MandatorySection).order_by(MandatorySection.position,
                                                                      MandatorySection.id)).scalars())


def request_sections() -> list[Section]:
    """This request's site sections, in navigation order (public pages read them several times).

    Kept by the worker while the site's public content is unchanged (`site_memo`: every page of a site shows them,
    in its navigation, and a section is `PublicContent`), so a page asks no query for them. The kept sections belong
    to no session: read their columns, never change them (a change goes through `site_sections`' own).
    """
    from flask import g

    if "sections" not in g:
        g.sections = list(site_memo("sections.request_sections", _sections_to_keep))
    return g.sections


def _sections_to_keep() -> tuple[Section, ...]:
    sections = site_sections()
    for section in sections:
        db.session.expunge(section)  # kept across requests: no session's commit may expire their columns
    return tuple(sections)


def nav_sections() -> list[Section]:
    """The top navigation: level-1 sections shown in the menu, in order."""
    return [s for s in request_sections() if s.parent_id is None and s.in_nav]


def section_by_slug(slug: str) -> Section | None:
    return next((s for s in request_sections() if s.slug == slug), None)


def sitemap_pages() -> list[PublicPage]:
    """The active site's section pages and its site map page, for the sitemaps (core.web.sitemaps), in navigation
    order. A link to another site (`external_link`) is no page of this one."""
    return [PublicPage(url_for("sections.sitemap"))] + [
        PublicPage(url_for("sections.show", slug=s.slug)) for s in request_sections() if s.kind != "external_link"]


def descendants(section_id: int, sections: list[Section]) -> set[int]:
    """The ids of every section below `section_id` in the site's tree."""
    children: dict[int | None, list[int]] = {}
    for s in sections:
        children.setdefault(s.parent_id, []).append(s.id)
    found, todo = set(), [section_id]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


#: Functions that count, for the active site, what each section holds: () -> {section id: count}.
#: Each module whose items live in sections adds its own (content: articles), so that "empty
#: section" (虚设栏目) means empty of everything, without this module knowing the others.
_ITEM_COUNTERS: list = []
#: The same, counting only what the public sees or is about to see (published, or scheduled to be):
#: what deleting a section must never take with it.
_PUBLISHED_COUNTERS: list = []


def add_item_counter(counter, published=None) -> None:
    """Count a module's items per section: `counter` all of them, `published` those that are public."""
    if counter not in _ITEM_COUNTERS:
        _ITEM_COUNTERS.append(counter)
    if published is not None and published not in _PUBLISHED_COUNTERS:
        _PUBLISHED_COUNTERS.append(published)


#: Rules on moving a section under another: (section, new parent id or None, the site's sections) -> {field: message}.
#: A module whose rules depend on where a section sits (disclosure: what lies in its column must be filed) adds
#: its own, so that moving a section never breaks them.
_PLACEMENT_CHECKS: list = []


def add_placement_check(check) -> None:
    """Add a rule on moving a section: `check(section, parent_id, sections)` returns {field: message}."""
    if check not in _PLACEMENT_CHECKS:
        _PLACEMENT_CHECKS.append(check)


def placement_problems(section: Section, parent_id: int | None, sections: list[Section]) -> dict:
    """Why `section` may not be placed under `parent_id` (None: at the top): {field: message}, empty when fine."""
    found: dict = {}
    for check in _PLACEMENT_CHECKS:
        for field, message in check(section, parent_id, sections).items():
            found.setdefault(field, message)
    return found


def _summed(counters: list) -> dict[int, int]:
    totals: dict[int, int] = {}
    for counter in counters:
        for section_id, count in counter().items():
            totals[section_id] = totals.get(section_id, 0) + count
    return totals


def items_by_section() -> dict[int, int]:
    """How many items each section of the active site holds, every module's counted."""
    return _summed(_ITEM_COUNTERS)


def published_by_section() -> dict[int, int]:
    """How many items each section of the active site shows the public, or will when their time comes."""
    return _summed(_PUBLISHED_COUNTERS)


@dataclass
class SectionLoss:
    """What deleting a section takes with it: its sub-sections, their items, and those the public sees."""

    section: Section
    sub_sections: list[Section]
    items: int
    published: int
    #: The sections (this one or below) still holding published items, with how many: [(section, count)].
    holding_published: list[tuple[Section, int]]


def deletion_loss(section: Section) -> SectionLoss:
    """What deleting `section` would delete: the whole branch below it and every item in it."""
    sections = site_sections()
    below = descendants(section.id, sections)
    branch = [section] + [s for s in sections if s.id in below]
    items, published = items_by_section(), published_by_section()
    return SectionLoss(section=section, sub_sections=branch[1:],
                       items=sum(items.get(s.id, 0) for s in branch),
                       published=sum(published.get(s.id, 0) for s in branch),
                       holding_published=[(s, published[s.id]) for s in branch if published.get(s.id)])


@dataclass
class MandatoryHolding:
    """What the sites hold in one section of the platform's set: the console says it before removing it."""

    sites: int
    items: int
    published: int


@crosses_tenants("the console's confirmation says what every site holds in a section it would hand over")
def mandatory_holding(key: str) -> MandatoryHolding:
    """How many sites have the set's section `key`, and how many items (published ones too) they keep in it."""
    holding = MandatoryHolding(0, 0, 0)
    for tenant_id in db.session.execute(select(Tenant.id).order_by(Tenant.id)).scalars().all():
        with activate_tenant(tenant_id):
            found = db.session.execute(select(Section.id).where(Section.mandatory_key == key)).scalar_one_or_none()
            if found is None:
                continue
            holding.sites += 1
            holding.items += items_by_section().get(found, 0)
            holding.published += published_by_section().get(found, 0)
    return holding
