"""Public consultations (意见征集): a draft put to the public for a window of days, its opinions and its summary.

A department publishes a draft (a policy, a plan, measures) with an open and a
close date; while the window is open anyone may send an opinion; once it has
closed, the department decides on each opinion (adopted, partly adopted, not
adopted, or set aside as not an opinion on the draft) and publishes a feedback
summary (征求意见采纳情况反馈). The public page shows the whole cycle. The
national inspection scores both the solicitation and the publication of its
result.

The window is in whole days of the city's calendar (China time): open from the
first moment of `open_on` through the last moment of `close_on`, both included.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, ForeignKeyConstraint, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.privacy.crypto import EncryptedText
from core.timeutil import now
from core.web.cache import PublicContent
from tenants.scoping import TenantScoped

#: A consultation's own state; whether it is open or closed follows from its dates and the clock (`phase`).
CONSULTATION_STATES = ("draft", "published", "withdrawn")
#: What the department decided about an opinion; "set_aside" is not an opinion on the draft (abuse, spam,
#: off the subject) and is not counted in the summary.
DECISIONS = ("adopted", "partly_adopted", "not_adopted", "set_aside")
#: The decisions the summary counts (the opinions on the draft).
COUNTED_DECISIONS = ("adopted", "partly_adopted", "not_adopted")


class Consultation(TenantScoped, PublicContent, db.Model):
    """One draft put to the public (征求意见稿), with its window and, once closed, its feedback summary."""

    __tablename__ = "consultations"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        Index("ix_consultations_listing", "tenant_id", "status", "close_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    #: The draft's text, cleaned rich text (core.content.sanitize.clean_body); may be empty when a document is given.
    body_html: Mapped[str] = mapped_column(Text, default="")
    #: The draft as a document (pdf, doc, docx, wps, ofd), stored by core.content.files.write_upload.
    document_filename: Mapped[str | None] = mapped_column(String(255))
    document_stored_name: Mapped[str | None] = mapped_column(String(100))
    document_content_type: Mapped[str | None] = mapped_column(String(150))
    document_size: Mapped[int | None] = mapped_column(Integer)
    #: The office that drafted it and receives the opinions (起草单位 / 征集单位).
    office: Mapped[str] = mapped_column(String(200), default="")
    #: The window, in the city's calendar: open from the start of open_on through the end of close_on.
    open_on: Mapped[date] = mapped_column(Date)
    close_on: Mapped[date] = mapped_column(Date)
    #: How else to take part (post, e-mail, telephone of the office): shown with the form.
    how_to: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="draft")
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: The feedback summary (采纳情况说明): which opinions were adopted and why, which not and why.
    summary_text: Mapped[str] = mapped_column(Text, default="")
    summary_published_at: Mapped[datetime | None] = mapped_column(DateTime)
    summary_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now, onupdate=now)


class Opinion(TenantScoped, PublicContent, db.Model):
    """One opinion a member of the public sent on a draft; the name and mobile are personal data, encrypted.

    Public pages read only how many there are (PublicContent: a new one makes cached pages stale).
    """

    __tablename__ = "consultation_opinions"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "consultation_id"], ["consultations.tenant_id", "consultations.id"],
                             ondelete="CASCADE"),
        Index("ix_consultation_opinions_listing", "tenant_id", "consultation_id", "decision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(Integer)
    #: Which part of the draft it is about (e.g. 第五条), as the sender put it; "" for the whole draft.
    part: Mapped[str] = mapped_column(String(100), default="")
    body: Mapped[str] = mapped_column(Text, info={"personal": "the sender's own words"})
    #: Optional, for a follow-up: shown in full only to the site's interaction officers, never publicly.
    name: Mapped[str | None] = mapped_column(EncryptedText)
    phone: Mapped[str | None] = mapped_column(EncryptedText)
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    decision: Mapped[str | None] = mapped_column(String(16))
    #: Why adopted or not (what changed in the draft, or why it stays): the department's record.
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
