"""The bureau's lists: disclosure categories and subjects (主题分类): add, rename, delete, reorder, defaults.

Audited on the platform. An entry some site has filed items under is not deleted: those items would lose
their place in the catalogue (rename it instead).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.audit.log import record
from core.disclosure.defaults import DEFAULT_CATEGORIES, DEFAULT_SUBJECTS
from core.disclosure.models import DisclosureCategory, DisclosureSubject
from core.disclosure.queries import disclosure_categories, disclosure_subjects, items_filed_under
from core.extensions import db
from core.operations import OperationError, audited
from core.text import same_name_key, strip_format_characters


class DisclosureError(OperationError):
    """A change to the categories or subjects refused."""


def _refuse_in_use(count: int) -> None:
    if count:
        raise DisclosureError(_l("%(n)s items of the sites are filed under it: it cannot be deleted. Rename it "
                                 "instead, or have the sites file those items elsewhere first.", n=count))


def _renumber(rows: list) -> None:
    for position, row in enumerate(rows):
        if row.position != position:
            row.position = position


def _clean(value: str) -> str:
    """A name as stored: invisible format characters dropped, the ends trimmed."""
    return strip_format_characters(value or "").strip()


def _check_category(name_zh: str, name_en: str, exclude: int | None) -> None:
    """A category's names: both required; the Chinese one unlike every other category's, compared as a reader
    sees them (core.text.same_name_key: "综合\u3000政务" is "综合政务")."""
    name_zh, name_en = _clean(name_zh), _clean(name_en)
    problems: dict = {}
    if not name_zh.strip():
        problems["name_zh"] = _l("The Chinese name is required.")
    if not name_en.strip():
        problems["name_en"] = _l("The English name is required.")
    if "name_zh" not in problems:
        wanted = same_name_key(name_zh)
        clash = any(same_name_key(name) == wanted for name in db.session.execute(
            select(DisclosureCategory.name_zh).where(DisclosureCategory.id != (exclude or -1))).scalars())
        if clash:
            problems["name_zh"] = _l("There is already a category '%(name)s'.", name=name_zh)
    if problems:
        raise DisclosureError(problems)


@audited
def ensure_default_categories() -> int:
    """Give a platform with no disclosure categories the regulation's 13; return how many were added."""
    if db.session.execute(select(func.count()).select_from(DisclosureCategory)).scalar_one():
        return 0
    for position, (name_zh, name_en, description) in enumerate(DEFAULT_CATEGORIES):
        db.session.add(DisclosureCategory(position=position, name_zh=name_zh, name_en=name_en,
                                          description=description))
    db.session.flush()
    record("category.defaults", "", added=len(DEFAULT_CATEGORIES))
    return len(DEFAULT_CATEGORIES)


@audited
def add_category(*, name_zh: str, name_en: str, description: str = "") -> DisclosureCategory:
    """Add a category at the end of the list.

    :raises DisclosureError: under "name_zh" (empty or taken) or "name_en".
    """
    _check_category(name_zh, name_en, None)
    last = db.session.execute(select(func.max(DisclosureCategory.position))).scalar()
    category = DisclosureCategory(name_zh=_clean(name_zh), name_en=_clean(name_en), description=description.strip(),
                                  position=0 if last is None else last + 1)
    db.session.add(category)
    db.session.flush()
    record("category.add", category.name_zh, name_en=category.name_en, position=category.position + 1)
    return category


@audited
def update_category(category: DisclosureCategory, *, name_zh: str, name_en: str, description: str = "") -> None:
    """Rename or redescribe a category.

    :raises DisclosureError: under "name_zh" (empty or another category's) or "name_en".
    """
    _check_category(name_zh, name_en, category.id)
    before = {"name_zh": category.name_zh, "name_en": category.name_en}
    category.name_zh, category.name_en = _clean(name_zh), _clean(name_en)
    category.description = description.strip()
    record("category.update", category.name_zh, before=before, name_en=category.name_en)
    db.session.flush()


@audited
def delete_category(category: DisclosureCategory) -> None:
    """Delete a category no site has filed items under.

    :raises DisclosureError: some site's items are filed under it (the message says how many).
    """
    _refuse_in_use(items_filed_under(category_id=category.id))
    name_zh, name_en = category.name_zh, category.name_en
    rows = [c for c in disclosure_categories() if c.id != category.id]
    db.session.delete(category)
    _renumber(rows)
    record("category.delete", name_zh, name_en=name_en)
    db.session.flush()


@audited
def move_category(category: DisclosureCategory, step: int) -> bool:
    """Move a category one place (-1 up, +1 down); False at either end."""
    rows = disclosure_categories()
    index = next(i for i, r in enumerate(rows) if r.id == category.id)
    other = index + step
    if not 0 <= other < len(rows):
        return False
    rows[index], rows[other] = rows[other], rows[index]
    _renumber(rows)
    record("category.move", category.name_zh, direction="up" if step < 0 else "down", position=category.position + 1)
    db.session.flush()
    return True


# --- subjects (主题分类) ----------------------------------------------------------------------------

def _check_subject(name_zh: str, name_en: str, exclude: int | None) -> None:
    """A subject's names, checked as a category's are (`_check_category`)."""
    name_zh, name_en = _clean(name_zh), _clean(name_en)
    problems: dict = {}
    if not name_zh.strip():
        problems["name_zh"] = _l("The Chinese name is required.")
    if not name_en.strip():
        problems["name_en"] = _l("The English name is required.")
    if "name_zh" not in problems:
        wanted = same_name_key(name_zh)
        clash = any(same_name_key(name) == wanted for name in db.session.execute(
            select(DisclosureSubject.name_zh).where(DisclosureSubject.id != (exclude or -1))).scalars())
        if clash:
            problems["name_zh"] = _l("There is already a subject '%(name)s'.", name=name_zh)
    if problems:
        raise DisclosureError(problems)


@audited
def ensure_default_subjects() -> int:
    """Give a platform with no subjects the national classification's; return how many were added."""
    if db.session.execute(select(func.count()).select_from(DisclosureSubject)).scalar_one():
        return 0
    for position, (name_zh, name_en) in enumerate(DEFAULT_SUBJECTS):
        db.session.add(DisclosureSubject(position=position, name_zh=name_zh, name_en=name_en))
    db.session.flush()
    record("subject.defaults", "", added=len(DEFAULT_SUBJECTS))
    return len(DEFAULT_SUBJECTS)


@audited
def add_subject(*, name_zh: str, name_en: str) -> DisclosureSubject:
    """Add a subject at the end of the list.

    :raises DisclosureError: under "name_zh" (empty or taken) or "name_en".
    """
    _check_subject(name_zh, name_en, None)
    last = db.session.execute(select(func.max(DisclosureSubject.position))).scalar()
    subject = DisclosureSubject(name_zh=_clean(name_zh), name_en=_clean(name_en),
                                position=0 if last is None else last + 1)
    db.session.add(subject)
    db.session.flush()
    record("subject.add", subject.name_zh, name_en=subject.name_en, position=subject.position + 1)
    return subject


@audited
def update_subject(subject: DisclosureSubject, *, name_zh: str, name_en: str) -> None:
    """Rename a subject (the items filed under it follow).

    :raises DisclosureError: under "name_zh" (empty or another subject's) or "name_en".
    """
    _check_subject(name_zh, name_en, subject.id)
    before = {"name_zh": subject.name_zh, "name_en": subject.name_en}
    subject.name_zh, subject.name_en = _clean(name_zh), _clean(name_en)
    record("subject.update", subject.name_zh, before=before, name_en=subject.name_en)
    db.session.flush()


@audited
def delete_subject(subject: DisclosureSubject) -> None:
    """Delete a subject no site has filed items under.

    :raises DisclosureError: some site's items are filed under it.
    """
    _refuse_in_use(items_filed_under(subject_id=subject.id))
    name_zh, name_en = subject.name_zh, subject.name_en
    rows = [s for s in disclosure_subjects() if s.id != subject.id]
    db.session.delete(subject)
    _renumber(rows)
    record("subject.delete", name_zh, name_en=name_en)
    db.session.flush()


@audited
def move_subject(subject: DisclosureSubject, step: int) -> bool:
    """Move a subject one place (-1 up, +1 down); False at either end."""
    rows = disclosure_subjects()
    index = next(i for i, r in enumerate(rows) if r.id == subject.id)
    other = index + step
    if not 0 <= other < len(rows):
        return False
    rows[index], rows[other] = rows[other], rows[index]
    _renumber(rows)
    record("subject.move", subject.name_zh, direction="up" if step < 0 else "down", position=subject.position + 1)
    db.session.flush()
    return True
