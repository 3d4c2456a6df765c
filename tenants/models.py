"""The registry of sites: platform data, never tenant-scoped itself."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.timeutil import now

KINDS = ("department", "county")
STATUSES = ("active", "suspended")
#: The accent colours a site may choose: each passes WCAG AA (4.5:1) for
#: white text on the colour and for the colour as text on white.
PALETTE = {
    "red": "#a61b1b",
    "blue": "#1d4f91",
    "green": "#1f6b3a",
    "teal": "#0f6466",
    "indigo": "#3b3f8f",
    "brown": "#7a4a12",
}
BANNERS = ("skyline", "river", "plain")


class SiteGroup(db.Model):
    """A heading on the city portal under which sites are listed."""

    __tablename__ = "site_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)


class Tenant(db.Model):
    """One department website or county portal."""

    __tablename__ = "tenants"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="department")
    group_id: Mapped[int | None] = mapped_column(ForeignKey("site_groups.id", ondelete="SET NULL"), index=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="active")
    is_window_department: Mapped[bool] = mapped_column(Boolean, default=False)
    # The legal footer every government site must carry.
    sponsor_zh: Mapped[str] = mapped_column(String(200), default="")
    sponsor_en: Mapped[str] = mapped_column(String(200), default="")
    address_zh: Mapped[str] = mapped_column(String(300), default="")
    address_en: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    icp_record: Mapped[str] = mapped_column(String(100), default="")
    psb_record: Mapped[str] = mapped_column(String(100), default="")
    site_code: Mapped[str] = mapped_column(String(20), default="")
    #: The department's unified social credit code (统一社会信用代码, GB 32100, 18 characters): the first part of
    #: every index number (索引号) the site gives its disclosure items.
    organisation_code: Mapped[str] = mapped_column(String(18), default="")
    # Theme options: choices inside the unified layout, never the layout.
    accent: Mapped[str] = mapped_column(String(16), default="red")
    banner: Mapped[str] = mapped_column(String(16), default="skyline")
    logo_filename: Mapped[str | None] = mapped_column(String(200))
    suspended_reason: Mapped[str] = mapped_column(Text, default="")
    #: Separation of duties: nobody reviews an item they wrote or edited (on by default).
    review_own_forbidden: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Grey the whole site (全站灰色) on days of national mourning.
    is_mourning: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now, onupdate=now)

    group: Mapped[SiteGroup | None] = relationship()
    domains: Mapped[list["TenantDomain"]] = relationship(
        back_populates="tenant", cascade="all, delete-orphan", order_by="(TenantDomain.is_primary.desc(), TenantDomain.hostname)"
    )

    @property
    def primary_domain(self) -> str | None:
        return next((d.hostname for d in self.domains if d.is_primary), None)

    @property
    def aliases(self) -> list[str]:
        return [d.hostname for d in self.domains if not d.is_primary]

    def __repr__(self) -> str:
        return f"<Tenant {self.slug}>"


class TenantDomain(db.Model):
    """A hostname that serves a site: exactly one primary, any number of aliases."""

    __tablename__ = "tenant_domains"

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    hostname: Mapped[str] = mapped_column(String(253), unique=True)
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)

    tenant: Mapped[Tenant] = relationship(back_populates="domains")


class RegistryVersion(db.Model):
    """A counter bumped in the same transaction as any change to sites or domains.

    Every worker keeps the host map in memory and re-reads it only when this
    number moves, so a new or changed site is seen without a restart.
    """

    __tablename__ = "registry_versions"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    #: When the counter last moved (the city's clock; None: never since this column came). What lists across the
    #: registry's sites give as their last change when a site is suspended, resumed, renamed or deleted: no row
    #: of theirs changed, but the list did (the open-data API's Last-Modified, core.api.views).
    changed_at: Mapped[datetime | None] = mapped_column(DateTime)


class SiteContentVersion(db.Model):
    """One site's content version: bumped in the same transaction as a change to what the site's public pages show
    (core.web.cache), so that workers drop that site's kept pages, not every site's."""

    __tablename__ = "site_content_versions"
    __table_args__ = {"info": {"not_moved": "a cache's bookkeeping: an imported site starts from its first change"}}

    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


class PlatformSetting(db.Model):
    """A platform-wide switch, e.g. the portal's mourning mode. A change moves the registry version."""

    __tablename__ = "platform_settings"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200), default="")
