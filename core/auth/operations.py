"""Accounts: signing in, passwords, second factor, roles, locks. Flush, never commit; each one audited.

The rules live here, so the console, a site's admin pages and `flask users`
obey the same ones: nobody removes their own administrator role or resets
their own password here, nobody locks themselves out.
"""
from __future__ import annotations

import re

from datetime import timedelta

from flask import current_app, g
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from core.audit.log import record
from core.auth.handoff import read_ticket
from core.auth.models import LANGUAGES, SITE_ROLES, Membership, PasswordHistory, User, UserSession
from core.auth.passwords import dummy_verify, generate_password, hash_password, policy_problems, verify_password
from core.auth.queries import totp_step, works_on_other_sites
from core.auth.sessions import close_session, end_all_sessions, end_other_sessions
from core.extensions import db
from core.operations import OperationError, audited
from core.timeutil import now
from tenants.scoping import active_tenant_id, current_tenant_id

PASSWORD_HISTORY_KEPT = 10
USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-")


#: An e-mail address as people write one: something@host.domain (the SMTP server is the real check).
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+$")


class AccountError(OperationError):
    """An account change refused, with a message for the user (per field where it has one)."""


LOGIN_FAILED = _l("The username or password is not right, or the account cannot sign in here.")
HANDOFF_FAILED = _l("This link to the site's admin has expired or was used already. Open the site again from the "
                    "console.")


def _may_sign_in_here(user: User) -> bool:
    """Where an account signs in: an information-bureau account on the console only, staff on their sites.

    The bureau's accounts never type their password on a department's host:
    they open a site's admin from the console (`core.auth.handoff`). So a name
    tried anywhere else is, to that host, a name it does not know.
    """
    if user.platform_role:
        return g.get("host_kind") == "platform"
    if g.get("host_kind") != "site":
        return False
    return db.session.execute(select(Membership.id).where(Membership.user_id == user.id)).first() is not None


@audited
def authenticate(username: str, password: str) -> User:
    """Check a login on this host, counting failures toward the lockout where the account signs in.

    An account that cannot sign in on this host is treated exactly as an
    unknown name: the same hashing work, the same audit entry, the same
    answer, and its failure count untouched (nobody locks the bureau's
    accounts, or another site's people, from a host they do not use).

    :raises AccountError: with the same message whatever went wrong, so the
        answer never tells whether the user exists.
    """
    user = db.session.execute(select(User).where(User.username == username.strip().lower())).scalar_one_or_none()
    if user is None or not _may_sign_in_here(user):
        dummy_verify(password)
        record("login.failure", username, username=username, reason="no such account here")
        raise AccountError(LOGIN_FAILED)
    if _is_locked(user, now()):
        dummy_verify(password)
        record("login.refused", user.username, user=user, reason="account locked")
        raise AccountError(LOGIN_FAILED)
    if not verify_password(user.password_hash, password):
        register_failure(user, "wrong password")
        raise AccountError(LOGIN_FAILED)
    return user


def _is_locked(user: User, moment) -> bool:
    return user.is_locked or (user.locked_until is not None and user.locked_until > moment)


def _console_login_lasts(session_id: int, user: User, moment) -> bool:
    """Whether the console login a link came from is still open (not ended, not idle too long)."""
    console = db.session.get(UserSession, session_id)
    return (console is not None and console.user_id == user.id and console.tenant_id is None
            and console.ended_at is None
            and moment - console.last_seen_at <= timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"]))


@audited
def enter_from_console(ticket: str) -> User:
    """Sign a bureau account in on this site's host with the console's link (`core.auth.handoff`).

    :raises AccountError: (HANDOFF_FAILED) for a link that is not ours, too
        old, for another site, already used, whose console login has ended,
        or whose account is locked or has not set up two-step login.
    """
    data = read_ticket(ticket)
    moment = now()
    user = db.session.get(User, data["user"]) if data is not None and data["site"] == active_tenant_id() else None
    if user is None or not user.platform_role or not user.totp_enabled or _is_locked(user, moment) \
            or not _console_login_lasts(data["login"], user, moment):
        raise AccountError(HANDOFF_FAILED)
    # Once: the link names the account's next handoff number; taking it moves the count on, in one
    # statement, so the same link (or a second one issued meanwhile) finds it taken.
    taken = db.session.execute(update(User).where(User.id == user.id, User.handoff_serial == data["serial"] - 1)
                               .values(handoff_serial=data["serial"], last_login_at=moment)).rowcount
    if taken != 1:
        raise AccountError(HANDOFF_FAILED)
    record("login.handoff", user.username, user=user)  # the site's log: who came in from the console
    record("site.enter", g.site.slug, user=user, platform=True)  # and the bureau's
    return user


@audited
def register_failure(user: User, reason: str) -> None:
    """Count a failed attempt; the fifth in a row locks the account for a while."""
    _count_failure(user, reason)


def _count_failure(user: User, reason: str) -> None:
    """Count a failed attempt, in the calling operation's audit entries.

    The count is added to in the database (one UPDATE), not read and written
    back: two wrong attempts sent at the same moment count two.
    """
    db.session.execute(update(User).where(User.id == user.id).values(failed_logins=User.failed_logins + 1),
                       execution_options={"synchronize_session": False})
    db.session.refresh(user, ["failed_logins"])
    record("login.failure", user.username, user=user, reason=reason, count=user.failed_logins)
    if user.failed_logins >= current_app.config["LOCKOUT_THRESHOLD"]:
        user.locked_until = now() + timedelta(minutes=current_app.config["LOCKOUT_MINUTES"])
        user.failed_logins = 0
        record("login.lockout", user.username, user=user, until=user.locked_until)


@audited
def register_success(user: User) -> None:
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now()
    record("login.success", user.username, user=user)


def _accept_totp(user: User, code: str, *, secret: str | None = None) -> bool:
    """Take a second-factor code once: a step at or before the last one accepted is refused (a replay).

    The step is taken in one conditional UPDATE, as the console's link is
    (`enter_from_console`): of two requests sending the same code at the same
    moment, the database lets one move the step on, and the other finds it taken.
    """
    step = totp_step(user, code, secret=secret)
    if step is None:
        return False
    taken = db.session.execute(
        update(User).where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step), execution_options={"synchronize_session": False}).rowcount
    if taken != 1:
        return False
    set_committed_value(user, "totp_last_step", step)
    return True


@audited
def pass_second_factor(user: User, code: str) -> bool:
    """Check a sign-in's second-factor code; a wrong or reused one counts toward the lockout.

    Returns whether it passed; the caller then finishes the sign-in (`register_success`).
    """
    if _accept_totp(user, code):
        record("login.second_factor", user.username, user=user)
        return True
    _count_failure(user, "wrong second-factor code")
    return False


@audited
def sign_out(user: User) -> None:
    """End the user's current login (this host's session) and forget the cookie's contents."""
    record("logout", user.username, user=user)
    close_session(user)


def _set_password(user: User, new_password: str, *, temporary: bool = False) -> None:
    """Give the user a new password; refused when it breaks the policy or was used before."""
    problems = policy_problems(new_password, user.username)
    if problems:
        raise AccountError({"new": " ".join(problems)})
    previous = [user.password_hash, *db.session.execute(
        select(PasswordHistory.password_hash).where(PasswordHistory.user_id == user.id)
        .order_by(PasswordHistory.id.desc()).limit(PASSWORD_HISTORY_KEPT)).scalars()]
    if any(h and verify_password(h, new_password) for h in previous):
        raise AccountError({"new": _l("This password was used before on this account; choose a new one.")})
    if user.password_hash:
        db.session.add(PasswordHistory(user_id=user.id, password_hash=user.password_hash))
    user.password_hash = hash_password(new_password)
    user.password_changed_at = now()
    user.must_change_password = temporary
    db.session.flush()


@audited
def change_password(user: User, *, current: str, new: str) -> None:
    """The user changes their own password; their other logins end.

    :raises AccountError: under "current" when the current password is wrong, under "new"
        when the new one breaks the policy or was used before.
    """
    if not verify_password(user.password_hash, current):
        raise AccountError({"current": _l("The current password is not right.")})
    _set_password(user, new)
    end_other_sessions(user)
    record("password.change", user.username, user=user)


@audited
def create_user(*, username: str, display_name: str, password: str, roles: list[str] = (),
                platform_role: str | None = None, must_change_password: bool = True) -> User:
    """Create an account, with roles on the active site when one is active.

    :raises AccountError: under "username", "display_name" or "new" (the password).
    """
    username = username.strip().lower()
    if not (3 <= len(username) <= 64) or not set(username) <= USERNAME_CHARS or not username[0].isalpha():
        raise AccountError({"username": _l("A username is 3-64 characters: a-z first, then a-z, 0-9, '.', '_' "
                                           "or '-'.")})
    if not display_name.strip():
        raise AccountError({"display_name": _l("Give the person's name.")})
    if db.session.execute(select(User.id).where(User.username == username)).first():
        raise AccountError({"username": _l("The username '%(name)s' is taken.", name=username)})
    user = User(username=username, display_name=display_name.strip(), password_hash="", platform_role=platform_role)
    db.session.add(user)
    db.session.flush()
    _set_password(user, password, temporary=must_change_password)
    record("user.create", username, **({"roles": list(roles)} if roles else {}),
           **({"platform_role": platform_role} if platform_role else {}))
    if roles:
        set_site_roles(user, roles)
    return user


@audited
def set_site_roles(user: User, roles: list[str], *, actor: User | None = None) -> tuple[set[str], set[str]]:
    """Make the user's roles on the active site exactly `roles`; return (granted, revoked).

    Only site roles can be granted here, and only on the active site: the
    membership rows are tenant-scoped and stamped by the ORM.

    :raises AccountError: under "roles": no site is active, an unknown role, or the
        actor would remove their own administrator role (a platform account may).
    """
    if active_tenant_id() is None:
        raise AccountError({"roles": _l("Roles are granted on a site.")})
    unknown = set(roles) - set(SITE_ROLES)
    if unknown:
        raise AccountError({"roles": _l("These are not site roles: %(roles)s.", roles=", ".join(sorted(unknown)))})
    current = set(db.session.execute(select(Membership.role).where(Membership.user_id == user.id)).scalars())
    if actor is not None and actor.id == user.id and actor.platform_role is None \
            and "site_admin" in current and "site_admin" not in roles:
        raise AccountError({"roles": _l("You cannot remove your own administrator role.")})
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


@audited
def reset_password(user: User, *, actor: User | None = None, by: str = "console") -> str:
    """Give the user a new temporary password and return it (show it once).

    The password must be changed at the next sign-in, a time lock and the
    failure count are cleared, and every login of the user ends. `by` says
    where it was done ("console", "cli").

    :raises AccountError: when the actor is the user: one's own password is changed on the account page.
    """
    if actor is not None and actor.id == user.id:
        raise AccountError(_l("Change your own password on your account page."))
    password = generate_password()
    _set_password(user, password, temporary=True)
    user.failed_logins, user.locked_until = 0, None
    end_all_sessions(user)
    record("password.reset", user.username, by=by)
    db.session.flush()
    return password


def _site_staff(user: User) -> None:
    """A site administrator's reach: the site's own people, never an information-bureau account.

    An account that also works on another site is shared: a password reset or an
    unlock would act there too, so it is the information bureau's to do.
    """
    if user.platform_role is not None:
        raise AccountError(_l("A platform account is managed by the information bureau, on its console."))
    if works_on_other_sites(user.id, current_tenant_id()):
        raise AccountError(_l("This person also works on other sites; ask the information bureau to do this on "
                              "its console."))


@audited
def reset_staff_password(user: User, *, actor: User) -> str:
    """A site administrator gives one of the site's people a new temporary password; return it (show it once).

    :raises AccountError: for a platform account, or the actor's own account.
    """
    _site_staff(user)
    return reset_password(user, actor=actor, by="site")


@audited
def unlock_staff(user: User) -> None:
    """A site administrator lets one of the site's people sign in again (a lock or a time lock lifted).

    :raises AccountError: for a platform account.
    """
    _site_staff(user)
    unlock_user(user)


@audited
def lock_user(user: User, *, actor: User | None = None) -> None:
    """Lock an account until an administrator unlocks it; its logins end.

    :raises AccountError: when the actor would lock their own account.
    """
    if actor is not None and actor.id == user.id:
        raise AccountError({"user": _l("You cannot lock your own account.")})
    user.is_locked = True
    end_all_sessions(user)
    record("user.lock", user.username)
    db.session.flush()


@audited
def unlock_user(user: User) -> None:
    """Unlock an account, clearing a time lock and the failure count too."""
    user.is_locked = False
    user.locked_until = None
    user.failed_logins = 0
    record("user.unlock", user.username)
    db.session.flush()


@audited
def update_account(user: User, *, display_name: str, language: str, email: str | None = None) -> None:
    """A person's own name, language and (optional) e-mail address for copies of inbox messages.

    :param email: None leaves the address as it is; "" removes it.
    :raises AccountError: under "display_name", "language" or "email".
    """
    if not display_name.strip():
        raise AccountError({"display_name": _l("Give the person's name.")})
    if language not in LANGUAGES:
        raise AccountError({"language": _l("Choose a language from the list.")})
    if email is not None:
        email = email.strip()
        if email and (len(email) > 254 or not EMAIL.match(email)):
            raise AccountError({"email": _l("Write the e-mail address in full, like name@example.gov.cn.")})
        email_changed = (email or None) != user.email
        user.email = email or None
    else:
        email_changed = False
    user.display_name, user.language = display_name.strip(), language
    record("account.update", user.username, user=user, language=language, **({"email": "changed"} if email_changed
                                                                            else {}))
    db.session.flush()


@audited
def enable_totp(user: User, secret: str, code: str) -> None:
    """Turn two-step login on with the secret the user's app was given, once a code from it checks out.

    :raises AccountError: under "code" when the code is wrong.
    """
    if not _accept_totp(user, code, secret=secret):
        raise AccountError({"code": _l("The code is not right. Codes change every 30 seconds.")})
    user.totp_secret = secret
    user.totp_enabled = True
    record("totp.enable", user.username, user=user)
    db.session.flush()


@audited
def disable_totp(user: User, *, password: str, code: str) -> None:
    """Turn two-step login off, with the password and a current code.

    :raises AccountError: for an information-bureau account (every one must keep it), or a wrong password or code.
    """
    if user.platform_role is not None:
        raise AccountError(_l("Information-bureau accounts must keep two-step login on."))
    if not (verify_password(user.password_hash, password) and _accept_totp(user, code)):
        raise AccountError(_l("The password or the code is not right."))
    user.totp_enabled = False
    user.totp_secret = None
    record("totp.disable", user.username, user=user)
    db.session.flush()
