"""Interaction (互动交流): the public's letters to a department's mailboxes, their handling and publication.

A site has one mailbox of each kind (咨询, 监督投诉, 举报, 建议, 局长信箱);
a `Mailbox` row exists only once the site's administrator changed something
about it (switched it off, wrote its rules, shortened its reply limit), so a
new site has them all, open, with the platform's rules and limit.

A `Letter` is what a citizen wrote, with their personal data encrypted at rest
(name, mobile, e-mail; the mobile is found by its keyed hash). It carries every
moment the statistics and the evaluation need: when it came, when it was
answered, how many working days it waited on the writer, when it was due.
What the public reads of a replied letter is a `PublishedLetter`: a masked
copy an officer confirmed, the only table the public pages of letters read.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.privacy.crypto import EncryptedText
from core.timeutil import now
from core.web.cache import PublicContent
from tenants.scoping import TenantScoped

#: 咨询 / 监督投诉 / 举报 / 建议 / 局长信箱, in the order the public sees them.
MAILBOX_KINDS = ("consultation", "supervision", "report", "suggestion", "director")
#: Kinds of letter the public never reads, whatever a row says: a report (举报) names people and is handled in
#: confidence; the guideline never publishes one (core.interaction.letters refuses to; public reads leave it out).
NEVER_PUBLISHED_KINDS = ("report",)
#: A letter's life (core.interaction.letters draws the transitions).
LETTER_STATES = ("held", "new", "assigned", "reviewing", "info_requested", "replied", "not_accepted", "forwarded")
#: Why a letter is not accepted (不予受理).
NOT_ACCEPTED_REASONS = ("duplicate", "out_of_scope", "abusive", "other")
#: Why a letter was held for an officer to look at before it enters the queue.
HOLD_REASONS = ("repeated", "links")
#: The writer's rating of the reply: 满意 / 基本满意 / 不满意.
RATINGS = ("satisfied", "basically_satisfied", "dissatisfied")


class Mailbox(TenantScoped, PublicContent, db.Model):
    """A site's mailbox of one kind, as its administrator set it (no row: open, the platform's rules and limit)."""

    __tablename__ = "interaction_mailboxes"
    __table_args__ = (UniqueConstraint("tenant_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    #: What the writer reads before writing (the site's own words; "" shows the platform's default rules).
    rules: Mapped[str] = mapped_column(Text, default="")
    #: The site's reply limit in working days, when shorter than the platform's (None: the platform's).
    reply_days: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now, onupdate=now)


class LetterOptions(TenantScoped, db.Model):
    """A site's options for handling letters (one row per site, made when first changed)."""

    __tablename__ = "interaction_options"
    __table_args__ = (UniqueConstraint("tenant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: A reply waits for a second officer's approval before the writer reads it.
    review_replies: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now, onupdate=now)


class Letter(TenantScoped, db.Model):
    """One letter to a mailbox of the site; personal data encrypted at rest."""

    __tablename__ = "interaction_letters"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        UniqueConstraint("tenant_id", "query_code"),
        UniqueConstraint("tenant_id", "submission_key"),
        Index("ix_interaction_letters_queue", "tenant_id", "status", "due_on"),
        Index("ix_interaction_letters_repeat", "tenant_id", "phone_hash", "text_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    #: The code the writer queries with: random, not sequential (core.interaction.letters.new_query_code).
    #: A forwarded copy keeps it where the receiving site does not have it yet.
    query_code: Mapped[str] = mapped_column(String(20))
    #: The writer's own words: kept in clear (officers search and read them), personal all the same.
    subject: Mapped[str] = mapped_column(String(200), info={"personal": "the writer's own words"})
    body: Mapped[str] = mapped_column(Text, info={"personal": "the writer's own words"})
    writer_name: Mapped[str] = mapped_column(EncryptedText)
    phone: Mapped[str] = mapped_column(EncryptedText)
    #: HMAC of the mobile (lookup_hash, purpose "letter.phone"): the query and the repeat check match it.
    phone_hash: Mapped[str] = mapped_column(String(64), info={"personal": "finds the writer by the phone"})
    email: Mapped[str | None] = mapped_column(EncryptedText)
    #: HMAC of the normalised subject and body: the same letter sent again is found without reading letters.
    text_hash: Mapped[str] = mapped_column(String(64), info={"personal": "tells whether a text is this letter's"})
    #: The writer agrees that the letter and its reply may be published (masked).
    may_publish: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="new")
    hold_reason: Mapped[str | None] = mapped_column(String(16))
    #: The officer the letter is assigned to (承办人); the drafter of a reply under review.
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The reply: drafted (under review) or sent (replied_at set).
    reply: Mapped[str] = mapped_column(Text, default="")
    reply_office: Mapped[str] = mapped_column(String(200), default="")
    replied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: What the second officer asked to change when sending a draft back.
    review_note: Mapped[str] = mapped_column(Text, default="")
    #: What the officer asked the writer to add (补充材料), while the clock stands still.
    info_request: Mapped[str] = mapped_column(Text, default="")
    not_accepted_reason: Mapped[str | None] = mapped_column(String(16))
    not_accepted_note: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    #: The reply limit this letter was given, in working days, and its last day (moved on by paused days).
    reply_days: Mapped[int] = mapped_column(Integer, default=5)
    due_on: Mapped[date] = mapped_column(Date)
    #: Working days spent waiting for the writer's additional information, in total; since when it waits now.
    paused_days: Mapped[int] = mapped_column(Integer, default=0)
    paused_since: Mapped[datetime | None] = mapped_column(DateTime)
    replied_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: Forwarded to another department's site: where, and the copy's id there (a read-only trace here).
    forwarded_to_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id", ondelete="SET NULL"))
    forwarded_letter_id: Mapped[int | None] = mapped_column(Integer)
    #: Came forwarded from another site: from where, the original's id and when the citizen first wrote.
    forwarded_from_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id", ondelete="SET NULL"))
    forwarded_from_letter_id: Mapped[int | None] = mapped_column(Integer)
    first_received_at: Mapped[datetime | None] = mapped_column(DateTime)
    rating: Mapped[str | None] = mapped_column(String(24))
    rated_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: The optional attachment, kept in the site's letters/ folder and served only to its officers.
    attachment_name: Mapped[str | None] = mapped_column(String(255), info={"personal": "the name the writer gave it"})
    attachment_stored: Mapped[str | None] = mapped_column(String(100))
    attachment_type: Mapped[str | None] = mapped_column(String(150))
    attachment_size: Mapped[int | None] = mapped_column(Integer)
    #: The random key of the form page that sent it: the same form posted twice files one letter.
    submission_key: Mapped[str | None] = mapped_column(String(64))
    #: Counts the steps taken: a step moves the stored letter only from the version its request read
    #: (core.interaction.letters._claim), so two steps at once make one.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now, onupdate=now)


class LetterEvent(TenantScoped, db.Model):
    """One step in a letter's history; `public` steps (and their notes) are what the writer reads."""

    __tablename__ = "interaction_letter_events"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "letter_id"], ["interaction_letters.tenant_id", "interaction_letters.id"],
                             ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(Integer, index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=now)
    action: Mapped[str] = mapped_column(String(20))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Who acted, in words, where the actor is no account of this site (a forwarded letter's earlier steps).
    actor_text: Mapped[str] = mapped_column(String(200), default="")
    #: The officer's words to the writer, or the writer's own (what they added when asked: "add_info").
    note: Mapped[str] = mapped_column(Text, default="", info={"personal": "the writer's own words, at add_info"})
    #: A note for the officers only, never shown to the writer, even on a public step (the forwarding note
    #: for the receiving department).
    staff_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    public: Mapped[bool] = mapped_column(Boolean, default=False)


class PublishedLetter(TenantScoped, PublicContent, db.Model):
    """A replied letter as the public reads it (来信选登): masked, confirmed by an officer; no personal data."""

    __tablename__ = "interaction_published_letters"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "letter_id"], ["interaction_letters.tenant_id", "interaction_letters.id"],
                             ondelete="CASCADE"),
        UniqueConstraint("tenant_id", "letter_id"),
        Index("ix_interaction_published_listing", "tenant_id", "replied_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    reply: Mapped[str] = mapped_column(Text)
    reply_office: Mapped[str] = mapped_column(String(200), default="")
    received_on: Mapped[date] = mapped_column(Date)
    replied_on: Mapped[date] = mapped_column(Date)
    published_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
