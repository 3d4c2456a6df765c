"""The disclosure tests' city: the platform's lists, and helpers to file and publish items on a site."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest
from sqlalchemy import select

from core.content.operations import create_article
from core.disclosure.models import DisclosureCategory, DisclosureSubject
from core.disclosure.operations import ensure_default_categories, ensure_default_subjects
from core.extensions import db
from core.sections.queries import site_sections
from tenants.scoping import activate_tenant
from tests.disclosure.applications_helpers import calendar_2026, clock, officer_of  # noqa: F401  (applications)
from tests.disclosure.report_helpers import staff  # noqa: F401  (the yearly report)


@dataclass
class Lists:
    categories: dict[str, int]  # Chinese name -> id, in the platform's order
    subjects: dict[str, int]


@pytest.fixture
def lists(app) -> Lists:
    """The regulation's 13 categories and the national subjects, on the platform."""
    with app.app_context():
        ensure_default_categories()
        ensure_default_subjects()
        db.session.commit()
        found = Lists(
            dict(db.session.execute(select(DisclosureCategory.name_zh, DisclosureCategory.id)
                                    .order_by(DisclosureCategory.position)).all()),
            dict(db.session.execute(select(DisclosureSubject.name_zh, DisclosureSubject.id)
                                    .order_by(DisclosureSubject.position)).all()))
        db.session.remove()
        return found


@pytest.fixture
def publish_filed(app, lists):
    """Publish an item on a site (by section address), filed under a category and a subject; return its id."""

    def factory(site, title: str, *, category: str = "规范性文件", subject: str = "综合政务",
                section: str = "disclosure", published_at: datetime | None = None, **fields) -> int:
        with app.app_context(), activate_tenant(site.id):
            found = next(s for s in site_sections() if s.slug == section)
            article = create_article(section=found, title=title, published_at=published_at,
                                     disclosure_category_id=lists.categories[category] if category else None,
                                     subject_id=lists.subjects[subject] if subject else None, **fields)
            db.session.commit()
            article_id = article.id
            db.session.remove()
            return article_id

    return factory
