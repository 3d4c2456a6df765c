"""The shell obeys the same rules as the pages and leaves the same trail: each command goes through an operation."""
from __future__ import annotations

from sqlalchemy import select

from core.audit.models import AuditEntry, PlatformAuditEntry
from core.extensions import db
from tenants.models import Tenant
from tenants.scoping import activate_tenant


def _platform_entries(app) -> list[tuple[str, str, str]]:
    with app.app_context():
        rows = db.session.execute(select(PlatformAuditEntry.action, PlatformAuditEntry.target, PlatformAuditEntry.ip)
                                  .order_by(PlatformAuditEntry.id)).all()
        db.session.remove()
    return [tuple(row) for row in rows]


def test_site_commands_are_recorded_on_the_platform_log_as_the_cli(app, two_sites, runner):
    for args in (["tenants", "suspend", "rsj", "--reason", "改版"], ["tenants", "resume", "rsj"],
                 ["tenants", "add-domain", "rsj", "rsj2.localhost"],
                 ["tenants", "remove-domain", "rsj", "rsj2.localhost"],
                 ["tenants", "set", "rsj", "--phone", "0316-2011111"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    entries = [(action, target) for action, target, ip in _platform_entries(app) if ip == "cli"]
    assert entries == [("site.suspend", "rsj"), ("site.resume", "rsj"), ("site.domain.add", "rsj"),
                       ("site.domain.remove", "rsj"), ("site.settings", "rsj")]


def test_a_refused_command_changes_nothing_and_records_nothing(app, two_sites, runner):
    before = _platform_entries(app)
    result = runner.invoke(args=["tenants", "add-domain", "rsj", "czj.localhost"])  # another site's domain
    assert result.exit_code == 2 and "czj" in result.output
    assert _platform_entries(app) == before


def test_a_section_added_from_the_shell_is_in_the_sites_log(app, two_sites, runner):
    rsj = two_sites[0]
    result = runner.invoke(args=["sections", "add", "rsj", "--section-slug", "talent", "--name-zh", "人才工作",
                                 "--name-en", "Talent"])
    assert result.exit_code == 0, result.output
    with app.app_context(), activate_tenant(rsj.id):
        entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "section.add")).scalar_one()
        assert (entry.target, entry.ip) == ("talent", "cli")


def test_the_shell_refuses_an_external_link_that_is_not_http(app, two_sites, runner):
    result = runner.invoke(args=["sections", "add", "rsj", "--section-slug", "evil", "--name-zh", "链接",
                                 "--name-en", "Link", "--kind", "external_link",
                                 "--external-url", "javascript:alert(1)"])
    assert result.exit_code != 0 and "http" in result.output
    with app.app_context():
        rsj_id = db.session.execute(select(Tenant.id).where(Tenant.slug == "rsj")).scalar_one()
        with activate_tenant(rsj_id):
            assert db.session.execute(select(AuditEntry).where(AuditEntry.action == "section.add")).first() is None


def test_a_password_reset_from_the_shell_is_recorded(app, create_account, runner):
    create_account("wang.editor")
    result = runner.invoke(args=["users", "reset-password", "wang.editor"])
    assert result.exit_code == 0, result.output
    assert ("password.reset", "wang.editor", "cli") in _platform_entries(app)
