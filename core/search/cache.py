"""Results of recent searches, kept per worker while nothing they depend on has changed.

Citizens search for the same few things (the department's "popular searches" page shows how few): 社保, 公积金,
通知. Asking the full-text index again for each costs tens of milliseconds on a city of 200,000 items, most of it
counting every match; the answer is the same until the content changes. So a worker keeps the last results
(`SEARCH_CACHE_ENTRIES` of them, each for at most `SEARCH_CACHE_SECONDS`) and serves them again while:

- the **content version** is the same: every change to a search entry bumps it in its own transaction
  (`SearchEntry` is `PublicContent`), so a withdrawn item leaves the results with the commit that withdrew it;
- the **sites searched** are the same: they are part of the key (a suspended site's id leaves the city's list,
  so the city's search is asked again);
- the **synonyms** are the same: the parsed query, synonyms expanded, is the key;
- no entry has **come or gone by the clock** since: the moment of the next entry due to appear or to be taken
  down (of any site) is asked once per content version, and results are not kept past it.

The search is counted (core.search.statistics) whether its results came from here or from the index.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from datetime import datetime
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import func, select

from core.extensions import db
from core.web.cache import CONTENT_CHANGED, content_version
from tenants.scoping import crosses_tenants

#: The columns a hit shows (core.search.templates results.html, core.search.views.hit_url).
_SHOWN = ("id", "tenant_id", "kind", "ref_id", "section_id", "title", "text", "public_from", "public_until", "filed",
          "index_number", "policy_level", "policy_status", "issuing_body", "document_number", "issued_on")


def frozen_entry(entry) -> SimpleNamespace:
    """A search entry's shown fields as a plain object, safe to keep past the session that read it."""
    return SimpleNamespace(**{name: getattr(entry, name) for name in _SHOWN})


@crosses_tenants("the next moment any site's search entry appears or is taken down, for the results kept")
def _next_change(moment: datetime) -> datetime | None:
    """The next moment after `moment` at which any entry becomes public or stops being public (None: none set)."""
    from core.search.models import SearchEntry

    coming = db.session.execute(select(func.min(SearchEntry.public_from)).where(SearchEntry.public_from > moment)
                                .execution_options(all_tenants=True)).scalar()
    going = db.session.execute(select(func.min(SearchEntry.public_until)).where(SearchEntry.public_until > moment)
                               .execution_options(all_tenants=True)).scalar()
    return min((m for m in (coming, going) if m is not None), default=None)


class ResultCache:
    """A bounded LRU of search results for one worker (thread-safe: gunicorn's threads may share it)."""

    def __init__(self) -> None:
        self._entries: OrderedDict[tuple, tuple[int, float, object]] = OrderedDict()
        #: (content version, the moment it was asked at, the next timed change after that) as last asked.
        self._next: tuple[int, datetime, datetime | None] | None = None
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._next = None

    def _valid_version(self, moment: datetime) -> int:
        """The content version under which results are kept at `moment` (dropping all kept results when an entry
        came or went by the clock since they were asked)."""
        version = content_version()
        known = self._next
        if known is not None and known[0] == version and known[1] <= moment and (known[2] is None or
                                                                                 moment < known[2]):
            return version
        # A new version, an entry's time came, or a clock set back (tests do): ask for the next such moment.
        if known is not None and known[0] == version:
            with self._lock:
                self._entries.clear()
        self._next = (version, moment, _next_change(moment))
        return version

    def fetch(self, key: tuple, moment: datetime, compute):
        """The results kept under `key`, or `compute()`'s (kept for the next ask). Keeps nothing when the cache is
        off (`SEARCH_CACHE_ENTRIES` 0 or `SEARCH_CACHE_SECONDS` 0)."""
        entries = current_app.config["SEARCH_CACHE_ENTRIES"]
        seconds = current_app.config["SEARCH_CACHE_SECONDS"]
        if entries <= 0 or seconds <= 0 or db.session.info.get(CONTENT_CHANGED):
            # Off; or this transaction changed public content (its results are not the committed ones).
            return compute()
        version = self._valid_version(moment)
        with self._lock:
            kept = self._entries.get(key)
            if kept is not None:
                kept_version, kept_at, results = kept
                if kept_version == version and time.monotonic() - kept_at <= seconds:
                    self._entries.move_to_end(key)
                    return results
                del self._entries[key]
        results = compute()
        with self._lock:
            self._entries[key] = (version, time.monotonic(), results)
            self._entries.move_to_end(key)
            while len(self._entries) > entries:
                self._entries.popitem(last=False)
        return results


#: This worker's results.
results_cache = ResultCache()
