"""Signing in: one site's staff on their own host, lockout, sessions that really end."""
from __future__ import annotations

import re
import time
from datetime import timedelta

import pyotp
from sqlalchemy import select

from core.audit.models import AuditEntry, PlatformAuditEntry
from core.auth.models import Membership, User, UserSession
from core.extensions import db
from core.timeutil import now
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import csrf_token, login, post_form

GENERIC = "用户名或密码不正确，或该账号不能在此登录。"


def audit_actions(app, site=None) -> list[str]:
    with app.app_context():
        if site is None:
            return list(db.session.execute(select(PlatformAuditEntry.action).order_by(PlatformAuditEntry.id)).scalars())
        with activate_tenant(site.id):
            return list(db.session.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars())


def test_staff_sign_in_on_their_own_site(app, two_sites, create_account, client_for):
    rsj = two_sites[0]
    editor = create_account("wang.editor", site=rsj, roles=["editor"])
    client = client_for("rsj.localhost")
    response = login(client, editor)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"
    home = client.get("/admin/")
    assert home.status_code == 200 and "编辑" in home.get_data(as_text=True)
    assert audit_actions(app, rsj)[-1] == "login.success"


def test_the_same_account_cannot_sign_in_on_another_site(app, two_sites, create_account, client_for):
    rsj, czj, _ = two_sites
    editor = create_account("wang.editor", site=rsj, roles=["editor"])
    response = login(client_for("czj.localhost"), editor)
    assert response.status_code == 200 and GENERIC in response.get_data(as_text=True)
    assert audit_actions(app, czj)[-1] == "login.failure"


def test_a_session_opened_on_one_site_means_nothing_on_another(app, two_sites, create_account, client_for):
    rsj = two_sites[0]
    editor = create_account("wang.editor", site=rsj, roles=["editor", "site_admin"])
    client = client_for("rsj.localhost")
    login(client, editor)
    cookie = client.client.get_cookie("session", domain="rsj.localhost")
    other = client_for("czj.localhost")
    other.client.set_cookie("session", cookie.value, domain="czj.localhost")
    response = other.get("/admin/")
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


def test_unknown_user_and_wrong_password_get_the_same_answer(two_sites, create_account, client_for):
    rsj = two_sites[0]
    create_account("wang.editor", site=rsj, roles=["editor"])
    client = client_for("rsj.localhost")
    wrong = login(client, type("A", (), {"username": "wang.editor", "password": "nope", "totp_secret": None})())
    unknown = login(client, type("A", (), {"username": "nobody", "password": "nope", "totp_secret": None})())
    assert wrong.status_code == unknown.status_code == 200
    assert GENERIC in wrong.get_data(as_text=True) and GENERIC in unknown.get_data(as_text=True)


def test_five_failures_lock_the_account_for_a_while(app, two_sites, create_account, client_for):
    rsj = two_sites[0]
    editor = create_account("wang.editor", site=rsj, roles=["editor"])
    client = client_for("rsj.localhost")
    for _ in range(5):
        login(client, editor, password="wrong-password")
    refused = login(client, editor)
    assert refused.status_code == 200 and GENERIC in refused.get_data(as_text=True)
    assert "login.lockout" in audit_actions(app, rsj)
    with app.app_context():
        user = db.session.get(User, editor.id)
        assert user.locked_until > now() + timedelta(minutes=14)
        user.locked_until = now() - timedelta(seconds=1)  # fifteen minutes later
        db.session.commit()
    assert login(client, editor).status_code == 302


def test_first_sign_in_forces_a_password_change(app, two_sites, create_account, client_for):
    rsj = two_sites[0]
    newcomer = create_account("li.collector", site=rsj, roles=["collector"], must_change_password=True)
    client = client_for("rsj.localhost")
    assert login(client, newcomer).headers["Location"] == "/admin/password"
    assert client.get("/admin/").headers["Location"] == "/admin/password"
    weak = post_form(client, "/admin/password", {"current": newcomer.password, "new": "password", "confirm": "password"})
    errors = re.search(r'<ul class="errors" id="new-errors">(.*?)</ul>', weak.get_data(as_text=True)).group(1)
    assert weak.status_code == 200 and "三种" in errors
    reused = post_form(client, "/admin/password", {"current": newcomer.password, "new": newcomer.password,
                                                    "confirm": newcomer.password})
    assert "以前使用过" in reused.get_data(as_text=True)
    done = post_form(client, "/admin/password", {"current": newcomer.password, "new": "Fresh-Start-2026",
                                                  "confirm": "Fresh-Start-2026"})
    assert done.status_code == 302
    assert client.get("/admin/").status_code == 200
    assert "password.change" in audit_actions(app, rsj)


def test_password_form_keeps_what_was_typed_and_names_the_problem(two_sites, signed_in):
    client, account = signed_in("rsj.localhost", "li.collector", site=two_sites[0], roles=["collector"])
    response = post_form(client, "/admin/password", {"current": account.password, "new": "Abcdefg1!",
                                                      "confirm": "Abcdefg2!"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "两次输入的新密码不一致" in html
    assert 'aria-invalid="true"' in html


def test_idle_session_expires(app, two_sites, signed_in):
    client, account = signed_in("rsj.localhost", "wang.editor", site=two_sites[0], roles=["editor"])
    with app.app_context():
        for s in db.session.execute(select(UserSession).where(UserSession.user_id == account.id)).scalars():
            s.last_seen_at = now() - timedelta(minutes=31)
        db.session.commit()
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


def test_logout_really_ends_the_session(app, two_sites, signed_in, client_for):
    client, _ = signed_in("rsj.localhost", "wang.editor", site=two_sites[0], roles=["editor"])
    stolen = client.client.get_cookie("session", domain="rsj.localhost").value
    assert post_form(client, "/admin/logout", {}, form_path="/admin/").status_code == 302
    thief = client_for("rsj.localhost")
    thief.client.set_cookie("session", stolen, domain="rsj.localhost")
    assert thief.get("/admin/").status_code == 302


def test_session_is_renewed_at_login(app, two_sites, create_account, client_for):
    rsj = two_sites[0]
    editor = create_account("wang.editor", site=rsj, roles=["editor"])
    client = client_for("rsj.localhost")
    client.get("/admin/login")
    before = client.client.get_cookie("session", domain="rsj.localhost").value
    login(client, editor)
    after = client.client.get_cookie("session", domain="rsj.localhost").value
    assert before != after


def test_session_cookie_flags(app, two_sites, create_account, client_for):
    editor = create_account("wang.editor", site=two_sites[0], roles=["editor"])
    app.config["SESSION_COOKIE_SECURE"] = True
    try:
        client = client_for("rsj.localhost")
        page = client.get("/admin/login")
        response = client.post("/admin/login", data={"username": editor.username, "password": editor.password,
                                                     "csrf_token": csrf_token(page.get_data(as_text=True))})
        cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    finally:
        app.config["SESSION_COOKIE_SECURE"] = False


def test_a_post_without_csrf_token_is_refused(two_sites, create_account, client_for):
    editor = create_account("wang.editor", site=two_sites[0], roles=["editor"])
    client = client_for("rsj.localhost")
    response = client.post("/admin/login", data={"username": editor.username, "password": editor.password})
    assert response.status_code == 400
    assert client.get("/admin/").status_code == 302  # not signed in


def test_two_step_login_enrolment_and_use(app, two_sites, signed_in, client_for):
    client, account = signed_in("rsj.localhost", "wang.editor", site=two_sites[0], roles=["editor"])
    page = client.get("/admin/account/totp").get_data(as_text=True)
    secret = re.search(r"data-secret>([A-Z2-7]+)<", page).group(1)
    wrong = post_form(client, "/admin/account/totp", {"code": "000000"})
    assert "不正确" in wrong.get_data(as_text=True)
    enrolment_code = pyotp.TOTP(secret).now()
    assert post_form(client, "/admin/account/totp", {"code": enrolment_code}).status_code == 302
    post_form(client, "/admin/logout", {}, form_path="/admin/")
    fresh = client_for("rsj.localhost")
    first = login(fresh, type("A", (), {"username": account.username, "password": account.password,
                                        "totp_secret": None})())
    assert first.headers["Location"] == "/admin/login/verify"
    assert fresh.get("/admin/").status_code == 302  # the password alone is not enough
    bad = post_form(fresh, "/admin/login/verify", {"code": "123456"})
    assert bad.status_code == 200
    reused = post_form(fresh, "/admin/login/verify", {"code": enrolment_code})
    assert reused.status_code == 200  # a code works once: the one used at enrolment is spent
    good = post_form(fresh, "/admin/login/verify", {"code": pyotp.TOTP(secret).at(time.time() + 30)})
    assert good.status_code == 302 and fresh.get("/admin/").status_code == 200
    assert "totp.enable" in audit_actions(app, two_sites[0])


def test_platform_administrators_must_enrol_two_step_login(app, create_account, client_for):
    admin = create_account("chen.platform", platform_role="platform_admin")
    client = client_for("admin.localhost")
    assert login(client, admin).headers["Location"] == "/admin/account/totp"
    assert client.get("/platform/").headers["Location"] == "/admin/account/totp"
    assert audit_actions(app)[-1] == "login.success"


def test_site_staff_cannot_sign_in_on_the_platform_host(app, two_sites, create_account, client_for):
    editor = create_account("wang.editor", site=two_sites[0], roles=["site_admin"])
    response = login(client_for("admin.localhost"), editor)
    assert response.status_code == 200 and GENERIC in response.get_data(as_text=True)


def test_platform_administrator_opens_any_sites_admin(app, two_sites, signed_in, create_account):
    rsj, czj, _ = two_sites
    person = create_account("li.collector", site=czj, roles=["collector"])
    client, _ = signed_in("czj.localhost", "chen.platform", platform_role="platform_admin", totp=True)
    assert client.get("/admin/users").status_code == 200
    assert post_form(client, f"/admin/users/{person.id}", {"roles": ["collector", "reviewer"]}).status_code == 302
    with app.app_context(), activate_tenant(czj.id):
        entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "role.grant")
                                   .order_by(AuditEntry.id.desc())).scalars().first()
        assert entry.username == "chen.platform" and entry.target == "li.collector"


def test_language_is_a_personal_setting(two_sites, signed_in):
    client, _ = signed_in("rsj.localhost", "wang.editor", site=two_sites[0], roles=["editor"])
    response = post_form(client, "/admin/account", {"display_name": "Wang", "language": "en"})
    assert response.status_code == 302 and "lang=en" in response.headers["Set-Cookie"]
    client.set_language("en")
    assert "Overview" in client.get("/admin/").get_data(as_text=True)


def test_login_attempts_are_rate_limited_per_address(app, two_sites, create_account):
    from core import create_app
    from core.extensions import limiter

    # Flask-Limiter keeps its switch on the one extension object, which the
    # suite's app built with limits off: a second app turns it on for the test.
    limited = create_app({**{k: app.config[k] for k in ("DATABASE_URL", "SECRET_KEY", "UPLOAD_FOLDER",
                                                          "ARGON2_TIME_COST", "ARGON2_MEMORY_KIB",
                                                          "ARGON2_PARALLELISM")},
                          "RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute"})
    try:
        editor = create_account("wang.editor", site=two_sites[0], roles=["editor"])
        client = limited.test_client()
        responses = []
        for attempt in range(4):
            # Another port in the Host header is the same site: the same bucket.
            host = "rsj.localhost" if attempt == 0 else f"rsj.localhost:{20000 + attempt}"
            page = client.get("/admin/login", environ_overrides={"HTTP_HOST": host})
            responses.append(client.post("/admin/login", environ_overrides={"HTTP_HOST": host},
                                         data={"username": editor.username, "password": "wrong-Password-1",
                                               "csrf_token": csrf_token(page.get_data(as_text=True))}))
        assert [r.status_code for r in responses] == [200, 200, 200, 429]
        assert "尝试次数过多" in responses[-1].get_data(as_text=True)
    finally:
        limiter.reset()
        limiter.enabled = False
        with limited.app_context():
            db.engine.dispose()


def test_a_second_factor_started_on_one_host_cannot_be_finished_on_another(app, two_sites, create_account,
                                                                           client_for):
    """The half-done sign-in of a person who works on both sites, on rsj's host, is worth nothing on czj's."""
    account = create_account("wang.shared", site=two_sites[0], roles=["editor"], totp=True)
    with app.app_context(), activate_tenant(two_sites[1].id):
        db.session.add(Membership(user_id=account.id, role="editor"))
        db.session.commit()
    rsj = client_for("rsj.localhost")
    page = rsj.get("/admin/login")
    first = rsj.post("/admin/login", data={"username": account.username, "password": account.password,
                                           "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert first.headers["Location"] == "/admin/login/verify"
    cookie = rsj.client.get_cookie("session", domain="rsj.localhost").value
    czj = client_for("czj.localhost")
    czj.client.set_cookie("session", cookie, domain="czj.localhost")
    response = czj.get("/admin/login/verify")
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/login")
    assert czj.get("/admin/").status_code == 302  # not signed in there
