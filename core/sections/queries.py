"""Reading sections: a site's in navigation order, the platform's set, a request's own copy."""
from __future__ import annotations

from sqlalchemy import case, select

from core.extensions import db
from core.sections.models import MandatorySection, Section


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
    """This request's site sections, loaded once per request (public pages read them several times)."""
    from flask import g

    if "sections" not in g:
        g.sections = site_sections()
    return g.sections


def nav_sections() -> list[Section]:
    """The top navigation: level-1 sections shown in the menu, in order."""
    return [s for s in request_sections() if s.parent_id is None and s.in_nav]


def section_by_slug(slug: str) -> Section | None:
    return next((s for s in request_sections() if s.slug == slug), None)


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


def add_item_counter(counter) -> None:
    if counter not in _ITEM_COUNTERS:
        _ITEM_COUNTERS.append(counter)


def items_by_section() -> dict[int, int]:
    """How many items each section of the active site holds, every module's counted."""
    totals: dict[int, int] = {}
    for counter in _ITEM_COUNTERS:
        for section_id, count in counter().items():
            totals[section_id] = totals.get(section_id, 0) + count
    return totals
