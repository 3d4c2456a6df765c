"""The security pages and checks under attack and misuse: planted markup stays text, forms refuse bad input whole,
hidden links that pass the editor are found, links to hosts written in Chinese are read as a browser reads them, a
burst of guesses across two runs is seen, findings are accepted once, and the tamper check's own baseline is
watched."""
from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from core.audit.models import AuditEntry
from core.auth.models import User
from core.extensions import db
from core.security.integrity import hash_tree
from core.security.models import AllowedHost, SecurityFinding, SecurityWord
from core.security.operations import (SecurityError, accept_finding, save_allowed_hosts, save_word_lists,
                                      take_baseline)
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import post_form
from tests.fixtures.console import PLATFORM
from tests.security.conftest import of

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"


def _errors(page: str) -> str:
    return " ".join(re.findall(r'class="errors"[^>]*>(.*?)</ul>', page, re.S))


def test_markup_planted_in_an_item_a_list_or_a_reason_is_shown_as_text(app, two_sites, create_article_in,
                                                                        check_site, signed_in):
    rsj, _, _ = two_sites
    create_article_in(rsj, "news", f'">{IMG}博彩{SCRIPT}',
                      body_html="<p>网上博彩 &lt;script&gt;alert(3)&lt;/script&gt; "
                                '<a href="http://x.example/&quot;&gt;&lt;script&gt;alert(4)&lt;/script&gt;">博彩</a></p>')
    rows = check_site(rsj)
    words = of(rows, "content.forbidden_words")
    assert words and any("<script>" in text for text in words[0].details["excerpts"])  # kept as written...
    site_admin, _ = signed_in("rsj.localhost", "li.admin", site=rsj, roles=["site_admin"])
    console, _ = signed_in(PLATFORM, "chen.admin", platform_role="platform_admin", totp=True)
    assert post_form(site_admin, f"/admin/security/{words[0].id}", {"reason": SCRIPT + IMG}).status_code == 302
    assert post_form(console, "/platform/security/words",
                     {"forbidden": f"博彩\n{IMG}", "wrong": f"<i>国务院办公室</i> => {SCRIPT}"}).status_code == 302
    assert post_form(console, "/platform/security/hosts", {"hosts": f"gov.cn {SCRIPT}"}).status_code == 302
    pages = [site_admin.get(p) for p in ("/admin/", "/admin/security/?state=all", "/admin/audit/",
                                         *(f"/admin/security/{r.id}" for r in rows))]
    pages += [console.get(p) for p in ("/platform/security?state=all", "/platform/security/words",
                                       "/platform/security/hosts", "/platform/audit",
                                       *(f"/platform/security/site-findings/{r.id}" for r in rows))]
    for page in pages:
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and "<script>alert" not in text and "<img src=x" not in text  # ...shown as text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in site_admin.get(f"/admin/security/{words[0].id}").get_data(
        as_text=True)


def test_every_post_needs_its_form_token(app, two_sites, create_account, set_user, check_site, signed_in, moment):
    rsj, _, _ = two_sites
    account = create_account("wang.editor", site=rsj, roles=["editor"])
    set_user(account.id, last_login_at=moment - timedelta(days=120))
    [finding] = of(check_site(rsj, "accounts.inactive"), "accounts.inactive")
    site_admin, _ = signed_in("rsj.localhost", "li.admin", site=rsj, roles=["site_admin"])
    assert site_admin.post(f"/admin/security/{finding.id}", data={"reason": "外派"}).status_code == 400
    console, _ = signed_in(PLATFORM, "chen.admin", platform_role="platform_admin", totp=True)
    assert console.post("/platform/security/words", data={"forbidden": "赌博", "wrong": ""}).status_code == 400
    assert console.post("/platform/security/hosts", data={"hosts": "evil.example"}).status_code == 400
    with app.app_context(), activate_tenant(rsj.id):
        assert db.session.get(SecurityFinding, finding.id).state == "new"
        assert db.session.execute(select(SecurityWord)).first() is None
        assert db.session.execute(select(AllowedHost)).first() is None


def test_other_staff_of_the_site_do_not_see_the_findings(two_sites, create_account, set_user, check_site, signed_in,
                                                         moment):
    """Findings name colleagues' accounts and the addresses guessing passwords: they are the site administrator's
    (who has them fixed) and the evaluator's to read, not every member's."""
    rsj, _, _ = two_sites
    account = create_account("wang.editor", site=rsj, roles=["editor"])
    set_user(account.id, last_login_at=moment - timedelta(days=120))
    [finding] = of(check_site(rsj, "accounts.inactive"), "accounts.inactive")
    for name, role in (("zhou.collector", "collector"), ("zhou.editor", "editor"), ("zhou.publisher", "publisher")):
        client, _ = signed_in("rsj.localhost", name, site=rsj, roles=[role])
        assert client.get("/admin/security/").status_code == 403
        assert client.get(f"/admin/security/{finding.id}").status_code == 403
        home = client.get("/admin/").get_data(as_text=True)
        assert 'id="security-card"' not in home and 'href="/admin/security/"' not in home


@pytest.mark.parametrize("forbidden, wrong, field, says", [
    ("赌\x00博", "", "forbidden", "control character"),
    ("赌\x07博", "", "forbidden", "control character"),
    ("赌" * 10000, "", "forbidden", "Line 2: At most 60 characters"),
    ("", "国务院办公室 =>", "wrong", "Line 1: write the wrong expression"),
    ("", "国务院办公室 => 国务院办公厅\n国务院办公室 => 国务院秘书厅", "wrong",
     "Line 2: “国务院办公室” is listed already, with another correct form (“国务院办公厅”)"),
    ("", "国务院办公室 => 国务院 办公室厅", "wrong", "Line 1: the correct form contains the wrong one"),
])
def test_the_word_lists_refuse_bad_lines_whole_and_keep_the_input(app, signed_in, forbidden, wrong, field, says):
    console, _ = signed_in(PLATFORM, "chen.admin", platform_role="platform_admin", totp=True)
    console.set_language("en")
    response = post_form(console, "/platform/security/words", {"forbidden": f"代开发票\n{forbidden}", "wrong": wrong})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and says in _errors(page).replace("&#34;", '"'), _errors(page)
    assert "代开发票" in page  # the input is kept
    with app.app_context():
        assert db.session.execute(select(SecurityWord)).first() is None  # nothing half-written


def test_an_entry_written_twice_in_another_case_or_spacing_is_one_entry(app, signed_in):
    """"ABC" and "abc", "博 彩" and "博彩" are searched for the same way: two entries would report each place
    twice."""
    console, _ = signed_in(PLATFORM, "chen.admin", platform_role="platform_admin", totp=True)
    response = post_form(console, "/platform/security/words",
                         {"forbidden": "ABC\nabc\n博 彩\n博彩\n\u200b", "wrong": "国务院办公室 => 国务院办公厅\n"
                                                                         "国务院 办公室 => 国务院办公厅"})
    assert response.status_code == 302
    with app.app_context():
        rows = db.session.execute(select(SecurityWord.kind, SecurityWord.phrase).order_by(
            SecurityWord.kind, SecurityWord.position)).all()
    assert [tuple(r) for r in rows] == [("forbidden", "ABC"), ("forbidden", "博 彩"), ("wrong", "国务院办公室")]


@pytest.mark.parametrize("written, stored, shown", [
    ("HTTPS://WWW.GOV.CN:443/zhengce/?a=1", "www.gov.cn", "www.gov.cn"),
    ("gov.cn.", "gov.cn", "gov.cn"),
    ("政府.中国 中文域名", "xn--mxtq1m.xn--fiqs8s", "政府.中国 中文域名"),
    ("https://政府.中国/", "xn--mxtq1m.xn--fiqs8s", "政府.中国"),
])
def test_the_allowed_hosts_read_an_address_or_a_chinese_name_as_its_host(app, signed_in, written, stored, shown):
    console, _ = signed_in(PLATFORM, "chen.admin", platform_role="platform_admin", totp=True)
    assert post_form(console, "/platform/security/hosts", {"hosts": written}).status_code == 302
    with app.app_context():
        assert db.session.execute(select(AllowedHost.host)).scalars().all() == [stored]
    assert f">\r\n{shown}</textarea>" in console.get("/platform/security/hosts").get_data(as_text=True)


@pytest.mark.parametrize("written", ["*.gov.cn", "user@gov.cn", "localhost", "[::1]", "gov.cn\x00", "x" * 10000,
                                     "gov.cn " + "说明" * 150])
def test_the_allowed_hosts_refuse_what_is_not_a_host_and_keep_the_input(app, signed_in, written):
    console, _ = signed_in(PLATFORM, "chen.admin", platform_role="platform_admin", totp=True)
    response = post_form(console, "/platform/security/hosts", {"hosts": f"news.cn\n{written}"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and _errors(page) and "news.cn" in page
    with app.app_context():
        assert db.session.execute(select(AllowedHost)).first() is None


def test_hidden_links_that_pass_the_editor_are_found(app, two_sites, create_article_in, check_site, signed_in):
    """The editor's cleaning takes every style away, but not a link that shows nothing or one on a one-pixel
    picture: the way an intruder with an editor's password hides a link (暗链)."""
    rsj, _, articles = two_sites
    body = ('<p>正文<a href="http://bocai.example/"></a><a href="http://bocai.example/a">&nbsp;</a>'
            '<a href="http://bocai.example/b">\u200b</a>'
            '<a href="http://bocai.example/c"><img src="/static/p.gif" width="1" height="1"></a></p>'
            # Not hidden: a picture of its real size, a link with words, an empty link within the site.
            '<p><a href="http://www.gov.cn/"><img src="/static/logo.png" width="120"></a>'
            f'<a href="http://bet.example/">彩票</a><a href="/articles/{articles["rsj"][0]}"></a></p>')
    item = create_article_in(rsj, "news", "工作动态", body_html=body)
    [found] = of(check_site(rsj, "content.hidden_links"), "content.hidden_links")
    assert found.key == f"article:{item}" and found.severity == "high"
    assert found.details["values"]["links"] == ["http://bocai.example/", "http://bocai.example/a",
                                                "http://bocai.example/b", "http://bocai.example/c"]
    assert found.details["values"]["how"] == ["empty", "tiny_image"]
    client, _ = signed_in("rsj.localhost", "li.admin", site=rsj, roles=["site_admin"])
    page = client.get(f"/admin/security/{found.id}").get_data(as_text=True)
    assert "tiny_image" not in page and "链接无可见文字、链接所在图片过小无法看见" in page
    client.set_language("en")
    assert "a link with no visible text, a link on a picture too small to see" in client.get(
        f"/admin/security/{found.id}").get_data(as_text=True)


def test_a_link_to_a_host_written_in_chinese_or_to_an_address_is_an_outside_link(app, two_sites, create_article_in,
                                                                                  check_site):
    rsj, _, _ = two_sites
    create_article_in(rsj, "news", "链接", body_html='<p><a href="http://政府.中国/zhengce/">中文域名</a>'
                                                     '<a href="http://[2001:db8::1]/">地址</a></p>')
    rows = check_site(rsj, "content.broken_links", "content.external_links")
    assert of(rows, "content.broken_links") == []  # not "a page of ours that is not there"
    assert sorted(r.details["values"]["host"] for r in of(rows, "content.external_links")) == ["2001:db8::1",
                                                                                              "政府.中国"]
    with app.app_context():
        save_allowed_hosts("政府.中国")
        db.session.commit()
    assert [r.details["values"]["host"] for r in of(check_site(rsj, "content.external_links"),
                                                    "content.external_links", "open")] == ["2001:db8::1"]


def test_a_burst_of_guesses_across_two_daily_runs_is_seen(app, two_sites, check_site, moment):
    """Twelve guesses from one address in an hour, half before one daily run and half after: neither run alone
    saw ten; the next run reads one window further back and sees them all."""
    rsj, _, _ = two_sites
    with app.app_context():
        db.session.execute(insert(AuditEntry), [
            {"tenant_id": rsj.id, "at": moment - timedelta(minutes=30) + timedelta(minutes=5 * n),
             "action": "login.failure", "target": f"guess{n}", "username": f"guess{n}", "ip": "198.51.100.23",
             "detail": "", "user_id": None} for n in range(12)])
        db.session.commit()
        db.session.remove()
    assert of(check_site(rsj, "accounts.failed_logins", at=moment), "accounts.failed_logins") == []
    [found] = of(check_site(rsj, "accounts.failed_logins", at=moment + timedelta(days=1)), "accounts.failed_logins")
    assert found.key == "address:198.51.100.23" and found.details["values"]["count"] == 12


def test_a_resolved_finding_says_so_and_cannot_be_accepted(app, two_sites, create_account, set_user, check_site,
                                                           signed_in, moment):
    rsj, _, _ = two_sites
    account = create_account("wang.editor", site=rsj, roles=["editor"])
    set_user(account.id, last_login_at=moment - timedelta(days=120))
    [finding] = of(check_site(rsj, "accounts.inactive"), "accounts.inactive")
    set_user(account.id, last_login_at=moment)  # they signed in: the next run resolves it
    assert [r.state for r in of(check_site(rsj, "accounts.inactive"), "accounts.inactive")] == ["resolved"]
    client, _ = signed_in("rsj.localhost", "li.admin", site=rsj, roles=["site_admin"])
    client.set_language("en")
    path = f"/admin/security/{finding.id}"
    page = client.get(path).get_data(as_text=True)
    assert "nothing is left to fix" in page and f'href="{finding.link}"' not in page and 'name="reason"' not in page
    assert " - Langfang Municipal Personnel Bureau - Administration</title>" in page  # the site's own page
    refused = post_form(client, path, {"reason": "外派"}, form_path="/admin/account")
    assert refused.status_code == 200 and "no longer reported" in _errors(refused.get_data(as_text=True))
    with app.app_context(), activate_tenant(rsj.id):
        assert (db.session.get(SecurityFinding, finding.id).state,
                db.session.get(SecurityFinding, finding.id).accept_reason) == ("resolved", "")


def test_two_people_accepting_at_once_one_wins_and_the_other_is_told(app, two_sites, create_account, set_user,
                                                                     check_site, moment):
    rsj, _, _ = two_sites
    first, second = (create_account(n, site=rsj, roles=["site_admin"]) for n in ("li.admin", "zhou.admin"))
    account = create_account("wang.editor", site=rsj, roles=["editor"])
    set_user(account.id, last_login_at=moment - timedelta(days=120))
    [row] = of(check_site(rsj, "accounts.inactive"), "accounts.inactive")
    with app.app_context(), activate_tenant(rsj.id):
        stale = db.session.get(SecurityFinding, row.id)  # the second person's page, read before the first accepted
        with app.app_context(), activate_tenant(rsj.id):
            accept_finding(db.session.get(SecurityFinding, row.id), actor=db.session.get(User, first.id),
                           reason="外派驻村", now=moment)
            db.session.commit()
        assert stale.state == "new"
        with pytest.raises(SecurityError):
            accept_finding(stale, actor=db.session.get(User, second.id), reason="另一个理由", now=moment)
        db.session.rollback()
        kept = db.session.get(SecurityFinding, row.id)
        assert (kept.state, kept.accept_reason, kept.accepted_by_id) == ("accepted", "外派驻村", first.id)


def test_the_console_reads_a_sites_finding_with_the_text_around_each_hit(app, two_sites, create_article_in,
                                                                         check_site, signed_in):
    rsj, czj, _ = two_sites
    create_article_in(rsj, "news", "通知", body_html="<p>现将《国务院办公室关于做好就业工作的通知》转发给你们。</p>")
    [found] = of(check_site(rsj, "content.wrong_expressions"), "content.wrong_expressions")
    for name, role in (("chen.admin", "platform_admin"), ("zhao.eval", "evaluator")):
        console, _ = signed_in(PLATFORM, name, platform_role=role, totp=True)
        listing = console.get("/platform/security").get_data(as_text=True)
        assert f'href="/platform/security/site-findings/{found.id}"' in listing
        page = console.get(f"/platform/security/site-findings/{found.id}").get_data(as_text=True)
        assert "现将《国务院办公室关于做好就业工作" in page and "<dd>廊坊市人事局</dd>" in page
        assert "<title>严重表述错误 - 信息产业局管理平台 - 管理后台</title>" in page  # the console, not the site
        assert f'href="http://rsj.localhost{found.link}"' in page  # where the site fixes it, on the site's host
        assert 'name="reason"' not in page  # accepting is the site's
        assert console.get("/platform/security/site-findings/2147483647").status_code == 404
    site_admin, _ = signed_in("czj.localhost", "li.czj", site=czj, roles=["site_admin"])
    assert site_admin.get(f"/platform/security/site-findings/{found.id}").status_code == 404  # console only


def test_a_program_among_the_uploads_is_named_in_the_readers_language(app, two_sites, check_site, signed_in):
    rsj, _, _ = two_sites
    folder = Path(app.config["UPLOAD_FOLDER"]) / f"site-{rsj.id}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"<?php system($_GET['c']); ?>")
    [found] = of(check_site(rsj, "files.executable"), "files.executable")
    client, _ = signed_in("rsj.localhost", "li.admin", site=rsj, roles=["site_admin"])
    page = client.get(f"/admin/security/{found.id}").get_data(as_text=True)
    assert "server script" not in page and "PHP、JSP 或 ASP 服务器脚本" in page


@pytest.fixture
def baseline(app, tmp_path, moment):
    """A deployed tree of one file, its baseline taken by `take_baseline` (its SHA-256 kept in the database)."""
    root = tmp_path / "deployed"
    (root / "core").mkdir(parents=True)
    (root / "core" / "views.py").write_text("x = 1\n")
    saved = {key: app.config[key] for key in ("SECURITY_CODE_ROOT", "SECURITY_INTEGRITY_MANIFEST")}
    app.config.update(SECURITY_CODE_ROOT=str(root), SECURITY_INTEGRITY_MANIFEST=str(tmp_path / "manifest.json"))
    with app.app_context():
        take_baseline(moment)
        db.session.commit()
        db.session.remove()
    try:
        yield root, tmp_path / "manifest.json"
    finally:
        app.config.update(saved)


def test_a_baseline_replaced_beside_the_code_is_a_serious_finding(app, baseline, check_platform):
    """An intruder who changes a template can write a new manifest next to it: the manifest's own SHA-256, kept in
    the database, tells."""
    root, manifest = baseline
    (root / "core" / "views.py").write_text("x = 2  # changed\n")
    data = json.loads(manifest.read_text())
    data["files"] = hash_tree(root)  # the intruder's hashes of the changed tree
    manifest.write_text(json.dumps(data))
    [found] = of(check_platform("files.tampered"), "files.tampered")
    assert (found.key, found.details["says"], found.severity) == ("manifest", "replaced", "high")


def test_a_removed_baseline_is_serious_and_not_written_again_quietly(app, baseline, check_platform, runner):
    root, manifest = baseline
    manifest.unlink()
    result = runner.invoke(args=["security", "baseline", "--if-missing"])  # what scripts/serve runs at each start
    assert result.exit_code == 0 and not manifest.exists()
    [found] = of(check_platform("files.tampered"), "files.tampered")
    assert (found.details["says"], found.severity) == ("gone", "high")
    assert runner.invoke(args=["security", "baseline"]).exit_code == 0  # a person decides: a new one
    assert [r.state for r in of(check_platform("files.tampered"), "files.tampered")] == ["resolved"]


def test_a_word_list_of_thousands_finds_what_it_holds_however_written(app, two_sites, create_article_in, check_site):
    """The bureau's lists may grow to thousands of entries; each item is asked only about the entries that can be
    in it, and finds them whatever the spacing, case or invisible characters between their characters."""
    rsj, _, _ = two_sites
    filler = [f"词{n:05d}" for n in range(5000)]
    with app.app_context():
        save_word_lists("\n".join([*filler, "博彩", "Casino"]), "国务院办公室 => 国务院办公厅")
        db.session.commit()
    create_article_in(rsj, "news", "通知",
                      body_html="<p>网上博\u200b 彩与 CASINO；国务 院办公室。名单中的词00042也在其中。</p>")
    rows = check_site(rsj, "content.forbidden_words", "content.wrong_expressions")
    assert sorted((r.rule, r.key.split("/")[1]) for r in rows) == [
        ("content.forbidden_words", "word:Casino"), ("content.forbidden_words", "word:博彩"),
        ("content.forbidden_words", "word:词00042"), ("content.wrong_expressions", "wrong:国务院办公室")]
