"""Tenant isolation is structural: queries are filtered and inserts stamped by the ORM."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select, update

from core.content.models import Article
from core.extensions import db
from core.sections.models import Section
from tenants.scoping import TenantScopeError, activate_tenant, prebuilt


def test_query_in_one_tenant_never_returns_anothers_rows(app, two_sites):
    rsj, czj, articles = two_sites
    with app.app_context():
        with activate_tenant(rsj.id):
            titles = db.session.execute(select(Article.title)).scalars().all()
            sections = db.session.execute(select(Section)).scalars().all()
            joined = db.session.execute(select(Article).join(Section, Section.id == Article.section_id)).scalars().all()
        assert "廊坊市人事局召开全体干部大会" in titles and "廊坊市财政局召开全体干部大会" not in titles
        assert {s.tenant_id for s in sections} == {rsj.id}
        assert {a.tenant_id for a in joined} == {rsj.id}


#: Built once, as a module's statement is: its scoped form is kept per tenant (tenants.scoping.prebuilt).
_TITLES = prebuilt(select(Article.title).order_by(Article.id))


def test_a_prebuilt_statement_is_scoped_for_each_tenant_it_runs_for(app, two_sites):
    rsj, czj, _ = two_sites
    with app.app_context():
        for _ in range(2):  # the second time, from the kept scoped statements
            with activate_tenant(rsj.id):
                mine = db.session.execute(_TITLES).scalars().all()
            with activate_tenant(czj.id):
                theirs = db.session.execute(_TITLES).scalars().all()
            assert "廊坊市人事局召开全体干部大会" in mine and "廊坊市财政局召开全体干部大会" not in mine
            assert "廊坊市财政局召开全体干部大会" in theirs and "廊坊市人事局召开全体干部大会" not in theirs
        with pytest.raises(TenantScopeError):  # with no tenant active, refused as any statement is
            db.session.execute(_TITLES)


def test_another_tenants_id_is_not_found(app, two_sites):
    rsj, czj, articles = two_sites
    foreign_id = articles["czj"][0]
    with app.app_context():
        with activate_tenant(rsj.id):
            assert db.session.execute(select(Article).where(Article.id == foreign_id)).scalar_one_or_none() is None
            assert db.session.get(Article, foreign_id) is None


def test_insert_is_stamped_with_the_current_tenant(app, two_sites):
    rsj, czj, _ = two_sites
    with app.app_context():
        with activate_tenant(czj.id):
            section = db.session.execute(select(Section).where(Section.slug == "news")).scalar_one()
            article = Article(section_id=section.id, title="新稿件", status="collecting")
            db.session.add(article)
            db.session.commit()
            assert article.tenant_id == czj.id


def test_insert_for_another_tenant_is_refused(app, two_sites):
    rsj, czj, _ = two_sites
    with app.app_context():
        with activate_tenant(rsj.id):
            db.session.add(Article(tenant_id=czj.id, section_id=1, title="越权", status="collecting"))
            with pytest.raises(TenantScopeError):
                db.session.flush()
            db.session.rollback()
        with activate_tenant(czj.id):
            assert db.session.execute(select(func.count()).select_from(Article).where(Article.title == "越权")).scalar() == 0


def test_changing_a_rows_tenant_is_refused(app, two_sites):
    rsj, czj, _ = two_sites
    with app.app_context(), activate_tenant(rsj.id):
        article = db.session.execute(select(Article)).scalars().first()
        article.tenant_id = czj.id
        with pytest.raises(TenantScopeError):
            db.session.flush()
        db.session.rollback()


def test_bulk_update_and_delete_touch_only_the_current_tenant(app, two_sites):
    rsj, czj, _ = two_sites
    with app.app_context():
        with activate_tenant(rsj.id):
            db.session.execute(update(Article).values(title="改过的标题"))
            db.session.execute(delete(Article).where(Article.title == "改过的标题"))
            db.session.commit()
        with activate_tenant(czj.id):
            titles = db.session.execute(select(Article.title)).scalars().all()
        assert len(titles) == 2 and "改过的标题" not in titles


def test_section_of_another_tenant_is_refused_by_the_database(app, two_sites):
    """Even with the tenant stamped right, an article cannot point at another site's section."""
    rsj, czj, _ = two_sites
    with app.app_context():
        with activate_tenant(czj.id):
            foreign_section = db.session.execute(select(Section.id).where(Section.slug == "news")).scalar_one()
        with activate_tenant(rsj.id):
            db.session.add(Article(section_id=foreign_section, title="借用栏目", status="collecting"))
            with pytest.raises(Exception) as caught:
                db.session.flush()
            assert "foreign key" in str(caught.value).lower()
            db.session.rollback()


def test_query_with_no_tenant_active_raises(app, two_sites):
    with app.app_context():
        with pytest.raises(TenantScopeError):
            db.session.execute(select(Article)).all()
        with pytest.raises(TenantScopeError):
            db.session.add(Article(section_id=1, title="无主", status="collecting"))
            db.session.flush()
        db.session.rollback()


def test_platform_code_crosses_tenants_only_when_it_says_so(app, two_sites):
    with app.app_context():
        rows = db.session.execute(select(Article.tenant_id).execution_options(all_tenants=True)).scalars().all()
    assert len(set(rows)) == 2
