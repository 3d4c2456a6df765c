"""Reading the platform's lists (disclosure categories, subjects), in their order, and what is filed under them."""
from __future__ import annotations

from sqlalchemy import func, select

from core.content.models import Article
from core.disclosure.models import DisclosureCategory, DisclosureSubject
from core.extensions import db
from tenants.scoping import crosses_tenants


def disclosure_categories() -> list[DisclosureCategory]:
    return list(db.session.execute(select(DisclosureCategory).order_by(DisclosureCategory.position,
                                                                        DisclosureCategory.id)).scalars())


def disclosure_subjects() -> list[DisclosureSubject]:
    return list(db.session.execute(select(DisclosureSubject).order_by(DisclosureSubject.position,
                                                                       DisclosureSubject.id)).scalars())


@crosses_tenants("the bureau deletes an entry of its lists only when no site has filed items under it")
def items_filed_under(*, category_id: int | None = None, subject_id: int | None = None) -> int:
    """How many items of every site (any state) are filed under the category, or the subject."""
    query = select(func.count()).select_from(Article)
    if category_id is not None:
        query = query.where(Article.disclosure_category_id == category_id)
    if subject_id is not None:
        query = query.where(Article.subject_id == subject_id)
    return db.session.execute(query.execution_options(all_tenants=True)).scalar_one()
