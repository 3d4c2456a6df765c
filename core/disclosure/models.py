"""Government information disclosure (政务公开): the platform's lists, index number counters, policy interpretations.

The categories and subjects are platform data (the bureau's lists); an article is filed under them by its own
columns (core.content.models.Article: disclosure_category_id, subject_id, index_number).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKeyConstraint, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.timeutil import now
from core.web.cache import PublicContent
from tenants.scoping import TenantScoped

#: How an interpretation explains a policy (政策解读): in words, as a graphic (图解), or in a video.
INTERPRETATION_KINDS = ("text", "graphic", "video")


class DisclosureCategory(PublicContent, db.Model):
    """One of the categories of government information every site must publish (政务公开)."""

    __tablename__ = "disclosure_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(150))
    description: Mapped[str] = mapped_column(Text, default="")


class DisclosureSubject(PublicContent, db.Model):
    """One subject of the classification (主题分类) the catalogue is browsed by: platform data the bureau edits."""

    __tablename__ = "disclosure_subjects"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(150))


class IndexCounter(TenantScoped, db.Model):
    """The last serial a site gave in a year's index numbers: only ever incremented, so none is given twice."""

    __tablename__ = "disclosure_index_counters"
    __table_args__ = (UniqueConstraint("tenant_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    last_serial: Mapped[int] = mapped_column(Integer, default=0)


class PolicyInterpretation(TenantScoped, PublicContent, db.Model):
    """An item that interprets a policy (政策解读), linked to it: both public pages show the link."""

    __tablename__ = "policy_interpretations"
    __table_args__ = (
        UniqueConstraint("tenant_id", "policy_id", "interpretation_id"),
        ForeignKeyConstraint(["tenant_id", "policy_id"], ["articles.tenant_id", "articles.id"], ondelete="CASCADE"),
        ForeignKeyConstraint(["tenant_id", "interpretation_id"], ["articles.tenant_id", "articles.id"],
                             ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(Integer, index=True)
    interpretation_id: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(16), default="text")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
