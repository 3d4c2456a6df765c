"""The bureau's list of disclosure categories: add, rename, delete, reorder, defaults. Audited on the platform."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.audit.log import record
from core.disclosure.defaults import DEFAULT_CATEGORIES
from core.disclosure.models import DisclosureCategory
from core.disclosure.queries import disclosure_categories
from core.extensions import db
from core.operations import OperationError, audited


class DisclosureError(OperationError):
    """A change to the categories refused."""


def _renumber(rows: list) -> None:
    for position, row in enumerate(rows):
        if row.position != position:
            row.position = position


def _check_category(name_zh: str, name_en: str, exclude: int | None) -> None:
    problems: dict = {}
    if not name_zh.strip():
        problems["name_zh"] = _l("The Chinese name is required.")
    if not name_en.strip():
        problems["name_en"] = _l("The English name is required.")
    if "name_zh" not in problems:
        clash = db.session.execute(select(DisclosureCategory.id).where(
            DisclosureCategory.name_zh == name_zh.strip(), DisclosureCategory.id != (exclude or -1))).first()
        if clash:
            problems["name_zh"] = _l("There is already a category '%(name)s'.", name=name_zh.strip())
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
    category = DisclosureCategory(name_zh=name_zh.strip(), name_en=name_en.strip(), description=description.strip(),
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
    category.name_zh, category.name_en = name_zh.strip(), name_en.strip()
    category.description = description.strip()
    record("category.update", category.name_zh, before=before, name_en=category.name_en)
    db.session.flush()


@audited
def delete_category(category: DisclosureCategory) -> None:
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
