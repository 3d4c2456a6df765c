"""Secrets never sit in Flask's session cookie, which anyone holding it can read (signed, not hidden).

A temporary password is shown in the answer to the form that made it, and
nowhere else: the cookie does not carry it, and the cookie sent again shows
it nowhere. A two-step login secret being set up is kept in the cookie only
encrypted, with the keys outside the database.
"""
from __future__ import annotations

import html
import re

import pyotp

from sqlalchemy import select

from core.auth.models import User
from core.extensions import db
from tests.fixtures.accounts import Account, login, post_form, readable_session, session_cookie, with_cookie

SHOWN_ONCE = r"（仅显示这一次）：(\S+?)。"


def _shown(client, response) -> tuple[str, str]:
    """(the page that shows the outcome of a form's POST, the session cookie right after the POST).

    The outcome may be the answer itself or, after a redirect, the next page:
    either way the cookie is taken before anything else reads it.
    """
    cookie = session_cookie(client)
    page = response if response.status_code != 302 else client.get(response.headers["Location"])
    return html.unescape(page.get_data(as_text=True)), cookie


def _nowhere_after(app, client_for, client, cookie: str, password: str, paths: list[str]) -> None:
    """The password is not in the cookie, nor on any page, there or with the cookie sent again (twice)."""
    assert cookie and password not in readable_session(app, cookie) and password not in cookie
    for replayed in (with_cookie(client_for, client.host, cookie), with_cookie(client_for, client.host, cookie)):
        for path in paths:
            page = html.unescape(replayed.get(path).get_data(as_text=True))
            assert password not in page, path
    for path in paths:
        assert password not in html.unescape(client.get(path).get_data(as_text=True)), path


def test_a_new_accounts_password_is_in_the_answer_only(app, two_sites, signed_in, client_for):
    client, _ = signed_in("rsj.localhost", "li.siteadmin", site=two_sites[0], roles=["site_admin"])
    response = post_form(client, "/admin/users/new", {"username": "li.collector", "display_name": "李采集",
                                                      "roles": ["collector"]})
    page, cookie = _shown(client, response)
    password = re.search(r"临时密码（仅此一次显示）：(\S+?)</p>", page).group(1)
    user_id = _user_id(app, "li.collector")
    _nowhere_after(app, client_for, client, cookie, password, ["/admin/", f"/admin/users/{user_id}", "/admin/login"])
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"  # kept by no cache
    assert f'href="/admin/users/{user_id}"' in page  # the way on
    assert login(client_for("rsj.localhost"), Account(user_id, "li.collector", password)).status_code == 302


def test_a_reset_password_is_in_the_answer_only(app, two_sites, signed_in, create_account, client_for):
    client, _ = signed_in("rsj.localhost", "li.siteadmin", site=two_sites[0], roles=["site_admin"])
    editor = create_account("wang.editor", site=two_sites[0], roles=["editor"])
    response = post_form(client, f"/admin/users/{editor.id}/reset-password", {},
                         form_path=f"/admin/users/{editor.id}")
    page, cookie = _shown(client, response)
    password = re.search(SHOWN_ONCE, page).group(1)
    _nowhere_after(app, client_for, client, cookie, password, ["/admin/", f"/admin/users/{editor.id}"])
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert f'href="/admin/users/{editor.id}"' in page


def test_a_password_reset_on_the_console_is_in_the_answer_only(app, two_sites, admin, create_account, client_for):
    editor = create_account("wang.editor", site=two_sites[0], roles=["editor"])
    response = post_form(admin, f"/platform/users/{editor.id}/reset-password", {}, form_path="/platform/users")
    page, cookie = _shown(admin, response)
    password = re.search(SHOWN_ONCE, page).group(1)
    _nowhere_after(app, client_for, admin, cookie, password, ["/platform/users", "/platform/"])
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


def test_the_two_step_secret_being_set_up_is_not_readable_in_the_cookie(app, two_sites, signed_in):
    client, _ = signed_in("rsj.localhost", "wang.editor", site=two_sites[0], roles=["editor"])
    response = client.get("/admin/account/totp")
    assert response.headers["Cache-Control"] == "no-store"
    secret = re.search(r"data-secret>([A-Z2-7]+)<", response.get_data(as_text=True)).group(1)
    cookie = session_cookie(client)
    assert "totp_enrolment" in readable_session(app, cookie)  # kept there, for the next page of the enrolment
    assert secret not in readable_session(app, cookie) and secret not in cookie
    again = client.get("/admin/account/totp").get_data(as_text=True)
    assert f"data-secret>{secret}<" in again  # the same secret on every page of one enrolment
    assert post_form(client, "/admin/account/totp", {"code": pyotp.TOTP(secret).now()}).status_code == 302
    assert "totp_enrolment" not in readable_session(app, session_cookie(client))
    with app.app_context():
        assert db.session.get(User, _user_id(app, "wang.editor")).totp_secret == secret


def test_an_enrolment_secret_from_another_accounts_cookie_is_not_taken(app, two_sites, signed_in):
    """The encrypted secret names its account: another account's value is not used (a new secret is made)."""
    first, _ = signed_in("rsj.localhost", "wang.editor", site=two_sites[0], roles=["editor"])
    second, _ = signed_in("rsj.localhost", "li.editor", site=two_sites[0], roles=["editor"])
    page = first.get("/admin/account/totp").get_data(as_text=True)
    secret = re.search(r"data-secret>([A-Z2-7]+)<", page).group(1)
    serializer = app.session_interface.get_signing_serializer(app)
    held = serializer.loads(session_cookie(first))["totp_enrolment"]
    mine = serializer.loads(session_cookie(second))
    second.client.set_cookie("session", serializer.dumps({**mine, "totp_enrolment": held}), domain="rsj.localhost")
    page = second.get("/admin/account/totp").get_data(as_text=True)
    assert "data-secret>" in page and f"data-secret>{secret}<" not in page


def _user_id(app, username: str) -> int:
    with app.app_context():
        return db.session.execute(select(User.id).where(User.username == username)).scalar_one()
