"""Who may do what: one table from roles to permissions, one `can()` used everywhere.

Every admin and console route declares the permission it needs where it is
registered (`core.web.route`); the guard (`core.auth.guard`) checks it before the view runs.
Read permissions end in `.view`; the evaluator role holds only those.
"""
from __future__ import annotations

from sqlalchemy import select

from core.auth.models import Membership, User
from core.extensions import db
from tenants.scoping import active_tenant_id

SITE_PERMISSIONS = {
    # content.work: may post to the publishing pages at all; the step itself is
    # checked against the workflow table by core.publishing.operations.
    "collector": {"admin.enter", "content.work", "content.collect"},
    # consultations.view: the public consultations' admin pages (意见征集); editors draft them (content.edit),
    # publishers publish and withdraw them (content.publish), interaction officers read and decide the
    # opinions and publish the feedback summary (interaction.handle).
    # visits.view: the site's visit statistics; those who write and publish see what is read (core.evaluation).
    "editor": {"admin.enter", "content.work", "content.edit", "consultations.view", "visits.view"},
    "reviewer": {"admin.enter", "content.work", "content.review", "consultations.view", "visits.view"},
    "publisher": {"admin.enter", "content.work", "content.publish", "consultations.view", "visits.view"},
    "service_officer": {"admin.enter", "services.handle", "services.stats.view"},
    "interaction_officer": {"admin.enter", "interaction.view", "interaction.handle", "consultations.view"},
    # disclosure.handle: applications for disclosure (依申请公开): the queue, each application, its steps.
    "disclosure_officer": {"admin.enter", "disclosure.handle"},
    # site.security.manage: accept a security finding of the site with a reason (core.security).
    "site_admin": {"admin.enter", "site.view", "site.audit.view", "site.users.manage", "site.sections.manage",
                   "site.settings.manage", "site.duties.manage", "site.security.manage", "services.stats.view",
                   "interaction.view", "consultations.view", "visits.view"},
}
ALL_SITE_PERMISSIONS = frozenset().union(*SITE_PERMISSIONS.values())
PLATFORM_PERMISSIONS = frozenset({"platform.view", "platform.manage"})
#: The evaluator reads every site and the console, and changes nothing.
EVALUATOR_PERMISSIONS = frozenset({"admin.enter", "site.view", "site.audit.view", "services.stats.view",
                                   "interaction.view", "consultations.view", "visits.view", "platform.view"})


def site_roles(user: User) -> set[str]:
    """The user's roles on the active site (the membership query is tenant-scoped)."""
    if active_tenant_id() is None:
        return set()
    return set(db.session.execute(select(Membership.role).where(Membership.user_id == user.id)).scalars())


def permissions(user: User) -> frozenset[str]:
    """Everything the user may do here: on the active site, or on the platform host."""
    if user.platform_role == "platform_admin":
        return ALL_SITE_PERMISSIONS | PLATFORM_PERMISSIONS
    granted = set(EVALUATOR_PERMISSIONS) if user.platform_role == "evaluator" else set()
    for role in site_roles(user):
        granted |= SITE_PERMISSIONS.get(role, set())
    return frozenset(granted)


def can(user: User | None, permission: str) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if permission == "account.own":
        return True
    return permission in permissions(user)
