"""Each account check finds a planted problem, reports it once, and marks it resolved once fixed: on a site (its
people) and on the platform (the bureau's accounts)."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import insert

from core.audit.models import AuditEntry, PlatformAuditEntry
from core.auth.models import Membership
from core.duties.models import DutyAssignment
from core.extensions import db
from tenants.scoping import activate_tenant
from tests.security.conftest import of

SCOPES = ("site", "platform")


@pytest.fixture
def person(create_account, two_sites):
    """person(scope, name) -> an account the checks of that scope look at: a site's editor, or a bureau account."""
    rsj = two_sites[0]

    def make(scope: str, name: str = "wang.editor"):
        if scope == "site":
            return create_account(name, site=rsj, roles=["editor"])
        return create_account(name, platform_role="evaluator", totp=True)

    return make


@pytest.fixture
def run_scope(check_site, check_platform, two_sites):
    """run_scope(scope, rule, at=None) -> that rule's findings after a run of it."""
    rsj = two_sites[0]

    def run(scope: str, rule: str, at=None):
        key = f"accounts.{rule}" if scope == "site" else f"platform_accounts.{rule}"
        rows = check_site(rsj, key, at=at) if scope == "site" else check_platform(key, at=at)
        return of(rows, key)

    return run


def lifecycle(run, fix):
    """Found once (new), found again (the same finding, open), fixed (resolved): returns the finding."""
    first = run()
    assert [r.state for r in first] == ["new"], first
    again = run()
    assert [(r.id, r.state) for r in again] == [(first[0].id, "open")]
    fix()
    assert [(r.id, r.state) for r in run()] == [(first[0].id, "resolved")]
    return first[0]


@pytest.mark.parametrize("scope", SCOPES)
def test_an_account_not_signed_in_for_90_days(scope, person, run_scope, set_user, moment):
    account = person(scope)
    set_user(account.id, last_login_at=moment - timedelta(days=120))
    found = lifecycle(lambda: run_scope(scope, "inactive"),
                      lambda: set_user(account.id, last_login_at=moment - timedelta(days=2)))
    assert found.key == f"user:{account.id}" and found.details["values"]["days"] == 120
    assert account.username in found.name and found.severity == "medium"
    assert found.link == (f"/admin/users/{account.id}" if scope == "site" else f"/platform/users?q={account.username}")


@pytest.mark.parametrize("scope", SCOPES)
def test_a_locked_account_that_has_not_signed_in_is_not_reported_as_inactive(scope, person, run_scope, set_user,
                                                                              moment):
    account = person(scope)
    set_user(account.id, last_login_at=moment - timedelta(days=120), is_locked=True)
    assert run_scope(scope, "inactive") == []


@pytest.mark.parametrize("scope", SCOPES)
def test_an_account_never_signed_in_long_after_it_was_created(scope, person, run_scope, set_user, moment):
    account = person(scope)
    set_user(account.id, created_at=moment - timedelta(days=40), last_login_at=None)
    found = lifecycle(lambda: run_scope(scope, "never_signed_in"),
                      lambda: set_user(account.id, last_login_at=moment - timedelta(hours=1)))
    assert found.details["values"]["days"] == 40
    fresh = person(scope, "zhao.new")  # created today: not yet a finding
    set_user(fresh.id, last_login_at=None)
    assert all(r.key != f"user:{fresh.id}" for r in run_scope(scope, "never_signed_in"))


@pytest.mark.parametrize("scope", SCOPES)
def test_a_password_older_than_the_policy(scope, app, person, run_scope, set_user, moment):
    account = person(scope)
    set_user(account.id, password_changed_at=moment - timedelta(days=200), last_login_at=moment)
    found = lifecycle(lambda: run_scope(scope, "password_old"),
                      lambda: set_user(account.id, password_changed_at=moment - timedelta(days=3)))
    assert found.details["values"] == {"date": (moment - timedelta(days=200)).date().isoformat(), "days": 200,
                                       "limit": 180}
    set_user(account.id, password_changed_at=moment - timedelta(days=200))
    app.config["PASSWORD_MAX_AGE_DAYS"] = 0  # the policy off: nothing is too old
    try:
        assert [r.state for r in run_scope(scope, "password_old")] == ["resolved"]
    finally:
        app.config["PASSWORD_MAX_AGE_DAYS"] = 180


@pytest.mark.parametrize("scope", SCOPES)
def test_locked_accounts(scope, person, run_scope, set_user, moment):
    account = person(scope)
    set_user(account.id, is_locked=True)
    found = lifecycle(lambda: run_scope(scope, "locked"), lambda: set_user(account.id, is_locked=False))
    assert found.severity == "low" and found.details["says"] == ""
    set_user(account.id, locked_until=moment + timedelta(minutes=10), failed_logins=5)
    [temporary] = [r for r in run_scope(scope, "locked") if r.state == "new"]
    assert temporary.severity == "medium" and temporary.details["says"] == "failures"


def _failures(app, scope, site, moments_and_names, ip="198.51.100.7"):
    model = AuditEntry if scope == "site" else PlatformAuditEntry
    with app.app_context():
        rows = [{"at": at, "action": "login.failure", "target": name, "username": name, "ip": ip,
                 "detail": json.dumps({"reason": "wrong password"}), "user_id": None,
                 **({"tenant_id": site.id} if scope == "site" else {})} for at, name in moments_and_names]
        db.session.execute(insert(model), rows)
        db.session.commit()
        db.session.remove()


@pytest.mark.parametrize("scope", SCOPES)
def test_bursts_of_failed_sign_ins_from_one_address_and_on_one_account(scope, app, two_sites, run_scope, moment):
    rsj = two_sites[0]
    start = moment - timedelta(hours=5)
    # Ten from one address within twenty minutes, five of them on one user name.
    _failures(app, scope, rsj, [(start + timedelta(minutes=2 * n), "li.admin" if n % 2 else f"guess{n}")
                                for n in range(10)])
    # Spread out (one an hour): neither a burst from that address nor on that name.
    _failures(app, scope, rsj, [(moment - timedelta(hours=h, minutes=1), "zhou.slow") for h in range(1, 10)],
              ip="192.0.2.9")
    first = run_scope(scope, "failed_logins")
    assert sorted((r.key, r.state, r.severity) for r in first) == [
        ("account:li.admin", "new", "medium"), ("address:198.51.100.7", "new", "high")]
    address = next(r for r in first if r.key.startswith("address:"))
    assert address.personal and address.details["values"]["count"] == 10
    again = run_scope(scope, "failed_logins")
    assert sorted((r.id, r.state) for r in again) == sorted((r.id, "open") for r in first)
    # Two days later the burst is out of the day read: resolved.
    later = run_scope(scope, "failed_logins", at=moment + timedelta(days=2))
    assert {r.state for r in later} == {"resolved"} and len(later) == 2


def test_a_site_with_one_administrator_and_a_duty_without_deputy(app, two_sites, create_account, check_site):
    rsj = two_sites[0]
    admin = create_account("li.admin", site=rsj, roles=["site_admin"])
    rule = "accounts.admin_without_deputy"
    first = of(check_site(rsj, rule), rule)
    assert [(r.key, r.details["says"], r.state) for r in first] == [(f"user:{admin.id}", "alone", "new")]
    with app.app_context(), activate_tenant(rsj.id):
        db.session.add(DutyAssignment(duty="security", responsible_id=admin.id))
        db.session.commit()
    second = of(check_site(rsj, rule), rule)
    assert sorted((r.key, r.state) for r in second) == [("duty:security", "new"), (f"user:{admin.id}", "open")]
    deputy = create_account("zhou.admin", site=rsj, roles=["site_admin"])  # a second administrator
    with app.app_context(), activate_tenant(rsj.id):
        db.session.execute(db.update(DutyAssignment).values(deputy_id=deputy.id))
        db.session.commit()
    assert {r.state for r in of(check_site(rsj, rule), rule)} == {"resolved"}


def test_a_site_without_any_administrator(app, two_sites, create_account, check_site):
    czj = two_sites[1]
    admin = create_account("qian.admin", site=czj, roles=["site_admin"])
    with app.app_context(), activate_tenant(czj.id):
        db.session.execute(db.delete(Membership).where(Membership.user_id == admin.id))
        db.session.commit()
    [nobody] = of(check_site(czj, "accounts.admin_without_deputy"), "accounts.admin_without_deputy")
    assert nobody.details["says"] == "nobody" and nobody.severity == "high"


def test_platform_administrators_without_two_step_login(create_account, check_platform, set_user):
    admin = create_account("chen.admin", platform_role="platform_admin")
    create_account("zhao.evaluator", platform_role="evaluator")  # not an administrator: not this rule's
    rule = "platform_accounts.no_two_step"
    found = lifecycle(lambda: of(check_platform(rule), rule), lambda: set_user(admin.id, totp_enabled=True))
    assert found.key == f"user:{admin.id}" and found.severity == "high"
