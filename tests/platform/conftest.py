"""Fixtures for the information bureau's console: a small city, its console users, a look at the database."""
from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from core.audit.models import AuditEntry, PlatformAuditEntry
from core.auth.models import Membership, User, UserSession
from core.content.models import Article
from core.extensions import db
from core.disclosure.models import DisclosureCategory
from tenants.models import PlatformSetting
from core.disclosure.operations import ensure_default_categories
from core.sections.models import MandatorySection, Section
from tenants.models import SiteGroup, Tenant, TenantDomain

PLATFORM = "admin.localhost"


@dataclass
class City:
    rsj: object
    czj: object
    section_id: int  # a mandatory section of the platform's set ("news")
    category_id: int  # the first disclosure category
    editor_id: int  # wang.editor: an editor on rsj and a collector on czj
    admin_id: int  # li.siteadmin: rsj's site administrator


@pytest.fixture
def city(app, two_sites, create_account, create_site):
    rsj, czj, _ = two_sites
    editor = create_account("wang.editor", site=rsj, roles=["editor"])
    create_account("wang.editor.czj", site=czj, roles=["collector"])  # another person, same surname
    with app.app_context():
        from tenants.scoping import activate_tenant

        with activate_tenant(czj.id):
            db.session.add(Membership(user_id=editor.id, role="collector"))
            db.session.commit()
    site_admin = create_account("li.siteadmin", site=rsj, roles=["site_admin"])
    with app.app_context():
        ensure_default_categories()
        db.session.commit()
        section_id = db.session.execute(select(MandatorySection.id).where(MandatorySection.key == "news")).scalar_one()
        category_id = db.session.execute(select(DisclosureCategory.id).order_by(DisclosureCategory.position)).scalars().first()
        db.session.remove()
    return City(rsj, czj, section_id, category_id, editor.id, site_admin.id)


@pytest.fixture
def admin_account(signed_in):
    """(client, account): signed in on the platform host as a platform administrator (two-step login on)."""
    return signed_in(PLATFORM, "chen.admin", platform_role="platform_admin", totp=True)


@pytest.fixture
def admin(admin_account):
    return admin_account[0]


@pytest.fixture
def evaluator(signed_in):
    client, _ = signed_in(PLATFORM, "zhao.evaluator", platform_role="evaluator")
    return client


def platform_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.execute(select(PlatformAuditEntry.action).order_by(PlatformAuditEntry.id)).scalars())


def last_platform_entry(app) -> PlatformAuditEntry:
    with app.app_context():
        entry = db.session.execute(select(PlatformAuditEntry).order_by(PlatformAuditEntry.id.desc())).scalars().first()
        db.session.expunge(entry)
        return entry


def site_actions(app, site_id: int) -> list[str]:
    with app.app_context():
        return list(db.session.execute(select(AuditEntry.action).where(AuditEntry.tenant_id == site_id)
                                       .order_by(AuditEntry.id).execution_options(all_tenants=True)).scalars())


def snapshot(app) -> dict:
    """Everything a console action could change, as plain values (audit of sign-ins left out)."""
    with app.app_context():
        rows = lambda q: [tuple(r) for r in db.session.execute(q.execution_options(all_tenants=True)).all()]  # noqa: E731
        return {
            "tenants": rows(select(Tenant.id, Tenant.slug, Tenant.status, Tenant.suspended_reason, Tenant.is_mourning,
                                   Tenant.name_zh).order_by(Tenant.id)),
            "domains": rows(select(TenantDomain.tenant_id, TenantDomain.hostname, TenantDomain.is_primary)
                            .order_by(TenantDomain.hostname)),
            "groups": rows(select(SiteGroup.key).order_by(SiteGroup.key)),
            "mandatory": rows(select(MandatorySection.key, MandatorySection.name_zh, MandatorySection.name_en,
                                     MandatorySection.kind, MandatorySection.position,
                                     MandatorySection.homepage_priority, MandatorySection.in_nav)
                              .order_by(MandatorySection.key)),
            "sections": rows(select(Section.tenant_id, Section.slug, Section.name_zh, Section.position,
                                    Section.mandatory_key).order_by(Section.tenant_id, Section.slug)),
            "categories": rows(select(DisclosureCategory.id, DisclosureCategory.name_zh, DisclosureCategory.name_en,
                                      DisclosureCategory.position).order_by(DisclosureCategory.id)),
            "users": rows(select(User.id, User.password_hash, User.is_locked, User.locked_until, User.failed_logins,
                                 User.must_change_password).order_by(User.id)),
            "sessions": rows(select(UserSession.id, UserSession.ended_at).order_by(UserSession.id)),
            "articles": rows(select(Article.id, Article.tenant_id, Article.title).order_by(Article.id)),
            "settings": rows(select(PlatformSetting.key, PlatformSetting.value).order_by(PlatformSetting.key)),
            "platform_audit": rows(select(PlatformAuditEntry.action)
                                   .where(PlatformAuditEntry.action.not_like("login.%"))
                                   .order_by(PlatformAuditEntry.id)),
            "site_audit": rows(select(AuditEntry.tenant_id, AuditEntry.action).order_by(AuditEntry.id)),
        }


def _tag(html: str, name: str) -> str | None:
    """The form control with id `name` (as WTForms renders it), else the first one named `name`."""
    for pattern in (rf'<(?:input|select|textarea)\b[^>]*\bid="{re.escape(name)}"[^>]*>',
                    rf'<(?:input|select|textarea)\b[^>]*\bname="{re.escape(name)}"[^>]*>'):
        found = re.search(pattern, html)
        if found:
            return found.group(0)
    return None


def field_value(html: str, name: str) -> str | None:
    """The value a field is shown with: an input's value, or a textarea's text."""
    tag = _tag(html, name)
    if tag is None:
        return None
    if tag.startswith("<textarea"):
        area = re.search(re.escape(tag) + r"\r?\n?(.*?)</textarea>", html, re.S)
        return area.group(1)
    value = re.search(r'\bvalue="([^"]*)"', tag)
    return value.group(1) if value else ""


def is_invalid(html: str, name: str) -> bool:
    """Whether the field is marked invalid for assistive technology (aria-invalid, from admin/_field.html)."""
    tag = _tag(html, name)
    return tag is not None and 'aria-invalid="true"' in tag
