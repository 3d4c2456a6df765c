"""Counting what people search for, per site and day, so a department sees what is looked for and not found.

Nothing about the person is kept: no address, no session, no time finer than the day; an ID number, bank card or
mobile number typed into the box is masked before it is counted (core.privacy.masking), so the department's list
never shows one.

No database write per search: a search adds one to its query's count of the day in the worker's memory
(`SearchCounter.add`, a lock and a dict update), and the worker writes what it counted every
`SEARCH_COUNT_SECONDS` from a thread of its own, and at its exit, as upserts that add to the day's rows — so any
number of workers and hosts count at once without losing a search, and a search answered from kept results
(core.search.cache) costs no write at all. A worker killed hard loses at most its last interval's counts (figures
of what people look for, not records); counts that could not be written go back into the buffer for the next
write. `SEARCH_COUNT_SECONDS` 0 writes each search in its own request, as before (a deployment that wants every
search on disk at once).
"""
from __future__ import annotations

import atexit
import logging
import os
import threading
import time
import weakref
from collections import Counter
from datetime import date, timedelta

from flask import Flask, current_app
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from core.extensions import db
from core.privacy.masking import mask_personal_text
from core.search.backend import dialect
from core.search.models import PortalSearchTermDay, SearchTermDay
from core.timeutil import now
from tenants.models import Tenant
from tenants.scoping import active_tenant_id, crosses_tenants

log = logging.getLogger("govsites.search")

#: The longest query counted, in characters (a longer one is counted by its beginning).
TERM_CHARS = 60
#: Seconds between two log lines about counts that cannot be written (a busy database must not flood the log).
COMPLAINT_SECONDS = 60.0
#: A buffer key: (site id, or None for the city portal; the day; the counted term).
Key = tuple


def counted_term(raw: str) -> str:
    """The query as it is counted: white space made single, personal numbers masked, at most TERM_CHARS."""
    return mask_personal_text(" ".join((raw or "").split()))[:TERM_CHARS]


def count_search(raw: str, found: bool) -> None:
    """Count one search of the active site (the city portal's when no site is active). An empty query is not
    counted. Goes into this worker's buffer (`SearchCounter`), written within `SEARCH_COUNT_SECONDS`; with 0,
    into the caller's transaction at once."""
    term = counted_term(raw)
    if not term:
        return
    key = (active_tenant_id(), now().date(), term)
    counter = current_app.extensions.get("govsites.search_counts")
    if counter is None or counter.interval <= 0:
        write_counts(Counter({key: 1}), Counter({} if found else {key: 1}))
        return
    counter.add(key, found)


@crosses_tenants("a worker writes the searches it counted, of every site it served, in one transaction")
def write_counts(searches: Counter, empty: Counter) -> int:
    """Add counted searches to the day's rows, in the caller's transaction: {(site id or None, day, term): n}
    of searches and of those that found nothing. One upsert per row (added to, never overwritten), so
    workers and hosts writing the same row at once lose nothing. Returns the rows written."""
    if not searches:
        return 0
    sites = {site for site, _day, _term in searches if site is not None}
    if sites:  # a site deleted since its searches were counted takes them with it
        existing = set(db.session.execute(select(Tenant.id).where(Tenant.id.in_(sorted(sites)))).scalars())
        searches = Counter({key: n for key, n in searches.items() if key[0] is None or key[0] in existing})
    insert = pg_insert if dialect(db.session) == "postgresql" else sqlite_insert
    connection = db.session.connection()
    for portal in (False, True):
        table = (PortalSearchTermDay if portal else SearchTermDay).__table__
        keys = ["day", "term"] if portal else ["tenant_id", "day", "term"]
        rows = []
        for (site, day, term), n in sorted(searches.items(), key=lambda item: (item[0][0] or 0, item[0][1:])):
            if (site is None) != portal:
                continue
            row = {"day": day, "term": term, "searches": n, "empty_searches": empty.get((site, day, term), 0)}
            if not portal:
                row["tenant_id"] = site
            rows.append(row)
        if not rows:
            continue
        statement = insert(table)
        statement = statement.on_conflict_do_update(index_elements=keys, set_={
            "searches": table.c.searches + statement.excluded.searches,
            "empty_searches": table.c.empty_searches + statement.excluded.empty_searches})
        connection.execute(statement, rows)
    return len(searches)


class SearchCounter:
    """One worker's searches since its last write, and the thread that writes them (thread-safe)."""

    def __init__(self, app: Flask):
        self.app = app
        self.interval = float(app.config["SEARCH_COUNT_SECONDS"])
        self._lock = threading.Lock()
        self._searches: Counter = Counter()
        self._empty: Counter = Counter()
        self._started_here = False
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._complained = 0.0
        reference = weakref.ref(self)
        # A forked gunicorn worker (a --preload master) starts with nothing counted and no thread.
        os.register_at_fork(after_in_child=lambda: (counter := reference()) is not None and counter._forked())

    def add(self, key: Key, found: bool) -> None:
        """One search of `key` = (site id or None, day, counted term), which found something or not."""
        if not self._started_here:
            with self._lock:
                if not self._started_here:
                    self._start()
        with self._lock:
            self._searches[key] += 1
            if not found:
                self._empty[key] += 1

    def pending(self) -> int:
        """Searches counted and not yet written."""
        with self._lock:
            return sum(self._searches.values())

    def drain(self) -> int:
        """Write everything counted so far in a transaction of its own (commits); returns the rows written.
        Counts that cannot be written go back to the buffer, and the error is raised."""
        with self._lock:
            searches, empty = self._searches, self._empty
            self._searches, self._empty = Counter(), Counter()
        if not searches:
            return 0
        try:
            with self.app.app_context():
                try:
                    written = write_counts(searches, empty)
                    db.session.commit()
                except Exception:
                    db.session.rollback()
                    raise
                finally:
                    db.session.remove()
        except Exception:
            with self._lock:
                self._searches.update(searches)
                self._empty.update(empty)
            raise
        return written

    def _start(self) -> None:
        """The first search in this process: write in the background and at exit (not under tests: a test
        calls `drain`)."""
        self._started_here = True
        if self.app.testing:
            return
        atexit.register(self._at_exit)
        self._thread = threading.Thread(target=self._run, name="search-counts", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.drain()
            except Exception:
                self._complain()

    def _at_exit(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread.is_alive():
            self._thread.join(timeout=10)
        try:
            self.drain()
        except Exception:
            log.exception("search counts: the worker's last searches could not be written at exit")

    def close(self) -> None:
        """Stop the background writes and write what is counted, now rather than at the process's exit: for an
        app the process is done with while it goes on (a test's second app). Logs, never raises."""
        if not self._started_here or self.app.testing:
            return  # nothing counted, or nothing started: a test writes by itself
        atexit.unregister(self._at_exit)
        self._at_exit()

    def _forked(self) -> None:
        self._lock = threading.Lock()
        self._searches, self._empty = Counter(), Counter()
        self._started_here = False
        self._thread = None
        self._stop = threading.Event()

    def _complain(self) -> None:
        if time.monotonic() - self._complained >= COMPLAINT_SECONDS:
            self._complained = time.monotonic()
            log.warning("search counts: cannot write the searches counted; they wait in the worker", exc_info=True)


def search_counter() -> SearchCounter | None:
    """The app's counter (None when searches are written in their request: SEARCH_COUNT_SECONDS 0)."""
    counter = current_app.extensions.get("govsites.search_counts")
    return counter if counter is not None and counter.interval > 0 else None


def init_app(app: Flask) -> None:
    app.extensions["govsites.search_counts"] = SearchCounter(app)


def term_figures(days: int = 30, *, limit: int = 20, empty_only: bool = False,
                 portal: bool = False) -> list[tuple[str, int, int]]:
    """The active site's (or the portal's) most searched queries of the last `days` days, counting today:
    [(query, searches, searches that found nothing)], most searched first. `empty_only`: only queries whose
    searches found nothing at least once, ordered by those."""
    model = PortalSearchTermDay if portal else SearchTermDay
    since: date = now().date() - timedelta(days=days - 1)
    searches = func.sum(model.searches).label("searches")
    empty = func.sum(model.empty_searches).label("empty")
    statement = select(model.term, searches, empty).where(model.day >= since).group_by(model.term)
    if empty_only:
        statement = statement.having(func.sum(model.empty_searches) > 0).order_by(empty.desc(), model.term)
    else:
        statement = statement.order_by(searches.desc(), model.term)
    return [(term, int(n), int(e)) for term, n, e in db.session.execute(statement.limit(limit)).all()]


def totals(days: int = 30, *, portal: bool = False) -> tuple[int, int]:
    """(searches, searches that found nothing) of the active site (or the portal) in the last `days` days."""
    model = PortalSearchTermDay if portal else SearchTermDay
    since = now().date() - timedelta(days=days - 1)
    row = db.session.execute(select(func.coalesce(func.sum(model.searches), 0),
                                    func.coalesce(func.sum(model.empty_searches), 0))
                             .where(model.day >= since)).one()
    return int(row[0]), int(row[1])
