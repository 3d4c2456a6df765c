"""Where an account signs in, and nowhere else: the bureau's on the console, a site's people on their site.

Anywhere else the account's name is, to that host, a name it does not know:
the same answer, the same hashing, the same audit entry, no failure counted.
So nobody locks the bureau's administrators out from a department's host.
The bureau's people work in a site's admin through the console's link.
"""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from core.audit.models import AuditEntry, PlatformAuditEntry
from core.auth.models import User
from core.extensions import db
from core.timeutil import now
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import CONSOLE, csrf_token, login, open_from_console, post_form

GENERIC = "用户名或密码不正确，或该账号不能在此登录。"
EXPIRED = "进入网站后台的链接已过期或已使用过"


def site_entries(app, site) -> list[tuple]:
    """The site's audit entries as its administrator reads them: what, on whom, by whom, with what detail."""
    with app.app_context(), activate_tenant(site.id):
        return [(e.action, e.target, e.user_id, e.username, json.loads(e.detail or "{}"))
                for e in db.session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars()]


def failures(app, account) -> tuple[int, object]:
    with app.app_context():
        user = db.session.get(User, account.id)
        return user.failed_logins, user.locked_until


def try_password(client, username: str, password: str = "Wrong-Guess-99"):
    page = client.get("/admin/login")
    return client.post("/admin/login", data={"username": username, "password": password,
                                             "csrf_token": csrf_token(page.get_data(as_text=True))})


def test_six_failures_on_a_department_host_do_not_lock_the_bureaus_administrator(app, two_sites, create_account,
                                                                                 client_for):
    admin = create_account("chen.platform", platform_role="platform_admin", totp=True)
    rsj = client_for("rsj.localhost")
    for _ in range(6):
        response = try_password(rsj, admin.username)
        assert response.status_code == 200 and GENERIC in response.get_data(as_text=True)
    # Even the right password is, on a department's host, the answer to an unknown name.
    assert GENERIC in try_password(rsj, admin.username, admin.password).get_data(as_text=True)
    assert failures(app, admin) == (0, None)
    console = client_for(CONSOLE)
    assert login(console, admin).status_code == 302 and console.get("/platform/").status_code == 200


def test_a_sites_person_is_not_locked_from_another_sites_host(app, two_sites, create_account, client_for):
    rsj, czj, _ = two_sites
    editor = create_account("wang.editor", site=rsj, roles=["editor"])
    for _ in range(6):
        assert GENERIC in try_password(client_for("czj.localhost"), editor.username).get_data(as_text=True)
    assert failures(app, editor) == (0, None)
    assert login(client_for("rsj.localhost"), editor).status_code == 302


def test_failures_still_lock_where_the_account_signs_in(app, two_sites, create_account, client_for):
    admin = create_account("chen.platform", platform_role="platform_admin", totp=True)
    console = client_for(CONSOLE)
    for _ in range(5):
        try_password(console, admin.username)
    _, locked_until = failures(app, admin)
    assert locked_until > now() + timedelta(minutes=14)
    assert GENERIC in login(console, admin).get_data(as_text=True)


def test_another_hosts_account_leaves_the_same_trace_as_an_unknown_name(app, two_sites, create_account, client_for):
    rsj, czj, _ = two_sites
    create_account("wang.editor", site=rsj, roles=["editor"])
    create_account("chen.platform", platform_role="platform_admin")
    client = client_for("czj.localhost")
    for name in ("wang.editor", "chen.platform", "no.such.person"):
        try_password(client, name)
    entries = [e for e in site_entries(app, czj) if e[0].startswith("login.")]
    assert entries == [("login.failure", name, None, name, {"reason": "no such account here"})
                       for name in ("wang.editor", "chen.platform", "no.such.person")]


def test_another_hosts_account_costs_the_same_password_hashing(app, two_sites, create_account, client_for,
                                                                monkeypatch):
    create_account("wang.editor", site=two_sites[0], roles=["editor"])
    create_account("chen.platform", platform_role="platform_admin")
    checks = []
    real = PasswordHasher.verify
    monkeypatch.setattr(PasswordHasher, "verify", lambda self, h, p: checks.append(p) or real(self, h, p))
    client = client_for("czj.localhost")
    for name in ("no.such.person", "wang.editor", "chen.platform"):
        try_password(client, name, f"guess-for-{name}")
    assert checks == ["guess-for-no.such.person", "guess-for-wang.editor", "guess-for-chen.platform"]


def test_the_per_site_rate_limit_counts_these_attempts_too(app, two_sites, create_account):
    from core import create_app
    from core.extensions import limiter

    limited = create_app({**{k: app.config[k] for k in ("DATABASE_URL", "SECRET_KEY", "UPLOAD_FOLDER",
                                                          "ARGON2_TIME_COST", "ARGON2_MEMORY_KIB",
                                                          "ARGON2_PARALLELISM")},
                          "RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute"})
    try:
        admin = create_account("chen.platform", platform_role="platform_admin")
        client = limited.test_client()
        statuses = []
        for attempt in range(4):
            host = "rsj.localhost" if attempt % 2 else "rsj.localhost:20001"
            page = client.get("/admin/login", environ_overrides={"HTTP_HOST": host})
            statuses.append(client.post("/admin/login", environ_overrides={"HTTP_HOST": host},
                                        data={"username": admin.username, "password": "Wrong-Guess-99",
                                              "csrf_token": csrf_token(page.get_data(as_text=True))}).status_code)
        assert statuses == [200, 200, 200, 429]
        # Another site's bucket is its own.
        page = client.get("/admin/login", environ_overrides={"HTTP_HOST": "czj.localhost"})
        assert client.post("/admin/login", environ_overrides={"HTTP_HOST": "czj.localhost"},
                           data={"username": admin.username, "password": "Wrong-Guess-99",
                                 "csrf_token": csrf_token(page.get_data(as_text=True))}).status_code == 200
    finally:
        limiter.reset()
        limiter.enabled = False
        with limited.app_context():
            db.engine.dispose()


# --- the bureau's way into a site's admin ---------------------------------------------------------

@pytest.fixture
def console(create_account, client_for):
    admin = create_account("chen.platform", platform_role="platform_admin", totp=True)
    client = client_for(CONSOLE)
    assert login(client, admin).status_code == 302
    return client, admin


def test_the_consoles_link_opens_the_sites_admin_once(app, two_sites, console, client_for):
    rsj = two_sites[0]
    client, admin = console
    target = open_from_console(app, client, "rsj.localhost")
    assert f"{target.scheme}://{target.netloc}" == "http://rsj.localhost"
    site = client_for("rsj.localhost")
    entered = site.get(f"{target.path}?{target.query}")
    assert entered.status_code == 302 and entered.headers["Location"] == "/admin/"
    assert site.get("/admin/users").status_code == 200
    assert site_entries(app, rsj)[-1][:4] == ("login.handoff", admin.username, admin.id, admin.username)
    with app.app_context():
        entry = db.session.execute(select(PlatformAuditEntry).order_by(PlatformAuditEntry.id.desc())).scalars().first()
        assert (entry.action, entry.target, entry.username) == ("site.enter", "rsj", admin.username)
    # The same link again, in another browser: refused.
    again = client_for("rsj.localhost")
    response = again.get(f"{target.path}?{target.query}", follow_redirects=True)
    assert EXPIRED in response.get_data(as_text=True) and again.get("/admin/").status_code == 302


def test_the_link_works_on_its_own_site_only_and_not_after_the_console_login_ends(app, two_sites, console,
                                                                                  client_for):
    client, _ = console
    target = open_from_console(app, client, "rsj.localhost")
    elsewhere = client_for("czj.localhost")
    assert elsewhere.get(f"{target.path}?{target.query}").headers["Location"] == "/admin/login"
    assert elsewhere.get("/admin/").status_code == 302
    assert post_form(client, "/admin/logout", {}, form_path="/platform/").status_code == 302
    site = client_for("rsj.localhost")
    assert site.get(f"{target.path}?{target.query}").headers["Location"] == "/admin/login"
    assert site.get("/admin/").status_code == 302


@pytest.mark.parametrize("spoil", ["expired", "forged", "missing"])
def test_an_expired_or_forged_link_is_refused(app, two_sites, console, client_for, monkeypatch, spoil):
    client, _ = console
    target = open_from_console(app, client, "rsj.localhost")
    query = target.query
    if spoil == "expired":
        monkeypatch.setattr("core.auth.handoff.HANDOFF_SECONDS", -1)
    elif spoil == "forged":
        query = query[:-3] + ("AAA" if not query.endswith("AAA") else "BBB")
    else:
        query = ""
    site = client_for("rsj.localhost")
    response = site.get(f"{target.path}?{query}", follow_redirects=True)
    assert response.status_code == 200 and EXPIRED in response.get_data(as_text=True)
    assert site.get("/admin/").status_code == 302


def test_the_evaluator_enters_to_read_and_a_sites_login_page_points_the_bureau_to_the_console(
        app, two_sites, signed_in, client_for, public_address):
    rsj = two_sites[0]
    client, _ = signed_in("rsj.localhost", "eval.one", platform_role="evaluator", totp=True)
    assert client.get("/admin/users").status_code == 200
    public_address("https", "")
    page = client_for("rsj.localhost:20001").get("/admin/login").get_data(as_text=True)
    assert f'href="https://admin.localhost/platform/enter/{rsj.id}"' in page
