"""Asking the index: a site's search and the city's, with filters, ranking and pages.

Only what the public may see is ever returned: an entry exists only for a published article (scheduled ones from
their time), a published guide of an item in the catalogue, a published letter (`core.search.documents`), and
each search checks, at its moment, that the entry's time has come and its take-down time has not. The city's
search asks only the active sites: a suspended site's entries are left out at once.

Ranking: the database's relevance (BM25 on SQLite, cover density on PostgreSQL; a match in the title counts
more), then the newest first.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import case, func, select

from core.extensions import db
from core.search.backend import dialect, matching
from core.search.cache import frozen_entry, results_cache
from core.search.models import KINDS, SearchEntry, SynonymGroup
from core.search.terms import Query
from core.timeutil import day_bounds, now
from tenants.scoping import active_tenant_id, crosses_tenants

PER_PAGE = 10
#: The filter "kind" takes these: the entries' kinds, and "filed" for the disclosure catalogue's items.
KIND_FILTERS = (*KINDS, "filed")
#: No more pages than this are served (10 a page: the first thousand hits are more than anyone reads).
MAX_PAGE = 100


@dataclass(frozen=True)
class Filters:
    """What narrows a search. Dates are days of publication (inclusive); text filters match as substrings."""

    kind: str | None = None
    section_ids: tuple[int, ...] | None = None
    site_ids: tuple[int, ...] | None = None
    since: date | None = None
    until: date | None = None
    policy_level: str | None = None
    policy_status: str | None = None
    issuing_body: str = ""
    document_number: str = ""

    @property
    def policy(self) -> bool:
        """Whether a filter only policies have is set (the search then looks at policies alone)."""
        return bool(self.policy_level or self.policy_status or self.issuing_body or self.document_number)


@dataclass
class Hit:
    #: The entry's shown fields (core.search.cache.frozen_entry): results outlive the session that read them.
    entry: object
    score: float


@dataclass
class Results:
    """One page of hits, with the counts per kind of everything that matched (before the kind filter)."""

    hits: list[Hit]
    total: int
    page: int
    per_page: int
    by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return min(MAX_PAGE, max(1, math.ceil(self.total / self.per_page)))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def synonyms() -> dict[str, list[str]]:
    """The bureau's synonyms as {word: [the other words of its group]} (normalised words)."""
    found: dict[str, list[str]] = {}
    for (words,) in db.session.execute(select(SynonymGroup.words)).all():
        group = [w for w in words.split() if w]
        for word in group:
            found.setdefault(word, []).extend(w for w in group if w != word and w not in found.get(word, []))
    return found


def _visible(statement, moment: datetime):
    return statement.where(SearchEntry.public_from <= moment,
                           SearchEntry.public_until.is_(None) | (SearchEntry.public_until > moment))


def _filtered(statement, filters: Filters, *, with_kind: bool):
    if filters.section_ids is not None:
        statement = statement.where(SearchEntry.section_id.in_(filters.section_ids))
    if filters.site_ids is not None:
        statement = statement.where(SearchEntry.tenant_id.in_(filters.site_ids))
    start, end = day_bounds(filters.since, filters.until)
    if start is not None:
        statement = statement.where(SearchEntry.public_from >= start)
    if end is not None:
        statement = statement.where(SearchEntry.public_from < end)
    if filters.policy:
        statement = statement.where(SearchEntry.kind == "policy")
    if filters.policy_level:
        statement = statement.where(SearchEntry.policy_level == filters.policy_level)
    if filters.policy_status:
        statement = statement.where(SearchEntry.policy_status == filters.policy_status)
    if filters.issuing_body:
        statement = statement.where(SearchEntry.issuing_body.contains(filters.issuing_body, autoescape=True))
    if filters.document_number:
        statement = statement.where(SearchEntry.document_number.contains(filters.document_number, autoescape=True))
    if with_kind and filters.kind == "filed":
        statement = statement.where(SearchEntry.filed.is_(True))
    elif with_kind and filters.kind:
        statement = statement.where(SearchEntry.kind == filters.kind)
    return statement


def _search(query: Query, filters: Filters, page: int, per_page: int, options: dict, scope: tuple) -> Results:
    """The results of `query` (from this worker's recent results when nothing they depend on changed:
    core.search.cache). `scope` names what is searched (the site, or the sites of the city's search)."""
    if query.empty:
        return Results([], 0, page, per_page)
    moment = now()
    key = (scope, query.groups, filters, page, per_page)
    return results_cache.fetch(key, moment, lambda: _ask_index(query, filters, page, per_page, options, moment))


def _ask_index(query: Query, filters: Filters, page: int, per_page: int, options: dict, moment: datetime) -> Results:
    name = dialect(db.session)
    counted, _score = matching(select(SearchEntry.kind, func.count(),
                                      func.sum(case((SearchEntry.filed.is_(True), 1), else_=0))),
                               SearchEntry.id, query, name)
    counted = _filtered(_visible(counted, moment), filters, with_kind=False).group_by(SearchEntry.kind)
    by_kind: dict[str, int] = {}
    for kind, n, filed in db.session.execute(counted.execution_options(**options)).all():
        by_kind[kind] = int(n)
        by_kind["filed"] = by_kind.get("filed", 0) + int(filed or 0)
    if filters.kind:
        total = by_kind.get(filters.kind, 0)
    else:
        total = sum(n for kind, n in by_kind.items() if kind != "filed")
    if not total or (page - 1) * per_page >= total:
        return Results([], total, page, per_page, by_kind)
    statement, score = matching(select(SearchEntry), SearchEntry.id, query, name)
    statement = _filtered(_visible(statement.add_columns(score.label("score")), moment), filters, with_kind=True)
    rows = db.session.execute(statement.order_by(score.desc(), SearchEntry.public_from.desc(), SearchEntry.id.desc())
                              .limit(per_page).offset((page - 1) * per_page).execution_options(**options)).all()
    return Results([Hit(frozen_entry(entry), float(s or 0)) for entry, s in rows], total, page, per_page, by_kind)


def site_search(query: Query, filters: Filters = Filters(), page: int = 1, per_page: int = PER_PAGE) -> Results:
    """Search the active site's public things. `page` from 1; past the last page: no hits, the total kept."""
    return _search(query, filters, page, per_page, {}, ("site", active_tenant_id()))


@crosses_tenants("the city portal's search looks through every active site's public things")
def city_search(query: Query, site_ids: list[int], filters: Filters = Filters(), page: int = 1,
                per_page: int = PER_PAGE) -> Results:
    """Search the public things of the given sites (the portal passes the active ones; a site filter narrows
    them further, never widens)."""
    allowed = set(site_ids)
    if filters.site_ids is not None:
        allowed &= set(filters.site_ids)
    if not allowed:
        return Results([], 0, page, per_page)
    narrowed = Filters(**{**filters.__dict__, "site_ids": tuple(sorted(allowed))})
    return _search(query, narrowed, page, per_page, {"all_tenants": True}, ("city",))
