"""The publishing pages as staff use them: the form, sanitising, files, stale saves, revisions, bulk, queues."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from core.audit.models import AuditEntry
from core.content.models import Article, ArticleRevision
from core.extensions import db
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import csrf_token, post_form

#: Payloads that must not survive the sanitiser (the browser test shows none runs).
XSS = [
    '<script>alert("xss")</script>',
    '<img src=x onerror=alert(1)>',
    '<a href="javascript:alert(1)">点我</a>',
    '<a href="JaVaScRiPt:alert(1)">大小写</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">数据</a>',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<svg onload=alert(1)><circle r=10></svg>',
    '<iframe src="https://evil.example/"></iframe>',
    '<p style="position:fixed;top:0;left:0;width:100%;height:100%">覆盖</p>',
    '<div onmouseover="alert(1)">移过</div>',
    '<<script>script>alert(1)<</script>/script>',
    '<scr<script>ipt>alert(1)</scr</script>ipt>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    '<object data="javascript:alert(1)"></object>',
    '<form action="https://evil.example/"><input name=x></form>',
    '<p><a href="vbscript:msgbox(1)">vb</a></p>',
    '<body onload=alert(1)>',
    '<a href="&#106;avascript:alert(1)">实体</a>',
]
DANGEROUS = re.compile(r"<script|onerror|onload|onmouseover|javascript:|vbscript:|data:text|<iframe|<svg|<object|"
                       r"<form|style=|<style", re.I)


@pytest.fixture
def collector(two_sites, signed_in):
    return signed_in("rsj.localhost", "rsj.col", site=two_sites[0], roles=["collector"])[0]


def new_article(client, section_id, **data):
    page = client.get(f"/admin/articles/new?section={section_id}")
    form = {"section_id": str(section_id), "title": "标题", "body_html": "<p>正文</p>", **data,
            "csrf_token": csrf_token(page.get_data(as_text=True))}
    return client.post("/admin/articles/new", data=form, content_type="multipart/form-data")


@pytest.mark.parametrize("payload", XSS)
def test_no_payload_survives_and_the_author_is_told(app, two_sites, collector, news_section, payload):
    response = new_article(collector, news_section, title="安全测试", body_html=f"<p>正常内容</p>{payload}")
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    followed = collector.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context(), activate_tenant(two_sites[0].id):
        body = db.session.execute(select(Article.body_html).order_by(Article.id.desc())).scalars().first()
    assert not DANGEROUS.search(body), body
    assert "正常内容" in body
    assert "为安全起见" in followed  # the author hears what was removed


def test_the_form_keeps_input_on_error_and_refuses_bad_files(app, two_sites, collector, news_section):
    no_title = new_article(collector, news_section, title="", body_html="<p>我写的正文</p>")
    html = no_title.get_data(as_text=True)
    assert no_title.status_code == 200 and "我写的正文" in html and 'aria-invalid="true"' in html
    exe = new_article(collector, news_section, title="带附件", body_html="<p>附件说明</p>",
                      attachment=(io.BytesIO(b"MZ..."), "setup.exe"))
    html = exe.get_data(as_text=True)
    assert exe.status_code == 200 and "“exe”" in html and 'value="带附件"' in html and "附件说明" in html
    image = new_article(collector, news_section, title="带图片", attachment=(io.BytesIO(b"\x89PNG\r\n\x1a\n"), "photo.png"))
    assert "替代文字" in image.get_data(as_text=True) or "alternative text" in image.get_data(as_text=True)
    app.config["MAX_ATTACHMENT_BYTES"], limit = 1024, app.config["MAX_ATTACHMENT_BYTES"]
    try:
        big = new_article(collector, news_section, title="大文件", attachment=(io.BytesIO(b"%PDF" + b"x" * 4096), "big.pdf"))
        assert "big.pdf" in big.get_data(as_text=True) and "限制" in big.get_data(as_text=True)
    finally:
        app.config["MAX_ATTACHMENT_BYTES"] = limit
    with app.app_context(), activate_tenant(two_sites[0].id):
        titles = set(db.session.execute(select(Article.title)).scalars())
    assert not titles & {"带附件", "带图片", "大文件", ""}


def test_image_with_alt_text_is_kept(app, two_sites, collector, news_section):
    response = new_article(collector, news_section, title="图片新闻",
                           attachment=(io.BytesIO(b"\x89PNG\r\n\x1a\n"), "会议.png"), attachment_alt="会议现场")
    assert response.status_code == 302
    with app.app_context(), activate_tenant(two_sites[0].id):
        article = db.session.execute(select(Article).where(Article.title == "图片新闻")).scalar_one()
        assert [(a.filename, a.alt_text) for a in article.attachments] == [("会议.png", "会议现场")]


def test_second_editor_is_told_the_item_changed_and_keeps_their_text(app, two_sites, signed_in, news_section):
    rsj = two_sites[0]
    first, _ = signed_in("rsj.localhost", "rsj.ed1", site=rsj, roles=["collector", "editor"])
    second, _ = signed_in("rsj.localhost", "rsj.ed2", site=rsj, roles=["editor"])
    location = new_article(first, news_section, title="共同编辑").headers["Location"]
    post_form(first, location + "/step", {"action": "submit"}, form_path=location)
    page_first, page_second = first.get(location), second.get(location)

    def save(client, page, title, body):
        return client.post(location, data={"title": title, "body_html": body, "version": re.search(
            r'id="version" name="version" type="hidden" value="(\d+)"', page.get_data(as_text=True)).group(1),
            "csrf_token": csrf_token(page.get_data(as_text=True))})

    assert save(first, page_first, "第一位的标题", "<p>第一位的正文</p>").status_code == 302
    clash = save(second, page_second, "第二位的标题", "<p>第二位的正文</p>")
    html = clash.get_data(as_text=True)
    assert clash.status_code == 200 and "在您打开之后" in html
    assert "第二位的正文" in html and "第一位的正文" in html  # both texts on the page: nothing lost
    with app.app_context(), activate_tenant(rsj.id):
        assert db.session.execute(select(Article.title).where(Article.title.like("%的标题"))).scalar() == "第一位的标题"


def test_revisions_diff_and_restore(app, two_sites, signed_in, news_section):
    rsj = two_sites[0]
    client, _ = signed_in("rsj.localhost", "rsj.col2", site=rsj, roles=["collector"])
    location = new_article(client, news_section, title="初稿", body_html="<p>第一版</p>").headers["Location"]

    def save(title, body):
        page = client.get(location).get_data(as_text=True)
        version = re.search(r'id="version" name="version" type="hidden" value="(\d+)"', page).group(1)
        return client.post(location, data={"title": title, "body_html": body, "version": version,
                                           "csrf_token": csrf_token(page)})

    assert save("二稿", "<p>第二版</p>").status_code == 302
    diff = shown(client.get(f"{location}/revisions?a=1&b=2").get_data(as_text=True))
    # The fields by the form's names, the body as text, what changed marked within the line, character by character.
    assert "<h3 class=\"diff-field\">标题</h3>" in diff and "<h3 class=\"diff-field\">正文</h3>" in diff
    assert "<del>初</del><ins>二</ins>稿" in diff and "第<del>一</del><ins>二</ins>版" in diff
    assert "body_html" not in diff and "@@" not in diff and "&lt;p&gt;" not in diff
    assert post_form(client, f"{location}/revisions", {"number": "1"}).status_code == 302
    with app.app_context(), activate_tenant(rsj.id):
        article = db.session.execute(select(Article).where(Article.title == "初稿")).scalar_one()
        assert article.body_html == "<p>第一版</p>"
        assert db.session.execute(select(ArticleRevision.number).where(ArticleRevision.article_id == article.id)
                                  ).scalars().all() == [1, 2, 3]


def shown(html: str) -> str:
    """The page as it looks: the words said only to screen readers ("removed:", "added:") left out."""
    return re.sub(r'<span class="visually-hidden">[^<]*</span>', "", html)


def test_queues_bulk_actions_and_filters(app, two_sites, signed_in, news_section):
    rsj = two_sites[0]
    collector, _ = signed_in("rsj.localhost", "rsj.col3", site=rsj, roles=["collector"])
    editor, _ = signed_in("rsj.localhost", "rsj.ed3", site=rsj, roles=["editor"])
    ids = []
    for n in range(3):
        location = new_article(collector, news_section, title=f"批量{n}").headers["Location"]
        ids.append(int(location.rsplit("/", 1)[1]))
    assert "采集中的草稿</a>: <strong>3</strong>" in collector.get("/admin/").get_data(as_text=True)
    page = collector.get("/admin/articles/?status=collecting").get_data(as_text=True)
    done = collector.post("/admin/articles/", data={"ids": [str(i) for i in ids[:2]], "action": "submit-collecting",
                                                    "comment": "", "csrf_token": csrf_token(page)})
    assert done.status_code == 302
    assert "等待编辑</a>: <strong>2</strong>" in editor.get("/admin/").get_data(as_text=True)
    listing = editor.get("/admin/articles/?status=editing").get_data(as_text=True)
    assert "批量0" in listing and "批量1" in listing and "批量2" not in listing
    assert "批量2" in editor.get("/admin/articles/?q=批量2").get_data(as_text=True)
    assert editor.get("/admin/articles/?from=not-a-date").status_code == 404


def test_evaluator_reads_articles_but_cannot_touch_them(app, two_sites, signed_in, news_section, staff, act):
    from core.publishing.operations import create_draft
    from core.sections.models import Section

    article = act(staff["collector"], lambda u, _: create_draft(section=db.session.get(Section, news_section),
                                                                  actor=u, fields={"title": "草稿"})[0].id)
    client, _ = signed_in("rsj.localhost", "eval.x", platform_role="evaluator", totp=True)
    assert client.get(f"/admin/articles/{article}").status_code == 200
    assert post_form(client, f"/admin/articles/{article}/step", {"action": "submit"},
                     form_path=f"/admin/articles/{article}").status_code == 403


def test_publisher_shares_an_item_to_the_city_portal(app, two_sites, staff, act, signed_in, client_for):
    from core.publishing.operations import create_draft
    from core.sections.models import Section

    rsj = two_sites[0]
    with app.app_context(), activate_tenant(rsj.id):
        notices = db.session.execute(select(Section.id).where(Section.slug == "notices")).scalar()
    article = act(staff["collector"], lambda u, _: create_draft(section=db.session.get(Section, notices), actor=u,
                                                                  fields={"title": "全市统一的供暖通知"})[0].id)
    with app.app_context(), activate_tenant(rsj.id):
        db.session.execute(select(Article).where(Article.id == article)).scalar_one().status = "approved"
        db.session.commit()
    publisher, _ = signed_in("rsj.localhost", "rsj.pub9", site=rsj, roles=["publisher"])
    assert "全市统一的供暖通知" not in client_for("localhost").get("/").get_data(as_text=True)
    done = post_form(publisher, f"/admin/articles/{article}/step", {"action": "publish", "share_to_portal": "y"},
                     form_path=f"/admin/articles/{article}")
    assert done.status_code == 302
    portal = client_for("localhost").get("/").get_data(as_text=True)
    assert "全市统一的供暖通知" in portal and f'http://rsj.localhost/articles/{article}' in portal


def test_plain_text_typed_without_the_editor_keeps_its_lines(app, two_sites, collector, news_section):
    response = new_article(collector, news_section, title="纯文本", body_html="第一段 <不是标签\n\n第二段")
    assert response.status_code == 302
    with app.app_context(), activate_tenant(two_sites[0].id):
        body = db.session.execute(select(Article.body_html).where(Article.title == "纯文本")).scalar()
    assert body == "<p>第一段 &lt;不是标签</p><p>第二段</p>"


def test_an_absurdly_large_upload_is_cut_off_with_a_clear_page(app, two_sites, collector, news_section):
    app.config["MAX_CONTENT_LENGTH"], limit = 4096, app.config["MAX_CONTENT_LENGTH"]
    try:
        response = new_article(collector, news_section, title="巨大", attachment=(io.BytesIO(b"x" * 10000), "a.pdf"))
        assert response.status_code == 413 and "上传的文件过大" in response.get_data(as_text=True)
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit


@pytest.mark.parametrize("ids", [
    lambda a, b: [a, a, b, a],
    lambda a, b: [a, "0" + a, b, b],  # the same number written two ways
])
def test_a_bulk_step_counts_each_item_once_however_often_it_is_named(app, two_sites, signed_in, news_section, ids):
    rsj = two_sites[0]
    collector, _ = signed_in("rsj.localhost", "rsj.col4", site=rsj, roles=["collector"])
    first, second = (new_article(collector, news_section, title=f"重复{n}").headers["Location"].rsplit("/", 1)[1]
                     for n in range(2))
    page = collector.get("/admin/articles/?status=collecting").get_data(as_text=True)
    done = collector.post("/admin/articles/", data={"ids": ids(first, second), "action": "submit-collecting", "comment": "",
                                                    "csrf_token": csrf_token(page)}, follow_redirects=True)
    flashes = re.findall(r'<p class="flash[^>]*>([^<]*)', done.get_data(as_text=True))
    assert flashes == ["2 条信息已处理，现为“编辑中”。"]  # not 4 moved, nor "2 were not moved"
    with app.app_context(), activate_tenant(rsj.id):
        steps = db.session.execute(select(AuditEntry.target).where(AuditEntry.action == "article.submit")).scalars()
        assert sorted(steps) == sorted([f"article:{first}", f"article:{second}"])  # one step each
