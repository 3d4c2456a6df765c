"""What may be done to sections, and by whom: the mandatory set is the platform's.

A site administrator adds, edits, moves and deletes the site's own sections
(专业栏目); the bureau changes the mandatory set (统一栏目), and every change to
the set reaches every site in the same transaction. Functions flush but never
commit, and each records its audit entry (on the site, or on the platform).
"""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.audit.log import record
from core.extensions import db
from core.i18n import localized
from core.operations import audited
from core.sections.models import DEFAULT_UPDATE_CLASS, KINDS, UPDATE_CLASSES, MandatorySection, Section
from core.sections.queries import (SectionLoss, deletion_loss, descendants, mandatory_sections, placement_problems,
                                   site_sections)
from core.sections.sync import MandatorySectionLocked, SectionError, ensure_mandatory_set, sync_all_tenants
from core.text import column_problems

__all__ = ["MandatorySectionLocked", "SectionError"]  # the refusals, raised from here too

SLUG = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
EXTERNAL_URL = re.compile(r"^https?://[^\s/]+", re.IGNORECASE)
LOCKED = _l("A mandatory section is set by the platform and cannot be renamed or moved.")


def _check_names(name_zh: str, name_en: str, problems: dict) -> None:
    if not name_zh.strip() or not name_en.strip():
        problems["name_zh"] = _l("A section needs a name in Chinese and in English.")
    problems.update(column_problems(Section, {"name_zh": name_zh.strip(), "name_en": name_en.strip()}))


def _check_update_class(update_class: str, problems: dict) -> None:
    if update_class not in UPDATE_CLASSES:
        problems["update_class"] = _l("Choose how often the section is updated from the list.")


def _check_external_url(kind: str, external_url: str, problems: dict) -> None:
    """An external link's address is http(s), on every path that sets it (add, edit, CLI)."""
    if (kind == "external_link" or external_url) and not EXTERNAL_URL.match(external_url):
        problems["external_url"] = _l("An external link needs an http:// or https:// address.")
    elif problem := column_problems(Section, {"external_url": external_url}).get("external_url"):
        problems["external_url"] = problem


# --- a site's own sections -------------------------------------------------------------------

@audited
def add_section(*, name_zh: str, name_en: str, slug: str, kind: str = "article_list",
                parent_id: int | None = None, homepage_priority: int | None = None,
                in_nav: bool = True, external_url: str = "", update_class: str = DEFAULT_UPDATE_CLASS) -> Section:
    """Add one of the current site's own sections (专业栏目).

    `update_class` is how often it must be updated (core.sections.models.UPDATE_CLASSES): the evaluation counts
    it overdue or long stale by it.

    :raises SectionError: under "name_zh", "slug", "kind", "external_url", "update_class" or "parent_id".
    """
    name_zh, name_en, slug, external_url = name_zh.strip(), name_en.strip(), slug.strip().lower(), external_url.strip()
    problems: dict = {}
    _check_names(name_zh, name_en, problems)
    if not SLUG.match(slug):
        problems["slug"] = _l("The address name must start with a letter and use only a-z, 0-9 and '-'.")
    elif slug in set(db.session.execute(select(MandatorySection.key)).scalars()) \
            or db.session.execute(select(Section.id).where(Section.slug == slug)).first():
        problems["slug"] = _l("The address name '%(slug)s' is already used on this site.", slug=slug)
    if kind not in KINDS:
        problems["kind"] = _l("Unknown section kind.")
    _check_external_url(kind, external_url, problems)
    _check_update_class(update_class, problems)
    if parent_id is not None and db.session.get(Section, parent_id) is None:
        problems["parent_id"] = _l("The parent section does not exist on this site.")
    if problems:
        raise SectionError(problems)
    last = db.session.execute(select(func.max(Section.position)).where(Section.mandatory_key.is_(None))).scalar()
    section = Section(name_zh=name_zh, name_en=name_en, slug=slug, kind=kind,
                      parent_id=parent_id, homepage_priority=homepage_priority, in_nav=in_nav,
                      position=(last or 0) + 1, page_html="", external_url=external_url, update_class=update_class)
    db.session.add(section)
    db.session.flush()
    record("section.add", section.slug, name_zh=section.name_zh)
    return section


@audited
def update_section(section: Section, *, name_zh: str, name_en: str, parent_id: int | None = None,
                   homepage_priority: int | None = None, in_nav: bool = True, external_url: str = "",
                   update_class: str | None = None) -> None:
    """Change a site's own section; its address and kind stay (`update_class` None: unchanged).

    :raises MandatorySectionLocked: for a mandatory section.
    :raises SectionError: under "name_zh", "parent_id" (not on this site, the section itself or one of its
        sub-sections, or a rule another module adds with `add_placement_check`) or "external_url".
    """
    if section.is_mandatory:
        raise MandatorySectionLocked(LOCKED)
    external_url = external_url.strip()
    problems: dict = {}
    _check_names(name_zh, name_en, problems)
    sections = site_sections()
    if parent_id is not None:
        if all(s.id != parent_id for s in sections):
            problems["parent_id"] = _l("The parent section does not exist on this site.")
        elif parent_id == section.id or parent_id in descendants(section.id, sections):
            problems["parent_id"] = _l("A section cannot be placed under one of its own sub-sections.")
    if parent_id != section.parent_id and "parent_id" not in problems:
        problems.update(placement_problems(section, parent_id, sections))  # the other modules' rules on moving
    _check_external_url(section.kind, external_url, problems)
    update_class = section.update_class if update_class is None else update_class
    _check_update_class(update_class, problems)
    if problems:
        raise SectionError(problems)
    section.update_class = update_class
    section.name_zh, section.name_en = name_zh.strip(), name_en.strip()
    section.parent_id, section.homepage_priority, section.in_nav = parent_id, homepage_priority, in_nav
    section.external_url = external_url
    record("section.update", section.slug, name_zh=section.name_zh, update_class=section.update_class)
    db.session.flush()


@audited
def move_section(section: Section, direction: str) -> bool:
    """Swap a site's own section with its neighbour among its siblings ("up" or "down"); False at either end.

    :raises MandatorySectionLocked: for a mandatory section (the platform's order is fixed).
    """
    if section.is_mandatory:
        raise MandatorySectionLocked(LOCKED)
    siblings = [s for s in site_sections() if not s.is_mandatory and s.parent_id == section.parent_id]
    index = next(i for i, s in enumerate(siblings) if s.id == section.id)
    other = index + (-1 if direction == "up" else 1)
    if not 0 <= other < len(siblings):
        return False
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, s in enumerate(siblings):  # renumbered: positions may have gaps or ties
        s.position = position
    record("section.move", section.slug, direction=direction)
    db.session.flush()
    return True


@audited
def set_empty_note(section: Section, note: str) -> None:
    """Say why a section of the site (mandatory or its own) rightly has nothing in it; "" takes the note away.

    A section with a note is not counted as empty (虚设栏目) by the evaluation, and the note is what the
    bureau reads beside it. Any section of the site may carry one: the set's sections too, whose names and
    order stay the platform's.

    :raises SectionError: under "empty_note" (too long, or a character no column holds).
    """
    note = " ".join(note.split())
    problems = column_problems(Section, {"empty_note": note})
    if problems:
        raise SectionError(problems)
    if note == section.empty_note:
        return
    section.empty_note = note
    record("section.empty_note", section.slug, name_zh=section.name_zh, empty_note=note)
    db.session.flush()


def _same_name(name: str | None) -> str:
    """A name as typed, compared without regard to spacing or letter case."""
    return " ".join((name or "").split()).casefold()


@audited
def delete_section(section: Section, *, confirmation: str) -> SectionLoss:
    """Delete a site's own section with its sub-sections and their items, once nothing in it is public.

    Deleting cannot be undone: items, their revisions and files go with the
    section. So it is refused while any item in the branch is published or
    scheduled (the public would lose pages, and links to them, without a
    decision about each: withdraw them first), and it needs `confirmation`,
    the section's name typed again (in Chinese or in English). Returns what went.

    :raises MandatorySectionLocked: for a mandatory section.
    :raises SectionError: while published items remain; under "confirmation" when the name typed differs.
    """
    if section.is_mandatory:
        raise MandatorySectionLocked(_l("A mandatory section cannot be deleted."))
    loss = deletion_loss(section)
    if loss.published:
        raise SectionError(_l("“%(name)s” still shows %(n)s published or scheduled items to the public. Withdraw "
                              "them first; then the section can be deleted.", name=localized(section), n=loss.published))
    if _same_name(confirmation) not in {_same_name(section.name_zh), _same_name(section.name_en)}:
        raise SectionError({"confirmation": _l("Type the section's name exactly as shown to confirm: “%(name)s”.",
                                               name=localized(section))})
    slug, name_zh = section.slug, section.name_zh
    db.session.delete(section)
    db.session.flush()
    record("section.delete", slug, name_zh=name_zh, sub_sections_deleted=len(loss.sub_sections),
           items_deleted=loss.items)
    return loss


# --- the platform's mandatory set ------------------------------------------------------------

def _renumber(rows: list) -> None:
    for position, row in enumerate(rows):
        if row.position != position:
            row.position = position


def _check_mandatory_fields(name_zh: str, name_en: str, kind: str, homepage_priority: int | None,
                            problems: dict, update_class: str = DEFAULT_UPDATE_CLASS) -> None:
    _check_update_class(update_class, problems)
    problems.update(column_problems(MandatorySection, {"name_zh": name_zh.strip(), "name_en": name_en.strip()}))
    if not name_zh.strip():
        problems["name_zh"] = _l("The Chinese name is required.")
    if not name_en.strip():
        problems["name_en"] = _l("The English name is required.")
    if kind not in KINDS:
        problems["kind"] = _l("Unknown section kind.")
    if homepage_priority is not None and not 1 <= homepage_priority <= 999:
        problems["homepage_priority"] = _l("The homepage position is a number from 1 to 999.")


@audited
def add_mandatory_section(*, key: str, name_zh: str, name_en: str, kind: str, position: int | None = None,
                          homepage_priority: int | None = None, in_nav: bool = True,
                          update_class: str = DEFAULT_UPDATE_CLASS) -> tuple[MandatorySection, dict[str, int]]:
    """Add a section to the set at `position` (1 = first; None = last) and to every site.

    `update_class`: how often every site must update it (core.sections.models.UPDATE_CLASSES).

    Returns the row and the sync's counts ({"added", "updated", "released"}).

    :raises SectionError: under "key", "name_zh", "name_en", "kind", "position" or "homepage_priority".
    """
    key = key.strip().lower()
    problems: dict = {}
    if not SLUG.match(key):
        problems["key"] = _l("The key must start with a letter and use only a-z, 0-9 and '-' (at most 40).")
    elif db.session.execute(select(MandatorySection.id).where(MandatorySection.key == key)).first():
        problems["key"] = _l("The set already has a section '%(key)s'.", key=key)
    _check_mandatory_fields(name_zh, name_en, kind, homepage_priority, problems, update_class)
    if position is not None and position < 1:
        problems["position"] = _l("The place in the order is 1 or more.")
    if problems:
        raise SectionError(problems)
    rows = mandatory_sections()
    row = MandatorySection(key=key, name_zh=name_zh.strip(), name_en=name_en.strip(), kind=kind, position=0,
                           homepage_priority=homepage_priority, in_nav=in_nav, update_class=update_class)
    db.session.add(row)
    rows.insert(len(rows) if position is None else min(position - 1, len(rows)), row)
    _renumber(rows)
    db.session.flush()
    counts = sync_all_tenants()
    record("mandatory.add", row.key, name_zh=row.name_zh, kind=row.kind, position=row.position + 1,
           update_class=row.update_class, **counts)
    return row, counts


@audited
def update_mandatory_section(row: MandatorySection, *, name_zh: str, name_en: str, kind: str,
                             homepage_priority: int | None, in_nav: bool,
                             update_class: str | None = None) -> dict[str, int]:
    """Change a section of the set on every site; return the sync's counts (`update_class` None: unchanged).

    :raises SectionError: under "name_zh", "name_en", "kind", "homepage_priority" or "update_class".
    """
    problems: dict = {}
    update_class = row.update_class if update_class is None else update_class
    _check_mandatory_fields(name_zh, name_en, kind, homepage_priority, problems, update_class)
    if problems:
        raise SectionError(problems)
    values = dict(name_zh=name_zh.strip(), name_en=name_en.strip(), kind=kind,
                  homepage_priority=homepage_priority, in_nav=in_nav, update_class=update_class)
    changed = {k: v for k, v in values.items() if getattr(row, k) != v}
    for k, v in changed.items():
        setattr(row, k, v)
    db.session.flush()
    counts = sync_all_tenants()
    record("mandatory.update", row.key, changed=changed, **counts)
    return counts


@audited
def remove_mandatory_section(row: MandatorySection) -> dict[str, int]:
    """Drop a section from the set; each site keeps it, with its content, as its own. Return the sync's counts."""
    key, name_zh = row.key, row.name_zh
    rows = [r for r in mandatory_sections() if r.id != row.id]
    db.session.delete(row)
    _renumber(rows)
    db.session.flush()
    counts = sync_all_tenants()
    record("mandatory.remove", key, name_zh=name_zh, **counts)
    return counts


def _move_in_order(rows: list, row, step: int) -> bool:
    """Swap `row` with its neighbour `step` (-1 up, +1 down) in `rows` and renumber; False at either end."""
    index = next(i for i, r in enumerate(rows) if r.id == row.id)
    other = index + step
    if not 0 <= other < len(rows):
        return False
    rows[index], rows[other] = rows[other], rows[index]
    _renumber(rows)
    db.session.flush()
    return True


@audited
def move_mandatory_section(row: MandatorySection, step: int) -> dict[str, int] | None:
    """Move a section of the set one place (-1 up, +1 down) on every site; None at either end."""
    if not _move_in_order(mandatory_sections(), row, step):
        return None
    counts = sync_all_tenants()
    record("mandatory.move", row.key, direction="up" if step < 0 else "down", position=row.position + 1, **counts)
    return counts


@audited
def restore_default_sections() -> tuple[int, dict[str, int]]:
    """Into an empty set, the guideline's defaults again; return (sections added to the set, sync counts)."""
    added = ensure_mandatory_set(restore=True)
    counts = sync_all_tenants()
    record("mandatory.defaults", "", defaults_added=added, **counts)
    return added, counts


@audited
def sync_mandatory_sections() -> tuple[int, dict[str, int]]:
    """Seed the set on a new platform and bring every site in step (`flask sections sync`)."""
    added = ensure_mandatory_set()
    counts = sync_all_tenants()
    record("mandatory.sync", "", defaults_added=added, **counts)
    return added, counts
