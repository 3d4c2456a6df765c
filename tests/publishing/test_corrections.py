"""Correcting a published item as a draft over its live text: the public sees the live text until the
correction has gone through the process and is published; every step by its role, in the trail."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from core.audit.models import AuditEntry
from core.content.files import Upload
from core.content.models import Article, ArticleRevision, Attachment
from core.extensions import db
from core.publishing.operations import (WorkflowError, WorkflowForbidden, apply_change_step, restore_revision,
                                        save_article)
from core.publishing.workflow import CHANGE_TRANSITIONS
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import csrf_token, post_form
from tests.publishing.test_workflow import FIELDS, draft, step

LIVE = {**FIELDS, "title": "2026年度公开招聘公告", "body_html": "<p>报名时间为12月1日至12月5日。</p>"}
CORRECTED = {**LIVE, "title": "2026年度公开招聘公告（更正）", "body_html": "<p>报名时间为12月3日至12月9日。</p>"}


def published(act, staff, news_section) -> int:
    article = draft(act, staff, news_section, **LIVE)
    step(act, staff["collector"], article, "submit")
    step(act, staff["editor"], article, "submit")
    step(act, staff["reviewer"], article, "approve")
    step(act, staff["publisher"], article, "publish")
    return article


def change(act, user_id, article_id, action, **kwargs):
    return act(user_id, lambda u, a: apply_change_step(a, action, actor=u, **kwargs), article_id)


def save(act, user_id, article_id, fields, **kwargs):
    return act(user_id, lambda u, a: save_article(a, actor=u, fields=fields, expected_version=a.version, **kwargs),
               article_id)


def read(app, site, article_id) -> Article:
    with app.app_context(), activate_tenant(site.id):
        article = db.session.execute(select(Article).where(Article.id == article_id)).scalar_one()
        db.session.expunge(article)
        return article


def trail(app, site, article_id) -> list[str]:
    with app.app_context(), activate_tenant(site.id):
        return list(db.session.execute(select(AuditEntry.action).where(AuditEntry.target == f"article:{article_id}")
                                       .order_by(AuditEntry.id)).scalars())


def public_pages(client_for, article_id) -> str:
    site, portal = client_for("rsj.localhost"), client_for("localhost")
    return "".join(c.get(p).get_data(as_text=True) for c, p in ((site, f"/articles/{article_id}"), (site, "/"),
                                                                 (site, "/sections/news/"), (portal, "/")))


def test_a_correction_goes_the_whole_way_while_the_public_sees_the_live_text(app, two_sites, staff, act,
                                                                            news_section, client_for):
    rsj = two_sites[0]
    article = published(act, staff, news_section)
    first_published = read(app, rsj, article).published_at
    change(act, staff["editor"], article, "change_start")
    save(act, staff["editor"], article, CORRECTED)
    for action, role in (("change_submit", "editor"), ("change_approve", "reviewer")):
        pages = public_pages(client_for, article)
        assert "12月1日至12月5日" in pages and "12月3日" not in pages and "（更正）" not in pages, action
        change(act, staff[role], article, action)
    assert read(app, rsj, article).change_status == "approved"
    assert "12月3日" not in public_pages(client_for, article)

    change(act, staff["publisher"], article, "change_publish")
    after = read(app, rsj, article)
    assert (after.title, after.body_html) == (CORRECTED["title"], CORRECTED["body_html"])
    assert after.status == "published" and after.change_status is None and after.pending_revision is None
    assert after.published_at == first_published and after.revised_at is not None
    page = client_for("rsj.localhost").get(f"/articles/{article}").get_data(as_text=True)
    assert "12月3日至12月9日" in page and "12月1日" not in page
    assert "更正时间" in page and first_published.strftime("%Y-%m-%d %H:%M") in page  # the first date stays
    assert trail(app, rsj, article)[-5:] == ["article.change_start", "article.change_save", "article.change_submit",
                                             "article.change_approve", "article.change_publish"]


def test_the_correction_is_never_on_a_public_page_including_its_files(app, two_sites, staff, act, news_section,
                                                                      client_for):
    rsj = two_sites[0]
    article = published(act, staff, news_section)
    change(act, staff["publisher"], article, "change_start")  # a publisher may correct too
    save(act, staff["publisher"], article, CORRECTED, uploads=[Upload("更正说明.pdf", b"%PDF-1.4 corrected")])
    with app.app_context(), activate_tenant(rsj.id):
        assert db.session.execute(select(Attachment).where(Attachment.article_id == article)).first() is None
    pages = public_pages(client_for, article)
    assert "更正说明.pdf" not in pages and "（更正）" not in pages and "12月3日" not in pages
    change(act, staff["publisher"], article, "change_force_publish", comment="报名时间有误，须立即更正")
    page = client_for("rsj.localhost").get(f"/articles/{article}").get_data(as_text=True)
    assert "更正说明.pdf" in page and "（更正）" in page
    link = re.search(r'href="(/attachments/\d+/[^"]+)"', page).group(1)
    download = client_for("rsj.localhost").get(link)
    assert download.data == b"%PDF-1.4 corrected"
    download.close()
    after = read(app, rsj, article)
    assert after.needs_post_review and after.force_reason == "报名时间有误，须立即更正"
    step(act, staff["reviewer"], article, "post_approve")
    assert not read(app, rsj, article).needs_post_review


def test_a_discarded_correction_leaves_the_live_text_and_stays_in_the_revisions(app, two_sites, staff, act,
                                                                               news_section):
    rsj = two_sites[0]
    article = published(act, staff, news_section)
    change(act, staff["editor"], article, "change_start")
    save(act, staff["editor"], article, CORRECTED)
    change(act, staff["editor"], article, "change_discard")
    after = read(app, rsj, article)
    assert after.title == LIVE["title"] and after.change_status is None and after.change_base_revision is None
    with app.app_context(), activate_tenant(rsj.id):
        titles = [re.search(r'"title": "([^"]+)"', d).group(1) for d in db.session.execute(
            select(ArticleRevision.data).where(ArticleRevision.article_id == article)
            .order_by(ArticleRevision.number)).scalars()]
    assert CORRECTED["title"] in titles and titles[-1] == LIVE["title"]  # the newest revision is the text now
    assert trail(app, rsj, article)[-1] == "article.change_discard"


def test_withdrawing_sets_a_pending_correction_aside(app, two_sites, staff, act, news_section):
    rsj = two_sites[0]
    article = published(act, staff, news_section)
    change(act, staff["editor"], article, "change_start")
    step(act, staff["publisher"], article, "withdraw", comment="暂停招聘")
    after = read(app, rsj, article)
    assert after.status == "withdrawn" and after.change_status is None and after.pending_revision is None


def test_the_reviewer_of_a_correction_is_not_its_writer(app, two_sites, staff, act, create_account, news_section):
    rsj = two_sites[0]
    article = published(act, staff, news_section)
    both = create_account("rsj.edrev", site=rsj, roles=["editor", "reviewer"]).id
    change(act, both, article, "change_start")
    save(act, both, article, CORRECTED)
    change(act, both, article, "change_submit")
    with pytest.raises(WorkflowForbidden):
        change(act, both, article, "change_approve")
    assert read(app, rsj, article).change_status == "reviewing"
    # Writing the original item does not make the reviewer of a correction its writer.
    change(act, staff["reviewer"], article, "change_approve")
    assert read(app, rsj, article).change_status == "approved"


@pytest.mark.parametrize("state", ["none", "editing", "reviewing", "approved"])
@pytest.mark.parametrize("role", ["collector", "editor", "reviewer", "publisher"])
def test_every_correction_step_is_allowed_exactly_by_the_table(app, two_sites, staff, act, news_section, state, role):
    rsj = two_sites[0]
    article = published(act, staff, news_section)
    route = {"none": [], "editing": [("change_start", "editor")],
             "reviewing": [("change_start", "editor"), ("change_submit", "editor")],
             "approved": [("change_start", "editor"), ("change_submit", "editor"), ("change_approve", "reviewer")]}
    for action, by in route[state]:
        change(act, staff[by], article, action)
    permission = {"collector": "content.collect", "editor": "content.edit", "reviewer": "content.review",
                  "publisher": "content.publish"}[role]
    for action in sorted({t.action for t in CHANGE_TRANSITIONS}):
        allowed = any(t.action == action and state in t.source and t.permission == permission
                      for t in CHANGE_TRANSITIONS)
        before = (read(app, rsj, article).change_status, len(trail(app, rsj, article)))
        try:
            act(staff[role], lambda u, a: (apply_change_step(a, action, actor=u, comment="理由"),
                                           db.session.rollback()), article)  # tried, then undone
        except (WorkflowError, WorkflowForbidden):
            assert not allowed, f"{role} should be able to {action} a correction that is {state}"
        else:
            assert allowed, f"{role} must not {action} a correction that is {state}"
        assert (read(app, rsj, article).change_status, len(trail(app, rsj, article))) == before


def test_a_correction_is_edited_only_by_an_editor_or_a_publisher_and_only_while_it_is_edited(
        app, two_sites, staff, act, news_section):
    article = published(act, staff, news_section)
    with pytest.raises(WorkflowForbidden):
        save(act, staff["editor"], article, CORRECTED)  # nothing to edit: the live text is not edited
    change(act, staff["editor"], article, "change_start")
    for role in ("collector", "reviewer"):
        with pytest.raises(WorkflowForbidden):
            save(act, staff[role], article, CORRECTED)
    change(act, staff["editor"], article, "change_submit")
    with pytest.raises(WorkflowForbidden):
        save(act, staff["editor"], article, CORRECTED)
    assert read(app, two_sites[0], article).title == LIVE["title"]


def test_restoring_a_revision_of_a_published_item_makes_it_the_pending_correction(app, two_sites, staff, act,
                                                                                 news_section, client_for):
    rsj = two_sites[0]
    article = draft(act, staff, news_section, **CORRECTED)  # revision 1 has the text to go back to
    step(act, staff["collector"], article, "submit")
    save(act, staff["editor"], article, LIVE)
    for action, role in (("submit", "editor"), ("approve", "reviewer"), ("publish", "publisher")):
        step(act, staff[role], article, action)
    act(staff["editor"], lambda u, a: restore_revision(a, 1, actor=u), article)
    after = read(app, rsj, article)
    assert after.title == LIVE["title"] and after.change_status == "editing"
    assert "（更正）" not in public_pages(client_for, article)
    change(act, staff["publisher"], article, "change_force_publish", comment="恢复原公告")
    assert read(app, rsj, article).title == CORRECTED["title"]


# --- the pages --------------------------------------------------------------------------------------------


def _version(html: str) -> str:
    return re.search(r'id="version" name="version" type="hidden" value="(\d+)"', html).group(1)


def test_the_edit_page_says_a_correction_is_pending_and_compares_it(app, two_sites, staff, act, news_section,
                                                                    signed_in, client_for):
    rsj = two_sites[0]
    article = published(act, staff, news_section)
    editor, _ = signed_in("rsj.localhost", "rsj.ed.page", site=rsj, roles=["editor"])
    location = f"/admin/articles/{article}"
    page = editor.get(location).get_data(as_text=True)
    assert "更正已发布的文本" in page and "<fieldset disabled>" in page
    assert post_form(editor, f"{location}/step", {"action": "change_start"}, form_path=location).status_code == 302
    page = editor.get(location).get_data(as_text=True)
    assert "已发布的文本有一项待发布的更正" in page and "更正：编辑中。" in page
    saved = editor.post(location, data={"title": CORRECTED["title"], "body_html": CORRECTED["body_html"],
                                        "version": _version(page), "csrf_token": csrf_token(page)})
    assert saved.status_code == 302
    assert "已保存为更正" in editor.get(location).get_data(as_text=True)
    page = editor.get(location).get_data(as_text=True)
    assert f'value="{CORRECTED["title"]}"' in page  # the form holds the corrected text
    compare = re.sub(r'<span class="visually-hidden">[^<]*</span>', "", page)
    assert "报名时间为12月<del>1</del><ins>3</ins>日至12月<del>5</del><ins>9</ins>日。" in compare
    assert "（更正）" not in client_for("rsj.localhost").get(f"/articles/{article}").get_data(as_text=True)
    reviewer, _ = signed_in("rsj.localhost", "rsj.rev.page", site=rsj, roles=["reviewer"])
    assert post_form(editor, f"{location}/step", {"action": "change_submit"}, form_path=location).status_code == 302
    page = reviewer.get(location).get_data(as_text=True)
    assert "审核通过更正" in page and "将更正退回编辑" in page and "更正：待审核。" in page
    assert "现在不能修改文本的原因" in page


def test_the_lists_and_the_home_show_corrections_waiting(app, two_sites, staff, act, news_section, signed_in):
    rsj = two_sites[0]
    article = published(act, staff, news_section)
    change(act, staff["editor"], article, "change_start")
    change(act, staff["editor"], article, "change_submit")
    reviewer, _ = signed_in("rsj.localhost", "rsj.rev.home", site=rsj, roles=["reviewer"])
    assert "待审核的已发布信息更正</a>: <strong>1</strong>" in reviewer.get("/admin/").get_data(as_text=True)
    listing = reviewer.get("/admin/articles/?change=reviewing").get_data(as_text=True)
    assert LIVE["title"] in listing and "更正：待审核" in listing
    assert LIVE["title"] not in reviewer.get("/admin/articles/?change=approved").get_data(as_text=True)


def test_a_file_added_to_a_correction_is_listed_once_with_its_removal_control(app, two_sites, staff, act,
                                                                              news_section, signed_in):
    rsj = two_sites[0]
    article = published(act, staff, news_section)
    editor, _ = signed_in("rsj.localhost", "rsj.ed.file", site=rsj, roles=["editor"])
    location = f"/admin/articles/{article}"
    post_form(editor, f"{location}/step", {"action": "change_start"}, form_path=location)
    page = editor.get(location).get_data(as_text=True)
    editor.post(location, data={"title": LIVE["title"], "body_html": LIVE["body_html"], "version": _version(page),
                                "csrf_token": csrf_token(page), "attachment": (io.BytesIO(b"%PDF x"), "岗位表.pdf")},
                content_type="multipart/form-data")
    page = editor.get(location).get_data(as_text=True)
    form = page.split('class="article-form"')[1]
    assert form.count("岗位表.pdf") == 1
    assert "新增：岗位表.pdf" in page  # the compare with the published text names it too
    checkbox = re.search(r'<input type="checkbox" name="remove_attachments" value="([0-9a-f]{32}\.pdf)" '
                         r'id="(remove-1)" aria-describedby="file-1"', page)
    assert checkbox and f'<label for="{checkbox.group(2)}">保存时删除此附件' in page
    removed = editor.post(location, data={"title": LIVE["title"], "body_html": LIVE["body_html"],
                                          "version": _version(page), "csrf_token": csrf_token(page),
                                          "remove_attachments": checkbox.group(1)})
    assert removed.status_code == 302 and "岗位表.pdf" not in editor.get(location).get_data(as_text=True)
