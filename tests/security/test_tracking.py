"""Findings from run to run: one row per thing found, new → open → resolved → new again; accepted with a reason;
a check that fails changes nothing of its own; other modules add checks; serious new findings reach the inbox."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.audit.models import AuditEntry
from core.auth.models import User
from core.extensions import db
from core.inbox.models import InboxMessage
from core.operations import OperationForbidden
from core.security.models import SecurityFinding
from core.security.operations import SecurityError, accept_finding, run_checks
from core.security.registry import CHECKS, Found, check
from tenants.models import Tenant
from tenants.scoping import activate_tenant
from tests.security.conftest import of

RULE = "accounts.inactive"


@pytest.fixture
def inactive(create_account, two_sites, set_user, moment):
    """An editor of rsj who last signed in 120 days ago."""
    account = create_account("wang.editor", site=two_sites[0], roles=["editor"])
    set_user(account.id, last_login_at=moment - timedelta(days=120))
    return account


@pytest.fixture
def accept(app, two_sites, moment):
    def do(finding_id: int, username: str, reason: str):
        with app.app_context(), activate_tenant(two_sites[0].id):
            actor = db.session.execute(select(User).where(User.username == username)).scalar_one()
            accept_finding(db.session.get(SecurityFinding, finding_id), actor=actor, reason=reason, now=moment)
            db.session.commit()
            db.session.remove()

    return do


def test_found_again_after_it_was_resolved_it_is_new_again(two_sites, inactive, check_site, set_user, moment):
    rsj = two_sites[0]
    [first] = of(check_site(rsj, RULE), RULE)
    set_user(inactive.id, last_login_at=moment)
    assert [r.state for r in of(check_site(rsj, RULE), RULE)] == ["resolved"]
    set_user(inactive.id, last_login_at=moment - timedelta(days=100))
    [again] = of(check_site(rsj, RULE, at=moment + timedelta(days=1)), RULE)
    assert (again.id, again.state) == (first.id, "new")  # the same finding, reported again: not a second row


def test_an_accepted_finding_is_not_reported_while_it_persists(app, two_sites, inactive, create_account, accept,
                                                               check_site, set_user, moment):
    rsj = two_sites[0]
    create_account("li.admin", site=rsj, roles=["site_admin"])
    [found] = of(check_site(rsj, RULE), RULE)
    accept(found.id, "li.admin", "借调到市委组织部，半年后回来")
    [kept] = of(check_site(rsj, RULE), RULE)
    assert (kept.state, kept.accepted_reason) == ("accepted", "借调到市委组织部，半年后回来")
    with app.app_context(), activate_tenant(rsj.id):
        entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "security.accept")).scalar_one()
        assert entry.username == "li.admin" and "借调到市委组织部" in entry.detail and RULE in entry.detail
    # Resolved, then found again: new, and the old acceptance no longer holds.
    set_user(inactive.id, last_login_at=moment)
    assert [r.state for r in of(check_site(rsj, RULE), RULE)] == ["resolved"]
    set_user(inactive.id, last_login_at=moment - timedelta(days=100))
    [again] = of(check_site(rsj, RULE, at=moment + timedelta(days=1)), RULE)
    assert (again.state, again.accepted_reason) == ("new", "")


def test_accepting_needs_a_reason_and_the_right_and_a_reported_finding(app, two_sites, inactive, create_account,
                                                                       accept, check_site):
    rsj = two_sites[0]
    create_account("li.admin", site=rsj, roles=["site_admin"])
    create_account("zhou.editor", site=rsj, roles=["editor", "publisher"])
    [found] = of(check_site(rsj, RULE), RULE)
    with pytest.raises(SecurityError) as refused:
        accept(found.id, "li.admin", "   ")
    assert "reason" in refused.value.problems
    with pytest.raises(OperationForbidden):
        accept(found.id, "zhou.editor", "没问题")
    with pytest.raises(SecurityError) as refused:
        accept(found.id, "li.admin", "x" * 1001)
    assert "1000" in refused.value.problems["reason"]
    accept(found.id, "li.admin", "已核实")
    with pytest.raises(SecurityError):  # accepted already: no longer reported
        accept(found.id, "li.admin", "再次")


def test_a_check_that_fails_leaves_its_findings_and_the_others_run(app, two_sites, inactive, create_account,
                                                                   check_site, set_user, moment):
    rsj = two_sites[0]
    create_account("li.admin", site=rsj, roles=["site_admin"])
    [found] = of(check_site(rsj, RULE), RULE)
    set_user(inactive.id, last_login_at=moment)  # fixed; but the check cannot run this time
    original = CHECKS[RULE]

    def broken(ctx):
        raise RuntimeError("the check broke")

    CHECKS[RULE] = type(original)(**{**original.__dict__, "fn": broken})
    try:
        with app.app_context(), activate_tenant(rsj.id):
            result = run_checks(moment, site=db.session.get(Tenant, rsj.id))
            db.session.commit()
            assert result.failed == [RULE]
            states = dict(db.session.execute(select(SecurityFinding.rule, SecurityFinding.state)).all())
            db.session.remove()
    finally:
        CHECKS[RULE] = original
    assert states[RULE] == "new"  # left as it was: neither resolved nor moved on
    assert states["accounts.admin_without_deputy"] == "new"  # the others ran


def test_another_module_registers_a_check_of_its_own(app, two_sites, check_site):
    rsj = two_sites[0]

    @check(key="tests.site_named_rsj", scope="site", severity="low", title=_l("Security checks"),
           fix=_l("Security checks"), details=_l("Found in %(where)s."), link="/admin/settings")
    def site_named_rsj(ctx):
        """A check from another module: it sees the site being checked, and only that one."""
        if ctx.site.slug == "rsj":
            yield Found(f"site:{ctx.site.slug}", ctx.site.name_zh, values={"where": ctx.site.slug})

    try:
        [found] = of(check_site(rsj, "tests.site_named_rsj"), "tests.site_named_rsj")
        assert found.link == "/admin/settings" and found.details["values"] == {"where": "rsj"}
        assert of(check_site(two_sites[1], "tests.site_named_rsj"), "tests.site_named_rsj") == []
        with pytest.raises(ValueError):
            check(key="tests.site_named_rsj", scope="site", severity="low", title="", fix="", details="")(
                lambda ctx: ())  # the key is taken
        for bad in ({"key": "Bad Key"}, {"scope": "city"}, {"severity": "urgent"}):
            with pytest.raises(ValueError):
                check(**{"key": "tests.other", "scope": "site", "severity": "low", "title": "", "fix": "",
                         "details": "", **bad})
    finally:
        CHECKS.pop("tests.site_named_rsj", None)


def test_new_serious_findings_reach_the_site_administrators_once(app, two_sites, create_account, check_site,
                                                                  create_article_in):
    rsj = two_sites[0]
    admin = create_account("li.admin", site=rsj, roles=["site_admin"])
    editor = create_account("zhou.editor", site=rsj, roles=["editor"])
    create_article_in(rsj, "news", "关于国务院办公室通知的学习体会", body_html="<p>学习</p>")
    check_site(rsj, "content.wrong_expressions", "accounts.inactive")
    check_site(rsj, "content.wrong_expressions", "accounts.inactive")  # still open: nobody told twice
    with app.app_context():
        messages = db.session.execute(select(InboxMessage).where(InboxMessage.kind == "security")).scalars().all()
        assert [(m.user_id, m.link) for m in messages] == [
            (admin.id, f"http://rsj.localhost/admin/security/{_finding_id(rsj, 'content.wrong_expressions')}")]
        assert "严重表述错误" in messages[0].subject and "国务院办公厅" in messages[0].body
        assert editor.id not in [m.user_id for m in messages]
        db.session.remove()


def _finding_id(site, rule):
    with activate_tenant(site.id):
        return db.session.execute(select(SecurityFinding.id).where(SecurityFinding.rule == rule)).scalar_one()


def test_new_serious_platform_findings_reach_the_platform_administrators(app, create_account, check_platform):
    admin = create_account("chen.admin", platform_role="platform_admin", totp=True)
    bai = create_account("bai.admin", platform_role="platform_admin")  # no two-step login: a high finding
    create_account("zhao.evaluator", platform_role="evaluator", totp=True)
    [found] = of(check_platform("platform_accounts.no_two_step"), "platform_accounts.no_two_step")
    with app.app_context():
        messages = db.session.execute(select(InboxMessage).where(InboxMessage.kind == "security")
                                      .order_by(InboxMessage.user_id)).scalars().all()
        assert sorted(m.user_id for m in messages) == sorted([admin.id, bai.id])  # the evaluator is not told
        assert all(m.link == f"http://admin.localhost/platform/security/findings/{found.id}" for m in messages)
        db.session.remove()


def test_two_runs_at_once_wait_for_each_other(app, two_sites, create_account, set_user, moment):
    """The scheduler's run and one started by hand, on one site at once: the second waits for the first's findings
    and finds them open, rather than adding them again and failing (PostgreSQL, the production database)."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite lets one writer in at a time by itself")
    rsj = two_sites[0]
    account = create_account("wang.editor", site=rsj, roles=["editor"])
    set_user(account.id, last_login_at=moment - timedelta(days=120))
    ran, release, results = threading.Event(), threading.Event(), {}

    def run(name: str, hold: bool) -> None:
        with app.app_context(), activate_tenant(rsj.id):
            try:
                results[name] = run_checks(moment, site=db.session.get(Tenant, rsj.id),
                                           keys=["accounts.inactive"]).counts()
                if hold:
                    ran.set()
                    release.wait(10)
                db.session.commit()
            except Exception as error:  # noqa: BLE001 — reported by the assertion below
                results[name] = repr(error)
            finally:
                db.session.remove()

    first = threading.Thread(target=run, args=("first", True))
    first.start()
    assert ran.wait(10)
    second = threading.Thread(target=run, args=("second", False))
    second.start()
    second.join(1.0)
    assert second.is_alive() and "second" not in results  # waiting for the first run
    release.set()
    first.join(10)
    second.join(10)
    assert results == {"first": {"new": 1, "open": 0, "resolved": 0, "failed": 0},
                       "second": {"new": 0, "open": 1, "resolved": 0, "failed": 0}}
