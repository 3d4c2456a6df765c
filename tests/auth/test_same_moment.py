"""Two sign-ins at the same moment: a second-factor code is taken once, and every wrong attempt counts.

The interleaving is made, not waited for: the first request is held at the
point where it has read the account and is about to act on what it read, and
the second runs whole meanwhile, with its own request, database session and
connection. The first then goes on with what it read before. No timing, no
threads: the same order every run, on SQLite and PostgreSQL.
"""
from __future__ import annotations

import contextvars

import pyotp
from sqlalchemy import select

import core.auth.operations as operations
from core.auth.models import User
from core.extensions import db
from tests.fixtures.accounts import csrf_token
from tests.fixtures.console import platform_actions

CONSOLE = "admin.localhost"


def _meanwhile_at_first_call(monkeypatch, name: str, meanwhile) -> None:
    """Run `meanwhile()` once, right after the first call of `operations.<name>` returns.

    It runs in a context of its own, as another worker would: its own app
    context, so its own database session and connection, nothing shared with
    the request it interrupts.
    """
    real = getattr(operations, name)
    done = []

    def held(*args, **kwargs):
        result = real(*args, **kwargs)
        if not done:
            done.append(True)
            contextvars.Context().run(meanwhile)
        return result

    monkeypatch.setattr(operations, name, held)


def _pending_second_factor(client, account) -> str:
    """Sign in with the password on `client`; return the CSRF token of the second-factor form it is sent to."""
    page = client.get("/admin/login")
    response = client.post("/admin/login", data={"username": account.username, "password": account.password,
                                                 "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.headers["Location"] == "/admin/login/verify"
    return csrf_token(client.get("/admin/login/verify").get_data(as_text=True))


def test_one_code_sent_by_two_pending_sign_ins_at_once_lets_one_in(app, create_account, client_for, monkeypatch):
    account = create_account("chen.admin", platform_role="platform_admin", totp=True)
    first, second = client_for(CONSOLE), client_for(CONSOLE)
    first_token, second_token = _pending_second_factor(first, account), _pending_second_factor(second, account)
    code = pyotp.TOTP(account.totp_secret).now()
    answers = {}

    def first_runs_whole():
        answers["first"] = first.post("/admin/login/verify", data={"code": code, "csrf_token": first_token})

    # The second request has read the account and checked the code; the first signs in meanwhile.
    _meanwhile_at_first_call(monkeypatch, "totp_step", first_runs_whole)
    answers["second"] = second.post("/admin/login/verify", data={"code": code, "csrf_token": second_token})

    assert answers["first"].status_code == 302 and answers["first"].headers["Location"] == "/platform/"
    assert answers["second"].status_code == 200  # the code is spent: the form again, with why
    assert "验证码不正确" in answers["second"].get_data(as_text=True)
    assert first.get("/platform/").status_code == 200
    assert second.get("/platform/").headers["Location"].startswith("/admin/login")
    assert platform_actions(app).count("login.second_factor") == 1
    assert platform_actions(app).count("login.success") == 1


def test_two_wrong_passwords_at_once_both_count_toward_the_lock(app, two_sites, create_account, client_for,
                                                                monkeypatch):
    account = create_account("wang.editor", site=two_sites[0], roles=["editor"])
    with app.app_context():
        db.session.get(User, account.id).failed_logins = app.config["LOCKOUT_THRESHOLD"] - 2
        db.session.commit()
    first, second = client_for("rsj.localhost"), client_for("rsj.localhost")
    tokens = [csrf_token(c.get("/admin/login").get_data(as_text=True)) for c in (first, second)]
    wrong = {"username": account.username, "password": "Wrong-Password-1"}
    answers = {}

    def first_runs_whole():
        answers["first"] = first.post("/admin/login", data={**wrong, "csrf_token": tokens[0]})

    # The second request has read the account's failure count; the first fails meanwhile.
    _meanwhile_at_first_call(monkeypatch, "verify_password", first_runs_whole)
    answers["second"] = second.post("/admin/login", data={**wrong, "csrf_token": tokens[1]})

    assert answers["first"].status_code == answers["second"].status_code == 200
    with app.app_context():
        user = db.session.execute(select(User).where(User.id == account.id)).scalar_one()
        assert user.locked_until is not None  # the threshold was reached: both failures counted
        assert user.failed_logins == 0
