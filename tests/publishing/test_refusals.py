"""A step is offered only to who may take it (the own-work rule included); a refusal on an admin or console
page is drawn in the admin layout with its reason; bulk steps are those of one's roles, and say what they did."""
from __future__ import annotations

import re

from sqlalchemy import select

from core.content.models import Article
from core.extensions import db
from core.publishing.operations import save_article
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import csrf_token, post_form
from tests.publishing.test_workflow import draft, step

ADMIN_LAYOUT = 'class="admin-header"'


def _state(app, site, article_id):
    with app.app_context(), activate_tenant(site.id):
        return db.session.execute(select(Article.status).where(Article.id == article_id)).scalar()


def _buttons(html: str) -> list[str]:
    return re.findall(r'<button type="submit" name="action" value="(\w+)"', html)


def test_approve_is_not_offered_on_ones_own_item_and_the_refusal_says_why(app, two_sites, signed_in, act,
                                                                           news_section):
    rsj = two_sites[0]
    client, account = signed_in("rsj.localhost", "rsj.all3", site=rsj, roles=["collector", "editor", "reviewer"])
    article = draft(act, {"collector": account.id}, news_section)
    step(act, account.id, article, "submit")
    step(act, account.id, article, "submit")
    location = f"/admin/articles/{article}"
    page = client.get(location).get_data(as_text=True)
    assert "approve" not in _buttons(page) and "return" in _buttons(page)  # may still send it back
    assert "您不能执行“审核通过”：您撰写或编辑过这条内容" in page
    refused = post_form(client, f"{location}/step", {"action": "approve"}, form_path=location)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 403 and ADMIN_LAYOUT in html
    assert "须由另一位审核员审核通过" in html and "未做任何修改" in html
    assert _state(app, rsj, article) == "reviewing"


def test_a_page_the_role_does_not_reach_says_which_roles_it_needs_in_the_admin_layout(two_sites, signed_in):
    client, _ = signed_in("rsj.localhost", "rsj.col.403", site=two_sites[0], roles=["collector"])
    response = client.get("/admin/users")
    html = response.get_data(as_text=True)
    assert response.status_code == 403 and ADMIN_LAYOUT in html
    assert "需要本网站的以下角色之一：站点管理员。" in html and "您在这里的角色：采集员。" in html


def test_the_public_403_stays_in_the_public_layout_for_the_public(two_sites, client_for):
    response = client_for("rsj.localhost").get("/admin/articles/", follow_redirects=False)
    assert response.status_code == 302  # not signed in: the sign-in page, never an admin-layout refusal


def test_the_evaluator_is_told_the_account_only_reads_on_a_site_and_on_the_console(two_sites, signed_in, app):
    client, _ = signed_in("rsj.localhost", "eval.403", platform_role="evaluator", totp=True)
    refused = post_form(client, "/admin/articles/", {"action": "approve-reviewing"})
    assert refused.status_code == 403 and "您的账号可以查看所有站点，但不能做任何修改。" in refused.get_data(as_text=True)
    console, _ = signed_in("admin.localhost", "eval.console", platform_role="evaluator", totp=True)
    refused = post_form(console, "/platform/notices", {"title": "通知", "body": "内容"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 403 and ADMIN_LAYOUT in html and "可以查看管理控制台和所有站点" in html


def _bulk_options(html: str) -> list[str]:
    select_html = re.search(r'<select id="action" name="action">(.*?)</select>', html, re.S)
    return re.findall(r">([^<]+)</option>", select_html.group(1)) if select_html else []


def test_bulk_steps_are_those_of_ones_roles_with_labels_that_say_what_happens(two_sites, signed_in):
    rsj = two_sites[0]
    collector, _ = signed_in("rsj.localhost", "rsj.bulk.c", site=rsj, roles=["collector"])
    reviewer, _ = signed_in("rsj.localhost", "rsj.bulk.r", site=rsj, roles=["reviewer"])
    both, _ = signed_in("rsj.localhost", "rsj.bulk.ce", site=rsj, roles=["collector", "editor"])
    publisher, _ = signed_in("rsj.localhost", "rsj.bulk.p", site=rsj, roles=["publisher"])
    evaluator, _ = signed_in("rsj.localhost", "eval.bulk", platform_role="evaluator", totp=True)
    assert _bulk_options(collector.get("/admin/articles/").get_data(as_text=True)) == ["提交编辑"]
    assert _bulk_options(reviewer.get("/admin/articles/").get_data(as_text=True)) == ["审核通过"]
    assert _bulk_options(both.get("/admin/articles/").get_data(as_text=True)) == ["提交编辑", "送审"]
    assert _bulk_options(publisher.get("/admin/articles/").get_data(as_text=True)) == [
        "立即发布", "从公开网站撤销发布（请在意见中说明原因）"]
    listing = evaluator.get("/admin/articles/").get_data(as_text=True)
    assert _bulk_options(listing) == [] and 'name="ids"' not in listing


def test_a_bulk_step_a_role_does_not_have_is_refused(two_sites, signed_in):
    collector, _ = signed_in("rsj.localhost", "rsj.bulk.x", site=two_sites[0], roles=["collector"])
    article = two_sites[2]["rsj"][0]  # published
    page = collector.get("/admin/articles/").get_data(as_text=True)
    response = collector.post("/admin/articles/", data={"ids": [str(article)], "action": "withdraw-published",
                                                         "comment": "x", "csrf_token": csrf_token(page)},
                              follow_redirects=True)
    assert "请选择信息和操作" in response.get_data(as_text=True)


def test_a_bulk_step_says_how_many_moved_and_why_the_others_did_not(app, two_sites, signed_in, staff, act,
                                                                     news_section, create_account):
    rsj = two_sites[0]
    ready = draft(act, staff, news_section, title="待审核的信息")
    step(act, staff["collector"], ready, "submit")
    step(act, staff["editor"], ready, "submit")
    early = draft(act, staff, news_section, title="还在采集的信息")
    client, account = signed_in("rsj.localhost", "rsj.bulk.rev", site=rsj, roles=["editor", "reviewer"])
    own = draft(act, staff, news_section, title="自己编辑过的信息")
    step(act, staff["collector"], own, "submit")
    act(account.id, lambda u, a: save_article(a, actor=u, fields={"title": "自己编辑过的信息"},
                                              expected_version=a.version), own)
    step(act, account.id, own, "submit")
    page = client.get("/admin/articles/").get_data(as_text=True)
    done = client.post("/admin/articles/", data={"ids": [str(ready), str(early), str(own)],
                                                 "action": "approve-reviewing", "comment": "",
                                                 "csrf_token": csrf_token(page)}, follow_redirects=True)
    html = done.get_data(as_text=True)
    assert "1 条信息已处理，现为“已审核待发布”。" in html and "2 条信息未处理：" in html
    assert "“还在采集的信息”现为“采集中”；此操作只适用于“待审核”的信息。" in html
    assert "“自己编辑过的信息”：您撰写或编辑过这条内容" in html
    assert "0 条" not in html
    assert (_state(app, rsj, ready), _state(app, rsj, early), _state(app, rsj, own)) == \
        ("approved", "collecting", "reviewing")


def test_every_state_where_restore_is_not_offered_says_why(app, two_sites, signed_in, staff, act, news_section):
    rsj = two_sites[0]
    editor, _ = signed_in("rsj.localhost", "rsj.rst.e", site=rsj, roles=["editor"])
    collector, _ = signed_in("rsj.localhost", "rsj.rst.c", site=rsj, roles=["collector"])
    article = draft(act, staff, news_section)
    act(staff["collector"], lambda u, a: save_article(a, actor=u, fields={"title": "第二稿"},
                                                      expected_version=a.version), article)
    history = f"/admin/articles/{article}/revisions"
    reasons = {
        "collecting": (editor, "这条信息正在采集中：现在只有采集员可以修改文本。"),
        "editing": (collector, "这条信息正在编辑中：现在只有编辑可以修改文本。"),
        "reviewing": (editor, "这条信息正在等待审核，文本暂不能修改。"),
        "approved": (editor, "这条信息已审核通过、等待发布"),
        "scheduled": (editor, "这条信息已定时发布"),
        "published": (collector, "这条信息已发布。编辑或发布员可以将修改作为待发布的更正提出"),
        "withdrawn": (collector, "这条信息已撤销发布。编辑可以先将其重新打开编辑。"),
    }
    def put(state):
        with app.app_context(), activate_tenant(rsj.id):
            db.session.execute(select(Article).where(Article.id == article)).scalar_one().status = state
            db.session.commit()

    for state, (client, reason) in reasons.items():
        put(state)
        html = client.get(history).get_data(as_text=True)
        assert "不能恢复的原因" in html and reason in html, state
        assert "restore-1" not in html, state
    # On a published item an editor may restore: as a correction, and the page says what that does.
    put("published")
    html = editor.get(history).get_data(as_text=True)
    assert "恢复为更正" in html and 'id="restore-1"' in html and "不能恢复的原因" not in html


def test_a_bulk_withdrawal_without_a_reason_moves_nothing_and_says_so(app, two_sites, signed_in):
    rsj, _, articles = two_sites
    publisher, _ = signed_in("rsj.localhost", "rsj.bulk.w", site=rsj, roles=["publisher"])
    page = publisher.get("/admin/articles/").get_data(as_text=True)
    response = publisher.post("/admin/articles/", data={"ids": [str(a) for a in articles["rsj"]],
                                                        "action": "withdraw-published", "comment": " ",
                                                        "csrf_token": csrf_token(page)}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert html.count("请在意见中说明原因") >= 1 and "未处理" not in html
    assert {_state(app, rsj, a) for a in articles["rsj"]} == {"published"}


def test_a_drafts_files_are_listed_once_each_with_a_labelled_removal(app, two_sites, signed_in, news_section):
    import io

    from tests.publishing.test_pages import new_article

    client, _ = signed_in("rsj.localhost", "rsj.files.once", site=two_sites[0], roles=["collector"])
    location = new_article(client, news_section, title="附件清单",
                           attachment=(io.BytesIO(b"%PDF"), "报名表.pdf")).headers["Location"]
    form = client.get(location).get_data(as_text=True).split('class="article-form"')[1]
    assert form.count("报名表.pdf") == 1
    assert '<span class="file-name" id="file-1">报名表.pdf</span>' in form
    assert re.search(r'<input type="checkbox" name="remove_attachments" value="[0-9a-f]{32}\.pdf" id="remove-1" '
                     r'aria-describedby="file-1">\s*<label for="remove-1">保存时删除此附件</label>', form)
    assert "<ul id=\"remove_attachments\"" not in form  # not a second, unlabelled list of the same files
