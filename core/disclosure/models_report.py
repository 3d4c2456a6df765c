"""The yearly government information disclosure report (政府信息公开工作年度报告): the figures behind one.

A site's report for a year is an article in its annual reports column (so it is edited, reviewed and published
as any item is, with revisions); this row keeps what the article's text is generated from: the figures the
platform counted, the figures and paragraphs the site wrote, so that generating again refreshes the first and
keeps the second.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, ForeignKeyConstraint, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.timeutil import now
from core.web.cache import PublicContent
from tenants.scoping import TenantScoped


class DisclosureReport(TenantScoped, PublicContent, db.Model):
    """One site's report for one year: its article and the figures and text it is generated from."""

    __tablename__ = "disclosure_reports"
    shown_on_portal = True  # the portal's list of the sites' yearly disclosure reports
    __table_args__ = (
        UniqueConstraint("tenant_id", "year"),
        ForeignKeyConstraint(["tenant_id", "article_id"], ["articles.tenant_id", "articles.id"], ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    article_id: Mapped[int] = mapped_column(Integer, index=True)
    #: What the platform counted when the report was last generated: JSON {figure key: number}.
    computed: Mapped[str] = mapped_column(Text, default="{}")
    #: What the site entered by hand (the figures the platform cannot know): JSON {figure key: number}.
    manual: Mapped[str] = mapped_column(Text, default="{}")
    #: The site's paragraphs: 一、总体情况; 五、存在的主要问题及改进情况; 六、其他需要报告的事项.
    overview: Mapped[str] = mapped_column(Text, default="")
    problems: Mapped[str] = mapped_column(Text, default="")
    other: Mapped[str] = mapped_column(Text, default="")
    #: What the published text was generated from (computed, manual and the paragraphs, as JSON), kept while a
    #: correction of the published report is open: a discarded correction gives these back.
    published_inputs: Mapped[str | None] = mapped_column(Text)
    #: Counted up by every save and generation (a conditional UPDATE): of two at once, the second is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)
    generated_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now, onupdate=now)
