"""A file with no name before its extension, or with nothing in it, is refused with the reason, on every path."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from core.content.files import ContentError, Upload
from core.content.models import Article, Attachment
from core.extensions import db
from tenants.models import Tenant
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import csrf_token, post_form

NO_NAME = "在扩展名前没有名称"
EMPTY = "是空文件（0 字节）"


@pytest.mark.parametrize("filename, data, words", [
    (".pdf", b"%PDF-1.4 x", NO_NAME),
    ("  .pdf", b"%PDF-1.4 x", NO_NAME),
    ("...docx", b"PK\x03\x04", NO_NAME),
    ("申请表.pdf", b"", EMPTY),
    (".pdf", b"", NO_NAME),  # the first problem is said first
])
def test_the_shared_check_refuses_them(app, two_sites, create_article_in, filename, data, words):
    rsj = two_sites[0]
    with pytest.raises(ContentError) as caught:
        create_article_in(rsj, "forms", "表格", attachments=[Upload(filename, data)])
    assert words in str(caught.value) and filename.strip() in str(caught.value)
    with app.app_context(), activate_tenant(rsj.id):
        assert db.session.execute(select(Article.id).where(Article.title == "表格")).first() is None


def test_a_name_with_a_dot_inside_it_is_fine(app, two_sites, create_article_in):
    create_article_in(two_sites[0], "forms", "表格", attachments=[Upload(".2026版申请表.pdf", b"%PDF-1.4 x"),
                                                                  Upload("v1.2.pdf", b"%PDF-1.4 y")])


@pytest.fixture
def collector(two_sites, signed_in):
    client, _ = signed_in("rsj.localhost", "rsj.uploader", site=two_sites[0], roles=["collector"])
    return client


@pytest.mark.parametrize("filename, data, words", [(".pdf", b"%PDF-1.4 x", NO_NAME), ("通知.pdf", b"", EMPTY)])
def test_the_article_form_says_why_and_keeps_what_was_typed(app, two_sites, collector, filename, data, words):
    with app.app_context(), activate_tenant(two_sites[0].id):
        from core.sections.models import Section
        news = db.session.execute(select(Section.id).where(Section.slug == "news")).scalar_one()
    page = collector.get(f"/admin/articles/new?section={news}").get_data(as_text=True)
    response = collector.post("/admin/articles/new", data={
        "csrf_token": csrf_token(page), "section_id": str(news), "title": "带附件的通知", "body_html": "<p>正文</p>",
        "attachment": (io.BytesIO(data), filename)}, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and words in html and 'value="带附件的通知"' in html
    with app.app_context(), activate_tenant(two_sites[0].id):
        assert db.session.execute(select(func.count()).select_from(Attachment)).scalar_one() == 0
        assert db.session.execute(select(Article.id).where(Article.title == "带附件的通知")).first() is None


def test_an_empty_logo_is_refused_with_the_reason(app, two_sites, signed_in, runner, tmp_path):
    empty = tmp_path / "logo.png"
    empty.write_bytes(b"")
    refused = runner.invoke(args=["tenants", "set-logo", "rsj", str(empty)])
    assert refused.exit_code == 2 and "“logo.png”是空文件（0 字节）" in refused.output
    client, _ = signed_in("rsj.localhost", "rsj.siteadmin", site=two_sites[0], roles=["site_admin"])
    page = client.get("/admin/settings").get_data(as_text=True)
    form = {"sponsor_zh": "廊坊市人事局", "sponsor_en": "Personnel Bureau", "address_zh": "", "address_en": "",
            "phone": "0316-2011111",
            "icp_record": "", "psb_record": "", "site_code": "", "accent": "red", "banner": "skyline"}
    response = client.post("/admin/settings", data={**form, "csrf_token": csrf_token(page),
                                                    "logo": (io.BytesIO(b""), "logo.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 200 and "“logo.png”是空文件（0 字节）" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Tenant, two_sites[0].id).logo_filename is None
