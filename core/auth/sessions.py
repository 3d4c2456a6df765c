"""Server-side login sessions: the cookie holds a token, the database holds the truth."""
from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app, g, request, session
from flask_login import LoginManager, current_user, login_user, logout_user
from sqlalchemy import select, update

from core.auth.models import User, UserSession
from core.extensions import db, read_only_request
from core.timeutil import now

login_manager = LoginManager()
#: How often a session's last-seen time is written, at most.
TOUCH_EVERY = timedelta(seconds=60)


def _host_tenant_id() -> int | None:
    site = g.get("site")
    return site.id if site is not None else None


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """The user of a live session opened on this very host, or nobody."""
    if g.get("host_kind") not in ("site", "platform"):
        return None
    found = db.session.execute(select(UserSession).where(UserSession.token == token)).scalar_one_or_none()
    if found is None or found.ended_at is not None or found.tenant_id != _host_tenant_id():
        return None
    moment = now()
    # A public page only reads (core.extensions.read_only_request): it neither ends an idle login (the
    # sessions.end_idle job does) nor counts as the staff member's activity.
    writes = not read_only_request()
    if moment - found.last_seen_at > timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"]):
        if writes:
            found.ended_at = moment
            db.session.commit()
        return None
    user = found.user
    if user.is_locked:
        return None
    if writes and moment - found.last_seen_at > TOUCH_EVERY:
        found.last_seen_at = moment
        db.session.commit()
    user.current_session = found
    return user


def open_session(user: User) -> UserSession:
    """Start a fresh session for `user` on this host: the old cookie's contents are dropped."""
    session.clear()
    opened = UserSession(token=secrets.token_urlsafe(32), user=user, tenant_id=_host_tenant_id(),
                         ip=request.remote_addr or "", user_agent=(request.user_agent.string or "")[:300])
    db.session.add(opened)
    db.session.flush()
    user.current_session = opened
    login_user(user)
    session.permanent = True
    return opened


def close_session(user: User) -> None:
    if user.current_session is not None:
        user.current_session.ended_at = now()
    logout_user()
    session.clear()


def end_other_sessions(user: User) -> None:
    """After a password change or reset, every other login of the user ends."""
    keep = user.current_session.id if user.current_session is not None else -1
    db.session.execute(update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None),
                                                 UserSession.id != keep).values(ended_at=now()))


def init_app(app) -> None:
    # Templates get `current_user` as flask-login's proxy, found when a template uses it (the console's), not as
    # flask-login's context processor gives it: that one looked the user up for every template drawn, a public
    # page's included.
    login_manager.init_app(app, add_context_processor=False)
    app.jinja_env.globals["current_user"] = current_user
    login_manager.session_protection = None  # the server-side session is the protection
    # Flask's defaults exist (HttpOnly on, SameSite unset): state ours outright.
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    app.permanent_session_lifetime = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])


def end_all_sessions(user: User) -> int:
    """End every open login of the user, on every host; return how many."""
    result = db.session.execute(update(UserSession).where(UserSession.user_id == user.id,
                                                          UserSession.ended_at.is_(None)).values(ended_at=now()))
    return result.rowcount or 0
