"""Reading accounts: a site's people, a member by id, accounts across the city, second-factor checks."""
from __future__ import annotations

import hmac
import time

import pyotp
from sqlalchemy import Select, func, or_, select

from core.auth.models import SITE_ROLES, Membership, User
from core.extensions import db
from tenants.models import Tenant
from tenants.scoping import crosses_tenants


def contains(text: str) -> str:
    """A LIKE pattern for "contains `text`", with the wildcards in `text` taken literally (escape '\\')."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


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


def find_users(q: str = "") -> Select:
    """A statement for every account whose username or name contains `q`, by username."""
    query = select(User).order_by(User.username)
    q = q.strip()
    if q:
        query = query.where(or_(User.username.like(contains(q.lower()), escape="\\"),
                                func.lower(User.display_name).like(contains(q.lower()), escape="\\")))
    return query


@crosses_tenants("the console lists each account's roles on every site")
def roles_by_user(user_ids: list[int]) -> dict[int, list[tuple[Tenant, str]]]:
    """Each user's (site, role) pairs on every site: a deliberate cross-site read."""
    found: dict[int, list[tuple[Tenant, str]]] = {uid: [] for uid in user_ids}
    if not user_ids:
        return found
    rows = db.session.execute(
        select(Membership.user_id, Membership.role, Tenant).join(Tenant, Tenant.id == Membership.tenant_id)
        .where(Membership.user_id.in_(user_ids)).order_by(Tenant.slug, Membership.id)
        .execution_options(all_tenants=True)).all()
    for user_id, role, tenant in rows:
        found[user_id].append((tenant, role))
    return found


def totp_step(user: User, code: str, *, secret: str | None = None) -> int | None:
    """The time step (30 s) whose code `code` is, for the user's secret (or `secret`), or None.

    One step either side of now is allowed for clock drift (RFC 6238, 5.2).
    Whether the step was used already is the operation's to check.
    """
    secret = secret or user.totp_secret
    code = code.strip().replace(" ", "")
    if not secret or not code.isascii() or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now_step = int(time.time() // totp.interval)
    for step in (now_step - 1, now_step, now_step + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(user: User, secret: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=issuer)


@crosses_tenants("a site administrator's reach over an account depends on whether it works on other sites too")
def works_on_other_sites(user_id: int, tenant_id: int) -> bool:
    """Whether the account holds a role on any site besides `tenant_id` (a shared account)."""
    return db.session.execute(
        select(Membership.id).where(Membership.user_id == user_id, Membership.tenant_id != tenant_id).limit(1)
        .execution_options(all_tenants=True)).first() is not None
