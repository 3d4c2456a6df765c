"""Asking the index: a site's search and the city's, with filters, ranking and pages.

Only what the public may see is ever returned: an entry exists only for a published article (scheduled ones from
their time), a published guide of an item in the catalogue, a published letter (`core.search.documents`), and
each search checks, at its moment, that the entry's time has come and its take-down time has not. The city's
search asks only the active sites: a suspended site's entries are left out at once.

Ranking: the database's relevance (BM25 on SQLite, cover density on PostgreSQL; a match in the title counts
more), then the newest first — over every match when at most RANKED (1,000) match, else over the newest RANKED,
so that a search costs the same on a city of any size (`RANKED`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from markupsafe import Markup
from sqlalchemy import select

from core.extensions import db
from core.search.backend import dialect, newest_matches
from core.search.cache import frozen_entry, results_cache
from core.web.cache import CONTENT_CHANGED, content_version
from core.search.models import KINDS, SearchEntry, SynonymGroup
from core.search.terms import Query, highlight, snippet
from core.timeutil import day_bounds, now
from tenants.hosts import registry
from tenants.scoping import active_tenant_id, crosses_tenants

PER_PAGE = 10
#: The filter "kind" takes these: the entries' kinds, and "filed" for the disclosure catalogue's items.
KIND_FILTERS = (*KINDS, "filed")
#: No more pages than this are served (10 a page: the first thousand hits are more than anyone reads).
MAX_PAGE = 100
#: The most matches one search ranks and counts: all that can be paged through. When more match, the newest this
#: many are ranked, the count says "more than" (`Results.capped`), and a date, site or kind narrows to older ones.
#: Ranking and counting every match of a common word (通知: 16,000 of a city's 200,000 items) cost a city search
#: tens to hundreds of milliseconds; the newest thousand cost the same whatever the city's size.
RANKED = MAX_PAGE * PER_PAGE


@dataclass(frozen=True)
class Filters:
    """What narrows a search. Dates are days of publication (inclusive); text filters match as substrings."""

    kind: str | None = None
    section_ids: tuple[int, ...] | None = None
    site_ids: tuple[int, ...] | None = None
    #: Instead of `site_ids` when they are most of the city: every site's entries but these (a list of the few
    #: suspended ones, or none, rather than a thousand ids the database planner would drive the search from).
    excluded_site_ids: tuple[int, ...] | None = None
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
    _marked: tuple[Markup, Markup] | None = field(default=None, repr=False, compare=False)

    def marked(self, query: Query) -> tuple[Markup, Markup]:
        """(the title, a snippet of the text) with what `query` matched marked, escaped (core.search.terms).

        Worked out once per hit: kept results are kept under their query's groups, from which the marked words
        come, so a kept hit is only ever shown for the same words, and the marking (a third of a kept search's
        time) is not done again for every visitor."""
        marked = self._marked
        if marked is None:
            text = self.entry.text
            marked = self._marked = (highlight(self.entry.title, query), snippet(text, query) if text else Markup(""))
        return marked


@dataclass
class Results:
    """One page of hits, with the counts per kind of everything that matched (before the kind filter).

    `capped`: more than RANKED matched; `total` is then RANKED, the newest of the matches, and the page says "more
    than". `kinds_capped`: the same of the counts per kind (a lower bound each)."""

    hits: list[Hit]
    total: int
    page: int
    per_page: int
    by_kind: dict[str, int] = field(default_factory=dict)
    capped: bool = False
    kinds_capped: bool = False

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
    """The bureau's synonyms as {word: [the other words of its group]} (normalised words); read once per content
    version by each worker (core.web.cache.content_version: no database round trip on most searches)."""
    version = content_version()
    kept = current_app.extensions.get("govsites.synonyms")
    if kept is not None and kept[0] == version and not db.session.info.get(CONTENT_CHANGED):
        return kept[1]
    found = _read_synonyms()
    current_app.extensions["govsites.synonyms"] = (version, found)
    return found


def _read_synonyms() -> dict[str, list[str]]:
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
    if filters.excluded_site_ids:
        statement = statement.where(SearchEntry.tenant_id.not_in(filters.excluded_site_ids))
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


def _candidates(query: Query, filters: Filters, options: dict, moment: datetime, *, with_kind: bool) -> list:
    """The newest RANKED + 1 visible matches passing the filters: [(id, kind, filed, public_from, score)]."""
    statement = select(SearchEntry.id, SearchEntry.kind, SearchEntry.filed, SearchEntry.public_from)
    statement = _filtered(_visible(statement, moment), filters, with_kind=with_kind)
    statement = newest_matches(statement, SearchEntry.id, SearchEntry.public_from, query, dialect(db.session),
                               RANKED + 1)
    return db.session.execute(statement.execution_options(**options)).all()


def _newest(rows) -> list:
    """The RANKED most recently published of the candidates (which come in no particular order)."""
    return sorted(rows, key=lambda row: (row[3], row[0]), reverse=True)[:RANKED]


def _kinds(rows) -> dict[str, int]:
    by_kind: dict[str, int] = {}
    for _id, kind, filed, _public_from, _score in rows:
        by_kind[kind] = by_kind.get(kind, 0) + 1
        by_kind["filed"] = by_kind.get("filed", 0) + (1 if filed else 0)
    return by_kind


def _ask_index(query: Query, filters: Filters, page: int, per_page: int, options: dict, moment: datetime) -> Results:
    """Rank the newest RANKED matches (all of them when fewer match), count them per kind, read one page's entries.

    With a kind filter the tabs' counts come from a second pass without it (each kind's count, capped alike)."""
    rows = _candidates(query, filters, options, moment, with_kind=True)
    capped = len(rows) > RANKED
    rows = _newest(rows)
    if filters.kind:
        every_kind = _candidates(query, filters, options, moment, with_kind=False)
        capped_kinds = len(every_kind) > RANKED
        by_kind = _kinds(_newest(every_kind))
    else:
        capped_kinds, by_kind = capped, _kinds(rows)
    total = len(rows)
    if not total or (page - 1) * per_page >= total:
        return Results([], total, page, per_page, by_kind, capped=capped, kinds_capped=capped_kinds)
    rows.sort(key=lambda row: (row[4] or 0.0, row[3], row[0]), reverse=True)  # the best, then the newest
    shown = rows[(page - 1) * per_page:page * per_page]
    entries = {entry.id: entry for entry in db.session.execute(
        select(SearchEntry).where(SearchEntry.id.in_([row[0] for row in shown])).execution_options(**options))
        .scalars()}
    hits = [Hit(frozen_entry(entries[row[0]]), float(row[4] or 0)) for row in shown if row[0] in entries]
    return Results(hits, total, page, per_page, by_kind, capped=capped, kinds_capped=capped_kinds)


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
    # The registry knows every site (suspended ones too); one created since its last read is active anyway.
    others = {site.id for site in registry().sites()} - allowed
    if len(others) < len(allowed):
        narrowed = Filters(**{**filters.__dict__, "site_ids": None, "excluded_site_ids": tuple(sorted(others))})
    else:
        narrowed = Filters(**{**filters.__dict__, "site_ids": tuple(sorted(allowed))})
    # The host map's version in the key: a site deleted (its rows gone by statements no flush sees) or suspended
    # leaves the kept results, whichever way the sites searched are written.
    return _search(query, narrowed, page, per_page, {"all_tenants": True}, ("city", registry().snapshot().version))
