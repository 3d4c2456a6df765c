"""Demo accounts: a site administrator, one person per publishing role and an interaction officer (who answers the
letters) on every site, a second interaction officer where replies are reviewed (one writes, the other approves),
a service officer where the public applies online, plus the information bureau's administrator and evaluator.

Passwords are random, printed once by `flask demo load` and written to
instance/demo-accounts.csv (never committed). Demo accounts need no password
change at first sign-in so the demo can be walked through at once; the
information bureau's two accounts (administrator and evaluator) still set up
two-step login at their first sign-in, as every platform account must.
"""
from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select

from core.auth.models import PUBLISHING_ROLES, User
from core.auth.operations import create_user
from core.auth.passwords import generate_password
from core.extensions import db
from tenants.scoping import activate_tenant, crosses_tenants

CSV_COLUMNS = ("site host", "username", "password", "roles")
ROLE_NAMES_ZH = {"site_admin": "管理员", "collector": "采集员", "editor": "编辑", "reviewer": "审核员",
                 "publisher": "发布员", "service_officer": "办事专员", "interaction_officer": "互动专员",
                 "disclosure_officer": "信息公开专员"}
PLATFORM_ACCOUNTS = (("platform.admin", "平台管理员", "platform_admin"),
                     ("platform.evaluator", "网站评估员", "evaluator"))


def _exists(username: str) -> bool:
    return db.session.execute(select(User.id).where(User.username == username)).first() is not None


def ensure_platform_accounts(platform_host: str) -> list[tuple[str, str, str, str]]:
    rows = []
    for username, name, role in PLATFORM_ACCOUNTS:
        if not _exists(username):
            password = generate_password()
            create_user(username=username, display_name=name, password=password, platform_role=role,
                        must_change_password=False)
            rows.append((platform_host, username, password, role))
    return rows


@crosses_tenants("each demo site gets its accounts, granted inside that site")
def ensure_site_accounts(tenant_id: int, slug: str, host: str, site_name: str,
                         more_roles: tuple[str, ...] = (), *, second_interaction_officer: bool = False
                         ) -> list[tuple[str, str, str, str]]:
    """Create the site's demo staff that do not exist yet (with `more_roles`, one person each); return their
    credentials.

    `second_interaction_officer`: also `<slug>.interactionofficer2`, for a site whose replies a second
    officer reviews (review needs two officers).
    """
    rows = []
    people = [(f"{slug}.{role.replace('_', '')}", f"{site_name}{ROLE_NAMES_ZH[role]}", role)
              for role in ("site_admin", *PUBLISHING_ROLES, *more_roles)]
    if second_interaction_officer:
        people.append((f"{slug}.interactionofficer2", f"{site_name}{ROLE_NAMES_ZH['interaction_officer']}二",
                       "interaction_officer"))
    with activate_tenant(tenant_id):
        for username, name, role in people:
            if _exists(username):
                continue
            password = generate_password()
            create_user(username=username, display_name=name, password=password, roles=[role],
                        must_change_password=False)
            rows.append((host, username, password, role))
    return rows


def write_csv(path: Path, rows: list[tuple[str, str, str, str]]) -> None:
    """Add the new accounts to the file (created with a header, readable by its owner only)."""
    new_file = not path.exists()
    with open(path, "a", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        if new_file:
            writer.writerow(CSV_COLUMNS)
        writer.writerows(rows)
    path.chmod(0o600)
