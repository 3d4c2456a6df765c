"""Filing an item in the disclosure catalogue: required in the disclosure column and below it, on every way an item
is created or saved, and kept in the revisions like the rest of its fields."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.auth.models import User
from core.content.files import ContentError
from core.content.models import Article, ArticleRevision
from core.content.operations import create_article
from core.extensions import db
from core.publishing.compare import compare
from core.publishing.operations import WorkflowError, apply_transition, create_draft, save_article
from core.publishing.queries import revision_data, snapshot
from core.sections.operations import add_section, update_section
from core.sections.queries import site_sections
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import csrf_token, post_form


def _section(slug: str):
    return next(s for s in site_sections() if s.slug == slug)


def _fields(**extra) -> dict:
    return {"title": "关于公布行政许可事项目录的通知", "summary": "", "body_html": "<p>正文</p>", "source": "",
            "author": "",
            "policy_level": None, "document_number": "", "issuing_body": "", "issued_on": None, "effective_on": None,
            "policy_status": None, "disclosure_category_id": None, "subject_id": None, **extra}


def test_an_item_of_the_column_or_below_it_is_refused_unfiled_on_every_create_path(app, two_sites, lists,
                                                                                  create_account):
    rsj = two_sites[0]
    collector = create_account("rsj.col", site=rsj, roles=["collector"])
    with app.app_context(), activate_tenant(rsj.id):
        actor = db.session.get(User, collector.id)
        below = add_section(name_zh="财政预决算", name_en="Budgets", slug="budgets",
                            parent_id=_section("disclosure").id)
        for section in (_section("disclosure"), below):
            with pytest.raises(ContentError) as refused:
                create_article(section=section, title="部门预算公开")
            assert set(refused.value.problems) == {"disclosure_category_id", "subject_id"}
            with pytest.raises(WorkflowError) as refused:
                create_draft(section=section, actor=actor, fields=_fields(subject_id=lists.subjects["综合政务"]))
            assert set(refused.value.problems) == {"disclosure_category_id"}
            assert "公开类别" in refused.value.problems["disclosure_category_id"] or \
                "disclosure category" in refused.value.problems["disclosure_category_id"]
        db.session.rollback()
        assert db.session.execute(select(Article.id).where(Article.title == "部门预算公开")).first() is None
        # Filed, it goes in; outside the column filing is optional, but an entry not on the list never goes in.
        create_article(section=_section("disclosure"), title="部门预算公开",
                       disclosure_category_id=lists.categories["财政预算决算"], subject_id=lists.subjects["综合政务"])
        create_article(section=_section("news"), title="工作动态一则")
        with pytest.raises(ContentError) as refused:
            create_article(section=_section("news"), title="工作动态二则", disclosure_category_id=999_999)
        assert set(refused.value.problems) == {"disclosure_category_id"}
        # The annual reports column holds the yearly reports, which no category describes.
        create_article(section=_section("disclosure-reports"), title="2025年政府信息公开工作年度报告")
        db.session.commit()


def test_the_article_form_shows_the_problem_under_the_field_and_keeps_what_was_typed(app, two_sites, lists,
                                                                                      signed_in):
    rsj = two_sites[0]
    client, _ = signed_in("rsj.localhost", "rsj.col", site=rsj, roles=["collector"])
    with app.app_context(), activate_tenant(rsj.id):
        section_id = _section("disclosure").id
    page = client.get(f"/admin/articles/new?section={section_id}").get_data(as_text=True)
    assert 'name="disclosure_category_id"' in page and "规范性文件" in page and "综合政务" in page
    data = {"section_id": str(section_id), "title": "行政许可事项目录", "body_html": "<p>目录</p>",
            "subject_id": str(lists.subjects["科技、教育"]), "csrf_token": csrf_token(page)}
    refused = client.post("/admin/articles/new", data=data, content_type="multipart/form-data")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200 and 'id="disclosure_category_id-errors"' in html
    assert 'aria-invalid="true"' in html and "行政许可事项目录" in html
    with app.app_context(), activate_tenant(rsj.id):
        assert db.session.execute(select(Article.id).where(Article.title == "行政许可事项目录")).first() is None
    data["disclosure_category_id"] = str(lists.categories["行政许可事项"])
    saved = client.post("/admin/articles/new", data=data, content_type="multipart/form-data")
    assert saved.status_code == 302
    with app.app_context(), activate_tenant(rsj.id):
        article = db.session.execute(select(Article).where(Article.title == "行政许可事项目录")).scalar_one()
        assert (article.disclosure_category_id, article.subject_id) == (lists.categories["行政许可事项"],
                                                                        lists.subjects["科技、教育"])


def test_a_tampered_filing_value_is_an_error_not_a_crash(app, two_sites, lists, signed_in):
    rsj = two_sites[0]
    client, _ = signed_in("rsj.localhost", "rsj.col", site=rsj, roles=["collector"])
    with app.app_context(), activate_tenant(rsj.id):
        section_id = _section("news").id
    for value in ("abc", "１", "99999999999999999999", "-1"):
        response = post_form(client, "/admin/articles/new", {"section_id": str(section_id), "title": "标题",
                                                             "disclosure_category_id": value},
                             form_path=f"/admin/articles/new?section={section_id}", content_type="multipart/form-data")
        assert response.status_code == 200, value
        assert 'id="disclosure_category_id-errors"' in response.get_data(as_text=True)


def test_the_cli_refuses_an_unfiled_item_of_the_column_and_files_by_name(app, two_sites, lists, runner):
    refused = runner.invoke(args=["articles", "create", "rsj", "--section", "disclosure", "--title", "部门决算公开"])
    assert refused.exit_code == 2 and ("公开类别" in refused.output or "disclosure category" in refused.output)
    assert "disclosure_category_id" in refused.output and "subject_id" in refused.output  # each field named
    unknown = runner.invoke(args=["articles", "create", "rsj", "--section", "disclosure", "--title", "部门决算公开",
                                  "--category", "不存在的类别", "--subject", "综合政务"])
    assert unknown.exit_code == 2 and "不存在的类别" in unknown.output
    done = runner.invoke(args=["articles", "create", "rsj", "--section", "disclosure", "--title", "部门决算公开",
                               "--category", "财政预算决算", "--subject", "财政、金融、审计"])
    assert done.exit_code == 0, done.output
    with app.app_context(), activate_tenant(two_sites[0].id):
        article = db.session.execute(select(Article).where(Article.title == "部门决算公开")).scalar_one()
        assert article.disclosure_category_id == lists.categories["财政预算决算"]
        assert article.index_number and article.index_number.endswith("-00001")


def test_filing_is_a_revision_like_the_rest_and_an_editor_cannot_clear_it(app, two_sites, lists, create_account):
    rsj = two_sites[0]
    editor = create_account("rsj.editor", site=rsj, roles=["collector", "editor"])
    with app.app_context(), activate_tenant(rsj.id):
        actor = db.session.get(User, editor.id)
        article, _ = create_draft(section=_section("disclosure"), actor=actor, fields=_fields(
            disclosure_category_id=lists.categories["统计信息"], subject_id=lists.subjects["综合政务"]))
        save_article(article, actor=actor, expected_version=article.version, fields=_fields(
            disclosure_category_id=lists.categories["发展规划与计划"], subject_id=lists.subjects["综合政务"]))
        revisions = db.session.execute(select(ArticleRevision).where(ArticleRevision.article_id == article.id)
                                       .order_by(ArticleRevision.number)).scalars().all()
        first, second = (revision_data(r) for r in revisions)
        assert first["disclosure_category_id"] == lists.categories["统计信息"]
        assert second["disclosure_category_id"] == lists.categories["发展规划与计划"]
        changed = compare(first, second)
        field = next(f for f in changed.fields if f.name == "disclosure_category_id")
        assert "统计信息" in "".join(line.html for line in field.lines)
        assert "发展规划与计划" in "".join(line.html for line in field.lines)
        with pytest.raises(WorkflowError) as refused:
            save_article(article, actor=actor, expected_version=article.version, fields=_fields(
                disclosure_category_id=None, subject_id=lists.subjects["综合政务"]))
        assert "disclosure_category_id" in refused.value.problems
        assert snapshot(article)["disclosure_category_id"] == lists.categories["发展规划与计划"]
        db.session.rollback()


def test_an_unfiled_item_of_the_column_is_not_published(app, two_sites, lists, create_account):
    """An item from before filing was required (or put there by moving sections) is filed before it goes out."""
    rsj = two_sites[0]
    publisher = create_account("rsj.pub", site=rsj, roles=["publisher"])
    with app.app_context(), activate_tenant(rsj.id):
        legacy = Article(section_id=_section("disclosure").id, title="旧的公开信息", status="approved")
        db.session.add(legacy)
        db.session.flush()
        with pytest.raises(WorkflowError) as refused:
            apply_transition(legacy, "publish", actor=db.session.get(User, publisher.id))
        assert "公开目录" in refused.value.message or "disclosure catalogue" in refused.value.message
        db.session.rollback()


def test_an_item_that_must_be_filed_shows_its_document_fields_until_it_is(app, two_sites, lists, signed_in):
    """文号, 发布机构, 成文日期 are in the header table of a filed item: its form offers them in every section that
    requires filing, a sub-section of the column of the ordinary kind included, even before it has a category (a
    draft of a section since moved into the column); an ordinary section's item without one does not show them."""
    rsj = two_sites[0]
    client, _ = signed_in("rsj.localhost", "rsj.ed", site=rsj, roles=["collector", "editor"])
    fields = ('name="document_number"', 'name="issuing_body"', 'name="issued_on"')
    with app.app_context(), activate_tenant(rsj.id):
        column = _section("disclosure")
        below = add_section(name_zh="财政预决算", name_en="Budgets", slug="budgets", parent_id=column.id)
        topic = add_section(name_zh="专题", name_en="Topic", slug="topic")
        db.session.commit()
        below_id, topic_id, column_id = below.id, topic.id, column.id
    page = client.get(f"/admin/articles/new?section={below_id}").get_data(as_text=True)
    assert all(f in page for f in fields)
    # A draft of the section "专题", not filed: nothing asks for it there.
    page = client.get(f"/admin/articles/new?section={topic_id}").get_data(as_text=True)
    saved = client.post("/admin/articles/new", content_type="multipart/form-data",
                        data={"section_id": str(topic_id), "title": "专题稿件", "body_html": "<p>正文</p>",
                              "csrf_token": csrf_token(page)})
    assert saved.status_code == 302
    edit = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert not any(f in edit for f in fields)
    # The section moves into the disclosure column (its draft is not public, so it may): the draft must be filed
    # now, and its form offers the document's fields with the filing ones.
    with app.app_context(), activate_tenant(rsj.id):
        update_section(_section("topic"), name_zh="专题", name_en="Topic", parent_id=column_id)
        db.session.commit()
    edit = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert 'name="disclosure_category_id"' in edit and all(f in edit for f in fields)
