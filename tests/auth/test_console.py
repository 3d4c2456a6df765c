"""People across every site: find them, reset a password, lock and unlock; all audited."""
from __future__ import annotations

import html
import re
from datetime import timedelta

from sqlalchemy import select

from core.auth.models import User, UserSession
from core.extensions import db
from core.timeutil import now
from tests.fixtures.accounts import PASSWORD, login, post_form
from tests.fixtures.console import last_platform_entry, platform_actions, snapshot


def _user(app, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def _open_sessions(app, user_id: int) -> int:
    with app.app_context():
        return len(db.session.execute(select(UserSession).where(UserSession.user_id == user_id,
                                                                UserSession.ended_at.is_(None))).scalars().all())


def _row(html: str, username: str) -> str:
    return next(row for row in html.split("<tr>") if f"<code>{username}</code>" in row)


def test_users_are_found_across_sites_with_their_sites_and_roles(app, city, admin):
    html = admin.get("/platform/users?q=wang").get_data(as_text=True)
    assert "<code>wang.editor</code>" in html and "<code>wang.editor.czj</code>" in html
    assert "<code>li.siteadmin</code>" not in html and "<code>chen.admin</code>" not in html
    row = _row(html, "wang.editor")
    assert "廊坊市人事局" in row and "廊坊市财政局" in row  # an editor on one site, a collector on the other
    assert f'href="/platform/sites/{city.rsj.id}"' in row and f'href="/platform/sites/{city.czj.id}"' in row
    by_name = admin.get("/platform/users?q=Li.Siteadmin").get_data(as_text=True)  # names match in any case
    assert "<code>li.siteadmin</code>" in by_name and "<code>wang.editor</code>" not in by_name
    everyone = admin.get("/platform/users").get_data(as_text=True)
    for username in ("wang.editor", "li.siteadmin", "chen.admin"):
        assert f"<code>{username}</code>" in everyone


def test_reset_password_gives_a_temporary_password_once_and_ends_every_session(app, city, admin, signed_in, client_for):
    staff, _ = signed_in("rsj.localhost", "zhang.publisher", site=city.rsj, roles=["publisher"])
    with app.app_context():
        person = db.session.execute(select(User).where(User.username == "zhang.publisher")).scalar_one()
        person.failed_logins, person.locked_until = 3, now() + timedelta(minutes=10)
        user_id, old_hash = person.id, person.password_hash
        db.session.commit()
    assert _open_sessions(app, user_id) == 1
    response = post_form(admin, f"/platform/users/{user_id}/reset-password?q=zhang", {}, form_path="/platform/users")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert 'href="/platform/users?q=zhang"' in response.get_data(as_text=True)  # back to the same list
    user = _user(app, user_id)
    assert user.password_hash != old_hash and user.must_change_password
    assert user.failed_logins == 0 and user.locked_until is None
    assert _open_sessions(app, user_id) == 0
    assert staff.get("/admin/").status_code == 302  # signed out
    entry = last_platform_entry(app)
    assert entry.action == "password.reset" and entry.target == "zhang.publisher"
    page = response.get_data(as_text=True)  # shown in the answer to the button, never flashed
    flash = html.unescape(page.split('role="status">')[1].split("</p>")[0])
    chars = r"A-Za-z0-9!@#%&*\-_=+?"
    shown = re.findall(rf"(?<![{chars}])[{chars}]{{14}}(?![{chars}])", flash)
    assert shown, "the new password is shown in the answer"
    assert shown[0] not in entry.detail  # never written to the log
    assert shown[0] not in admin.get("/platform/users?q=zhang").get_data(as_text=True)  # shown once
    fresh = client_for("rsj.localhost")
    assert login(fresh, type("A", (), {"username": "zhang.publisher", "password": PASSWORD, "totp_secret": None})()
                 ).status_code == 200  # the old password no longer works
    result = login(fresh, type("A", (), {"username": "zhang.publisher", "password": shown[0], "totp_secret": None})())
    assert result.headers["Location"] == "/admin/password"  # must be changed at once


def test_lock_and_unlock(app, city, admin, signed_in):
    staff, _ = signed_in("rsj.localhost", "zhang.publisher", site=city.rsj, roles=["publisher"])
    user_id = _user_id(app, "zhang.publisher")
    assert post_form(admin, f"/platform/users/{user_id}/lock", {}, form_path="/platform/users").status_code == 302
    assert _user(app, user_id).is_locked
    assert _open_sessions(app, user_id) == 0 and staff.get("/admin/").status_code == 302
    assert platform_actions(app)[-1] == "user.lock"
    with app.app_context():
        person = db.session.get(User, user_id)
        person.failed_logins, person.locked_until = 4, now() + timedelta(minutes=10)
        db.session.commit()
    assert post_form(admin, f"/platform/users/{user_id}/unlock", {}, form_path="/platform/users").status_code == 302
    user = _user(app, user_id)
    assert not user.is_locked and user.locked_until is None and user.failed_logins == 0
    assert platform_actions(app)[-1] == "user.unlock"


def _user_id(app, username: str) -> int:
    with app.app_context():
        return db.session.execute(select(User.id).where(User.username == username)).scalar_one()


def test_an_administrator_cannot_lock_or_reset_themselves(app, city, admin_account):
    admin, account = admin_account
    before = snapshot(app)
    for action in ("lock", "reset-password"):
        response = post_form(admin, f"/platform/users/{account.id}/{action}", {}, form_path="/platform/users")
        assert response.status_code == 302
    assert snapshot(app) == before
    assert admin.get("/platform/").status_code == 200  # still signed in


def test_unknown_users_are_not_found(city, admin):
    for action in ("lock", "unlock", "reset-password"):
        assert post_form(admin, f"/platform/users/9999/{action}", {}, form_path="/platform/").status_code == 404
    assert admin.get("/platform/users?page=0").status_code == 404
