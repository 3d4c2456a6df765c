"""Deleting a section is a decision: a page says what goes, the name is typed again, nothing public goes with it."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from core.audit.models import AuditEntry
from core.content.models import Article
from core.extensions import db
from core.sections.models import MandatorySection, Section
from core.sections.operations import SectionError, add_section, delete_section
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import post_form
from tests.fixtures.console import last_platform_entry


@pytest.fixture
def branch(app, two_sites, create_article_in):
    """rsj's own section 人才工作 with a sub-section 考试录用; a draft and a withdrawn item in them, nothing public."""
    rsj = two_sites[0]
    with app.app_context(), activate_tenant(rsj.id):
        talent = add_section(name_zh="人才工作", name_en="Talent", slug="talent")
        add_section(name_zh="考试录用", name_en="Examinations", slug="exams", parent_id=talent.id)
        db.session.commit()
        talent_id = talent.id
    create_article_in(rsj, "talent", "人才工作草稿", status="collecting")
    create_article_in(rsj, "exams", "已撤下的考试公告", status="withdrawn")
    return rsj, talent_id


@pytest.fixture
def site_admin(two_sites, signed_in):
    client, _ = signed_in("rsj.localhost", "zhang.admin", site=two_sites[0], roles=["site_admin"])
    return client


def _slugs(app, site) -> set[str]:
    with app.app_context(), activate_tenant(site.id):
        return set(db.session.execute(select(Section.slug)).scalars())


def _articles(app, site) -> int:
    with app.app_context(), activate_tenant(site.id):
        return db.session.execute(select(func.count()).select_from(Article)).scalar_one()


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_the_list_links_to_a_page_that_says_what_goes(app, branch, site_admin):
    rsj, talent_id = branch
    listing = site_admin.get("/admin/sections/").get_data(as_text=True)
    assert f'<a href="/admin/sections/{talent_id}/delete">删除' in listing
    assert f'action="/admin/sections/{talent_id}/delete"' not in listing  # no one-click button any more
    page = _text(site_admin.get(f"/admin/sections/{talent_id}/delete"))
    assert "删除后无法恢复" in page
    assert "1 个子栏目" in page and "<li>考试录用</li>" in page
    assert "2 条未发布的信息" in page
    assert "/sections/talent/" in page


def test_a_post_without_the_name_or_with_another_deletes_nothing(app, branch, site_admin):
    rsj, talent_id = branch
    before, items = _slugs(app, rsj), _articles(app, rsj)
    path = f"/admin/sections/{talent_id}/delete"
    for typed in ("", "人才", "考试录用"):
        response = post_form(site_admin, path, {"confirmation": typed})
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert "请准确输入栏目名称以确认" in html and f'value="{typed}"' in html
    assert _slugs(app, rsj) == before and _articles(app, rsj) == items


@pytest.mark.parametrize("typed", ["人才工作", " talent "])
def test_the_name_typed_again_deletes_the_branch_and_its_items_and_is_audited(app, branch, site_admin, typed):
    rsj, talent_id = branch
    items = _articles(app, rsj)
    response = post_form(site_admin, f"/admin/sections/{talent_id}/delete", {"confirmation": typed},
                         follow_redirects=True)
    assert "“人才工作”已删除，连同 1 个子栏目和 2 条信息" in _text(response)
    assert not {"talent", "exams"} & _slugs(app, rsj)
    assert _articles(app, rsj) == items - 2
    with app.app_context(), activate_tenant(rsj.id):
        entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "section.delete")).scalar_one()
    assert entry.target == "talent"
    assert json.loads(entry.detail) == {"name_zh": "人才工作", "sub_sections_deleted": 1, "items_deleted": 2}


@pytest.mark.parametrize("status", ["published", "scheduled"])
def test_a_section_with_public_items_below_it_is_not_deleted(app, branch, site_admin, create_article_in, status):
    rsj, talent_id = branch
    public_id = create_article_in(rsj, "exams", "考试录用公告", status=status)
    before, items = _slugs(app, rsj), _articles(app, rsj)
    page = _text(site_admin.get(f"/admin/sections/{talent_id}/delete"))
    assert "这个栏目暂时不能删除：其中有 1 条信息已发布或定时发布" in page
    assert "考试录用：1 条信息" in page
    with app.app_context(), activate_tenant(rsj.id):
        exams_id = db.session.execute(select(Section.id).where(Section.slug == "exams")).scalar_one()
    assert f'href="/admin/articles/?section={exams_id}"' in page
    assert 'name="confirmation"' not in page
    refused = post_form(site_admin, f"/admin/sections/{talent_id}/delete", {"confirmation": "人才工作"},
                        form_path="/admin/sections/")
    assert "请先撤下" in _text(refused)
    assert _slugs(app, rsj) == before and _articles(app, rsj) == items
    with app.app_context(), activate_tenant(rsj.id):  # once withdrawn, it can go
        db.session.get(Article, public_id).status = "withdrawn"
        db.session.commit()
    assert post_form(site_admin, f"/admin/sections/{talent_id}/delete",
                     {"confirmation": "人才工作"}).status_code == 302
    assert "talent" not in _slugs(app, rsj)


def test_an_expired_item_does_not_hold_the_section(app, branch, create_article_in):
    from datetime import timedelta

    from core.timeutil import now

    rsj, talent_id = branch
    create_article_in(rsj, "exams", "过期的公告", status="published")
    with app.app_context(), activate_tenant(rsj.id):
        db.session.execute(select(Article).where(Article.title == "过期的公告")).scalar_one().expires_at = \
            now() - timedelta(minutes=1)
        db.session.commit()
        delete_section(db.session.get(Section, talent_id), confirmation="Talent")
        db.session.commit()
    assert "talent" not in _slugs(app, rsj)


def test_the_operation_holds_the_rules_whoever_calls_it(app, branch, create_article_in):
    rsj, talent_id = branch
    with app.app_context(), activate_tenant(rsj.id):
        with pytest.raises(SectionError) as wrong:
            delete_section(db.session.get(Section, talent_id), confirmation="")
        assert set(wrong.value.problems) == {"confirmation"}
        db.session.rollback()
    create_article_in(rsj, "talent", "已发布的人才政策")
    with app.app_context(), activate_tenant(rsj.id):
        with pytest.raises(SectionError):
            delete_section(db.session.get(Section, talent_id), confirmation="人才工作")
        db.session.rollback()
    assert {"talent", "exams"} <= _slugs(app, rsj)


def test_a_mandatory_section_has_no_delete_page(app, two_sites, site_admin):
    with app.app_context(), activate_tenant(two_sites[0].id):
        news = db.session.execute(select(Section.id).where(Section.mandatory_key == "news")).scalar_one()
    assert site_admin.get(f"/admin/sections/{news}/delete").status_code == 404
    assert post_form(site_admin, f"/admin/sections/{news}/delete", {"confirmation": "工作动态"},
                     form_path="/admin/sections/").status_code == 404
    assert "news" in _slugs(app, two_sites[0])


def test_the_english_page_says_the_same(app, branch, site_admin):
    rsj, talent_id = branch
    site_admin.set_language("en")
    page = _text(site_admin.get(f"/admin/sections/{talent_id}/delete"))
    assert "Deleting cannot be undone." in page and "1 sub-section:" in page
    assert "2 unpublished items (drafts, items in review and withdrawn ones)" in page
    assert "Type “人才工作” or “Talent”." in page


def test_the_console_asks_before_removing_a_section_from_the_set(app, city, admin, create_article_in):
    create_article_in(city.rsj, "news", "又一条工作动态", status="collecting")
    page = _text(admin.get(f"/platform/sections/{city.section_id}/delete"))
    assert "每个站点都保留这个栏目及其中的信息" in page
    facts = dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", page))
    # two_sites: two published items in news and notices on each site; here news counts 1 + 1, and the draft.
    assert facts == {"拥有这个栏目的站点": "2", "其中的信息（所有站点）": "3", "其中已发布或定时发布的": "2"}
    unticked = post_form(admin, f"/platform/sections/{city.section_id}/delete", {})
    assert unticked.status_code == 200 and "请勾选以确认" in unticked.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(MandatorySection, city.section_id) is not None
    done = post_form(admin, f"/platform/sections/{city.section_id}/delete", {"confirm": "y"})
    assert done.status_code == 302
    with app.app_context():
        assert db.session.get(MandatorySection, city.section_id) is None
    assert last_platform_entry(app).action == "mandatory.remove"
