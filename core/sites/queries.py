"""Reading the registry of sites for the console: search, the catalog's missing sites, the portal's mourning."""
from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from core.extensions import db
from tenants.catalog import load_catalog
from tenants.models import SiteGroup, Tenant
from tenants.provisioning import get_setting

PORTAL_MOURNING_KEY = "mourning_portal"


def _contains(text: str) -> str:
    """A LIKE pattern for "contains `text`", with the wildcards in `text` taken literally (escape '\\')."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def find_sites(q: str = "", status: str = "") -> list[Tenant]:
    """Every site (suspended ones too), by slug, narrowed by a name or slug fragment and a status."""
    query = select(Tenant).options(selectinload(Tenant.domains), selectinload(Tenant.group)).order_by(Tenant.slug)
    q = q.strip()
    if q:
        lower, exact = _contains(q.lower()), _contains(q)
        query = query.where(or_(func.lower(Tenant.slug).like(lower, escape="\\"),
                                Tenant.name_zh.like(exact, escape="\\"),
                                func.lower(Tenant.name_en).like(lower, escape="\\")))
    if status:
        query = query.where(Tenant.status == status)
    return list(db.session.execute(query).scalars())


def catalog_entries_missing() -> list[dict]:
    """The city catalog's sites that do not exist yet, in catalog order."""
    existing = set(db.session.execute(select(Tenant.slug)).scalars())
    return [entry for entry in load_catalog()["sites"] if entry["slug"] not in existing]


def site_groups() -> list[SiteGroup]:
    return list(db.session.execute(select(SiteGroup).order_by(SiteGroup.position, SiteGroup.id)).scalars())


def all_sites() -> list[Tenant]:
    return list(db.session.execute(select(Tenant).order_by(Tenant.slug)).scalars())


def portal_in_mourning() -> bool:
    return get_setting(PORTAL_MOURNING_KEY) == "1"
