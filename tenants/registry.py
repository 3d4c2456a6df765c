"""Hostname -> site, from memory, kept in step with the database by a version.

A worker loads every site and hostname once, then trusts that map for
`TENANT_CACHE_TTL` seconds before re-reading one integer, the registry version;
only when the version moved does it reload. So a warm request costs no query,
and a site created or changed by any process is seen by every worker within
the TTL, without a restart. Changes this process commits are seen at once.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session, selectinload

from core.extensions import db
from core.timeutil import now
from tenants.models import PlatformSetting, RegistryVersion, SiteGroup, Tenant, TenantDomain

REGISTRY_KEY = "sites"
_local_generation = 0  # bumped after this process commits a registry change


@dataclass(frozen=True)
class SiteInfo:
    """What a request needs to know about its site, detached from any session."""

    id: int
    slug: str
    kind: str
    name_zh: str
    name_en: str
    status: str
    is_window_department: bool
    primary_domain: str
    aliases: tuple[str, ...]
    group_key: str | None
    sponsor_zh: str
    sponsor_en: str
    address_zh: str
    address_en: str
    phone: str
    icp_record: str
    psb_record: str
    site_code: str
    accent: str
    banner: str
    logo_filename: str | None
    is_mourning: bool = False

    @property
    def theme(self) -> str:
        return "county" if self.kind == "county" else "default"

    @property
    def is_suspended(self) -> bool:
        return self.status == "suspended"

    @classmethod
    def from_tenant(cls, tenant: Tenant) -> "SiteInfo":
        return cls(
            id=tenant.id, slug=tenant.slug, kind=tenant.kind, name_zh=tenant.name_zh, name_en=tenant.name_en,
            status=tenant.status, is_window_department=tenant.is_window_department,
            primary_domain=tenant.primary_domain or "", aliases=tuple(tenant.aliases),
            group_key=tenant.group.key if tenant.group else None,
            sponsor_zh=tenant.sponsor_zh, sponsor_en=tenant.sponsor_en,
            address_zh=tenant.address_zh, address_en=tenant.address_en, phone=tenant.phone,
            icp_record=tenant.icp_record, psb_record=tenant.psb_record, site_code=tenant.site_code,
            accent=tenant.accent, banner=tenant.banner, logo_filename=tenant.logo_filename,
            is_mourning=tenant.is_mourning,
        )


@dataclass(frozen=True)
class GroupInfo:
    key: str
    name_zh: str
    name_en: str
    sites: tuple[SiteInfo, ...] = field(default=())


@dataclass(frozen=True)
class Snapshot:
    version: int
    by_host: dict[str, tuple[SiteInfo, bool]]
    groups: tuple[GroupInfo, ...]
    sites: tuple[SiteInfo, ...]
    portal_mourning: bool = False
    #: When the registry last changed (None: not since it began keeping the time).
    changed_at: datetime | None = None


class HostRegistry:
    """The per-worker host map."""

    def __init__(self, ttl: float):
        self.ttl = ttl
        self._snapshot: Snapshot | None = None
        self._checked_at = 0.0
        self._seen_generation = -1
        self._lock = threading.Lock()

    def resolve(self, hostname: str) -> tuple[SiteInfo, bool] | None:
        """Return (site, is_primary) for a normalised hostname, or None."""
        return self.snapshot().by_host.get(hostname)

    def sites(self) -> tuple[SiteInfo, ...]:
        return self.snapshot().sites

    def groups(self) -> tuple[GroupInfo, ...]:
        return self.snapshot().groups

    def portal_mourning(self) -> bool:
        return self.snapshot().portal_mourning

    def changed_at(self) -> datetime | None:
        """When any site, domain, group or platform switch last changed, as the map this worker holds knows it."""
        return self.snapshot().changed_at

    def invalidate(self) -> None:
        self._checked_at = 0.0

    def snapshot(self) -> Snapshot:
        fresh = time.monotonic() - self._checked_at < self.ttl and self._seen_generation == _local_generation
        if self._snapshot is not None and fresh:
            return self._snapshot
        with self._lock:
            generation = _local_generation
            version = read_version()
            if self._snapshot is None or self._snapshot.version != version:
                self._snapshot = _load(version)
            self._checked_at = time.monotonic()
            self._seen_generation = generation
            return self._snapshot


def read_version() -> int:
    return db.session.execute(
        select(RegistryVersion.version).where(RegistryVersion.name == REGISTRY_KEY)
    ).scalar_one_or_none() or 0


def _load(version: int) -> Snapshot:
    tenants = db.session.execute(
        select(Tenant).options(selectinload(Tenant.domains), selectinload(Tenant.group)).order_by(Tenant.id)
    ).scalars().all()
    group_rows = db.session.execute(select(SiteGroup).order_by(SiteGroup.position, SiteGroup.id)).scalars().all()
    sites = tuple(SiteInfo.from_tenant(t) for t in tenants)
    by_host: dict[str, tuple[SiteInfo, bool]] = {}
    for tenant, site in zip(tenants, sites):
        for domain in tenant.domains:
            by_host[domain.hostname] = (site, domain.is_primary)
    groups = tuple(
        GroupInfo(g.key, g.name_zh, g.name_en, tuple(s for s in sites if s.group_key == g.key))
        for g in group_rows
    )
    mourning = db.session.get(PlatformSetting, "mourning_portal")
    changed_at = db.session.execute(
        select(RegistryVersion.changed_at).where(RegistryVersion.name == REGISTRY_KEY)).scalar_one_or_none()
    return Snapshot(version=version, by_host=by_host, groups=groups, sites=sites,
                    portal_mourning=bool(mourning and mourning.value == "1"), changed_at=changed_at)


@event.listens_for(Session, "before_flush")
def _bump_version_on_change(session, _ctx, _instances) -> None:
    touched = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(obj, (Tenant, TenantDomain, SiteGroup, PlatformSetting)) for obj in touched):
        session.execute(
            update(RegistryVersion)
            .where(RegistryVersion.name == REGISTRY_KEY)
            .values(version=RegistryVersion.version + 1, changed_at=now())
        )
        session.info["registry_changed"] = True


@event.listens_for(Session, "after_commit")
def _note_local_change(session) -> None:
    global _local_generation
    if session.info.pop("registry_changed", False):
        _local_generation += 1


@event.listens_for(Session, "after_rollback")
def _forget_change(session) -> None:
    session.info.pop("registry_changed", False)
