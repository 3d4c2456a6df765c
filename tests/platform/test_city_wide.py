"""Mourning mode for the whole city, and a notice pushed into every active site."""
from __future__ import annotations

import json

from sqlalchemy import select

from core.content.models import Article
from core.extensions import db
from tenants.models import PlatformSetting
from core.content.sanitize import text_to_html
from core.sections.models import Section
from tenants.models import Tenant
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import post_form
from tests.fixtures.console import field_value, is_invalid, last_platform_entry, site_actions, snapshot

NOTICE = {"title": "关于国庆节放假安排的通知", "body": "各部门：\n\n根据国务院办公厅通知，国庆节放假七天。\n请做好值班工作 <script>x</script>"}


def _mourning(app) -> tuple[dict[str, bool], str | None]:
    with app.app_context():
        sites = {t.slug: t.is_mourning for t in db.session.execute(select(Tenant)).scalars()}
        setting = db.session.get(PlatformSetting, "mourning_portal")
        return sites, setting.value if setting else None


def test_mourning_greys_every_site_and_the_portal_and_brings_them_back(app, city, admin):
    with app.app_context():
        tenant = db.session.get(Tenant, city.czj.id)
        tenant.status = "suspended"
        db.session.commit()
    assert post_form(admin, "/platform/mourning", {"start": "1"}).status_code == 302
    assert _mourning(app) == ({"rsj": True, "czj": True}, "1")
    entry = last_platform_entry(app)
    assert entry.action == "mourning.city" and json.loads(entry.detail) == {"on": True, "sites_changed": 2}
    assert post_form(admin, "/platform/mourning", {"end": "1"}).status_code == 302
    assert _mourning(app) == ({"rsj": False, "czj": False}, "0")
    assert last_platform_entry(app).action == "mourning.city"


def test_text_becomes_escaped_paragraphs():
    assert text_to_html("一\r\n\r\n 二 \n<b>三</b>") == "<p>一</p><p>二</p><p>&lt;b&gt;三&lt;/b&gt;</p>"


def test_a_notice_reaches_every_active_site_in_its_notices_section(app, city, admin, create_site):
    closed = create_site("closed")
    with app.app_context():
        db.session.get(Tenant, closed.id).status = "suspended"
        db.session.commit()
    before = {site.id: len(site_actions(app, site.id)) for site in (city.rsj, city.czj)}
    response = post_form(admin, "/platform/notices", NOTICE)
    assert response.status_code == 302
    for site in (city.rsj, city.czj):
        assert site_actions(app, site.id)[before[site.id]:] == ["notice.receive"]  # one entry per site, no more
        with app.app_context(), activate_tenant(site.id):
            article = db.session.execute(select(Article).where(Article.title == NOTICE["title"])).scalar_one()
            section = db.session.get(Section, article.section_id)
            assert section.mandatory_key == "notices" and article.status == "published"
            assert article.source == "廊坊市信息产业局"
            assert article.body_html.startswith("<p>各部门：</p><p>根据国务院办公厅通知")
            assert "<script>" not in article.body_html
        assert site_actions(app, site.id)[-1] == "notice.receive"
    with app.app_context(), activate_tenant(closed.id):
        assert db.session.execute(select(Article).where(Article.title == NOTICE["title"])).first() is None
    assert "notice.receive" not in site_actions(app, closed.id)
    entry = last_platform_entry(app)
    assert entry.action == "notice.push" and entry.target == NOTICE["title"] and json.loads(entry.detail)["sites"] == 2
    assert NOTICE["title"] in admin.get("/platform/notices").get_data(as_text=True)  # listed as sent
    assert NOTICE["title"] in city_page(app, city)  # the public sees it


def city_page(app, city) -> str:
    client = app.test_client()
    return client.get("/sections/notices/", environ_overrides={"HTTP_HOST": city.rsj.host}).get_data(as_text=True)


def test_a_notice_without_a_title_or_text_writes_nothing(app, city, admin):
    before = snapshot(app)
    response = post_form(admin, "/platform/notices", {"title": " ", "body": "正文"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and is_invalid(html, "title") and field_value(html, "body") == "正文"
    response = post_form(admin, "/platform/notices", {"title": "标题", "body": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and is_invalid(html, "body") and field_value(html, "title") == "标题"
    assert snapshot(app) == before


def test_a_mourning_post_without_a_button_is_refused(app, city, admin):
    before = snapshot(app)
    assert post_form(admin, "/platform/mourning", {}).status_code == 400
    page = f"/platform/sites/{city.rsj.id}"
    assert post_form(admin, f"{page}/mourning", {}, form_path=page).status_code == 400
    assert snapshot(app) == before


def test_the_public_pages_turn_grey_and_back(app, city, admin, client_for):
    site, portal = client_for("rsj.localhost"), client_for("localhost")
    assert 'class="mourning"' not in site.get("/").get_data(as_text=True)  # cached before the change
    assert 'class="mourning"' not in portal.get("/").get_data(as_text=True)
    post_form(admin, "/platform/mourning", {"start": "1"})
    assert 'class="mourning"' in site.get("/").get_data(as_text=True)
    assert 'class="mourning"' in portal.get("/").get_data(as_text=True)
    post_form(admin, "/platform/mourning", {"end": "1"})
    assert 'class="mourning"' not in site.get("/").get_data(as_text=True)
    assert 'class="mourning"' not in portal.get("/").get_data(as_text=True)
