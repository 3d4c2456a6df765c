"""Input of the kinds users and attackers send: numbers from URLs, redirect targets, search wildcards, list starts."""
from __future__ import annotations

import re

import pytest

from core.content.sanitize import clean_html
from core.i18n import safe_next


@pytest.mark.parametrize("path", [
    "/articles/9999999999999999999999999",  # beyond any integer column
    "/articles/3000000000",  # beyond PostgreSQL's INTEGER
    "/articles/²",  # a superscript two is a digit to str.isdigit, not to us
    "/articles/٣",  # an Arabic-Indic three
    "/sections/news/?page=%C2%B2",
    "/sections/news/?page=0",
    "/sections/news/?page=-1",
    "/sections/news/?page=99999999999",
    "/sections/news/?page=",
])
def test_numbers_that_are_not_plain_ids_are_not_found(two_sites, client_for, path):
    assert client_for("rsj.localhost").get(path).status_code == 404


@pytest.mark.parametrize("target", ["/%0D%0ASet-Cookie:x=1", "/\r\nSet-Cookie: x=1", "/\x00", "//evil.example/",
                                    "https://evil.example/", "/\\evil.example", "/" + "a" * 3000])
def test_a_redirect_target_that_a_header_cannot_carry_falls_back_home(client_for, two_sites, target):
    from urllib.parse import unquote

    assert safe_next(unquote(target)) == "/"
    response = client_for("rsj.localhost").get("/lang/en", query_string={"next": unquote(target)})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_a_plain_local_target_is_kept():
    assert safe_next("/sections/news/?page=2") == "/sections/news/?page=2"


@pytest.mark.parametrize("wildcard", ["%", "_", "\\"])
def test_admin_search_takes_wildcards_literally(app, two_sites, create_article_in, signed_in, wildcard):
    rsj = two_sites[0]
    create_article_in(rsj, "news", "关于开展人才招聘的通知")
    client, _ = signed_in("rsj.localhost", "li.editor", site=rsj, roles=["editor"])
    html = client.get("/admin/articles/", query_string={"q": wildcard}).get_data(as_text=True)
    assert "关于开展人才招聘的通知" not in html
    html = client.get("/admin/articles/", query_string={"q": "人才"}).get_data(as_text=True)
    assert "关于开展人才招聘的通知" in html


@pytest.mark.parametrize("version", ["abc", "²", "1" * 23, ""])
def test_an_edit_posted_with_a_version_that_is_no_number_is_a_stale_save_not_a_500(app, two_sites, signed_in,
                                                                                   version):
    from sqlalchemy import select

    from core.content.models import Article
    from core.extensions import db
    from core.sections.models import Section
    from tenants.scoping import activate_tenant
    from tests.fixtures.accounts import csrf_token

    rsj = two_sites[0]
    client, _ = signed_in("rsj.localhost", "li.collector", site=rsj, roles=["collector"])
    with app.app_context(), activate_tenant(rsj.id):
        news = db.session.execute(select(Section.id).where(Section.slug == "news")).scalar_one()
    page = client.get(f"/admin/articles/new?section={news}").get_data(as_text=True)
    location = client.post("/admin/articles/new", data={"section_id": str(news), "title": "初稿的标题",
                                                        "body_html": "<p>初稿</p>", "csrf_token": csrf_token(page)},
                           content_type="multipart/form-data").headers["Location"]
    page = client.get(location).get_data(as_text=True)
    assert re.search(r'id="version" name="version" type="hidden" value="\d+"', page)
    response = client.post(location, data={"csrf_token": csrf_token(page), "title": "改过的标题",
                                           "body_html": "<p>改过的正文</p>", "version": version},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "在您打开之后，有人保存了这条信息。" in html and "改过的标题" in html  # refused, what was typed kept
    with app.app_context(), activate_tenant(rsj.id):
        assert db.session.execute(select(Article.title).where(Article.section_id == news, Article.title.in_(
            ("初稿的标题", "改过的标题")))).scalars().all() == ["初稿的标题"]
        db.session.remove()


@pytest.mark.parametrize("raw", ["²", "１２", "٣", "abc", "-6", "6.0", "99999999999", "", None])
def test_a_period_that_is_not_one_offered_gives_the_default(app, raw):
    from core.web import int_choice

    query = {} if raw is None else {"months": raw}
    with app.test_request_context("/", query_string=query):
        assert int_choice("months", (6, 3, 12, 24)) == 6
    with app.test_request_context("/", query_string={"months": "12"}):
        assert int_choice("months", (6, 3, 12, 24)) == 12


@pytest.mark.parametrize("path", ["/admin/services/stats", "/admin/interaction/stats", "/admin/visits",
                                  "/platform/interaction/stats", "/platform/services/stats", "/platform/visits"])
@pytest.mark.parametrize("value", ["²", "99999999999", "abc"])
def test_the_figures_pages_show_their_default_period_for_a_wrong_one(two_sites, signed_in, admin, path, value):
    name = "days" if path.endswith("/visits") else "months"
    if path.startswith("/platform"):
        client = admin
    else:
        client, _ = signed_in("rsj.localhost", "li.siteadmin", site=two_sites[0], roles=["site_admin"])
    wrong, default = client.get(path, query_string={name: value}), client.get(path)
    assert (wrong.status_code, default.status_code) == (200, 200)
    # The period shown as chosen: the option selected, or the tab marked current.
    chosen = re.compile(r'<option value="\d+" selected>|<a href="[^"]*(?:days|months)=\d+[^"]*" aria-current="true">')
    shown = chosen.findall(default.get_data(as_text=True))
    assert shown and chosen.findall(wrong.get_data(as_text=True)) == shown


def test_a_choice_of_a_row_typed_in_other_digits_is_no_choice():
    from core.services.forms_guide import optional_id

    assert [optional_id(v) for v in ("3", "", None, "None", "٣", "３", "²", "abc")] == [3, None, None, None, -1, -1,
                                                                                        -1, -1]


def test_a_numbered_list_keeps_where_it_starts():
    assert clean_html('<ol start="4"><li>四</li></ol>') == '<ol start="4"><li>四</li></ol>'


NASTY = {
    "nul": "标题\x00截断",
    "control": "标题\x07响铃",
    "override": "报告\u202efdp.exe",
    "too long": "长" * 301,
}


@pytest.mark.parametrize("kind", NASTY)
def test_a_title_no_column_can_hold_is_refused_on_the_page_with_the_text_kept(app, two_sites, signed_in, kind):
    from sqlalchemy import select

    from core.content.models import Article
    from core.extensions import db
    from tenants.scoping import activate_tenant
    from tests.fixtures.accounts import post_form

    rsj = two_sites[0]
    client, _ = signed_in("rsj.localhost", "li.collector", site=rsj, roles=["collector"])
    with app.app_context(), activate_tenant(rsj.id):
        before = db.session.execute(select(db.func.count()).select_from(Article)).scalar_one()
    response = post_form(client, "/admin/articles/new", {"title": NASTY[kind], "body_html": "<p>正文</p>"})
    assert response.status_code == 200
    assert 'class="errors"' in response.get_data(as_text=True)
    with app.app_context(), activate_tenant(rsj.id):
        assert db.session.execute(select(db.func.count()).select_from(Article)).scalar_one() == before


@pytest.mark.parametrize("kind", NASTY)
def test_the_shell_refuses_the_same_titles(app, two_sites, runner, kind):
    result = runner.invoke(args=["articles", "create", "rsj", "--section", "news", "--title", NASTY[kind]])
    assert result.exit_code != 0


@pytest.mark.parametrize("username", ["wang\x00editor", "wang\u202eeditor", "\x01"])
def test_a_login_name_no_column_can_hold_is_a_form_error(client_for, two_sites, username):
    from tests.fixtures.accounts import post_form

    response = post_form(client_for("rsj.localhost"), "/admin/login", {"username": username, "password": "x" * 8})
    assert response.status_code == 200 and 'class="errors"' in response.get_data(as_text=True)


def test_a_file_name_too_long_or_with_a_nul_is_refused(app, two_sites):
    from core.content.files import ContentError, Upload, check_upload

    with app.app_context():
        for name in ("a" * 252 + ".pdf", "报告\x00.pdf"):
            with pytest.raises(ContentError):
                check_upload(Upload(name, b"%PDF-1.4"))
        check_upload(Upload("报告.pdf", b"%PDF-1.4"))


def test_a_download_is_served_as_its_extension_says_whatever_the_uploader_claimed(app, two_sites, create_article_in,
                                                                                  client_for):
    from core.content.files import Upload

    rsj = two_sites[0]
    create_article_in(rsj, "forms", "申请表", attachments=[Upload("申请表.pdf", b"<html><script>alert(1)</script>",
                                                                 "text/html")])
    html = client_for("rsj.localhost").get("/sections/forms/").get_data(as_text=True)
    import re

    href = re.search(r'href="(/attachments/[^"]+)"', html).group(1)
    response = client_for("rsj.localhost").get(href)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()


@pytest.mark.parametrize("host, path", [("rsj.localhost", "/"), ("rsj.localhost", "/admin/login"),
                                        ("admin.localhost", "/admin/login"), ("rsj.localhost", "/no-such-page"),
                                        ("localhost", "/")])
def test_every_page_says_what_the_browser_may_load_and_that_it_may_not_be_framed(two_sites, client_for, host, path):
    response = client_for(host).get(path)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_a_chinese_file_name_has_a_meaningful_ascii_fallback(app, two_sites, create_article_in, client_for):
    import re

    from core.content.files import Upload

    rsj = two_sites[0]
    create_article_in(rsj, "forms", "申请表", attachments=[Upload("人才引进申请表.pdf", b"%PDF-1.4 ...")])
    client = client_for("rsj.localhost")
    href = re.search(r'href="(/attachments/[^"]+)"', client.get("/sections/forms/").get_data(as_text=True)).group(1)
    response = client.get(href)
    disposition = response.headers["Content-Disposition"]
    response.close()
    assert re.search(r'filename="attachment-\d+\.pdf"', disposition)
    assert "filename*=UTF-8''%E4%BA%BA%E6%89%8D" in disposition


def test_favicon_and_english_pages_mark_chinese_content(two_sites, create_article_in, client_for):
    rsj = two_sites[0]
    article_id = create_article_in(rsj, "news", "人才工作会议召开")
    client = client_for("rsj.localhost")
    assert client.get("/favicon.ico").status_code == 301
    client.get("/lang/en")
    html = client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert '<h1 lang="zh-CN">人才工作会议召开</h1>' in html
    css = client.get("/_themes/default/site.css")
    assert "：" not in css.get_data(as_text=True).split('html[lang="en"]')[1]  # half-width colons in English
    css.close()


def test_the_footer_leaves_out_what_the_site_has_not_given(app, two_sites, client_for):
    from sqlalchemy import select

    from core.extensions import db
    from tenants.models import Tenant

    with app.app_context():
        tenant = db.session.execute(select(Tenant).where(Tenant.slug == "rsj")).scalar_one()
        tenant.psb_record = ""
        tenant.phone = "0316-2011111"
        db.session.commit()
    html = client_for("rsj.localhost").get("/").get_data(as_text=True)
    footer = html.split('class="site-footer"')[1]
    assert "0316-2011111" in footer and "公安备案" not in footer


@pytest.mark.parametrize("path", ["/admin/articles/?q=%00", "/admin/articles/?status=%00", "/admin/audit/?action=%00",
                                  "/admin/articles/?q=%07bell"])
def test_a_control_character_in_a_filter_is_a_clear_400_not_a_database_error(two_sites, signed_in, path):
    client, _ = signed_in("rsj.localhost", "zhang.admin", site=two_sites[0], roles=["site_admin", "editor"])
    response = client.get(path)
    assert response.status_code == 400
    assert "无法识别此网址" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/sections/%00/", "/sections/news/?level=%00", "/platform/users?q=%00"])
def test_public_and_console_addresses_with_a_nul_are_refused(two_sites, client_for, path):
    host = "admin.localhost" if path.startswith("/platform") else "rsj.localhost"
    assert client_for(host).get(path).status_code == 400


@pytest.mark.parametrize("text", ["a\x85b", "a\x9b[31mb", "第一行\u2028第二行", "段\u2029落"])
def test_c1_controls_and_unicode_line_separators_are_refused_in_a_line(text):
    from core.text import text_problem

    assert text_problem(text) is not None


@pytest.mark.parametrize("raw", ["١٢", "１２", "1e3", "12.5"])
def test_a_number_typed_in_other_digits_is_a_form_error(app, raw):
    from wtforms import IntegerField

    from core.forms import Form, ascii_int

    class Position(Form):
        class Meta:
            csrf = False

        position = IntegerField()

    with app.test_request_context(method="POST", data={"position": raw}):
        form = Position()
        assert not form.validate() and form.position.errors
    with pytest.raises(ValueError):
        ascii_int(raw)
    assert ascii_int("12") == 12
