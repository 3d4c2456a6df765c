"""Disclosure on application (依申请公开): what a citizen or an organisation asks of a department, and its reply.

The rules are the Regulations on the Disclosure of Government Information
(《中华人民共和国政府信息公开条例》, 2019 revision), Articles 27-45: anyone may
apply, in writing or online, saying who they are, how to reach them, the
information they want and the form they want it in (Art. 29); an unclear
application is sent back once for clarification, and the time limit counts
from the day the clarified application arrives (Art. 30); an online
application is received on the day both sides confirm it (Art. 31(3), the
officer's registration here); the department replies within 20 working days,
extended once by at most 20 with the applicant told why (Art. 33), with one of
the reply types of Art. 36.

An application's personal data (names, ID numbers, phones, addresses, and the
request itself, which may speak of the applicant's own affairs) is encrypted
at rest and found by the phone's keyed hash.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, ForeignKeyConstraint, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.privacy.crypto import EncryptedText
from core.timeutil import now
from tenants.scoping import TenantScoped

#: Who applies: a natural person (公民) or a legal person or other organisation (法人或者其他组织).
APPLICANT_KINDS = ("person", "organisation")
#: The kinds of organisation the yearly report counts apart (the national template's table 3 columns).
ORGANISATION_TYPES = ("business", "research", "public_interest", "legal_service", "other")
#: The form the information is wanted in (载体形式) and how it reaches the applicant (获取方式).
FORMS = ("paper", "electronic")
DELIVERIES = ("in_person", "post", "email", "online")
#: An application's life: 待登记 → 办理中 ⇄ 待补正 → 已答复; or, not clarified in time, 视为放弃 (withdrawn).
STATES = ("submitted", "registered", "clarifying", "answered", "withdrawn")
#: The states in which an application is closed: replied, or withdrawn for want of a clarification (Art. 30).
CLOSED_STATES = ("answered", "withdrawn")
#: The reply types (Art. 36), and a request that is not one for disclosure at all (a complaint, a consultation).
REPLY_TYPES = ("disclosed", "partly_disclosed", "not_disclosed", "not_exist", "not_held", "repeat",
               "not_disclosure_request")
#: The legal grounds of a refusal to disclose (Arts. 14, 15, 16), as the yearly report counts them.
GROUNDS = ("state_secret", "law_forbids", "three_safeties", "third_party", "internal_affairs", "process_info",
           "enforcement_file")
#: Who added a file: the applicant (an ID scan, a business licence) or the officer (the information, the letter).
FILE_KINDS = ("applicant", "reply")


class DisclosureApplication(TenantScoped, db.Model):
    """One application for disclosure (政府信息公开申请), filed online, with its clock and its reply."""

    __tablename__ = "disclosure_applications"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        UniqueConstraint("tenant_id", "submission_key"),
        Index("ix_disclosure_applications_queue", "tenant_id", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The code the applicant queries with: random, not sequential.
    tracking_code: Mapped[str] = mapped_column(String(20), unique=True)
    applicant_kind: Mapped[str] = mapped_column(String(16), default="person")
    #: For an organisation: which kind (ORGANISATION_TYPES); NULL for a person.
    organisation_type: Mapped[str | None] = mapped_column(String(20))
    #: The person's name, or the organisation's.
    applicant_name: Mapped[str] = mapped_column(EncryptedText)
    #: A person's resident ID number (GB 11643); NULL for an organisation.
    id_number: Mapped[str | None] = mapped_column(EncryptedText)
    #: An organisation's unified social credit code (GB 32100): public, so not encrypted.
    credit_code: Mapped[str | None] = mapped_column(String(18))
    legal_representative: Mapped[str | None] = mapped_column(EncryptedText)
    contact_name: Mapped[str | None] = mapped_column(EncryptedText)
    phone: Mapped[str] = mapped_column(EncryptedText)
    #: HMAC of the phone (core.privacy.crypto.lookup_hash, purpose "disclosure.phone"): the query matches it.
    phone_hash: Mapped[str] = mapped_column(String(64), info={"personal": "finds the applicant by the phone"})
    email: Mapped[str | None] = mapped_column(EncryptedText)
    address: Mapped[str | None] = mapped_column(EncryptedText)
    postcode: Mapped[str] = mapped_column(String(6), default="")
    #: The information wanted (所需政府信息的名称、文号或者便于查询的其他特征性描述).
    description: Mapped[str] = mapped_column(EncryptedText)
    document_number: Mapped[str] = mapped_column(String(100), default="")
    #: Why it is wanted: optional since the 2019 revision.
    purpose: Mapped[str | None] = mapped_column(EncryptedText)
    form: Mapped[str] = mapped_column(String(16), default="electronic")
    delivery: Mapped[str] = mapped_column(String(16), default="online")
    status: Mapped[str] = mapped_column(String(16), default="submitted")
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    #: 收到申请之日: confirmed at registration (Art. 31(3)); the yearly report counts applications by it.
    received_on: Mapped[date | None] = mapped_column(Date)
    registered_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: The day the time limit counts from: the receipt, or the day the clarified application came (Art. 30).
    clock_from: Mapped[date | None] = mapped_column(Date)
    #: The reply's last day: 20 working days after `clock_from`, plus an extension's days.
    due_on: Mapped[date | None] = mapped_column(Date)
    #: What the applicant was asked to clarify (补正), and what they answered (personal, so encrypted).
    clarify_note: Mapped[str] = mapped_column(Text, default="")
    clarification: Mapped[str | None] = mapped_column(EncryptedText)
    clarify_asked_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: The last day the applicant may clarify (Art. 30): past it, unanswered, the application counts as withdrawn.
    clarify_due_on: Mapped[date | None] = mapped_column(Date)
    clarified_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: The one extension (Art. 33): how many working days (at most 20) and why.
    extended_days: Mapped[int | None] = mapped_column(Integer)
    extension_reason: Mapped[str] = mapped_column(Text, default="")
    reply_type: Mapped[str | None] = mapped_column(String(30))
    #: A refusal's legal ground (GROUNDS); a partial disclosure may name one for the part withheld.
    reply_ground: Mapped[str | None] = mapped_column(String(30))
    #: What the applicant is told with the reply: the reason, the ground's text, where to turn.
    reply_text: Mapped[str] = mapped_column(Text, default="")
    #: For "not held by this body": the body that holds it (Art. 36(5)).
    other_body: Mapped[str] = mapped_column(String(200), default="")
    #: When it was answered, or closed as withdrawn (no clarification in time): the yearly report counts it then.
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: The random key of the form page that filed it: the same form posted twice files one application.
    submission_key: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now, onupdate=now)


class _Part(TenantScoped):
    application_id: Mapped[int] = mapped_column(Integer, index=True)


class DisclosureApplicationEvent(_Part, db.Model):
    """One step in an application's history, as the applicant and the officers read it."""

    __tablename__ = "disclosure_application_events"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "application_id"],
                             ["disclosure_applications.tenant_id", "disclosure_applications.id"], ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=now)
    #: submit, register, clarify, clarified, extend, answer, lapse (closed: no clarification in time).
    step: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: What the applicant is told at this step (never their personal data).
    note: Mapped[str] = mapped_column(Text, default="")


class DisclosureApplicationFile(_Part, db.Model):
    """A file of an application: the applicant's (officers only) or the reply's (the applicant too, once answered)."""

    __tablename__ = "disclosure_application_files"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "application_id"],
                             ["disclosure_applications.tenant_id", "disclosure_applications.id"], ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="applicant")
    filename: Mapped[str] = mapped_column(String(255), info={"personal": "the name the applicant gave it"})
    stored_name: Mapped[str] = mapped_column(String(100))
    content_type: Mapped[str] = mapped_column(String(150))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=now)
