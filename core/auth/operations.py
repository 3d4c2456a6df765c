"""Accounts: logging in, passwords, second factor, roles. Flush, never commit."""
from __future__ import annotations

from datetime import timedelta

import pyotp
from flask import current_app, g
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from core.audit.operations import record
from core.auth.models import SITE_ROLES, Membership, PasswordHistory, User
from core.auth.passwords import dummy_verify, generate_password, hash_password, policy_problems, verify_password
from core.extensions import db
from core.timeutil import now
from tenants.scoping import active_tenant_id

PASSWORD_HISTORY_KEPT = 10
USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-")


class AccountError(ValueError):
    """An account change refused, with a message for the user."""

    def __init__(self, message):
        super().__init__(str(message))


LOGIN_FAILED = _l("The username or password is not right, or the account cannot sign in here.")


def _may_enter_this_host(user: User) -> bool:
    if user.platform_role:
        return True
    if g.get("host_kind") != "site":
        return False
    return db.session.execute(select(Membership.id).where(Membership.user_id == user.id)).first() is not None


def authenticate(username: str, password: str) -> User:
    """Check a login on this host, counting failures toward the lockout.

    :raises AccountError: with the same message whatever went wrong, so the
        answer never tells whether the user exists.
    """
    user = db.session.execute(select(User).where(User.username == username.strip().lower())).scalar_one_or_none()
    if user is None:
        dummy_verify(password)
        record("login.failure", username, username=username, reason="unknown user")
        raise AccountError(LOGIN_FAILED)
    moment = now()
    if user.is_locked or (user.locked_until is not None and user.locked_until > moment):
        dummy_verify(password)
        record("login.refused", user.username, user=user, reason="account locked")
        raise AccountError(LOGIN_FAILED)
    if not verify_password(user.password_hash, password):
        register_failure(user, "wrong password")
        raise AccountError(LOGIN_FAILED)
    if not _may_enter_this_host(user):
        record("login.refused", user.username, user=user, reason="no role on this site")
        raise AccountError(LOGIN_FAILED)
    return user


def register_failure(user: User, reason: str) -> None:
    """Count a failed attempt; the fifth in a row locks the account for a while."""
    user.failed_logins += 1
    record("login.failure", user.username, user=user, reason=reason, count=user.failed_logins)
    if user.failed_logins >= current_app.config["LOCKOUT_THRESHOLD"]:
        user.locked_until = now() + timedelta(minutes=current_app.config["LOCKOUT_MINUTES"])
        user.failed_logins = 0
        record("login.lockout", user.username, user=user, until=user.locked_until)


def register_success(user: User) -> None:
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now()
    record("login.success", user.username, user=user)


def check_totp(user: User, code: str) -> bool:
    secret = user.totp_secret
    return bool(secret) and pyotp.TOTP(secret).verify(code.strip().replace(" ", ""), valid_window=1)


def set_password(user: User, new_password: str, *, actor: User | None = None, temporary: bool = False) -> None:
    """Give the user a new password; refused when it breaks the policy or was used before."""
    problems = policy_problems(new_password, user.username)
    if problems:
        raise AccountError(" ".join(problems))
    previous = [user.password_hash, *db.session.execute(
        select(PasswordHistory.password_hash).where(PasswordHistory.user_id == user.id)
        .order_by(PasswordHistory.id.desc()).limit(PASSWORD_HISTORY_KEPT)).scalars()]
    if any(h and verify_password(h, new_password) for h in previous):
        raise AccountError(_l("This password was used before on this account; choose a new one."))
    if user.password_hash:
        db.session.add(PasswordHistory(user_id=user.id, password_hash=user.password_hash))
    user.password_hash = hash_password(new_password)
    user.password_changed_at = now()
    user.must_change_password = temporary
    db.session.flush()


def create_user(*, username: str, display_name: str, password: str, roles: list[str] = (),
                platform_role: str | None = None, must_change_password: bool = True) -> User:
    """Create an account, with roles on the active site when one is active."""
    username = username.strip().lower()
    if not (3 <= len(username) <= 64) or not set(username) <= USERNAME_CHARS or not username[0].isalpha():
        raise AccountError(_l("A username is 3-64 characters: a-z first, then a-z, 0-9, '.', '_' or '-'."))
    if not display_name.strip():
        raise AccountError(_l("Give the person's name."))
    if db.session.execute(select(User.id).where(User.username == username)).first():
        raise AccountError(_l("The username '%(name)s' is taken.", name=username))
    user = User(username=username, display_name=display_name.strip(), password_hash="", platform_role=platform_role)
    db.session.add(user)
    db.session.flush()
    set_password(user, password, temporary=must_change_password)
    record("user.create", username, **({"roles": list(roles)} if roles else {}))
    if roles:
        set_site_roles(user, roles)
    return user


def set_site_roles(user: User, roles: list[str]) -> tuple[set[str], set[str]]:
    """Make the user's roles on the active site exactly `roles`; return (granted, revoked).

    Only site roles can be granted here, and only on the active site: the
    membership rows are tenant-scoped and stamped by the ORM.
    """
    if active_tenant_id() is None:
        raise AccountError(_l("Roles are granted on a site."))
    unknown = set(roles) - set(SITE_ROLES)
    if unknown:
        raise AccountError(_l("These are not site roles: %(roles)s.", roles=", ".join(sorted(unknown))))
    current = set(db.session.execute(select(Membership.role).where(Membership.user_id == user.id)).scalars())
    granted, revoked = set(roles) - current, current - set(roles)
    for role in sorted(granted):
        db.session.add(Membership(user_id=user.id, role=role))
    if revoked:
        db.session.execute(delete(Membership).where(Membership.user_id == user.id, Membership.role.in_(revoked)))
    for role in sorted(granted):
        record("role.grant", user.username, role=role)
    for role in sorted(revoked):
        record("role.revoke", user.username, role=role)
    db.session.flush()
    return granted, revoked


def site_members() -> list[tuple[User, list[str]]]:
    """The active site's people with their roles, by name."""
    rows = db.session.execute(select(User, Membership.role).join(Membership, Membership.user_id == User.id)
                              .order_by(User.display_name, User.id)).all()
    people: dict[int, tuple[User, list[str]]] = {}
    for user, role in rows:
        people.setdefault(user.id, (user, []))[1].append(role)
    return [(u, sorted(r, key=SITE_ROLES.index)) for u, r in people.values()]


def member_of_site(user_id: int) -> User | None:
    """A user who holds a role on the active site, or None (another site's user is not found)."""
    return db.session.execute(select(User).join(Membership, Membership.user_id == User.id)
                              .where(User.id == user_id).limit(1)).scalar_one_or_none()


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(user: User, secret: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=issuer)


def reset_password(user: User) -> str:
    """Give the user a new temporary password and return it (show it once).

    The password must be changed at the next sign-in, a time lock and the
    failure count are cleared, and every login of the user ends; the caller
    records it (`password.reset`).
    """
    password = generate_password()
    set_password(user, password, temporary=True)
    user.failed_logins, user.locked_until = 0, None
    from core.auth.sessions import end_all_sessions  # sessions import this module's models

    end_all_sessions(user)
    db.session.flush()
    return password
