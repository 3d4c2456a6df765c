"""What a department's site administrator does in /admin/."""
from __future__ import annotations

import html as html_module
import io
import re

import pytest
from sqlalchemy import select, text

from core.audit.models import AuditEntry
from core.auth.models import Membership, User
from core.duties.models import DutyAssignment
from core.extensions import db
from core.sections.models import Section
from tenants.models import Tenant
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import Account, csrf_token, login, post_form


@pytest.fixture
def site_admin(two_sites, signed_in):
    rsj = two_sites[0]
    client, account = signed_in("rsj.localhost", "zhang.admin", site=rsj, roles=["site_admin"])
    return rsj, client, account


def roles_of(app, site, user_id):
    with app.app_context(), activate_tenant(site.id):
        return sorted(db.session.execute(select(Membership.role).where(Membership.user_id == user_id)).scalars())


def audit(app, site):
    with app.app_context(), activate_tenant(site.id):
        return [(e.action, e.target, e.detail) for e in db.session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars()]


def test_new_account_gets_a_temporary_password_shown_once(app, site_admin, client_for):
    rsj, client, _ = site_admin
    response = post_form(client, "/admin/users/new", {"username": "Li.Collector", "display_name": "李采集",
                                                      "roles": ["collector", "editor"]}, follow_redirects=True)
    html = response.get_data(as_text=True)
    password = html_module.unescape(re.search(r"临时密码（仅此一次显示）：(\S+)</p>", html).group(1))
    with app.app_context():
        user = db.session.execute(select(User).where(User.username == "li.collector")).scalar_one()
        assert user.must_change_password
    assert roles_of(app, rsj, user.id) == ["collector", "editor"]
    assert ("user.create", "li.collector") in [(a, t) for a, t, _ in audit(app, rsj)]
    assert [(a, d) for a, t, d in audit(app, rsj) if a == "role.grant" and t == "li.collector"] == [
        ("role.grant", '{"role": "collector"}'), ("role.grant", '{"role": "editor"}')]
    newcomer = client_for("rsj.localhost")
    assert login(newcomer, Account(user.id, "li.collector", password)).headers["Location"] == "/admin/password"
    assert client.get("/admin/users").get_data(as_text=True).count("li.collector") == 1


def test_new_account_form_keeps_input_and_names_the_problem(app, site_admin, create_account):
    rsj, client, _ = site_admin
    create_account("taken.name")
    response = post_form(client, "/admin/users/new", {"username": "taken.name", "display_name": "王五",
                                                      "roles": ["editor"]})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "用户名“taken.name”已被使用" in html
    assert 'value="王五"' in html and re.search(r'value="editor"[^>]*checked|checked[^>]*value="editor"', html)
    with app.app_context():
        assert db.session.execute(select(User).where(User.display_name == "王五")).first() is None


def test_a_site_administrator_cannot_grant_a_platform_role(app, site_admin, create_account):
    rsj, client, _ = site_admin
    person = create_account("li.collector", site=rsj, roles=["collector"])
    response = post_form(client, f"/admin/users/{person.id}", {"roles": ["collector", "platform_admin"]})
    assert response.status_code == 200 and 'class="errors"' in response.get_data(as_text=True)
    assert roles_of(app, rsj, person.id) == ["collector"]
    with app.app_context():
        assert db.session.get(User, person.id).platform_role is None


def test_roles_are_changed_and_audited(app, site_admin, create_account):
    rsj, client, _ = site_admin
    person = create_account("li.collector", site=rsj, roles=["collector"])
    assert post_form(client, f"/admin/users/{person.id}", {"roles": ["editor", "reviewer"]}).status_code == 302
    assert roles_of(app, rsj, person.id) == ["editor", "reviewer"]
    actions = [(a, d) for a, t, d in audit(app, rsj) if t == "li.collector"]
    assert ("role.revoke", '{"role": "collector"}') in actions and ("role.grant", '{"role": "reviewer"}') in actions


def test_an_administrator_cannot_drop_their_own_admin_role(app, site_admin):
    rsj, client, account = site_admin
    response = post_form(client, f"/admin/users/{account.id}", {"roles": ["editor"]})
    assert response.status_code == 200 and "不能取消自己的管理员角色" in response.get_data(as_text=True)
    assert roles_of(app, rsj, account.id) == ["site_admin"]


def test_duties_show_gaps_and_take_this_sites_people_only(app, site_admin, create_account):
    rsj, client, account = site_admin
    deputy = create_account("li.editor", site=rsj, roles=["editor"])
    home = client.get("/admin/").get_data(as_text=True)
    assert "有 5 项职责无人负责" in home
    fields = {f"{d}_{w}": "" for d in ("publishing", "online_services", "interaction", "security", "maintenance")
              for w in ("responsible", "deputy")}
    same = post_form(client, "/admin/duties/", {**fields, "publishing_responsible": str(deputy.id),
                                                "publishing_deputy": str(deputy.id)})
    assert "AB 角须为负责人以外的人员" in same.get_data(as_text=True)
    ok = post_form(client, "/admin/duties/", {**fields, "publishing_responsible": str(account.id),
                                              "publishing_deputy": str(deputy.id)})
    assert ok.status_code == 302
    assert "有 4 项职责无人负责" in client.get("/admin/").get_data(as_text=True)
    with app.app_context(), activate_tenant(rsj.id):
        row = db.session.execute(select(DutyAssignment)).scalar_one()
        assert (row.duty, row.responsible_id, row.deputy_id) == ("publishing", account.id, deputy.id)
    assert any(a == "duty.assign" for a, _, _ in audit(app, rsj))


def test_duty_cannot_go_to_another_sites_user(app, two_sites, site_admin, create_account):
    rsj, client, account = site_admin
    outsider = create_account("wang.czj", site=two_sites[1], roles=["editor"])
    response = post_form(client, "/admin/duties/", {"security_responsible": str(outsider.id)})
    assert response.status_code == 200
    with app.app_context(), activate_tenant(rsj.id):
        assert db.session.execute(select(DutyAssignment)).first() is None


def test_sections_page_adds_edits_moves_and_deletes_specialized_sections(app, site_admin, client_for):
    rsj, client, _ = site_admin
    bad = post_form(client, "/admin/sections/", {"name_zh": "人才工作", "name_en": "Talent", "slug": "9talent",
                                                 "kind": "article_list", "parent_id": ""})
    html = bad.get_data(as_text=True)
    assert "须以字母开头" in html and 'value="人才工作"' in html
    for slug, name in (("talent", "人才工作"), ("exams", "考试录用")):
        assert post_form(client, "/admin/sections/", {"name_zh": name, "name_en": slug.title(), "slug": slug,
                                                      "kind": "article_list", "parent_id": "", "in_nav": "y"}
                         ).status_code == 302
    with app.app_context(), activate_tenant(rsj.id):
        ids = {s.slug: s.id for s in db.session.execute(select(Section)).scalars()}
    assert post_form(client, f"/admin/sections/{ids['exams']}/move", {"direction": "up"},
                     form_path="/admin/sections/").status_code == 302
    nav = client_for("rsj.localhost").get("/").get_data(as_text=True)
    assert nav.index("考试录用") < nav.index("人才工作")
    assert post_form(client, f"/admin/sections/{ids['talent']}", {"name_zh": "人才引进", "name_en": "Talent",
                                                                   "parent_id": str(ids["exams"])}).status_code == 302
    cycle = post_form(client, f"/admin/sections/{ids['exams']}", {"name_zh": "考试录用", "name_en": "Exams",
                                                                  "parent_id": str(ids["talent"])})
    assert "不能放在它自己的子栏目之下" in cycle.get_data(as_text=True)
    assert client.get(f"/admin/sections/{ids['news']}").status_code == 404  # mandatory: nothing to edit
    assert client.get(f"/admin/sections/{ids['news']}/delete").status_code == 404  # mandatory: not the site's
    assert post_form(client, f"/admin/sections/{ids['exams']}/delete", {"confirmation": "考试录用"}).status_code == 302
    with app.app_context(), activate_tenant(rsj.id):
        slugs = set(db.session.execute(select(Section.slug)).scalars())
    assert "news" in slugs and "exams" not in slugs and "talent" not in slugs  # the child went with its parent
    assert {"section.add", "section.move", "section.update", "section.delete"} <= {a for a, _, _ in audit(app, rsj)}


def test_settings_change_the_footer_and_refuse_a_bad_logo(app, site_admin, client_for):
    rsj, client, _ = site_admin
    form = {"sponsor_zh": "廊坊市人事局", "sponsor_en": "Langfang Personnel Bureau", "address_zh": "新华路1号",
            "address_en": "", "phone": "0316-2011111", "icp_record": "冀ICP备05000001号", "psb_record": "",
            "site_code": "",
            "accent": "green", "banner": "river"}
    page = client.get("/admin/settings")
    bad = client.post("/admin/settings", data={**form, "csrf_token": csrf_token(page.get_data(as_text=True)),
                                               "logo": (io.BytesIO(b"<svg onload=alert(1)>"), "logo.svg")},
                      content_type="multipart/form-data")
    html = bad.get_data(as_text=True)
    assert bad.status_code == 200 and "PNG、JPEG 或 GIF" in html and 'value="0316-2011111"' in html
    with app.app_context():
        assert db.session.get(Tenant, rsj.id).phone == ""
    assert post_form(client, "/admin/settings", form).status_code == 302
    public = client_for("rsj.localhost").get("/").get_data(as_text=True)
    assert "0316-2011111" in public and "banner-river" in public


def test_audit_page_lists_this_sites_entries_only(app, two_sites, site_admin, signed_in):
    rsj, client, _ = site_admin
    signed_in("czj.localhost", "czj.person", site=two_sites[1], roles=["editor"])
    page = client.get("/admin/audit/").get_data(as_text=True)
    assert "zhang.admin" in page and "czj.person" not in page
    assert 'data-action="login.success"' in client.get("/admin/audit/?action=login").get_data(as_text=True)


def test_the_audit_log_is_append_only(app, site_admin):
    rsj = site_admin[0]
    with app.app_context(), activate_tenant(rsj.id):
        entry = db.session.execute(select(AuditEntry)).scalars().first()
        entry.action = "forged"
        with pytest.raises(Exception, match="append-only"):
            db.session.flush()
        db.session.rollback()
        with pytest.raises(Exception, match="append-only"):
            with db.engine.begin() as conn:
                conn.execute(text("UPDATE audit_entries SET action = 'forged'"))
        with pytest.raises(Exception, match="append-only"):
            with db.engine.begin() as conn:
                conn.execute(text("DELETE FROM audit_entries"))


@pytest.mark.parametrize("bad", ["abc", "0", "２", "99999999999"])
def test_a_tampered_choice_is_refused_not_taken_as_nobody(app, site_admin, create_account, bad):
    """A select's value that is not one of its options is an error on the page, never "nobody" or "top level"."""
    rsj, client, account = site_admin
    fields = {f"{d}_{w}": "" for d in ("publishing", "online_services", "interaction", "security", "maintenance")
              for w in ("responsible", "deputy")}
    assert post_form(client, "/admin/duties/", {**fields, "publishing_responsible": str(account.id)}).status_code == 302
    refused = post_form(client, "/admin/duties/", {**fields, "publishing_responsible": bad})
    assert refused.status_code == 200 and 'class="errors"' in refused.get_data(as_text=True)
    section = post_form(client, "/admin/sections/", {"name_zh": "人才工作", "name_en": "Talent", "slug": "talent",
                                                     "kind": "article_list", "parent_id": bad})
    assert section.status_code == 200
    with app.app_context(), activate_tenant(rsj.id):
        row = db.session.execute(select(DutyAssignment)).scalar_one()
        assert row.responsible_id == account.id  # kept, not cleared
        assert db.session.execute(select(Section).where(Section.slug == "talent")).first() is None


def test_a_site_administrator_resets_and_unlocks_the_sites_own_people(app, site_admin, create_account, client_for):
    from tests.fixtures.accounts import login

    rsj, client, account = site_admin
    editor = create_account("li.editor", site=rsj, roles=["editor"])
    stranger = client_for("rsj.localhost")
    for _ in range(5):
        login(stranger, Account(editor.id, editor.username, password="Wrong-Password-1"))
    page = client.get(f"/admin/users/{editor.id}").get_data(as_text=True)
    assert "已锁定" in page
    assert post_form(client, f"/admin/users/{editor.id}/unlock", {}, form_path=f"/admin/users/{editor.id}"
                     ).status_code == 302
    reset = post_form(client, f"/admin/users/{editor.id}/reset-password", {}, form_path=f"/admin/users/{editor.id}",
                      follow_redirects=True)
    temporary = re.search(r"（仅显示这一次）：(\S+?)。", reset.get_data(as_text=True))
    assert temporary, reset.get_data(as_text=True)[:2000]
    password = html_module.unescape(temporary.group(1))  # shown in a page: "&" arrives as "&amp;"
    assert login(client_for("rsj.localhost"), Account(editor.id, editor.username, password=password)
                 ).headers["Location"] == "/admin/password"  # must change it now
    actions = [a for a, _, _ in audit(app, rsj)]
    assert "user.unlock" in actions and "password.reset" in actions


def test_a_site_administrator_cannot_reset_a_platform_account_or_their_own(app, site_admin, create_account):
    rsj, client, account = site_admin
    platform = create_account("chen.platform", platform_role="platform_admin")
    with app.app_context(), activate_tenant(rsj.id):
        db.session.add(Membership(user_id=platform.id, role="editor"))
        db.session.commit()
        before = db.session.execute(select(User.password_hash).where(User.id == platform.id)).scalar_one()
    for person in (platform.id, account.id):
        response = post_form(client, f"/admin/users/{person}/reset-password", {}, form_path=f"/admin/users/{person}",
                             follow_redirects=True)
        assert 'class="flash flash-error"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(User.password_hash).where(User.id == platform.id)).scalar_one() == before


def test_a_person_who_works_on_two_sites_is_the_bureaus_to_reset(app, two_sites, site_admin, create_account):
    rsj, client, _ = site_admin
    czj = two_sites[1]
    shared = create_account("wang.shared", site=rsj, roles=["editor"])
    with app.app_context(), activate_tenant(czj.id):
        db.session.add(Membership(user_id=shared.id, role="collector"))
        db.session.commit()
    response = post_form(client, f"/admin/users/{shared.id}/reset-password", {}, form_path=f"/admin/users/{shared.id}",
                         follow_redirects=True)
    assert "信息产业局" in response.get_data(as_text=True) and "flash-error" in response.get_data(as_text=True)
