"""What the security checks found, kept from run to run, and the platform's lists they check content against.

Findings live in two tables, the way the audit log does (`AuditEntry` and
`PlatformAuditEntry`): a site's findings are that site's data, and the
platform's are nobody's site's.

- `SecurityFinding` (TenantScoped): what a check found on one site (an
  account, an item, a file). Being site data, every read is filtered to the
  active site by the tenant scoping, so a site's pages cannot show another
  site's finding even by id (a 404), and nothing has to remember a filter.
- `PlatformSecurityFinding`: what a platform check found (the configuration,
  the deployed files, the bureau's own accounts), which belongs to no site.

One platform table with a nullable site column would have had to be listed
as an exception in tests/test_structure.py and filtered by hand on every site
page. The bureau reads every site's findings in one place only,
`core.security.queries.city_findings`, marked ``@crosses_tenants``.

A finding's identity is (rule, site, object key): the same account, item or
file found by the same rule again is the same finding, whose state moves on
(`STATES`); it is never a second row.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.timeutil import now
from tenants.scoping import TenantScoped

#: new: found by the latest run for the first time (or again after it was resolved); open: found again;
#: resolved: not found by a later run (no longer reported); accepted: a person judged it acceptable, with a
#: reason, and it is not reported while it persists.
STATES = ("new", "open", "resolved", "accepted")
#: The states a finding is reported in (counts, the admin home, the inbox).
REPORTED = ("new", "open")


class _FindingFields:
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The check's key (core.security.registry.CHECKS), e.g. "accounts.inactive".
    rule: Mapped[str] = mapped_column(String(80))
    #: What was found, stable from run to run: "user:12", "article:40", "file:3f…a.pdf", "setting:SECRET_KEY".
    object_key: Mapped[str] = mapped_column(String(200), info={"personal": "may be a network address"})
    #: The object as a person reads it: an account's name, an item's title, a file's name, an address.
    object_name: Mapped[str] = mapped_column(String(300), default="", info={"personal": "may be a network address"})
    severity: Mapped[str] = mapped_column(String(10))
    #: JSON: {"says": which of the check's sentences, "values": its figures, "excerpts": the text around each hit}.
    #: Worded when shown, in the reader's language (core.security.registry.describe).
    details: Mapped[str] = mapped_column(Text, default="")
    #: Where to fix it: a path on the site's admin (site findings) or on the console (platform ones), or "".
    link: Mapped[str] = mapped_column(String(500), default="")
    #: The object names a person (an address): shown in full to platform administrators only.
    personal: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(10), default="new")
    first_seen_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Kept as written: the acceptance outlives the account.
    accepted_by_name: Mapped[str] = mapped_column(String(100), default="")
    accept_reason: Mapped[str] = mapped_column(Text, default="")


class SecurityFinding(_FindingFields, TenantScoped, db.Model):
    """What a site check found on one site (see the module's docstring for why site and platform are apart)."""

    __tablename__ = "security_findings"
    __table_args__ = (
        UniqueConstraint("tenant_id", "rule", "object_key", name="uq_security_findings_identity"),
        Index("ix_security_findings_tenant_state", "tenant_id", "state"),
    )


class PlatformSecurityFinding(_FindingFields, db.Model):
    """What a platform check found: the configuration, the deployed files, the bureau's accounts."""

    __tablename__ = "platform_security_findings"
    __table_args__ = (UniqueConstraint("rule", "object_key", name="uq_platform_security_findings_identity"),
                      {"info": {"platform_data": "the platform's findings (settings, code, the bureau's accounts)"}})


#: A word list entry: a forbidden word (never to appear on a government site), or a wrong official expression
#: with its correct form (严重表述错误).
WORD_KINDS = ("forbidden", "wrong")


class SecurityWord(db.Model):
    """One entry of the platform's word lists, edited by the bureau on the console (core.security.words)."""

    __tablename__ = "security_words"
    __table_args__ = (UniqueConstraint("kind", "phrase", name="uq_security_words_kind_phrase"),
                      {"info": {"platform_data": "the bureau's lists of forbidden words and wrong expressions"}})

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    phrase: Mapped[str] = mapped_column(String(60))
    #: The correct form of a wrong expression ("" for a forbidden word).
    correct: Mapped[str] = mapped_column(String(120), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class AllowedHost(db.Model):
    """A host published items may link to (with its subdomains); any other outside host is a finding."""

    __tablename__ = "security_allowed_hosts"
    __table_args__ = {"info": {"platform_data": "the bureau's allow-list of outside hosts"}}

    id: Mapped[int] = mapped_column(primary_key=True)
    host: Mapped[str] = mapped_column(String(253), unique=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
