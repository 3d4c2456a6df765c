"""What search finds: one entry per public thing of a site, the counts of what people searched, the synonyms.

`SearchEntry` is derived data: each row is written by `core.search.indexing` in the same flush as the article,
service item or published letter it stands for, and a site's entries can always be rebuilt from those
(`flask search reindex`). Its full-text index lives beside it, per database (`core.search.backend`). A site's
archive leaves the entries out and the import rebuilds them.

The counts keep what was searched and whether anything was found, per site and day, and nothing about who
searched (no address, no session). The synonyms are the bureau's, for every site.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.timeutil import now
from core.web.cache import PublicContent
from tenants.scoping import TenantScoped

#: What an entry stands for. An article is "policy" when it carries a policy level (政策文件), else "article";
#: filed articles (the disclosure catalogue) are found by the `filed` flag whatever their kind.
KINDS = ("article", "policy", "service", "letter")


class SearchEntry(TenantScoped, PublicContent, db.Model):
    """One searchable thing of a site as the public sees it, with the fields the filters need."""

    __tablename__ = "search_entries"
    __table_args__ = (
        UniqueConstraint("tenant_id", "kind", "ref_id"),
        Index("ix_search_entries_section", "tenant_id", "section_id"),
        {"info": {"not_moved": "derived from the site's articles, service items and letters: the import "
                               "rebuilds it"}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    #: The id of the article, service item or published letter (by `kind`).
    ref_id: Mapped[int] = mapped_column(Integer)
    section_id: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    #: The plain text searched besides the title (an article's summary and body as text, a guide's elements, a
    #: letter and its reply): what the snippet of a hit is cut from.
    text: Mapped[str] = mapped_column(Text, default="")
    #: When the public sees it, and until when (an article's take-down time): checked at each search, so an
    #: item is found from its minute and not after its end, with no job running.
    public_from: Mapped[datetime] = mapped_column(DateTime)
    public_until: Mapped[datetime | None] = mapped_column(DateTime)
    #: Filed in the disclosure catalogue (政务公开), with its index number.
    filed: Mapped[bool] = mapped_column(Boolean, default=False)
    index_number: Mapped[str | None] = mapped_column(String(40))
    policy_level: Mapped[str | None] = mapped_column(String(16))
    policy_status: Mapped[str | None] = mapped_column(String(16))
    issuing_body: Mapped[str] = mapped_column(String(200), default="")
    document_number: Mapped[str] = mapped_column(String(100), default="")
    issued_on: Mapped[date | None] = mapped_column(Date)
    indexed_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class SearchTermDay(TenantScoped, db.Model):
    """How often one query was asked on one site on one day (city time), and how often it found nothing."""

    __tablename__ = "search_term_days"
    __table_args__ = (UniqueConstraint("tenant_id", "day", "term"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    term: Mapped[str] = mapped_column(String(60))
    searches: Mapped[int] = mapped_column(Integer, default=0)
    empty_searches: Mapped[int] = mapped_column(Integer, default=0)


class PortalSearchTermDay(db.Model):
    """The same for the city portal's search, which is no site's."""

    __tablename__ = "portal_search_term_days"
    __table_args__ = (UniqueConstraint("day", "term"), {"info": {"platform_data": "the city portal's own searches"}})

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    term: Mapped[str] = mapped_column(String(60))
    searches: Mapped[int] = mapped_column(Integer, default=0)
    empty_searches: Mapped[int] = mapped_column(Integer, default=0)


class SynonymGroup(PublicContent, db.Model):
    """Words the bureau says mean the same in a search (社保 社会保险 社会保障): a query for one finds the others.

    PublicContent: a change moves the content versions, so the synonyms each worker keeps (`queries.synonyms`)
    and the searches it kept are read again."""

    __tablename__ = "search_synonyms"
    __table_args__ = {"info": {"platform_data": "the bureau's synonyms, for every site"}}

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The words, separated by single spaces, each normalised (core.search.terms.normalise).
    words: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now, onupdate=now)
