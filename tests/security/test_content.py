"""Each content check finds a planted problem in what the public sees, reports it once, and marks it resolved once
fixed; drafts are not read."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, update

from core.content.files import Upload
from core.content.models import Article, Attachment
from core.extensions import db
from core.security.operations import save_allowed_hosts, save_word_lists
from tenants.scoping import activate_tenant
from tests.security.conftest import lifecycle, of

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def set_body(app):
    """set_body(site, article_id, html): store a body as it is, past the sanitiser (as an intruder would)."""

    def change(site, article_id: int, html: str, **columns) -> None:
        with app.app_context(), activate_tenant(site.id):
            db.session.execute(update(Article).where(Article.id == article_id).values(body_html=html, **columns))
            db.session.commit()
            db.session.remove()

    return change



def test_broken_internal_links_on_the_site_another_site_and_the_portal(two_sites, create_article_in, set_body,
                                                                       check_site):
    rsj, czj, articles = two_sites
    live, other = articles["rsj"][0], articles["czj"][0]
    body = (f'<p><a href="/articles/{live}">有效</a> <a href="/sections/news/">栏目</a>'
            f' <a href="/sections/news">少斜杠</a>'
            f' <a href="../sections/notices/">相对</a> <a href="http://czj.localhost/articles/{other}">他站</a>'
            f' <a href="http://localhost/">门户</a> <a href="mailto:office@example.com">邮件</a>'
            f' <a href="#top">顶部</a>'
            f' <a href="/sections/old-news/">旧栏目</a> <a href="http://czj.localhost/articles/987654">他站旧稿</a>'
            f' <img src="/attachments/424242/x.png" alt="图"></p>')
    item = create_article_in(rsj, "news", "转载链接", body_html=body)
    rule = "content.broken_links"
    [found] = lifecycle(lambda: of(check_site(rsj, rule), rule),
                        lambda: set_body(rsj, item, f'<p><a href="/articles/{live}">有效</a></p>'))
    assert found.key == f"article:{item}" and found.link == f"/admin/articles/{item}"
    assert found.details["values"] == {"count": 3, "links": ["/sections/old-news/",
                                                             "http://czj.localhost/articles/987654",
                                                             "/attachments/424242/x.png"]}


def test_a_link_to_an_item_withdrawn_since_is_broken(app, two_sites, create_article_in, check_site):
    rsj, _, articles = two_sites
    target = articles["rsj"][1]
    create_article_in(rsj, "news", "引用通知", body_html=f'<p>见<a href="/articles/{target}">通知</a></p>')
    assert of(check_site(rsj, "content.broken_links"), "content.broken_links") == []
    with app.app_context(), activate_tenant(rsj.id):
        db.session.execute(update(Article).where(Article.id == target).values(status="withdrawn"))
        db.session.commit()
    [found] = of(check_site(rsj, "content.broken_links"), "content.broken_links")
    assert found.details["values"]["links"] == [f"/articles/{target}"]


def test_drafts_are_not_read(two_sites, create_article_in, check_site):
    rsj = two_sites[0]
    create_article_in(rsj, "news", "草稿里的博彩", status="editing",
                      body_html='<p><a href="/sections/none/">断链</a> 国务院办公室 <a href="https://evil.example/">x</a></p>')
    rows = check_site(rsj, "content.broken_links", "content.forbidden_words", "content.wrong_expressions",
                      "content.external_links")
    assert rows == []


def test_attachments_whose_file_is_missing(app, two_sites, create_article_in, check_site):
    rsj = two_sites[0]
    item = create_article_in(rsj, "notices", "招聘公告", attachments=[Upload("岗位表.pdf", PDF)])
    with app.app_context(), activate_tenant(rsj.id):
        stored = db.session.execute(select(Attachment.stored_name)).scalar_one()
    path = Path(app.config["UPLOAD_FOLDER"]) / f"site-{rsj.id}" / stored
    saved = path.read_bytes()
    path.unlink()
    rule = "content.missing_attachments"
    [found] = lifecycle(lambda: of(check_site(rsj, rule), rule), lambda: path.write_bytes(saved))
    assert found.name == "岗位表.pdf" and found.details["values"] == {"item": "招聘公告", "stored": stored}
    assert found.link == f"/admin/articles/{item}"


def test_links_to_hosts_not_on_the_allow_list(app, two_sites, create_article_in, check_site):
    rsj = two_sites[0]
    item = create_article_in(rsj, "news", "外链", body_html=(
        '<p><a href="https://www.gov.cn/zhengce/">国务院</a> <a href="http://www.xinhuanet.com/x.htm">新华网</a>'
        ' <a href="https://mp.weixin.qq.com/s/abc">公众号</a> <a href="https://mp.weixin.qq.com/s/def">公众号二</a>'
        ' <a href="https://evilgov.cn/">仿冒</a> <img src="https://img.example.net/a.png" alt="外图"></p>'))
    rule = "content.external_links"

    def allow_weixin():
        with app.app_context():
            save_allowed_hosts("gov.cn\nxinhuanet.com\nmp.weixin.qq.com 微信公众号文章\nevilgov.cn")
            db.session.commit()
            db.session.remove()

    found = lifecycle(lambda: of(check_site(rsj, rule), rule), allow_weixin, count=2)
    by_host = {r.details["values"]["host"]: r for r in found}
    assert set(by_host) == {"mp.weixin.qq.com", "evilgov.cn"}  # gov.cn's own subdomains only; pictures not read
    assert by_host["mp.weixin.qq.com"].details["values"]["links"] == ["https://mp.weixin.qq.com/s/abc",
                                                                      "https://mp.weixin.qq.com/s/def"]
    assert by_host["mp.weixin.qq.com"].key == f"article:{item}/host:mp.weixin.qq.com"


@pytest.mark.parametrize("style", ["display:none", "display: none !important", "visibility:hidden", "font-size:0",
                                   "font-size: 0px", "opacity:0", "height:0;overflow:hidden",
                                   "position:absolute; left:-9999px", "text-indent:-3000px"])
def test_hidden_links(style, two_sites, create_article_in, set_body, check_site):
    rsj = two_sites[0]
    item = create_article_in(rsj, "news", "党风廉政会议", body_html="<p>会议内容</p>")
    set_body(rsj, item, f'<p>会议内容</p><div style="{style}"><span><a href="http://bet.example/">娱乐城</a></span></div>'
                        '<p><a href="http://visible.example/">看得见</a></p>')
    rule = "content.hidden_links"
    [found] = lifecycle(lambda: of(check_site(rsj, rule), rule),
                        lambda: set_body(rsj, item, '<p>会议内容</p><p><a href="http://visible.example/">看得见</a></p>'))
    assert found.severity == "high" and found.details["values"]["links"] == ["http://bet.example/"]


def test_a_link_marked_hidden_is_hidden_and_a_small_or_faint_one_is_not(two_sites, create_article_in, set_body,
                                                                          check_site):
    rsj = two_sites[0]
    item = create_article_in(rsj, "news", "会议", body_html="<p>内容</p>")
    set_body(rsj, item, '<p hidden><a href="http://a.example/">a</a></p><p style="font-size:0.8em;opacity:0.6">'
                        '<a href="http://b.example/">b</a></p><p style="left:-20px"><a href="http://c.example/">c</a></p>')
    [found] = of(check_site(rsj, "content.hidden_links"), "content.hidden_links")
    assert found.details["values"]["links"] == ["http://a.example/"]
    assert found.details["values"]["how"] == ["hidden_attribute"]  # a code, worded when shown


def test_forbidden_words_with_the_text_around_each(app, two_sites, create_article_in, set_body, check_site):
    rsj = two_sites[0]
    item = create_article_in(rsj, "news", "市人事局召开座谈会", body_html=(
        "<p>会议要求严厉打击网络博彩等违法犯罪活动，维护社会稳定。</p><p>另有博\u200b彩广告已被清理。</p>"))
    rule = "content.forbidden_words"
    [found] = lifecycle(lambda: of(check_site(rsj, rule), rule),
                        lambda: set_body(rsj, item, "<p>会议要求严厉打击违法犯罪活动。</p>"))
    assert found.key == f"article:{item}/word:博彩" and found.severity == "high"
    assert found.details["values"] == {"word": "博彩", "count": 2}
    assert found.details["excerpts"][0] == "…开座谈会 会议要求严厉打击网络博彩等违法犯罪活动，维护社会稳定。…"
    assert "博\u200b彩" not in found.details["excerpts"][1] and "博彩广告" in found.details["excerpts"][1]


def test_the_bureaus_list_replaces_the_defaults(app, two_sites, create_article_in, check_site):
    rsj = two_sites[0]
    create_article_in(rsj, "news", "关于私服游戏的提醒", body_html="<p>请勿下载来历不明的游戏外挂。</p>")
    rule = "content.forbidden_words"
    [default] = of(check_site(rsj, rule), rule)
    assert default.details["values"]["word"] == "私服"
    with app.app_context():
        save_word_lists("外挂", "")
        db.session.commit()
    rows = of(check_site(rsj, rule), rule)
    assert sorted((r.details["values"]["word"], r.state) for r in rows) == [("外挂", "new"), ("私服", "resolved")]


def test_wrong_official_expressions_with_their_correct_form(two_sites, create_article_in, set_body, check_site):
    rsj = two_sites[0]
    item = create_article_in(rsj, "policies", "转发国务院办公室通知", policy_level="national", body_html=(
        "<p>根据中华人民共和国国务院办公厅和全国人大常委会的部署，现转发国务院办公室通知。</p>"))
    rule = "content.wrong_expressions"
    [found] = lifecycle(lambda: of(check_site(rsj, rule), rule),
                        lambda: set_body(rsj, item, "<p>现转发国务院办公厅通知。</p>", title="转发国务院办公厅通知"))
    assert found.details["values"] == {"wrong": "国务院办公室", "correct": "国务院办公厅"}
    assert len(found.details["excerpts"]) == 2  # the title and the text; the correct names are not hits


def test_published_html_the_sanitiser_would_change(two_sites, create_article_in, set_body, check_site):
    rsj = two_sites[0]
    item = create_article_in(rsj, "news", "正常稿件", body_html="<p>正文<b>加粗</b></p><ul><li>一</li></ul>")
    rule = "content.unsanitised_html"
    assert of(check_site(rsj, rule), rule) == []  # what the editor stored passes
    set_body(rsj, item, '<p onclick="steal()">正文</p><script>alert(1)</script>')
    [found] = lifecycle(lambda: of(check_site(rsj, rule), rule),
                        lambda: set_body(rsj, item, "<p>正文</p>"))
    assert found.details["values"]["removed"] == ["<script>", "onclick"]
