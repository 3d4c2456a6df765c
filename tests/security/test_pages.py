"""The security pages: a site reads and accepts its own findings only; the bureau reads every site's, accepts the
platform's, and edits the word lists and the allowed hosts; the evaluator reads and changes nothing."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from core.audit.models import AuditEntry
from core.extensions import db
from core.security.models import PlatformSecurityFinding, SecurityFinding, SecurityWord
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import post_form
from tests.fixtures.console import PLATFORM


@pytest.fixture
def findings(app, two_sites, create_account, set_user, check_site, check_platform, moment):
    """An inactive editor on each site, a burst of failed sign-ins on rsj, a platform admin without two-step login;
    the checks run. Returns {"rsj": finding id, "czj": finding id, "address": id, "platform": id}."""
    rsj, czj, _ = two_sites
    ids = {}
    for site, name in ((rsj, "wang.rsj"), (czj, "wang.czj")):
        account = create_account(name, site=site, roles=["editor"])
        set_user(account.id, last_login_at=moment - timedelta(days=120))
    with app.app_context():
        db.session.execute(insert(AuditEntry), [
            {"tenant_id": rsj.id, "at": moment - timedelta(minutes=30 - n), "action": "login.failure",
             "target": f"guess{n}", "username": f"guess{n}", "ip": "198.51.100.23", "detail": "", "user_id": None}
            for n in range(12)])
        db.session.commit()
    create_account("bai.admin", platform_role="platform_admin")
    for site in (rsj, czj):
        for row in check_site(site, "accounts.inactive", "accounts.failed_logins"):
            ids[site.slug if row.rule == "accounts.inactive" else "address"] = row.id
    ids["platform"] = next(r.id for r in check_platform("platform_accounts.no_two_step"))
    return ids


def test_a_site_administrator_reads_the_sites_findings_only(two_sites, findings, signed_in):
    client, _ = signed_in("rsj.localhost", "li.admin", site=two_sites[0], roles=["site_admin"])
    page = client.get("/admin/security/").get_data(as_text=True)
    assert "Wang.Rsj (wang.rsj)" in page and "wang.czj" not in page
    assert f'href="/admin/security/{findings["rsj"]}"' in page
    detail = client.get(f"/admin/security/{findings['rsj']}")
    assert detail.status_code == 200 and 'href="/admin/users/' in detail.get_data(as_text=True)
    assert client.get(f"/admin/security/{findings['czj']}").status_code == 404  # another site's finding
    assert client.post(f"/admin/security/{findings['czj']}").status_code in (400, 404)


def test_the_address_of_failed_sign_ins_is_masked_for_the_site_and_whole_for_the_bureau(
        two_sites, findings, signed_in):
    site_admin, _ = signed_in("rsj.localhost", "li.admin", site=two_sites[0], roles=["site_admin"])
    page = site_admin.get(f"/admin/security/{findings['address']}").get_data(as_text=True)
    assert "198.51.*.*" in page and "198.51.100.23" not in page
    console, _ = signed_in(PLATFORM, "chen.admin", platform_role="platform_admin", totp=True)
    assert "198.51.100.23" in console.get("/platform/security").get_data(as_text=True)
    evaluator, _ = signed_in(PLATFORM, "zhao.eval", platform_role="evaluator", totp=True)
    listing = evaluator.get("/platform/security").get_data(as_text=True)
    assert "198.51.*.*" in listing and "198.51.100.23" not in listing


def test_a_site_administrator_accepts_a_finding_with_a_reason(app, two_sites, findings, signed_in):
    client, _ = signed_in("rsj.localhost", "li.admin", site=two_sites[0], roles=["site_admin"])
    path = f"/admin/security/{findings['rsj']}"
    refused = post_form(client, path, {"reason": "  "})
    assert refused.status_code == 200 and 'class="errors"' in refused.get_data(as_text=True)
    done = post_form(client, path, {"reason": "该同志长期外派驻村，账号保留"})
    assert done.status_code == 302 and done.headers["Location"] == path
    with app.app_context(), activate_tenant(two_sites[0].id):
        found = db.session.get(SecurityFinding, findings["rsj"])
        assert (found.state, found.accept_reason, found.accepted_by_name) == (
            "accepted", "该同志长期外派驻村，账号保留", "Li.Admin")
    listing = client.get("/admin/security/").get_data(as_text=True)
    assert f'href="{path}"' not in listing  # accepted: no longer reported
    assert f'href="{path}"' in client.get("/admin/security/?state=accepted").get_data(as_text=True)


def test_the_admin_home_shows_the_sites_findings(two_sites, findings, signed_in):
    client, _ = signed_in("rsj.localhost", "li.admin", site=two_sites[0], roles=["site_admin"])
    home = client.get("/admin/").get_data(as_text=True)
    assert 'id="security-card"' in home and f'href="/admin/security/{findings["rsj"]}"' in home
    editor, _ = signed_in("rsj.localhost", "zhou.editor", site=two_sites[0], roles=["editor"])
    assert 'id="security-card"' not in editor.get("/admin/").get_data(as_text=True)


def test_the_evaluator_reads_a_sites_findings_and_cannot_accept(app, two_sites, findings, signed_in):
    client, _ = signed_in("rsj.localhost", "zhao.eval", platform_role="evaluator", totp=True)
    page = client.get(f"/admin/security/{findings['rsj']}")
    assert page.status_code == 200 and 'name="reason"' not in page.get_data(as_text=True)
    assert post_form(client, f"/admin/security/{findings['rsj']}", {"reason": "x"},
                     form_path="/admin/account").status_code == 403


def test_the_console_counts_each_site_and_filters_the_findings(two_sites, findings, signed_in):
    rsj, czj, _ = two_sites
    client, _ = signed_in(PLATFORM, "chen.admin", platform_role="platform_admin", totp=True)
    page = client.get("/platform/security").get_data(as_text=True)
    assert "wang.rsj" in page and "wang.czj" in page and "Bai.Admin (bai.admin)" in page
    only_czj = client.get(f"/platform/security?site={czj.id}").get_data(as_text=True)
    assert "wang.czj" in only_czj and "wang.rsj" not in only_czj.split('id="site-findings"')[1]
    high = client.get("/platform/security?severity=high").get_data(as_text=True).split('id="site-findings"')[1]
    assert "198.51.100.23" in high and "wang.rsj" not in high
    rule = client.get("/platform/security?rule=accounts.inactive&state=all").get_data(as_text=True)
    assert "198.51.100.23" not in rule.split('id="site-findings"')[1]
    assert client.get("/platform/security?state=nonsense&severity=x").status_code == 200  # read as the defaults
    assert client.get("/platform/security?site=abc").status_code == 404  # as the audit page answers


def test_the_platform_administrator_accepts_a_platform_finding_and_the_evaluator_cannot(app, findings, signed_in):
    path = f"/platform/security/findings/{findings['platform']}"
    evaluator, _ = signed_in(PLATFORM, "zhao.eval", platform_role="evaluator", totp=True)
    assert evaluator.get(path).status_code == 200
    assert post_form(evaluator, path, {"reason": "x"}, form_path="/platform/").status_code == 403
    admin, _ = signed_in(PLATFORM, "chen.admin", platform_role="platform_admin", totp=True)
    assert post_form(admin, path, {"reason": "该账号仅供应急使用，已封存密码"}).status_code == 302
    with app.app_context():
        assert db.session.get(PlatformSecurityFinding, findings["platform"]).state == "accepted"
    assert admin.get("/platform/security/findings/2147483647").status_code == 404


def test_the_bureau_edits_the_word_lists(app, signed_in):
    client, _ = signed_in(PLATFORM, "chen.admin", platform_role="platform_admin", totp=True)
    shown = client.get("/platform/security/words").get_data(as_text=True)
    assert "博彩" in shown and "国务院办公室 =&gt; 国务院办公厅" in shown  # the defaults until saved
    refused = post_form(client, "/platform/security/words",
                        {"forbidden": "赌博", "wrong": "国务院办公厅 => 中华人民共和国国务院办公厅"})
    assert refused.status_code == 200 and 'class="errors"' in refused.get_data(as_text=True)
    refused = post_form(client, "/platform/security/words", {"forbidden": "赌博", "wrong": "只有错误没有正确"})
    assert refused.status_code == 200 and "只有错误没有正确" in refused.get_data(as_text=True)  # the input is kept
    with app.app_context():
        assert db.session.execute(select(SecurityWord)).first() is None  # nothing half-saved
    saved = post_form(client, "/platform/security/words", {"forbidden": "赌博\n\n赌博\n代开发票",
                                                           "wrong": "国务院办公室 → 国务院办公厅\n"})
    assert saved.status_code == 302
    with app.app_context():
        rows = db.session.execute(select(SecurityWord.kind, SecurityWord.phrase, SecurityWord.correct)
                                  .order_by(SecurityWord.kind, SecurityWord.position)).all()
        assert [tuple(r) for r in rows] == [("forbidden", "赌博", ""), ("forbidden", "代开发票", ""),
                                            ("wrong", "国务院办公室", "国务院办公厅")]
        entry = db.session.execute(select(db.text("detail FROM platform_audit_entries WHERE action = "
                                                  "'security.words_save'"))).scalar_one()
        assert json.loads(entry) == {"forbidden_words": 2, "wrong_expressions": 1}


def test_the_bureau_edits_the_allowed_hosts_and_the_evaluator_only_reads_them(app, signed_in):
    client, _ = signed_in(PLATFORM, "chen.admin", platform_role="platform_admin", totp=True)
    refused = post_form(client, "/platform/security/hosts", {"hosts": "gov.cn\nnot a host!"})
    assert refused.status_code == 200 and 'class="errors"' in refused.get_data(as_text=True)
    saved = post_form(client, "/platform/security/hosts", {"hosts": "gov.cn 政府网站\nhttps://mp.weixin.qq.com/s/x\n"})
    assert saved.status_code == 302
    assert "mp.weixin.qq.com" in client.get("/platform/security/hosts").get_data(as_text=True)
    evaluator, _ = signed_in(PLATFORM, "zhao.eval", platform_role="evaluator", totp=True)
    page = evaluator.get("/platform/security/hosts").get_data(as_text=True)
    assert "mp.weixin.qq.com" in page and "<textarea" not in page
    assert post_form(evaluator, "/platform/security/hosts", {"hosts": "evil.example"},
                     form_path="/platform/").status_code == 403
