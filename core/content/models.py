"""Articles (信息) and their attachments: the content model the workflow extends."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (Boolean, Date, DateTime, ForeignKey, ForeignKeyConstraint, Index, Integer, String, Text,
                        UniqueConstraint, func)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.web.cache import PublicContent
from core.timeutil import now
from tenants.scoping import TenantScoped

#: The publishing process (采集 → 编辑 → 审核 → 发布) and what follows it.
STATUSES = ("collecting", "editing", "reviewing", "approved", "scheduled", "published", "withdrawn")
POLICY_STATUSES = ("in_force", "repealed")
#: A change to a published item, waiting over its live text (edit → review → approve, then it goes live).
CHANGE_STATUSES = ("editing", "reviewing", "approved")


class Article(TenantScoped, PublicContent, db.Model):
    __tablename__ = "articles"
    shown_on_portal = True  # the portal's city news, and its yearly reports' articles
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        # The section must be one of the same site's: enforced by the database.
        ForeignKeyConstraint(["tenant_id", "section_id"], ["sections.tenant_id", "sections.id"], ondelete="CASCADE"),
        # The public lists: newest published items of one section.
        Index("ix_articles_listing", "tenant_id", "section_id", "status", "published_at"),
        # An index number (索引号) names one item of the site, whatever happens to the others.
        UniqueConstraint("tenant_id", "index_number"),
        # The disclosure catalogue: a site's filed items of one category.
        Index("ix_articles_filing", "tenant_id", "disclosure_category_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(200), default="")
    author: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(16), default="collecting")
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: When a scheduled item goes out, and when a published one comes down by itself.
    publish_at: Mapped[datetime | None] = mapped_column(DateTime)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: Published past review on a publisher's written reason; flagged until a reviewer approves.
    needs_post_review: Mapped[bool] = mapped_column(Boolean, default=False)
    force_reason: Mapped[str] = mapped_column(Text, default="")
    #: Why the publication date is earlier than the day the item was written (a document issued before it was
    #: entered, an old page moved over): asked for when the back-dating goes beyond the allowed margin
    #: (core.content.backdating, the bureau's). A back-dated item without one counts as a forged date in the evaluation.
    backdate_reason: Mapped[str] = mapped_column(String(300), default="")
    share_to_portal: Mapped[bool] = mapped_column(Boolean, default=False)
    #: A pending change over the published text: its state (None: none), the revision holding its text,
    #: and the revision holding the published text when it began. The public never sees it: it lives in
    #: revisions until it is published, when these fields take its text.
    change_status: Mapped[str | None] = mapped_column(String(16))
    pending_revision: Mapped[int | None] = mapped_column(Integer)
    change_base_revision: Mapped[int | None] = mapped_column(Integer)
    #: When a change last went live (the publication date stays the first one).
    revised_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: Bumped by every save: a second editor's stale save is caught, not lost.
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Policy fields, used in policy sections (政策法规).
    policy_level: Mapped[str | None] = mapped_column(String(16))
    document_number: Mapped[str] = mapped_column(String(100), default="")
    issuing_body: Mapped[str] = mapped_column(String(200), default="")
    issued_on: Mapped[date | None] = mapped_column(Date)
    effective_on: Mapped[date | None] = mapped_column(Date)
    policy_status: Mapped[str | None] = mapped_column(String(16))
    # Filing in the disclosure catalogue (政务公开): the platform's category and subject lists are the
    # disclosure module's (core.disclosure), which also says where filing is required (core.content.filing).
    disclosure_category_id: Mapped[int | None] = mapped_column(ForeignKey("disclosure_categories.id"))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("disclosure_subjects.id"))
    #: The index number (索引号) given at first publication of a filed item: never changed, never reused.
    index_number: Mapped[str | None] = mapped_column(String(40))
    #: The year in the index number: the year the item first went public. The catalogue's year filter and the
    #: yearly report count a filed item in it, so an item withdrawn and published again stays in its first year.
    index_year: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now, onupdate=now)

    __mapper_args__ = {"version_id_col": version}

    @hybrid_property
    def public_at(self) -> datetime | None:
        """When the public sees it as published: its publication time, or a scheduled item's time to go out."""
        return self.published_at or self.publish_at

    @public_at.inplace.expression
    @classmethod
    def _public_at_expression(cls):
        return func.coalesce(cls.published_at, cls.publish_at)

    attachments: Mapped[list["Attachment"]] = relationship(
        primaryjoin="and_(Attachment.article_id == Article.id, Attachment.tenant_id == Article.tenant_id)",
        foreign_keys="[Attachment.article_id]",
        order_by="Attachment.id",
        cascade="all, delete-orphan",
        back_populates="article",
    )


class Attachment(TenantScoped, PublicContent, db.Model):
    """A file published with an article; stored under the site's upload folder."""

    __tablename__ = "attachments"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "article_id"], ["articles.tenant_id", "articles.id"], ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(Integer, index=True)
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(100))
    content_type: Mapped[str] = mapped_column(String(150))
    size: Mapped[int] = mapped_column(Integer)
    alt_text: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)

    article: Mapped[Article] = relationship(
        primaryjoin="and_(Attachment.article_id == Article.id, Attachment.tenant_id == Article.tenant_id)",
        foreign_keys="[Attachment.article_id]",
        back_populates="attachments",
    )


class ArticleRevision(TenantScoped, db.Model):
    """What an article said after one save; any revision can be compared or restored."""

    __tablename__ = "article_revisions"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "article_id"], ["articles.tenant_id", "articles.id"], ondelete="CASCADE"),
        UniqueConstraint("tenant_id", "article_id", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(Integer, index=True)
    number: Mapped[int] = mapped_column(Integer)
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    saved_by_name: Mapped[str] = mapped_column(String(100), default="")
    saved_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    note: Mapped[str] = mapped_column(String(300), default="")
    #: The editable fields and the attachment list as JSON, so a revision restores exactly what was saved.
    data: Mapped[str] = mapped_column(Text)
