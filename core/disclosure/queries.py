"""Reading the platform's disclosure categories, in their order."""
from __future__ import annotations

from sqlalchemy import select

from core.disclosure.models import DisclosureCategory
from core.extensions import db


def disclosure_categories() -> list[DisclosureCategory]:
    return list(db.session.execute(select(DisclosureCategory).order_by(DisclosureCategory.position,
                                                                        DisclosureCategory.id)).scalars())
