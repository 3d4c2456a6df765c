"""Reading the audit log: a site's own, the platform's, or a named site's from the console."""
from __future__ import annotations

from sqlalchemy import Select, or_, select

from core.audit.describe import group_prefixes
from core.audit.models import AuditEntry, PlatformAuditEntry
from tenants.scoping import crosses_tenants


def _starting(query: Select, model, action: str) -> Select:
    prefixes = group_prefixes(action)
    if prefixes:
        query = query.where(or_(*(model.action.startswith(p, autoescape=True) for p in prefixes)))
    return query.order_by(model.id.desc())


def site_log(action: str = "") -> Select:
    """The active site's entries, newest first, of one kind (`describe.GROUPS`) or whose code starts with `action`."""
    return _starting(select(AuditEntry), AuditEntry, action)


def platform_log(action: str = "") -> Select:
    """The platform's own entries (its console, its sign-ins), newest first."""
    return _starting(select(PlatformAuditEntry), PlatformAuditEntry, action)


@crosses_tenants("the console reads any site's audit log, by the site's id")
def log_of_site(tenant_id: int, action: str = "") -> Select:
    """A named site's entries, read from the platform host where no site is active."""
    query = select(AuditEntry).where(AuditEntry.tenant_id == tenant_id).execution_options(all_tenants=True)
    return _starting(query, AuditEntry, action)


def entries_about(target: str) -> list[AuditEntry]:
    """The active site's entries about one object (e.g. "article:12"), newest first."""
    from core.extensions import db

    return list(db.session.execute(select(AuditEntry).where(AuditEntry.target == target)
                                   .order_by(AuditEntry.id.desc())).scalars())
