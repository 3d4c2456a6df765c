"""No public item sits unfiled in the disclosure column: a section holding published unfiled items is not moved into
it, every way an item's text goes public re-checks filing, and what is there anyway is listed to the site and the
bureau."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.auth.models import User
from core.content.models import Article
from core.extensions import db
from core.publishing.operations import (WorkflowError, apply_change_step, apply_transition, restore_revision,
                                        run_due)
from core.sections.operations import SectionError, add_section, update_section
from core.sections.queries import site_sections
from core.timeutil import now
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import csrf_token


def _section(slug: str):
    return next(s for s in site_sections() if s.slug == slug)


def _published(section, title: str, **filing) -> Article:
    article = Article(section_id=section.id, title=title, status="published", published_at=now(), **filing)
    db.session.add(article)
    db.session.flush()
    return article


def test_a_section_with_published_unfiled_items_is_not_moved_into_the_column(app, two_sites, lists, signed_in):
    rsj = two_sites[0]
    client, _ = signed_in("rsj.localhost", "rsj.admin", site=rsj, roles=["site_admin"])
    with app.app_context(), activate_tenant(rsj.id):
        budgets = add_section(name_zh="财政预决算", name_en="Budgets", slug="budgets")
        below = add_section(name_zh="部门预算", name_en="Department budgets", slug="dept-budgets",
                            parent_id=budgets.id)
        _published(budgets, "2025年部门预算")
        _published(below, "2025年部门决算", disclosure_category_id=lists.categories["财政预算决算"])
        _published(below, "已归档", disclosure_category_id=lists.categories["财政预算决算"],
                   subject_id=lists.subjects["综合政务"])
        db.session.add(Article(section_id=below.id, title="草稿", status="draft"))  # not public: no matter
        db.session.commit()
        column_id, budgets_id = _section("disclosure").id, budgets.id
        with pytest.raises(SectionError) as refused:
            update_section(budgets, name_zh="财政预决算", name_en="Budgets", parent_id=column_id)
        assert "2" in str(refused.value.problems["parent_id"])
        db.session.rollback()
    page = client.get(f"/admin/sections/{budgets_id}")
    html = page.get_data(as_text=True)
    response = client.post(f"/admin/sections/{budgets_id}", data={
        "name_zh": "财政预决算", "name_en": "Budgets", "parent_id": str(column_id), "in_nav": "y",
        "csrf_token": csrf_token(html)})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="parent_id-errors"' in html
    link = f"/admin/articles/?filing=missing&amp;under={budgets_id}"
    assert link in html
    listed = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert "2025年部门预算" in listed and "2025年部门决算" in listed and "已归档" not in listed
    with app.app_context(), activate_tenant(rsj.id):
        assert db.session.get(type(_section("budgets")), budgets_id).parent_id is None
        for article in db.session.execute(select(Article).where(Article.section_id.in_(
                [budgets_id, _section("dept-budgets").id]))).scalars():
            article.disclosure_category_id = article.disclosure_category_id or lists.categories["财政预算决算"]
            article.subject_id = article.subject_id or lists.subjects["综合政务"]
        db.session.commit()
        update_section(_section("budgets"), name_zh="财政预决算", name_en="Budgets", parent_id=column_id)
        db.session.commit()
        assert _section("budgets").parent_id == column_id


def test_a_restored_unfiled_revision_is_not_published_as_a_correction(app, two_sites, lists, create_account):
    rsj = two_sites[0]
    publisher = create_account("rsj.pub", site=rsj, roles=["collector", "editor", "publisher"])
    with app.app_context(), activate_tenant(rsj.id):
        actor = db.session.get(User, publisher.id)
        # An item of the column whose first revision predates filing.
        article = Article(section_id=_section("disclosure").id, title="旧文", status="approved")
        db.session.add(article)
        db.session.flush()
        from core.publishing.operations import _add_revision
        _add_revision(article, actor, "before filing")  # revision 1: unfiled
        article.disclosure_category_id = lists.categories["统计信息"]
        article.subject_id = lists.subjects["综合政务"]
        _add_revision(article, actor, "filed")
        apply_transition(article, "publish", actor=actor)
        db.session.commit()
        restore_revision(article, 1, actor=actor)
        with pytest.raises(WorkflowError) as refused:
            apply_change_step(article, "change_force_publish", actor=actor, comment="紧急更正")
        assert "disclosure catalogue" in refused.value.message or "公开目录" in refused.value.message
        db.session.rollback()
        article = db.session.get(Article, article.id)
        assert article.disclosure_category_id == lists.categories["统计信息"]


def test_a_scheduled_unfiled_item_of_the_column_is_held_back_not_published(app, two_sites, lists):
    rsj = two_sites[0]
    with app.app_context(), activate_tenant(rsj.id):
        moment = now()
        held = Article(section_id=_section("disclosure").id, title="待发布", status="scheduled",
                       publish_at=moment - timedelta(minutes=1))
        fine = Article(section_id=_section("news").id, title="新闻", status="scheduled",
                       publish_at=moment - timedelta(minutes=1))
        db.session.add_all([held, fine])
        db.session.flush()
        counts = run_due(moment)
        assert counts["published"] == 1 and counts["held"] == 1
        assert (held.status, held.publish_at) == ("approved", None) and fine.status == "published"
        db.session.rollback()


def test_unfiled_items_in_the_column_are_listed_to_the_site_and_the_bureau(app, two_sites, lists, signed_in, admin):
    rsj = two_sites[0]
    with app.app_context(), activate_tenant(rsj.id):
        _published(_section("disclosure"), "漏归档的公开信息")
        _published(_section("news"), "工作动态")  # outside the column: filing is optional
        db.session.commit()
    client, _ = signed_in("rsj.localhost", "rsj.admin", site=rsj, roles=["site_admin"])
    html = client.get("/admin/disclosure/").get_data(as_text=True)
    assert "漏归档的公开信息" in html and "工作动态" not in html
    matrix = admin.get("/platform/disclosure/coverage").get_data(as_text=True)
    row = matrix[matrix.index(f"/platform/sites/{rsj.id}"):]
    row = row[:row.index("</tr>")]
    assert '<strong class="tag tag-warning">1</strong>' in row
