"""Visit statistics: page views and unique visitors per site per day, with no cookie and no stored address.

What is counted (`counted`)
---------------------------
A page view is a response to a GET on a site's host or on the city portal
that is a public page (its route is open: no permission), not under /admin or
/platform (staff sign-in pages are open too), with status 200 and an HTML
body. So: not theme files, attachments, feeds or anything else not text/html;
not a 404, a redirect, a suspended site's 503; not HEAD; not a browser's
prefetch (`Sec-Purpose` or `Purpose: prefetch`); and not an obvious robot: a
request with no User-Agent, or one containing any of `ROBOT_WORDS` (the big
search engines' crawlers say "bot" or "spider"; command-line and library
clients say their name; headless browsers say "Headless"). A view of an
article's page (`ITEM_PAGES`) also counts for that item, for "most read".

A visitor, without cookies or addresses
---------------------------------------
visitor = BLAKE2b, 8 bytes, keyed with the day's salt, of (site, client
address, User-Agent). The salt is 16 random bytes made for each city day and
held in the worker's memory (memory store) or in Redis for two days (redis
store, so that every worker hashes alike); it is never written to the
database. A site's visitors of a day are told apart by those hashes (a Python
set, or a Redis HyperLogLog); only their number reaches the database. Once the
day's salt is gone nobody can tell whether hashes of two days were the same
person, nor recover an address by trying every one. Counting sets no cookie
(the language cookie is the visitor's own choice, set by the language switch).

No database write per request
-----------------------------
A page view costs the worker a keyed hash, a lock and three dict updates
(`VisitBuffer.add`; about 11 µs of CPU with the rule's checks). The buffer is
emptied into the store chosen by VISITS_STORE (`store_kind`; empty: Redis when VISITS_REDIS_URL, or else
RATELIMIT_STORAGE_URI, is a redis:// URL — `scripts/serve` sets the latter when
a local Redis answers — otherwise memory; "off" counts nothing):

- memory: each worker writes its own counts to the database (visits_store.MemoryStore)
  every VISITS_FLUSH_SECONDS from a thread of its own, at its exit (atexit:
  gunicorn's workers leave through sys.exit on a graceful stop or restart), and
  whenever `visits.flush` runs in its process (the exit waits for a write in
  progress). A worker killed hard loses at most its last interval; nothing is
  written twice (the counts are taken out of the buffer before the write, and
  put back only when the write fails).
  Unique visitors over-count: each worker knows only the visitors it served
  that day, so a visitor served by two workers, or by one before and after a
  restart, is counted by each: with N workers up to N times, and since any
  worker may answer any page, a visitor who reads several pages is likely seen
  by several. Page views are exact. Use Redis when the visitor figure matters.
- redis: each worker sends its counts to Redis every VISITS_PUSH_SECONDS in one
  round trip (0: one at every page view), and the `visits.flush` job (every
  minute, from the one scheduler) moves them to the database exactly once
  (visits_store.RedisStore). Unique visitors come from one HyperLogLog per
  site and day shared by every worker and host: a standard error of 0.81 %, no
  over-count. A worker killed hard loses its last push interval.

Why a push interval and not a round trip per page view: counting costs a
worker about 11 µs of CPU a page view, against 0.4–0.9 ms for a cached public
page; a round trip to Redis per view costs about 190 µs of CPU and the wait
for Redis besides, 16 % of the server's CPU per request against the 5 % the
public pages may lose (bench/visits.py and its figures in bench/README.md).

Behind a shared cache: the beacon
---------------------------------
nginx (or a CDN) in front answers most readers from its copy of a public
page, and the app never sees them: counted by the page, a busy page is
counted about once per cache lifetime per variant. With VISITS_COUNTED_BY =
"beacon" (the scaled-out deployment sets it) the pages count nothing
themselves; every public page the rule above would count carries instead a
1×1 image, `/_visit` (`beacon_url`), which is never cached (`no-store`), so
each reader's browser asks the app for it. The beacon counts the page view
of its host's site or the portal, by the same visitor rule and robot test; an
article's page names its item in the image's address with a keyed signature,
so nobody can add views to an item id of their choosing, and only a page of
the same origin counts (`Sec-Fetch-Site`, else the Referer): another website
embedding the image adds nothing. Like a page, the beacon sets no cookie. What it misses: readers whose browser loads no images
(and most robots, which is no loss).

The database keeps counts only (visits_models); reads are in visits_queries.
"""
from __future__ import annotations

import atexit
import base64
import hashlib
import hmac
import logging
import os
import re
import secrets
import threading
import time
import weakref
from urllib.parse import urlsplit
from datetime import date

from flask import Flask, Response, current_app, g, request, url_for

from core.evaluation.visits_store import PORTAL, Counts, MemoryStore, RedisStore, Written, forget_old_flushes
from core.extensions import db
from core.timeutil import now
from core.web.replay import ReplayedPage, add_replay_listener
from core.web.routes import RULES

log = logging.getLogger("govsites.visits")

#: A User-Agent containing any of these (lower case) is a robot's: not counted.
ROBOT_WORDS = ("bot", "spider", "crawl", "slurp", "curl", "wget", "python-", "go-http-client", "java/", "okhttp",
               "libwww", "headless", "scrapy", "httpclient", "phantomjs")
#: Public pages that are an item's, by endpoint: the URL argument naming the article.
ITEM_PAGES = {"content.article": "article_id"}
#: The beacon's route (visits_views).
BEACON_ENDPOINT = "visits.beacon"
STORES = ("memory", "redis", "off")
#: Seconds between two log lines about a failing store (a down Redis must not flood the log).
COMPLAINT_SECONDS = 60.0
#: Longest a worker's exit waits for its thread's flush in progress.
EXIT_WAIT_SECONDS = 10.0


_ROBOT = re.compile("|".join(re.escape(word) for word in ROBOT_WORDS))


def is_robot(agent: str) -> bool:
    """True for an empty User-Agent or one that names a robot, a crawler or a command-line client."""
    return not agent or _ROBOT.search(agent.lower()) is not None


def counted(response) -> bool:
    """Whether this response is a page view (the rule in the module docstring).

    Runs after every request: the request's environ is read directly, the cheapest tests first.
    """
    if response.status_code != 200 or response.mimetype != "text/html" or not _countable_request():
        return False
    return _countable_visitor(request.environ)


def _countable_visitor(environ) -> bool:
    """The visitor's side of `counted`: not a prefetch, not a robot."""
    if "prefetch" in (environ.get("HTTP_SEC_PURPOSE") or environ.get("HTTP_PURPOSE") or "").lower():
        return False
    return not is_robot(environ.get("HTTP_USER_AGENT", ""))


#: How page views are counted: "page" (the page's own answer) or "beacon" (an image the page carries).
COUNTED_BY = ("page", "beacon")
#: The beacon: a transparent 1×1 GIF.
BEACON_GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def counted_by(config) -> str:
    """"page" or "beacon", from VISITS_COUNTED_BY; raises ValueError for anything else."""
    kind = str(config.get("VISITS_COUNTED_BY") or "page").strip().lower()
    if kind not in COUNTED_BY:
        raise ValueError(f"VISITS_COUNTED_BY must be one of {', '.join(COUNTED_BY)}, not {kind!r}")
    return kind


def _item_signature(site: int | str, item: int) -> str:
    """12 hex digits binding an item id to its site, keyed with the app's secret: a beacon's item is one a page
    of that site named."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"visit-item\x00{site}\x00{item}".encode(), hashlib.sha256).hexdigest()[:12]


def _site_key() -> int | str:
    return g.site.id if g.get("host_kind") == "site" else PORTAL


def _countable_request() -> bool:
    """The request side of `counted`: a GET of an open public page of a site or the portal."""
    return _countable_page(request.environ, g.get("host_kind"), request.endpoint)


def _countable_page(environ, host_kind: str | None, endpoint: str | None) -> bool:
    if environ["REQUEST_METHOD"] != "GET" or host_kind not in ("site", "portal"):
        return False
    if environ.get("PATH_INFO", "").startswith(("/admin", "/platform")):
        return False
    rule = RULES.get(endpoint or "")
    return rule is not None and rule.permission is None and endpoint != BEACON_ENDPOINT


def beacon_url() -> str | None:
    """For the page being drawn (a template global): the beacon's address when page views are counted by beacon
    and this page is one the rule counts (an open public GET page; error and notice pages leave the beacon out
    themselves), else None. An article's page names its item, signed."""
    if visits() is None or counted_by(current_app.config) != "beacon" or not _countable_request():
        return None
    argument = ITEM_PAGES.get(request.endpoint or "")
    item = (request.view_args or {}).get(argument) if argument else None
    if isinstance(item, int):
        return url_for(BEACON_ENDPOINT, i=item, s=_item_signature(_site_key(), item))
    return url_for(BEACON_ENDPOINT)


def count_beacon() -> Response:
    """`GET /_visit` on a site or the portal: one page view of it, by the visitor rule (robots and prefetches
    left out); with `i` (an item id) and `s` (its signature for this site), one view of that item too. Always
    the image, never kept by any cache, never an error: a beacon that cannot be counted is simply not counted."""
    counter = visits()
    environ = request.environ
    agent = environ.get("HTTP_USER_AGENT", "")
    if (counter is not None and g.get("host_kind") in ("site", "portal") and not is_robot(agent) and _own_page()
            and "prefetch" not in (environ.get("HTTP_SEC_PURPOSE") or environ.get("HTTP_PURPOSE") or "").lower()):
        try:
            site, item = _site_key(), None
            raw, signature = request.args.get("i", ""), request.args.get("s", "")
            if raw.isascii() and raw.isdigit() and len(raw) <= 9 and hmac.compare_digest(
                    signature.encode("ascii", "replace"), _item_signature(site, int(raw)).encode()):
                item = int(raw)
            counter.count(site, request.remote_addr or "", agent, item)
        except Exception:
            log.exception("visits: a beacon could not be counted")
    response = Response(BEACON_GIF, mimetype="image/gif")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"  # no other site's page may show it
    return response


def _own_page() -> bool:
    """Whether the beacon was asked for by a page of its own host, not embedded by another website to add its
    visitors to ours: the browser's `Sec-Fetch-Site` must say same-origin; a browser too old to send it is
    judged by its Referer's host (none sent: counted, nothing to judge by)."""
    fetched_from = request.headers.get("Sec-Fetch-Site")
    if fetched_from is not None:
        return fetched_from == "same-origin"
    referrer = request.referrer
    return not referrer or urlsplit(referrer).netloc.lower() == request.host.lower()


def visitor_hash(salt: bytes, site: int, address: str, agent: str) -> bytes:
    """The day's pseudonym of a visitor of a site: 8 bytes, useless without the day's salt."""
    return hashlib.blake2b(f"{site}\x00{address}\x00{agent}".encode("utf-8", "replace"), digest_size=8,
                           key=salt).digest()


def store_kind(config) -> str:
    """"memory", "redis" or "off", from VISITS_STORE (empty: redis when a redis:// URL is configured)."""
    kind = str(config.get("VISITS_STORE") or "").strip().lower()
    if kind and kind not in STORES:
        raise ValueError(f"VISITS_STORE must be one of {', '.join(STORES)} or empty, not {kind!r}")
    return kind or ("redis" if redis_url(config) else "memory")


def redis_url(config) -> str:
    """VISITS_REDIS_URL, else RATELIMIT_STORAGE_URI when that is a Redis; "" when neither."""
    for key in ("VISITS_REDIS_URL", "RATELIMIT_STORAGE_URI"):
        value = str(config.get(key) or "")
        if value.startswith(("redis://", "rediss://", "unix://")):
            return value
    return ""


class VisitBuffer:
    """A worker's page views since its last flush or push; every method is thread-safe."""

    def __init__(self):
        self._lock = threading.Lock()
        self._counts = Counts()

    def add(self, day: date, site: int, visitor: bytes, item: int | None = None) -> None:
        with self._lock:
            counts = self._counts
            key = (day, site)
            counts.views[key] += 1
            hashes = counts.visitors.get(key)
            if hashes is None:
                hashes = counts.visitors[key] = set()
            hashes.add(visitor)
            if item is not None:
                counts.items[(day, site, item)] += 1

    def take(self) -> Counts:
        """Everything counted so far, leaving the buffer empty."""
        with self._lock:
            counts, self._counts = self._counts, Counts()
            return counts

    def put_back(self, counts: Counts) -> None:
        """Counts that could not be written, to go with the next flush."""
        with self._lock:
            self._counts.merge(counts)

    def pending(self) -> int:
        with self._lock:
            return sum(self._counts.views.values())


class Visits:
    """The app's counter: the buffer, the store, the day's salt, the worker's flushing thread."""

    def __init__(self, app: Flask):
        self.app = app
        self.kind = store_kind(app.config)
        self.buffer = VisitBuffer()
        if self.kind == "redis":
            url = redis_url(app.config)
            if not url:
                raise ValueError("VISITS_STORE is redis but neither VISITS_REDIS_URL nor RATELIMIT_STORAGE_URI "
                                 "is a redis:// URL")
            self.store = RedisStore(url, str(app.config["VISITS_REDIS_PREFIX"]))
            self.interval = float(app.config["VISITS_PUSH_SECONDS"])
        else:
            self.store = MemoryStore()
            self.interval = float(app.config["VISITS_FLUSH_SECONDS"])
        self.per_request = self.kind == "redis" and self.interval <= 0
        self._salt: tuple[date, bytes, bool] | None = None  # (day, salt, shared by the workers)
        self._salt_retry = 0.0
        self._started_here = False  # whether this process has started its flushing (False again in a fork)
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()  # the first page view of a process, the first of a day
        self._complained = 0.0
        # A forked child (a gunicorn worker of a --preload master) starts afresh; asked at the fork, not per request.
        reference = weakref.ref(self)
        os.register_at_fork(after_in_child=lambda: (counter := reference()) is not None and counter._forked())

    # ----------------------------------------------------------------- counting

    def salt(self, day: date) -> bytes:
        """The day's salt: random, one per city day; with the Redis store the same in every worker.

        When Redis does not answer, the worker hashes with a salt of its own (its visitors of the day may then be
        counted twice in the site's figure) and asks Redis again a minute later.
        """
        known = self._salt
        if known is not None and known[0] == day and (known[2] or time.monotonic() < self._salt_retry):
            return known[1]
        with self._lock:  # one new salt per day, whichever of the worker's threads asks first
            return self._new_salt(day)

    def _new_salt(self, day: date) -> bytes:
        known = self._salt
        if known is not None and known[0] == day and (known[2] or time.monotonic() < self._salt_retry):
            return known[1]
        candidate = known[1] if known is not None and known[0] == day else secrets.token_bytes(16)
        shared = True
        if self.kind == "redis":
            try:
                candidate = self.store.salt(day, candidate)
            except Exception:
                shared = False
                self._salt_retry = time.monotonic() + COMPLAINT_SECONDS
                self._complain("cannot share the day's salt through Redis")
        self._salt = (day, candidate, shared)
        return candidate

    def count(self, site: int, address: str, agent: str, item: int | None = None) -> None:
        """One page view of `site` (a site id, or PORTAL) by the visitor at `address` with `agent`."""
        if not self._started_here:
            with self._lock:
                if not self._started_here:
                    self._started()
        day = now().date()
        self.buffer.add(day, site, visitor_hash(self.salt(day), site, address, agent), item)
        if self.per_request:
            try:
                self.store.push(self.buffer)
            except Exception:
                self._complain("cannot send page views to Redis; they wait in the worker")

    # ----------------------------------------------------------------- flushing

    def _forked(self) -> None:
        """In a forked child: the parent's counts are the parent's to write, its locks and thread are not ours."""
        self.buffer = VisitBuffer()
        self.store.reset()
        self._salt = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = None
        self._started_here = False

    def _started(self) -> None:
        """The first page view in this process: start flushing in the background, and at exit.

        Under tests (TESTING) neither the thread nor the exit flush runs: a test flushes by calling `flush`.
        """
        self._started_here = True
        if self.app.testing:
            return
        atexit.register(self._at_exit)
        if self.interval > 0:
            self._thread = threading.Thread(target=self._run, name="visits-flush", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.drain()
            except Exception:
                self._complain(f"cannot write the page views to the {self.kind} store; they wait in the worker")

    def _at_exit(self) -> None:
        """The worker's exit: let a flush in progress finish (a daemon thread dies with the process), write the rest.

        Tried twice: a store that is slow to answer just then (a loaded machine, Redis busy) gets a second chance.
        """
        self._stop.set()
        thread = self._thread
        if thread is not None and thread.is_alive():
            thread.join(timeout=EXIT_WAIT_SECONDS)
        for attempt in (1, 2):
            try:
                self.drain()
                return
            except Exception:
                if attempt == 2:
                    log.exception("visits: the worker's last page views could not be written at exit")
                else:
                    time.sleep(1)

    def close(self) -> None:
        """Stop the background writes and write what is counted, now rather than at the process's exit: for an
        app the process is done with while it goes on (a test's second app). Logs, never raises."""
        if not self._started_here or self.app.testing:
            return  # nothing counted, or nothing started: a test writes by itself
        atexit.unregister(self._at_exit)
        self._at_exit()

    def drain(self) -> Written:
        """Empty this process's buffer into its store (memory: the database; redis: Redis). Commits."""
        with self.app.app_context():
            return self.store.drain(self.buffer)

    def flush(self, moment) -> Written:
        """The `visits.flush` job's work in this process: its own buffer, then (redis) Redis into the database.

        Needs an app context; commits. With the memory store a scheduler process counts nothing itself, so the
        job writes nothing there: the workers write their own.
        """
        written = self.store.drain(self.buffer)
        if isinstance(self.store, RedisStore):
            written = self.store.move_to_database()
        forget_old_flushes(moment)
        db.session.commit()
        return written

    def _complain(self, message: str) -> None:
        if time.monotonic() - self._complained >= COMPLAINT_SECONDS:
            self._complained = time.monotonic()
            log.warning("visits: %s", message, exc_info=True)


def count_visit(response):
    """After every request: count it when it is a page view. Never lets counting break the page."""
    try:
        if current_app.config["VISITS_COUNTED_BY"] != "beacon" and counted(response):
            req = request._get_current_object()
            item = None
            argument = ITEM_PAGES.get(req.endpoint or "")
            if argument is not None:
                item = (req.view_args or {}).get(argument)
            site = g.site.id if g.get("host_kind") == "site" else PORTAL
            current_app.extensions["govsites.visits"].count(site, req.remote_addr or "",
                                                            req.environ.get("HTTP_USER_AGENT", ""), item)
    except Exception:
        log.exception("visits: a page view could not be counted")
    return response


def count_replayed(environ, page: ReplayedPage) -> None:
    """For a kept page answered by `core.web.replay`, what `count_visit` does for one the app answered."""
    counter = current_app.extensions.get("govsites.visits")  # None: VISITS_STORE off in this app
    if counter is None or current_app.config["VISITS_COUNTED_BY"] == "beacon" or page.mimetype != "text/html":
        return
    if not _countable_page(environ, page.host_kind, page.endpoint) or not _countable_visitor(environ):
        return
    argument = ITEM_PAGES.get(page.endpoint)
    item = page.view_args.get(argument) if argument is not None else None
    site = page.site_id if page.host_kind == "site" else PORTAL
    counter.count(site, environ.get("REMOTE_ADDR") or "", environ.get("HTTP_USER_AGENT", ""), item)


def visits() -> Visits | None:
    """The app's counter (None when VISITS_STORE is off)."""
    return current_app.extensions.get("govsites.visits")


def init_app(app: Flask) -> None:
    """Count page views after every request, unless VISITS_STORE is off."""
    app.config["VISITS_COUNTED_BY"] = counted_by(app.config)  # as written ("Beacon "); a wrong value stops the app
    if store_kind(app.config) == "off":
        app.extensions.pop("govsites.visits", None)
        return
    app.extensions["govsites.visits"] = Visits(app)
    app.after_request(count_visit)
    add_replay_listener(count_replayed)


__all__ = ["PORTAL", "Visits", "beacon_url", "count_beacon", "count_replayed", "count_visit", "counted", "counted_by",
           "init_app", "is_robot", "store_kind", "visitor_hash", "visits"]
