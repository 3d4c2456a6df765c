"""Operations hold the rules and the trail, whoever calls them (a page, the shell, a job)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.audit.log import record
from core.auth.models import User
from core.auth.operations import AccountError, reset_password, set_site_roles
from core.extensions import db
from core.operations import AuditMissing, ReadOnlyWrote, audited, read_only
from core.sections.models import Section
from core.sections.operations import SectionError, add_section, update_section
from tenants.models import Tenant
from tenants.scoping import activate_tenant


def test_an_operation_that_writes_without_an_audit_entry_is_caught(app, two_sites):
    @audited
    def rename_quietly(tenant: Tenant) -> None:
        tenant.phone = "0316-0000000"

    @audited
    def rename_openly(tenant: Tenant) -> None:
        tenant.phone = "0316-1111111"
        record("site.settings", tenant.slug, phone=tenant.phone)

    @audited
    def only_reads(tenant: Tenant) -> str:
        return tenant.phone

    with app.app_context():
        tenant = db.session.execute(select(Tenant).where(Tenant.slug == "rsj")).scalar_one()
        with pytest.raises(AuditMissing):
            rename_quietly(tenant)
        db.session.rollback()
        rename_openly(tenant)
        only_reads(tenant)
        db.session.rollback()


def test_a_function_declared_read_only_is_held_to_it(app, two_sites):
    @read_only
    def count_sites() -> int:
        return len(db.session.execute(select(Tenant.id)).all())  # a query: it flushes what is pending

    @read_only
    def renames_and_flushes(tenant: Tenant) -> None:
        tenant.phone = "0316-2222222"
        db.session.flush()

    @read_only
    def renames_and_leaves_it(tenant: Tenant) -> None:
        tenant.phone = "0316-3333333"

    @audited
    def rename_quietly_then_count(tenant: Tenant) -> int:
        tenant.phone = "0316-4444444"  # the operation's own write, flushed by the helper's query
        return count_sites()

    @audited
    def rename_openly_then_count(tenant: Tenant) -> int:
        tenant.phone = "0316-5555555"
        record("site.settings", tenant.slug, phone=tenant.phone)
        return count_sites()

    assert count_sites.__read_only__ and not hasattr(count_sites, "__audited__")
    with app.app_context():
        tenant = db.session.execute(select(Tenant).where(Tenant.slug == "rsj")).scalar_one()
        assert count_sites() == 2
        for writer in (renames_and_flushes, renames_and_leaves_it):
            with pytest.raises(ReadOnlyWrote):
                writer(tenant)
            db.session.rollback()
        tenant.phone = "0316-6666666"  # the caller's change, pending: not the read-only function's
        assert count_sites() == 2
        db.session.rollback()
        # Inside an operation, what the operation changed stays its own: unrecorded, it is still caught.
        with pytest.raises(AuditMissing):
            rename_quietly_then_count(tenant)
        db.session.rollback()
        assert rename_openly_then_count(tenant) == 2
        db.session.rollback()


def test_nobody_removes_their_own_administrator_role(app, two_sites, create_account):
    rsj = two_sites[0]
    account = create_account("li.siteadmin", site=rsj, roles=["site_admin", "editor"])
    with app.app_context(), activate_tenant(rsj.id):
        person = db.session.get(User, account.id)
        with pytest.raises(AccountError, match="管理员"):
            set_site_roles(person, ["editor"], actor=person)
        db.session.rollback()
        granted, revoked = set_site_roles(person, ["site_admin"], actor=person)  # keeping it is fine
        assert (granted, revoked) == (set(), {"editor"})
        db.session.rollback()


def test_nobody_resets_their_own_password_but_the_shell_may(app, create_account):
    account = create_account("chen.admin", platform_role="platform_admin")
    with app.app_context():
        person = db.session.get(User, account.id)
        with pytest.raises(AccountError):
            reset_password(person, actor=person)
        db.session.rollback()
        assert reset_password(person, by="cli")  # no actor: an operator at the shell
        db.session.rollback()


def test_a_section_cannot_go_under_its_own_sub_section_nor_link_to_script(app, two_sites):
    rsj = two_sites[0]
    with app.app_context(), activate_tenant(rsj.id):
        talent = add_section(name_zh="人才工作", name_en="Talent", slug="talent")
        exams = add_section(name_zh="考试录用", name_en="Exams", slug="exams", parent_id=talent.id)
        link = add_section(name_zh="链接", name_en="Link", slug="link", kind="external_link",
                           external_url="https://www.gov.cn/")
        db.session.commit()
        for section, changes, field in ((talent, {"parent_id": exams.id}, "parent_id"),
                                        (talent, {"parent_id": talent.id}, "parent_id"),
                                        (link, {"external_url": "javascript:alert(1)"}, "external_url"),
                                        (link, {"external_url": ""}, "external_url")):
            with pytest.raises(SectionError) as caught:
                update_section(section, name_zh=section.name_zh, name_en=section.name_en,
                               **{"parent_id": section.parent_id, "external_url": section.external_url, **changes})
            assert field in caught.value.problems
            db.session.rollback()
        stored = db.session.execute(select(Section.slug, Section.parent_id, Section.external_url)
                                    .where(Section.slug.in_(("talent", "link"))).order_by(Section.slug)).all()
        assert [tuple(r) for r in stored] == [("link", None, "https://www.gov.cn/"), ("talent", None, "")]


def test_statements_sent_through_the_session_count_as_writes(app, two_sites):
    from sqlalchemy import insert, text

    from core.audit.models import PlatformAuditEntry
    from tenants.models import PlatformSetting

    @audited
    def insert_quietly() -> None:
        db.session.execute(insert(PlatformSetting).values(key="quiet", value="1"))

    @audited
    def raw_quietly() -> None:
        db.session.execute(text("UPDATE platform_settings SET value = '2' WHERE key = 'quiet'"))

    with app.app_context():
        for operation in (insert_quietly, raw_quietly):
            with pytest.raises(AuditMissing):
                operation()
            db.session.rollback()
        assert db.session.execute(select(PlatformAuditEntry)).first() is None


def test_an_operation_answers_for_its_own_writes_even_when_an_inner_one_records(app, two_sites):
    @audited
    def inner(tenant: Tenant) -> None:
        tenant.phone = "0316-1111111"
        record("site.settings", tenant.slug)

    @audited
    def outer(tenant: Tenant) -> None:
        tenant.address_zh = "新地址"  # its own write, recorded by nobody
        inner(tenant)

    @audited
    def outer_that_records(tenant: Tenant) -> None:
        tenant.address_zh = "新地址"
        inner(tenant)
        record("site.settings", tenant.slug, address_zh=tenant.address_zh)

    with app.app_context():
        tenant = db.session.execute(select(Tenant).where(Tenant.slug == "rsj")).scalar_one()
        with pytest.raises(AuditMissing, match="outer"):
            outer(tenant)
        db.session.rollback()
        outer_that_records(tenant)
        db.session.rollback()


def test_a_route_cannot_be_registered_twice_with_a_looser_rule():
    from flask import Blueprint

    from core.web.routes import route

    bp = Blueprint("probe_twice", __name__)

    def page():
        return "x"

    route(bp, "/admin/probe", permission="site.settings.manage")(page)
    with pytest.raises(ValueError, match="another rule"):
        route(bp, "/probe", permission=None, host="public")(page)
    with pytest.raises(ValueError, match="open route"):
        route(bp, "/probe-open", permission=None, write="site.view", endpoint="open")(page)
