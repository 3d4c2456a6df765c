"""The visit counts as the database keeps them: per site per day, per item per day, the portal's, the flushes.

Only counts are stored. No address, no visitor hash and no salt is ever
written here (core.evaluation.visits says how visitors are told apart for a
day without keeping them); a row is added to by the flush (`visits_store`)
and by the demo loader, never read or written by a public page.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.backups.archive import SoftReference
from core.extensions import db
from core.timeutil import now
from tenants.scoping import TenantScoped


class VisitDay(TenantScoped, db.Model):
    """One site's public pages on one day (city time): page views and unique visitors.

    `unique_visitors` is the sum of what each counter saw as new that day; see
    core.evaluation.visits for when that over-counts (the memory store with
    several workers).
    """

    __tablename__ = "visit_days"
    __table_args__ = (UniqueConstraint("tenant_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    page_views: Mapped[int] = mapped_column(Integer, default=0)
    unique_visitors: Mapped[int] = mapped_column(Integer, default=0)


class VisitItemDay(TenantScoped, db.Model):
    """Views of one article's public page on one day: what "most read" adds up.

    `article_id` has no foreign key on purpose: a flush must never fail
    because an item read a minute ago was deleted since; a deleted item's rows
    are simply left out of every list (the lists join the site's articles).
    """

    __tablename__ = "visit_item_days"
    __table_args__ = (UniqueConstraint("tenant_id", "day", "article_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    #: A site's archive carries it to the item's new id, and leaves out the views of an item no longer there.
    article_id: Mapped[int] = mapped_column(Integer, info={"soft_reference": SoftReference("row", "articles")})
    views: Mapped[int] = mapped_column(Integer, default=0)


class PortalVisitDay(db.Model):
    """The city portal (the bare city domain) on one day: platform data, the portal being no site."""

    __tablename__ = "portal_visit_days"
    __table_args__ = {"info": {"platform_data": "the city portal's own visits"}}

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    page_views: Mapped[int] = mapped_column(Integer, default=0)
    unique_visitors: Mapped[int] = mapped_column(Integer, default=0)


class VisitFlush(db.Model):
    """A batch of counts moved out of Redis and written here, by its id: written in the same transaction as its
    counts, so a batch met again after a crash (written, but not yet deleted from Redis) is not added twice.
    Rows older than a week are deleted by the flush job."""

    __tablename__ = "visit_flushes"
    __table_args__ = {"info": {"platform_data": "which batches of counts were written (the flush job's)"}}

    batch: Mapped[str] = mapped_column(String(40), primary_key=True)
    flushed_at: Mapped[datetime] = mapped_column(DateTime, default=now, index=True)
