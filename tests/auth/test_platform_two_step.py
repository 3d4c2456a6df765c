"""Every information-bureau account, whatever its platform role, uses two-step login.

Each platform role reads every site (the evaluator too): none reaches the
console, or a site through the console's link, on a password alone.
"""
from __future__ import annotations

import re

import pyotp
import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from core.auth.handoff import _SALT
from core.auth.models import User, UserSession
from core.extensions import db
from tests.fixtures.accounts import CONSOLE, login, post_form
from tests.fixtures.console import platform_actions


@pytest.mark.parametrize("role", ["platform_admin", "evaluator"])
def test_a_platform_account_sets_up_two_step_login_before_the_console(app, create_account, client_for, role):
    account = create_account("zhao.bureau", platform_role=role)
    client = client_for(CONSOLE)
    assert login(client, account).headers["Location"] == "/admin/account/totp"
    for path in ("/platform/", "/platform/users", "/platform/audit"):
        assert client.get(path).headers["Location"] == "/admin/account/totp", path
    page = client.get("/admin/account/totp").get_data(as_text=True)
    assert "信息产业局的账号必须使用两步登录" in page
    secret = re.search(r"data-secret>([A-Z2-7]+)<", page).group(1)
    assert post_form(client, "/admin/account/totp", {"code": pyotp.TOTP(secret).now()}).status_code == 302
    assert client.get("/platform/").status_code == 200
    # From now on the password alone is not enough.
    fresh = client_for(CONSOLE)
    assert login(fresh, account).headers["Location"] == "/admin/login/verify"
    assert fresh.get("/platform/").headers["Location"].startswith("/admin/login")
    assert "totp.enable" in platform_actions(app)


def test_an_evaluator_without_two_step_login_cannot_open_a_sites_admin(app, two_sites, create_account, client_for):
    rsj = two_sites[0]
    account = create_account("zhao.evaluator", platform_role="evaluator")
    console = client_for(CONSOLE)
    login(console, account)
    assert console.get(f"/platform/enter/{rsj.id}").headers["Location"] == "/admin/account/totp"
    # A link made by hand for that console login is refused all the same.
    with app.app_context():
        login_id = db.session.execute(select(UserSession.id).where(UserSession.user_id == account.id)).scalar_one()
        ticket = URLSafeTimedSerializer(app.secret_key, salt=_SALT).dumps(
            {"user": account.id, "site": rsj.id, "login": login_id, "serial": 1})
    site = client_for("rsj.localhost")
    assert site.get(f"/admin/login/from-console?ticket={ticket}").headers["Location"] == "/admin/login"
    assert site.get("/admin/").headers["Location"].startswith("/admin/login")
    with app.app_context():
        assert db.session.get(User, account.id).handoff_serial == 0


def test_an_evaluator_cannot_turn_two_step_login_off(app, signed_in):
    client, account = signed_in(CONSOLE, "zhao.evaluator", platform_role="evaluator", totp=True)
    assert 'action="/admin/account/totp/disable"' not in client.get("/admin/account").get_data(as_text=True)
    response = post_form(client, "/admin/account/totp/disable",
                         {"password": account.password, "code": pyotp.TOTP(account.totp_secret).now()},
                         form_path="/admin/account", follow_redirects=True)
    assert "信息产业局的账号必须保持两步登录开启" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, account.id).totp_enabled
