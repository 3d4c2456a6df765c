"""Per-site work in a job: one site at a time, each in its own transaction."""
from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from core.extensions import db
from tenants.models import Tenant
from tenants.scoping import activate_tenant, crosses_tenants

log = logging.getLogger("govsites.jobs")
#: Longest summary kept for a run (jobs.summary drops the rarest per-site results beyond it).
SUMMARY_LIMIT = 2000
#: Sites with the same result are named up to this many; beyond it they are counted.
GROUP_NAMED = 3


@dataclass
class SiteLoopResult:
    """What `for_each_site` did: each site's return value, or its error (a run stores it with jobs.summary)."""

    #: slug -> what fn returned for that site (None included), in the order the sites ran.
    done: dict[str, Any] = field(default_factory=dict)
    #: slug -> the traceback of the site's failure.
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def outcome(self) -> str:
        """success; partial when some sites failed; failure when every site failed."""
        if not self.failed:
            return "success"
        return "partial" if self.done else "failure"

    @property
    def error(self) -> str:
        return "\n".join(f"[{slug}]\n{text}" for slug, text in self.failed.items())


@crosses_tenants("a job does its work site by site, each in its own transaction")
def for_each_site(fn: Callable[[Tenant], Any], *, include_suspended: bool = False) -> SiteLoopResult:
    """Run ``fn(site)`` for every site, by slug, each as that site and in its own transaction.

    A site's work is committed when fn returns and rolled back when it
    raises; the failure is logged and kept with the site's slug, and the loop
    goes on with the next site. A site deleted meanwhile (before its turn, or
    during its work) is left out: neither done nor failed. What the job did before the call is committed
    first, so that it is not the first site's to keep or lose.
    """
    db.session.commit()
    query = select(Tenant.id, Tenant.slug).order_by(Tenant.slug)
    if not include_suspended:
        query = query.where(Tenant.status != "suspended")
    sites = db.session.execute(query).all()
    result = SiteLoopResult()
    for tenant_id, slug in sites:
        try:
            with activate_tenant(tenant_id):
                tenant = db.session.get(Tenant, tenant_id)
                if tenant is None:  # deleted since the list was read
                    db.session.rollback()
                    continue
                value = fn(tenant)
                db.session.commit()
        except Exception:
            db.session.rollback()
            if _deleted(tenant_id):
                # Deleted while its work ran (the bureau, on the console): nothing of it is left to do, and no
                # failure to report.
                log.info("site %s was deleted during the job: its work is dropped", slug)
                continue
            result.failed[slug] = traceback.format_exc()
            log.exception("site %s failed", slug)
        else:
            result.done[slug] = value
    return result


def _deleted(tenant_id: int) -> bool:
    try:
        return db.session.execute(select(Tenant.id).where(Tenant.id == tenant_id)).first() is None
    except Exception:
        db.session.rollback()
        return False
