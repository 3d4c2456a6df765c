"""Sections (栏目): the platform's mandatory set and each site's own sections."""
from __future__ import annotations

from sqlalchemy import Boolean, ForeignKeyConstraint, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.web.cache import PublicContent
from tenants.scoping import TenantScoped

#: What a section holds, which decides how its page is drawn.
KINDS = (
    "article_list",
    "policy_list",
    "disclosure",
    "service_items",
    "forms",
    "online_services",
    "interaction",
    "single_page",
    "external_link",
)
#: Policies and regulations are filed by the level that issued them.
POLICY_LEVELS = ("national", "provincial", "municipal", "departmental")
#: How often a section must have something new (the national inspection index, 国办秘函〔2019〕19号, reads a
#: section by what it holds): news-like (动态、要闻: within 14 days), notices and policy documents (通知公告、政策文件:
#: within 6 months), as needed (updated when there is something, but not left for years), never (a fixed page).
#: The evaluation (core.evaluation) counts a section overdue or long stale by its class.
UPDATE_CLASSES = ("news", "notices", "as_needed", "never")
#: A section's class when nobody chose one.
DEFAULT_UPDATE_CLASS = "as_needed"


class MandatorySection(PublicContent, db.Model):
    """One section of the set the platform requires on every site (统一栏目)."""

    __tablename__ = "mandatory_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(Integer, default=0)
    homepage_priority: Mapped[int | None] = mapped_column(Integer)
    in_nav: Mapped[bool] = mapped_column(Boolean, default=True)
    #: How often every site's copy must be updated (UPDATE_CLASSES); copied into the sites with the rest.
    update_class: Mapped[str] = mapped_column(String(16), default=DEFAULT_UPDATE_CLASS)


class Section(TenantScoped, PublicContent, db.Model):
    """A section of one site: a copy of a mandatory one, or the site's own (专业栏目)."""

    __tablename__ = "sections"
    shown_on_portal = True  # the portal's city news is a site's news section's
    __table_args__ = (
        UniqueConstraint("tenant_id", "slug"),
        UniqueConstraint("tenant_id", "id"),
        UniqueConstraint("tenant_id", "mandatory_key"),
        # A parent must belong to the same site: the database says so, not a view.
        ForeignKeyConstraint(["tenant_id", "parent_id"], ["sections.tenant_id", "sections.id"], ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(Integer, index=True)
    slug: Mapped[str] = mapped_column(String(40))
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20), default="article_list")
    #: The platform's key when this section is a mandatory one; NULL for the site's own.
    mandatory_key: Mapped[str | None] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer, default=0)
    homepage_priority: Mapped[int | None] = mapped_column(Integer)
    in_nav: Mapped[bool] = mapped_column(Boolean, default=True)
    page_html: Mapped[str] = mapped_column(Text, default="")
    external_url: Mapped[str] = mapped_column(String(500), default="")
    #: How often it must be updated (UPDATE_CLASSES): the platform's for a mandatory section, the site's otherwise.
    update_class: Mapped[str] = mapped_column(String(16), default=DEFAULT_UPDATE_CLASS)
    #: Why the section has nothing in it, when that is right (e.g. "no administrative penalties this year"): the
    #: site administrator's note exempts it from the evaluation's count of empty sections (虚设栏目).
    empty_note: Mapped[str] = mapped_column(String(300), default="")

    @property
    def is_mandatory(self) -> bool:
        return self.mandatory_key is not None

    def __repr__(self) -> str:
        return f"<Section {self.tenant_id}:{self.slug}>"
