"""Checks of the accounts: who has not signed in, whose password is old, who is locked, who is being guessed at.

Each account rule runs twice: on every site for the people who hold a role
there ("accounts.…", a finding on that site, fixed on its users page), and
once for the information bureau's accounts ("platform_accounts.…", fixed on
the console). The numbers come from the configuration (core/config.py).
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from urllib.parse import quote

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.audit.models import AuditEntry, PlatformAuditEntry
from core.auth.models import Membership, User
from core.duties.models import DutyAssignment
from core.duties.queries import DUTY_LABELS
from core.extensions import db
from core.security.registry import CheckContext, Found, check

#: How far back the failed sign-ins are read: a day, the time between two daily runs, and one window more, so
#: that a burst that began before one run and ended after it is seen whole by the next.
FAILED_LOGIN_LOOKBACK = timedelta(hours=24)


def _site_people(ctx: CheckContext) -> list[User]:
    """The people who hold a role on the active site (the membership query is the site's own)."""
    return ctx.once("members", lambda: list(db.session.execute(
        select(User).where(User.id.in_(select(Membership.user_id))).order_by(User.id)).scalars()))


def _bureau_people(ctx: CheckContext) -> list[User]:
    return ctx.once("bureau", lambda: list(db.session.execute(
        select(User).where(User.platform_role.is_not(None)).order_by(User.id)).scalars()))


def _site_link(user: User) -> str:
    return f"/admin/users/{user.id}"


def _console_link(user: User) -> str:
    return f"/platform/users?q={quote(user.username)}"


def _name(user: User) -> str:
    return f"{user.display_name} ({user.username})"


def _locked(user: User, moment: datetime) -> bool:
    return user.is_locked or (user.locked_until is not None and user.locked_until > moment)


def _on_both(key: str, **declared):
    """Declare an account rule for the sites' people ("accounts.<key>") and for the bureau's
    ("platform_accounts.<key>"): the rule takes (ctx, people, link) and yields findings."""
    def decorator(rule: Callable[[CheckContext, list[User], Callable[[User], str]], Iterator[Found]]):
        @functools.wraps(rule)
        def on_site(ctx):
            return rule(ctx, _site_people(ctx), _site_link)

        @functools.wraps(rule)
        def on_platform(ctx):
            return rule(ctx, _bureau_people(ctx), _console_link)

        on_site.__qualname__ = f"{rule.__qualname__}.site"
        on_platform.__qualname__ = f"{rule.__qualname__}.platform"
        check(key=f"accounts.{key}", scope="site", **declared)(on_site)
        check(key=f"platform_accounts.{key}", scope="platform", **declared)(on_platform)
        return rule

    return decorator


@_on_both("inactive", severity="medium",
          title=_l("Accounts not signed in for a long time"),
          fix=_l("If the person has left or changed posts, lock the account or take its roles away; otherwise ask "
                 "them to sign in. An unused account is a door nobody watches."),
          details=_l("Last signed in on %(date)s, %(days)s days ago."))
def inactive(ctx, people, link):
    """An account that can sign in and has not for SECURITY_INACTIVE_DAYS days (90 by default)."""
    days = int(current_app.config["SECURITY_INACTIVE_DAYS"])
    for user in people:
        if user.last_login_at is not None and not _locked(user, ctx.now) \
                and user.last_login_at < ctx.now - timedelta(days=days):
            yield Found(f"user:{user.id}", _name(user), values={
                "date": user.last_login_at.date(), "days": (ctx.now - user.last_login_at).days}, link=link(user))


@_on_both("never_signed_in", severity="medium",
          title=_l("Accounts never signed in"),
          fix=_l("Ask the person to sign in and choose their own password, or lock the account if it is not needed: "
                 "its first password was handed over and may have been seen by others."),
          details=_l("Created on %(date)s, %(days)s days ago, and never signed in."))
def never_signed_in(ctx, people, link):
    """An account created more than SECURITY_NEVER_SIGNED_IN_DAYS days ago (30 by default) that has never
    signed in and is not locked."""
    days = int(current_app.config["SECURITY_NEVER_SIGNED_IN_DAYS"])
    for user in people:
        if user.last_login_at is None and not _locked(user, ctx.now) \
                and user.created_at < ctx.now - timedelta(days=days):
            yield Found(f"user:{user.id}", _name(user), values={
                "date": user.created_at.date(), "days": (ctx.now - user.created_at).days}, link=link(user))


@_on_both("password_old", severity="low",
          title=_l("Passwords older than the policy allows"),
          fix=_l("Ask the person to change their password (their account page), or reset it for them."),
          details=_l("The password was set on %(date)s, %(days)s days ago; the policy allows %(limit)s days."))
def password_old(ctx, people, link):
    """An account whose password was set more than PASSWORD_MAX_AGE_DAYS days ago (180 by default; 0 turns
    the rule off). An account that never changed its first password counts from its creation."""
    limit = int(current_app.config["PASSWORD_MAX_AGE_DAYS"])
    if limit <= 0:
        return
    for user in people:
        since = user.password_changed_at or user.created_at
        if not _locked(user, ctx.now) and since < ctx.now - timedelta(days=limit):
            yield Found(f"user:{user.id}", _name(user), values={
                "date": since.date(), "days": (ctx.now - since).days, "limit": limit}, link=link(user))


@_on_both("locked", severity="low",
          title=_l("Locked accounts"),
          fix=_l("An account locked by an administrator that still holds roles: take the roles away if the person "
                 "has left. An account locked after failed sign-ins: ask the person whether it was them; if not, "
                 "someone is guessing its password."),
          details={"": _l("Locked by an administrator."),
                   "failures": _l("Locked until %(until)s after %(count)s failed sign-ins in a row.")})
def locked(ctx, people, link):
    """An account locked by an administrator (low), or locked for a while after failed sign-ins (medium)."""
    for user in people:
        if user.is_locked:
            yield Found(f"user:{user.id}", _name(user), link=link(user))
        elif user.locked_until is not None and user.locked_until > ctx.now:
            yield Found(f"user:{user.id}", _name(user), says="failures", severity="medium",
                        values={"until": user.locked_until, "count": user.failed_logins}, link=link(user))


def most_within(moments: list[datetime], window: timedelta) -> tuple[int, datetime | None]:
    """The largest number of `moments` that fall within one `window`, and the last moment of that stretch."""
    moments = sorted(moments)
    best, last, start = 0, None, 0
    for end, moment in enumerate(moments):
        while moment - moments[start] > window:
            start += 1
        if end - start + 1 > best:
            best, last = end - start + 1, moment
    return best, last


def _failed_logins(ctx: CheckContext, model) -> Iterator[Found]:
    config = current_app.config
    window = timedelta(minutes=int(config["SECURITY_FAILED_LOGIN_WINDOW_MINUTES"]))
    rows = db.session.execute(select(model.at, model.ip, model.target).where(
        model.action == "login.failure", model.at > ctx.now - FAILED_LOGIN_LOOKBACK - window,
        model.at <= ctx.now)).all()
    by_address: dict[str, list[datetime]] = {}
    by_account: dict[str, list[datetime]] = {}
    for at, ip, target in rows:
        if ip and ip != "cli":
            by_address.setdefault(ip, []).append(at)
        if target:
            by_account.setdefault(target.lower(), []).append(at)
    minutes = int(config["SECURITY_FAILED_LOGIN_WINDOW_MINUTES"])
    for ip, moments in sorted(by_address.items()):
        count, last = most_within(moments, window)
        if count >= int(config["SECURITY_FAILED_LOGINS_PER_ADDRESS"]):
            yield Found(f"address:{ip}", ip, says="address", severity="high", personal=True,
                        values={"count": count, "minutes": minutes, "last": last})
    for username, moments in sorted(by_account.items()):
        count, last = most_within(moments, window)
        if count >= int(config["SECURITY_FAILED_LOGINS_PER_ACCOUNT"]):
            yield Found(f"account:{username}"[:200], username, says="account",
                        values={"count": count, "minutes": minutes, "last": last})


_FAILED = dict(
    title=_l("Bursts of failed sign-ins"),
    details={"address": _l("%(count)s failed sign-ins from this address within %(minutes)s minutes, the last at "
                           "%(last)s."),
             "account": _l("%(count)s failed sign-ins with this user name within %(minutes)s minutes, the last at "
                           "%(last)s.")},
)


@check(key="accounts.failed_logins", scope="site", severity="medium", link="/admin/audit/?action=login",
       fix=_l("Many failures from one address are someone guessing passwords: ask the information bureau to block "
              "the address at the firewall (the bureau sees it whole). Many on one account: ask its owner whether "
              "it was them, and have them choose a strong new password."), **_FAILED)
def failed_logins_on_site(ctx: CheckContext):
    """In the site's audit log of the last day (and one window before it): SECURITY_FAILED_LOGINS_PER_ADDRESS
    failed sign-ins (10) from one address, or SECURITY_FAILED_LOGINS_PER_ACCOUNT (5) with one user name, within
    SECURITY_FAILED_LOGIN_WINDOW_MINUTES (60). The address is a person's: only platform administrators see it."""
    return _failed_logins(ctx, AuditEntry)


@check(key="platform_accounts.failed_logins", scope="platform", severity="medium", link="/platform/audit",
       fix=_l("Many failures from one address are someone guessing passwords: the address can be blocked at the "
              "firewall. Many on one account: ask its owner whether it was them, and have them choose a strong new "
              "password."), **_FAILED)
def failed_logins_on_console(ctx: CheckContext):
    """The same rule, on the console's sign-in (the platform's audit log)."""
    return _failed_logins(ctx, PlatformAuditEntry)


@check(key="accounts.admin_without_deputy", scope="site", severity="medium",
       title=_l("Site administrators with no deputy"),
       fix=_l("Give a second person the site administrator role, so that someone can manage accounts and answer "
              "findings when the administrator is away; and name a deputy for each duty the administrator answers "
              "for (the duties page)."),
       details={"alone": _l("The only site administrator: nobody can stand in for them."),
                "nobody": _l("The site has no site administrator at all."),
                "duty": _l("Answers for the duty “%(duty)s”, which has no deputy.")},
       link="/admin/users")
def admin_without_deputy(ctx: CheckContext):
    """Post responsibility (岗位责任制) names a deputy for every post. A site administrator has one when
    another account that can sign in also holds the role on the site: a site with one administrator (or
    none) is a finding. And each duty of the duty table that a site administrator answers for must name a
    deputy: one that does not is a finding of that duty."""
    admins = [user for user in db.session.execute(
        select(User).join(Membership, Membership.user_id == User.id).where(Membership.role == "site_admin")
        .order_by(User.id)).scalars() if not user.is_locked]
    if not admins:
        yield Found("site:administrators", ctx.site.name_zh, says="nobody", severity="high", link="/admin/users")
    elif len(admins) == 1:
        yield Found(f"user:{admins[0].id}", _name(admins[0]), says="alone", link=_site_link(admins[0]))
    admin_ids = {user.id: user for user in admins}
    for duty in db.session.execute(select(DutyAssignment).order_by(DutyAssignment.id)).scalars():
        if duty.responsible_id in admin_ids and duty.deputy_id is None:
            yield Found(f"duty:{duty.duty}", _name(admin_ids[duty.responsible_id]), says="duty",
                        values={"duty": str(DUTY_LABELS.get(duty.duty, duty.duty))}, link="/admin/duties/")


@check(key="platform_accounts.no_two_step", scope="platform", severity="high",
       title=_l("Platform administrators without two-step login"),
       fix=_l("Ask the administrator to sign in: the console makes them set up two-step login before anything "
              "else. Lock the account if nobody uses it."),
       details=_l("Can sign in to the console with a password alone."))
def no_two_step(ctx: CheckContext):
    """A platform administrator's account that can sign in and has no two-step login set up."""
    for user in _bureau_people(ctx):
        if user.platform_role == "platform_admin" and not user.totp_enabled and not user.is_locked:
            yield Found(f"user:{user.id}", _name(user), link=_console_link(user))
