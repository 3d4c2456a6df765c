"""Sites from the console: the list, a new site (by form or from the catalog), domains, suspension, mourning."""
from __future__ import annotations

import html as html_module
import json
import re

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.sections.models import Section
from tenants.models import SiteGroup, Tenant
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import post_form
from tests.fixtures.console import field_value, is_invalid, last_platform_entry, platform_actions, snapshot

NEW_SITE = {"slug": "jtj", "name_zh": "廊坊市交通运输局", "name_en": "Langfang Transport Bureau", "kind": "department",
            "group": "general", "domain": "", "aliases": "jiaotong.localhost\njtj.example.gov.cn",
            "is_window_department": "y", "accent": "teal",
            "sponsor_zh": "", "sponsor_en": "", "address_zh": "河北省廊坊市广阳区新华路50号", "address_en": "",
            "phone": "0316-2212345", "icp_record": "冀ICP备05000128号-7", "psb_record": "冀公网安备 13100302000077号",
            "site_code": "1310000077", "admin_username": "jtj.admin", "admin_name": "赵管理"}


def _tenant(app, slug: str) -> Tenant | None:
    with app.app_context():
        tenant = db.session.execute(select(Tenant).where(Tenant.slug == slug)).scalar_one_or_none()
        if tenant is not None:
            _ = tenant.domains, tenant.group
            db.session.expunge_all()
        return tenant


def test_the_list_shows_every_site_with_its_links_and_filters(app, city, admin):
    with app.app_context():
        tenant = db.session.get(Tenant, city.czj.id)
        tenant.status, tenant.suspended_reason = "suspended", "检修"
        db.session.commit()
    html = admin.get("/platform/").get_data(as_text=True)
    assert "廊坊市人事局" in html and "廊坊市财政局" in html  # the suspended site too
    assert "renshi.localhost" in html
    assert f'href="/platform/enter/{city.rsj.id}"' in html and 'href="http://czj.localhost/"' in html
    assert f'href="/platform/sites/{city.rsj.id}"' in html
    only_rsj = admin.get("/platform/?q=RSJ").get_data(as_text=True)
    assert "廊坊市人事局" in only_rsj and "廊坊市财政局" not in only_rsj
    by_name = admin.get("/platform/?q=财政").get_data(as_text=True)
    assert "廊坊市财政局" in by_name and "廊坊市人事局" not in by_name
    suspended = admin.get("/platform/?status=suspended").get_data(as_text=True)
    assert "廊坊市财政局" in suspended and "廊坊市人事局" not in suspended
    assert "廊坊市" not in admin.get("/platform/?q=%25").get_data(as_text=True).split("<tbody>")[1]  # '%' is literal


def test_a_new_site_from_the_form(app, city, admin):
    page = admin.get("/platform/sites/new").get_data(as_text=True)
    assert '<option selected value="general">' in page or 'value="general" selected' in page
    response = post_form(admin, "/platform/sites/new", NEW_SITE)
    assert response.status_code == 200  # the answer shows the administrator's password, once
    tenant = _tenant(app, "jtj")
    assert f'href="/platform/sites/{tenant.id}"' in response.get_data(as_text=True)
    assert tenant.name_zh == "廊坊市交通运输局" and tenant.kind == "department" and tenant.status == "active"
    assert tenant.primary_domain == "jtj.localhost"  # the default: <slug>.<base domain>
    assert sorted(tenant.aliases) == ["jiaotong.localhost", "jtj.example.gov.cn"]
    assert tenant.is_window_department and tenant.accent == "teal" and tenant.group.key == "general"
    with app.app_context(), activate_tenant(tenant.id):
        keys = db.session.execute(select(Section.mandatory_key).where(Section.mandatory_key.is_not(None))).scalars()
        assert "news" in set(keys)
    entry = last_platform_entry(app)
    assert entry.action == "site.create" and entry.target == "jtj"
    assert admin.get(f"/platform/sites/{tenant.id}").status_code == 200
    assert "jtj.localhost" in admin.get("/platform/").get_data(as_text=True)


def test_a_new_site_with_a_domain_of_its_own(app, city, admin):
    response = post_form(admin, "/platform/sites/new", {**NEW_SITE, "domain": "JTJ.Langfang.gov.cn", "aliases": ""})
    assert response.status_code == 200 and "已创建" in response.get_data(as_text=True)
    assert _tenant(app, "jtj").primary_domain == "jtj.langfang.gov.cn"


def test_a_refused_site_shows_every_problem_at_its_field_and_keeps_the_input(app, city, admin):
    before = snapshot(app)
    data = {**NEW_SITE, "slug": "rsj", "domain": "bad_domain", "aliases": "renshi.localhost\nok.localhost"}
    response = post_form(admin, "/platform/sites/new", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert is_invalid(html, "slug") and is_invalid(html, "domain") and is_invalid(html, "aliases")
    assert not is_invalid(html, "name_zh") and not is_invalid(html, "name_en")
    assert field_value(html, "slug") == "rsj" and field_value(html, "domain") == "bad_domain"
    assert field_value(html, "name_zh") == "廊坊市交通运输局"
    assert "renshi.localhost" in field_value(html, "aliases") and "ok.localhost" in field_value(html, "aliases")
    assert 'value="teal" selected' in html or '<option selected value="teal">' in html
    assert snapshot(app) == before


def test_missing_names_and_a_taken_domain_are_refused_together(app, city, admin):
    before = snapshot(app)
    data = {**NEW_SITE, "slug": "x", "name_zh": "", "name_en": " ", "domain": "czj.localhost", "aliases": ""}
    html = post_form(admin, "/platform/sites/new", data).get_data(as_text=True)
    for name in ("slug", "name_zh", "name_en", "domain"):
        assert is_invalid(html, name), name
    assert snapshot(app) == before


def test_the_catalog_offers_missing_sites_and_creates_one(app, city, admin):
    html = admin.get("/platform/sites/catalog").get_data(as_text=True)
    assert "/platform/sites/catalog/ldj" in html
    assert "/platform/sites/catalog/rsj" not in html and "/platform/sites/catalog/czj" not in html  # they exist
    with app.app_context():
        assert db.session.execute(select(SiteGroup).where(SiteGroup.key == "social")).first() is None
    response = post_form(admin, "/platform/sites/catalog/ldj", {}, form_path="/platform/sites/catalog")
    assert response.status_code == 302
    tenant = _tenant(app, "ldj")
    assert tenant.primary_domain == "ldj.localhost" and tenant.aliases == ["laodong.localhost"]
    assert tenant.group.key == "social" and tenant.site_code and tenant.phone  # the catalog's fields
    with app.app_context(), activate_tenant(tenant.id):
        assert db.session.execute(select(func.count()).select_from(Section)).scalar_one() > 0
    entry = last_platform_entry(app)
    assert entry.action == "site.create" and entry.target == "ldj" and json.loads(entry.detail)["source"] == "catalog"
    assert "/platform/sites/catalog/ldj" not in admin.get("/platform/sites/catalog").get_data(as_text=True)


def test_a_catalog_site_whose_domain_is_taken_is_refused(app, city, admin, create_site):
    create_site("labour", aliases=["laodong.localhost"])
    before = snapshot(app)
    response = post_form(admin, "/platform/sites/catalog/ldj", {}, form_path="/platform/sites/catalog")
    assert response.status_code == 302 and response.headers["Location"] == "/platform/sites/catalog"
    assert snapshot(app) == before
    assert "laodong.localhost" in admin.get("/platform/sites/catalog").get_data(as_text=True)  # the flash says why


def test_an_unknown_catalog_entry_or_site_is_not_found(city, admin):
    assert post_form(admin, "/platform/sites/catalog/nosuch", {}, form_path="/platform/").status_code == 404
    assert admin.get("/platform/sites/99999").status_code == 404
    assert post_form(admin, "/platform/sites/99999/suspend", {"reason": "x"}, form_path="/platform/").status_code == 404


def test_one_site_shows_its_details(city, admin):
    html = admin.get(f"/platform/sites/{city.rsj.id}").get_data(as_text=True)
    assert "Langfang Municipal Personnel Bureau" in html and "renshi.localhost" in html
    assert f'href="/platform/audit?site={city.rsj.id}"' in html
    assert f'href="/platform/enter/{city.rsj.id}"' in html  # its admin, entered from the console


def test_domains_are_added_and_removed(app, city, admin):
    page = f"/platform/sites/{city.rsj.id}"
    assert post_form(admin, f"{page}/domains", {"hostname": "RS.Langfang.gov.cn"}, form_path=page).status_code == 302
    assert "rs.langfang.gov.cn" in _tenant(app, "rsj").aliases
    assert post_form(admin, f"{page}/domains", {"hostname": "www.rsj.gov.cn", "primary": "y"},
                     form_path=page).status_code == 302
    tenant = _tenant(app, "rsj")
    assert tenant.primary_domain == "www.rsj.gov.cn" and "rsj.localhost" in tenant.aliases
    assert post_form(admin, f"{page}/domains/remove", {"hostname": "renshi.localhost"}, form_path=page).status_code == 302
    assert "renshi.localhost" not in _tenant(app, "rsj").aliases
    assert platform_actions(app)[-3:] == ["site.domain.add", "site.domain.add", "site.domain.remove"]


def test_a_bad_or_taken_domain_is_shown_at_the_field(app, city, admin):
    page = f"/platform/sites/{city.rsj.id}"
    before = snapshot(app)
    for hostname in ("not a domain", "czj.localhost", "admin.localhost"):
        response = post_form(admin, f"{page}/domains", {"hostname": hostname}, form_path=page)
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and is_invalid(html, "hostname"), hostname
        assert field_value(html, "hostname") == hostname
    assert snapshot(app) == before


def test_the_primary_domain_cannot_be_removed(app, city, admin):
    page = f"/platform/sites/{city.rsj.id}"
    before = snapshot(app)
    assert post_form(admin, f"{page}/domains/remove", {"hostname": "rsj.localhost"}, form_path=page).status_code == 302
    assert snapshot(app) == before


def test_suspend_needs_a_reason_and_restore_reopens(app, city, admin, client_for):
    page = f"/platform/sites/{city.rsj.id}"
    before = snapshot(app)
    refused = post_form(admin, f"{page}/suspend", {"reason": "   "}, form_path=page)
    assert refused.status_code == 200 and is_invalid(refused.get_data(as_text=True), "reason")
    assert snapshot(app) == before
    assert post_form(admin, f"{page}/suspend", {"reason": "网站改版"}, form_path=page).status_code == 302
    tenant = _tenant(app, "rsj")
    assert tenant.status == "suspended" and tenant.suspended_reason == "网站改版"
    assert client_for("rsj.localhost").get("/").status_code == 503
    entry = last_platform_entry(app)
    assert entry.action == "site.suspend" and json.loads(entry.detail)["reason"] == "网站改版"
    assert post_form(admin, f"{page}/resume", {}, form_path=page).status_code == 302
    assert _tenant(app, "rsj").status == "active"
    assert client_for("rsj.localhost").get("/").status_code == 200
    assert platform_actions(app)[-1] == "site.resume"


def test_mourning_for_one_site(app, city, admin):
    page = f"/platform/sites/{city.rsj.id}"
    assert post_form(admin, f"{page}/mourning", {"start": "1"}, form_path=page).status_code == 302
    assert _tenant(app, "rsj").is_mourning and not _tenant(app, "czj").is_mourning
    assert post_form(admin, f"{page}/mourning", {"end": "1"}, form_path=page).status_code == 302
    assert not _tenant(app, "rsj").is_mourning
    assert platform_actions(app)[-2:] == ["site.mourning", "site.mourning"]


# --- a new site's legal footer and first administrator --------------------------------------------

def _account(app, username: str):
    from core.auth.models import Membership, User

    with app.app_context():
        user = db.session.execute(select(User).where(User.username == username)).scalar_one_or_none()
        if user is None:
            return None, []
        roles = db.session.execute(select(Membership.tenant_id, Membership.role).where(Membership.user_id == user.id)
                                   .execution_options(all_tenants=True)).all()
        db.session.expunge(user)
        return user, [tuple(r) for r in roles]


def test_a_new_site_gets_its_footer_and_an_administrator_whose_password_is_shown_once(app, city, admin, client_for):
    from tests.fixtures.accounts import Account, login
    from tests.fixtures.console import site_actions

    response = post_form(admin, "/platform/sites/new", NEW_SITE)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    tenant = _tenant(app, "jtj")
    assert (tenant.address_zh, tenant.phone, tenant.icp_record, tenant.psb_record, tenant.site_code) == (
        "河北省廊坊市广阳区新华路50号", "0316-2212345", "冀ICP备05000128号-7", "冀公网安备 13100302000077号", "1310000077")
    assert (tenant.sponsor_zh, tenant.sponsor_en) == ("廊坊市交通运输局", "Langfang Transport Bureau")  # the names
    user, roles = _account(app, "jtj.admin")
    assert user.display_name == "赵管理" and user.must_change_password and user.platform_role is None
    assert roles == [(tenant.id, "site_admin")]
    page = response.get_data(as_text=True)
    password = re.search(r"临时密码为 (\S+)（仅显示这一次）", html_module.unescape(page)).group(1)
    assert "http://jtj.localhost/admin/login" in page
    site_page = admin.get(f"/platform/sites/{tenant.id}").get_data(as_text=True)
    assert "页脚信息齐全" in site_page and password not in html_module.unescape(site_page)
    entry = last_platform_entry(app)
    assert entry.action == "site.create" and json.loads(entry.detail)["administrator"] == "jtj.admin"
    assert site_actions(app, tenant.id) == ["user.create", "role.grant"]  # on the new site's own log
    site = client_for("jtj.localhost")
    signed = login(site, Account(user.id, "jtj.admin", password))
    assert signed.status_code == 302 and signed.headers["Location"] == "/admin/password"  # change it first
    public = client_for("jtj.localhost").get("/").get_data(as_text=True)
    assert "冀ICP备05000128号-7" in public and "1310000077" in public and "0316-2212345" in public


def test_the_new_administrators_password_is_in_no_cookie_and_a_replay_shows_it_nowhere(app, city, admin, client_for):
    """The password is in the answer to the form alone: the session cookie, readable by whoever holds it, never
    carries it, and sending that cookie again (twice) shows it on no page."""
    from tests.fixtures.accounts import readable_session, session_cookie, with_cookie

    response = post_form(admin, "/platform/sites/new", NEW_SITE)
    cookie = session_cookie(admin)  # as it stands right after the form, before any page reads it
    shown = admin.get(response.headers["Location"]) if response.status_code == 302 else response
    password = re.search(r"临时密码为 (\S+)（仅显示这一次）", html_module.unescape(shown.get_data(as_text=True))).group(1)
    assert password not in readable_session(app, cookie)
    site_id = _tenant(app, "jtj").id
    for replayed in (with_cookie(client_for, admin.host, cookie), with_cookie(client_for, admin.host, cookie)):
        for path in (f"/platform/sites/{site_id}", "/platform/", "/admin/login"):
            assert password not in html_module.unescape(replayed.get(path).get_data(as_text=True)), path
    assert response.headers["Cache-Control"] == "no-store"


def test_every_problem_of_the_site_its_footer_and_its_account_shows_at_once_and_nothing_is_written(app, city,
                                                                                                   admin):
    before = snapshot(app)
    data = {**NEW_SITE, "slug": "rsj", "address_zh": "", "phone": "电话待定", "icp_record": "ICP 12",
            "psb_record": "冀公网安备 131003号", "site_code": "13-10", "admin_username": "li.siteadmin",
            "admin_name": ""}
    html = post_form(admin, "/platform/sites/new", data).get_data(as_text=True)
    for name in ("slug", "address_zh", "phone", "icp_record", "psb_record", "site_code", "admin_username",
                 "admin_name"):
        assert is_invalid(html, name), name
    assert not is_invalid(html, "name_zh") and not is_invalid(html, "sponsor_zh")
    assert "冀ICP备05000128号" in html and "14 位数字" in html and "10 位数字或字母" in html and "区号" in html
    assert "已被使用" in html or "已被占用" in html  # the user name is someone else's
    assert field_value(html, "icp_record") == "ICP 12" and field_value(html, "admin_username") == "li.siteadmin"
    assert snapshot(app) == before


def test_a_site_that_would_be_fine_is_not_kept_when_its_account_is_refused(app, city, admin):
    before = snapshot(app)
    for account in ({"admin_username": "li.siteadmin"}, {"admin_username": "9bad"}, {"admin_name": " "}):
        html = post_form(admin, "/platform/sites/new", {**NEW_SITE, **account}).get_data(as_text=True)
        assert is_invalid(html, "admin_username") or is_invalid(html, "admin_name"), account
        assert snapshot(app) == before and _tenant(app, "jtj") is None
    assert _account(app, "jtj.admin") == (None, [])


def test_a_site_missing_footer_facts_has_a_checklist_and_a_marker_in_the_list(app, city, admin, create_site):
    bare = create_site("wsj", name_zh="廊坊市卫生健康委员会")  # as `flask tenants create` makes one: no footer facts
    html = admin.get(f"/platform/sites/{bare.id}").get_data(as_text=True)
    checklist = re.search(r'<ul class="checklist" id="footer-gaps">(.*?)</ul>', html, re.S).group(1)
    assert re.findall(r"<li>(.*?)</li>", checklist) == ["地址（中文）", "电话", "ICP备案号", "公安备案号", "网站标识码"]
    assert 'href="http://wsj.localhost/admin/settings"' in html
    listing = admin.get("/platform/").get_data(as_text=True)
    row = listing[listing.index("廊坊市卫生健康委员会"):]
    row = row[:row.index("</tr>")]
    assert "页脚缺 5 项" in row and "ICP备案号、公安备案号" in row
    with app.app_context():
        tenant = db.session.get(Tenant, bare.id)
        tenant.address_zh, tenant.phone, tenant.icp_record = "新华路1号", "0316-2000000", "冀ICP备05000128号"
        tenant.psb_record, tenant.site_code = "冀公网安备 13100302000001号", "1310000001"
        db.session.commit()
    assert "页脚信息齐全" in admin.get(f"/platform/sites/{bare.id}").get_data(as_text=True)
    listing = admin.get("/platform/").get_data(as_text=True)
    row = listing[listing.index("廊坊市卫生健康委员会"):]
    assert "页脚缺" not in row[:row.index("</tr>")]


@pytest.mark.parametrize("field, bad", [("phone", "call us"), ("icp_record", "冀ICP备1号"),
                                        ("psb_record", "冀公网安备 1310030200000号"), ("site_code", "131000000")])
def test_the_site_settings_refuse_a_footer_fact_that_is_not_one(app, two_sites, signed_in, field, bad):
    client, _ = signed_in("rsj.localhost", "zhang.admin", site=two_sites[0], roles=["site_admin"])
    form = {"sponsor_zh": "廊坊市人事局", "sponsor_en": "Langfang Personnel Bureau", "address_zh": "新华路1号",
            "phone": "0316-2011111、0316-2011112", "icp_record": "冀ICP备05000128号", "psb_record": "",
            "site_code": "", "accent": "green", "banner": "river"}
    html = post_form(client, "/admin/settings", {**form, field: bad}).get_data(as_text=True)
    assert is_invalid(html, field) and field_value(html, field) == bad
    with app.app_context():
        assert db.session.get(Tenant, two_sites[0].id).address_zh == ""  # nothing saved
    assert post_form(client, "/admin/settings", form).status_code == 302


def test_the_list_filters_the_sites_whose_footer_is_incomplete(app, city, admin, create_site):
    create_site("wsj", name_zh="廊坊市卫生健康委员会")
    with app.app_context():
        for tenant in db.session.execute(select(Tenant).where(Tenant.slug.in_(["rsj", "czj"]))).scalars():
            tenant.address_zh, tenant.phone, tenant.icp_record = "新华路1号", "0316-2000000", "冀ICP备05000128号"
            tenant.psb_record, tenant.site_code = "冀公网安备 13100302000001号", "1310000001"
        db.session.commit()
    html = admin.get("/platform/?footer=incomplete").get_data(as_text=True)
    assert "廊坊市卫生健康委员会" in html and "廊坊市人事局" not in html and "廊坊市财政局" not in html
    assert '<option value="incomplete" selected>' in html
