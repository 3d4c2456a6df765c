"""The audit log: append-only, on the site where it happened or on the platform."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.timeutil import now
from tenants.scoping import TenantScoped


class _Entry:
    #: Audit rows are not "writes" an operation must account for (core.operations.audited).
    __audit_log__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=now, index=True)
    #: Kept as written, without a foreign key: the record outlives the account.
    user_id: Mapped[int | None] = mapped_column(Integer)
    username: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(40), index=True)
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    #: Where the request came from: a citizen's address on what the public sends (personal information).
    ip: Mapped[str] = mapped_column(String(64), default="", info={"personal": "a person's network address"})


class AuditEntry(_Entry, TenantScoped, db.Model):
    """Something done on one site."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_tenant_at", "tenant_id", "at"),)


class PlatformAuditEntry(_Entry, db.Model):
    """Something done on the platform itself (its console, its login)."""

    __tablename__ = "platform_audit_entries"
