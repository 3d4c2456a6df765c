"""A person's inbox: one row per message, with whether it was read and whether it went out by e-mail.

Not site data (no tenant): a person has one inbox across the sites they work
on and the console, the way their account is one across them.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.auth.models import User
from core.extensions import db
from core.timeutil import now

#: What a message is: training material, a reminder of a due date, an alert to the platform's administrators,
#: a security finding.
KINDS = ("training", "reminder", "alert", "security")
#: A message's e-mail copy: none (no SMTP or no address), pending (to be sent), sent, failed (gave up).
EMAIL_STATES = ("none", "pending", "sent", "failed")


class InboxMessage(db.Model):
    __tablename__ = "inbox_messages"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_inbox_messages_user_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: What the message is about, so that a person gets it once however often a job runs ("training:12").
    key: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))
    #: Written in the person's language when delivered; plain text (never drawn as HTML).
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    #: An absolute address on the host where the person acts on it (a site's admin or the console), or "".
    link: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now, index=True)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    email_state: Mapped[str] = mapped_column(String(10), default="none", index=True)
    email_attempts: Mapped[int] = mapped_column(Integer, default=0)

    user: Mapped[User] = relationship()
