"""The yearly website report's table (政府网站工作年度报表): one row per site and year.

The row keeps what the report shows: the figures the platform counted when it was last generated (`computed`)
and the lines the site entered (`manual`), both as JSON keyed by `core.evaluation.yearly_layout.LINES`. While
the report is a draft, generating again refreshes the counted figures; once published, the public reads exactly
these until the site withdraws it to correct it.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.timeutil import now
from core.web.cache import PublicContent
from tenants.scoping import TenantScoped

#: Where a report stands: being prepared (only the site's staff see it) or published (the public reads it).
REPORT_STATES = ("draft", "published")


class WebsiteReport(TenantScoped, PublicContent, db.Model):
    """One site's yearly website report for one year."""

    __tablename__ = "website_reports"
    shown_on_portal = True  # the portal's list of the sites' yearly website reports
    __table_args__ = (UniqueConstraint("tenant_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    #: What the platform counted when the report was last generated: JSON {line key: value}.
    computed: Mapped[str] = mapped_column(Text, default="{}")
    #: What the site entered: JSON {line key: count, true/false or text}.
    manual: Mapped[str] = mapped_column(Text, default="{}")
    #: Counted up by every change (a conditional UPDATE): of two changes from the same page, the second is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)
    generated_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Who prepared it or last changed what the office enters: when the site forbids reviewing one's own work,
    #: someone else publishes it.
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now, onupdate=now)
