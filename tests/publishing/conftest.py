"""A site with one person per publishing role, and helpers to act as them."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.auth.models import User
from core.content.models import Article
from core.extensions import db
from core.sections.models import Section
from tenants.scoping import activate_tenant

ROLES = ("collector", "editor", "reviewer", "publisher")


@pytest.fixture
def staff(app, two_sites, create_account):
    """rsj's collector, editor, reviewer and publisher (user ids by role)."""
    rsj = two_sites[0]
    return {role: create_account(f"rsj.{role}", site=rsj, roles=[role]).id for role in ROLES}


@pytest.fixture
def act(app, two_sites):
    """Run fn(user, article) as a user of rsj, committing on success, rolling back on failure."""
    rsj = two_sites[0]

    def run(user_id: int, fn, article_id: int | None = None):
        with app.test_request_context(environ_overrides={"HTTP_HOST": "rsj.localhost"}), activate_tenant(rsj.id):
            user = db.session.get(User, user_id)
            article = db.session.execute(select(Article).where(Article.id == article_id)).scalar_one() \
                if article_id else None
            try:
                result = fn(user, article)
                db.session.commit()
                return result
            except Exception:
                db.session.rollback()
                raise
            finally:
                db.session.remove()

    return run


@pytest.fixture
def state_of(app, two_sites):
    def read(article_id: int):
        with app.app_context(), activate_tenant(two_sites[0].id):
            a = db.session.execute(select(Article).where(Article.id == article_id)).scalar_one()
            return a.status

    return read


@pytest.fixture
def news_section(app, two_sites):
    with app.app_context(), activate_tenant(two_sites[0].id):
        return db.session.execute(select(Section).where(Section.slug == "news")).scalar_one().id
