"""Rendered public pages, kept per worker until the content changes.

A public page is the same for every visitor of a site in one language, so a
worker keeps the HTML it rendered and serves it again while nothing changed.
"Nothing changed" is the site's content version, a counter bumped in the same
transaction as any change to what its pages show (rows of a `PublicContent`
model: sections, articles, attachments, service guides, letters…), and the
host map's version for site, footer and theme changes. Per site: a department
publishing all day leaves every other site's kept pages alone. A change no one
site owns (a platform-wide row, or a bulk UPDATE whose sites are unknown) moves
every site's pages. The city portal's pages follow a version of their own,
moved only by changes to the kinds of rows the portal shows (`PublicContent.
shown_on_portal`: news, sections, the yearly reports) and by changes every
site shows: a letter answered or a guide edited leaves them alone.

A worker reads the versions at most every `CONTENT_VERSION_SECONDS` (0.2 s by
default: a cached page then costs no database round trip, which over TCP to
PostgreSQL was most of its time; the sites' versions only when the city's
moved), and at once after a commit of its own that changed public content: a
publish is visible on the next request in the worker that made it, and within
that interval in every other worker and host.

Some changes need no write: a scheduled item's time comes, a published one's
take-down time passes. A page is therefore never kept past the next such
moment of its site: the modules whose items keep time say when that is
(`add_next_change`), asked once per site and content version and kept with
it, so a cached page costs the same one read. `PAGE_CACHE_SECONDS` remains
as the longest any page is kept.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from functools import wraps

from datetime import datetime

from flask import (Response, current_app, g, has_app_context, has_request_context, make_response, request,
                   request_started)
from flask_babel import get_locale
from sqlalchemy import event, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from core import timeutil
from core.extensions import READ_ONLY_REQUEST, db, limiter
from core.web.elder import elder_mode
from core.web.http_cache import mark_public
from tenants.hosts import registry
from tenants.models import RegistryVersion, SiteContentVersion
from tenants.scoping import TenantScoped, active_tenant_id

CONTENT_KEY = "content"


class PublicContent:
    """Mixin for a model that public pages show: any change to one makes cached pages stale."""

    #: True on a model whose rows the city portal's pages show (its home's city news and report counts): a change
    #: to one also moves the portal's version. Every other change leaves the portal's kept pages alone.
    shown_on_portal = False


_BUMP = update(RegistryVersion).where(RegistryVersion.name == CONTENT_KEY).values(version=RegistryVersion.version + 1)
#: The registry row of changes no one site owns (a platform-wide row public pages show): every site's pages go.
ALL_SITES_KEY = "content_all"
_BUMP_ALL = update(RegistryVersion).where(RegistryVersion.name == ALL_SITES_KEY).values(
    version=RegistryVersion.version + 1)
#: The registry row of the city portal's pages: changes to rows it shows, and changes every site shows.
PORTAL_KEY = "content_portal"
_BUMP_PORTAL = update(RegistryVersion).where(RegistryVersion.name == PORTAL_KEY).values(
    version=RegistryVersion.version + 1)


#: Set in `Session.info` once a transaction changed public content, until the whole transaction ends (a savepoint
#: rolled back inside it included): what it reads is not what others read.
CONTENT_CHANGED = "public_content_changed"
#: Set once the version was bumped, until any transaction or savepoint ends (a savepoint rolled back takes the
#: bump with it).
_BUMPED = "content_version_bumped"
#: The sites (ids, or ALL) whose own versions were bumped, for as long as _BUMPED.
_SITES_BUMPED = "content_sites_bumped"
ALL = "all"
#: Stands in `_SITES_BUMPED` for the portal's version, once bumped.
_PORTAL = "portal"


def _site_of(obj) -> int | str:
    """The site whose pages a changed row shows on: its tenant (the active one for a row not stamped yet), or ALL
    for a platform-wide row."""
    if not isinstance(obj, TenantScoped):
        return ALL
    site = obj.tenant_id if obj.tenant_id is not None else active_tenant_id()
    return ALL if site is None else site


def _bump(session: Session, sites: set, *, portal: bool = True) -> None:
    """Bump the content version (once per transaction) and the versions of `sites` (ids, or ALL) not bumped yet
    in it, on the session's connection, in its transaction; the portal's too when `portal` or ALL is among them
    (once)."""
    connection = session.connection()
    if not session.info.get(_BUMPED):
        connection.execute(_BUMP)
        session.info[_BUMPED] = True
    session.info[CONTENT_CHANGED] = True
    done = session.info.setdefault(_SITES_BUMPED, set())
    if (portal or ALL in sites) and _PORTAL not in done:
        connection.execute(_BUMP_PORTAL)
        done.add(_PORTAL)
    new = sites - done
    if not new:
        return
    if ALL in new:
        connection.execute(_BUMP_ALL)
    ids = sorted(site for site in new if site != ALL)
    if ids:
        table = SiteContentVersion.__table__
        insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
        statement = insert(table)
        connection.execute(statement.on_conflict_do_update(index_elements=["tenant_id"],
                                                           set_={"version": table.c.version + 1}),
                           [{"tenant_id": site, "version": 1} for site in ids])
    done |= new


@event.listens_for(Session, "before_flush")
def _bump_content_version(session, _ctx, _instances) -> None:
    """Bump the content version once per transaction that changes public content, and the version of each site
    whose rows it changes: the readers see the new numbers only when the transaction commits."""
    changed = [obj for obj in (*session.new, *session.dirty, *session.deleted) if isinstance(obj, PublicContent)]
    if changed:
        _bump(session, {_site_of(obj) for obj in changed}, portal=any(obj.shown_on_portal for obj in changed))


def content_changed(session: Session, site_ids=None) -> None:
    """Say that public content changed in `session`'s transaction through statements the ORM does not see
    (a bulk INSERT on the connection): of the sites `site_ids` (ids), or of every site (None). The versions are
    bumped with it, as a flush would; the portal's too, since what changed is not known."""
    _bump(session, {ALL} if site_ids is None else set(site_ids))


@event.listens_for(Session, "after_transaction_end")
def _forget_bump(session, transaction) -> None:
    # Any end, a savepoint's included: a bump rolled back with a savepoint must be made again, and one more
    # bump after a savepoint that was kept costs only a number.
    session.info.pop(_BUMPED, None)
    session.info.pop(_SITES_BUMPED, None)
    if transaction.parent is None:
        session.info.pop(CONTENT_CHANGED, None)


@event.listens_for(Session, "do_orm_execute")
def _bump_on_bulk_change(state) -> None:
    """A bulk UPDATE or DELETE of public content (no objects to flush; which sites, unknown) makes every site's
    cached pages stale."""
    if (state.is_update or state.is_delete) and any(issubclass(m.class_, PublicContent) for m in state.all_mappers):
        _bump(state.session, {ALL})


_CONTENT_VERSION = select(RegistryVersion.version).where(RegistryVersion.name == CONTENT_KEY)
_ALL_AND_PORTAL = select(RegistryVersion.name, RegistryVersion.version).where(
    RegistryVersion.name.in_((ALL_SITES_KEY, PORTAL_KEY)))
_SITE_VERSIONS = select(SiteContentVersion.tenant_id, SiteContentVersion.version)


@dataclass(frozen=True)
class Versions:
    """The content versions as one read saw them: the city's (any change anywhere), the one of changes every site
    shows, each site's own ({site id: version}; a site never changed is at 0), and the city portal's."""

    city: int
    everywhere: int
    sites: dict
    portal: int = 0

    def of_site(self, site_id: int) -> tuple[int, int]:
        """What a site's kept pages depend on: the changes every site shows, and the site's own."""
        return self.everywhere, self.sites.get(site_id, 0)


class _KnownVersions:
    """A process's last read of the versions and when (time.monotonic())."""

    def __init__(self):
        self.versions: Versions | None = None
        self.read_at = 0.0
        #: Moved by every forget: a read that began before one is not kept (it may predate this process's commit).
        self.generation = 0

    def forget(self) -> None:
        self.generation += 1
        self.read_at = 0.0


#: The request environ's key under which the versions read for a request are left, with the generation they were
#: read in (by `core.web.replay` too, before the app): the rest of the request reads them once, not again (while
#: nothing forgot them since).
READ_VERSIONS = "govsites.content_versions"


def _known() -> _KnownVersions:
    known = current_app.extensions.get("govsites.content_versions")
    if known is None:
        known = current_app.extensions["govsites.content_versions"] = _KnownVersions()
    return known


def known_generation() -> int:
    """How many times this process forgot the versions it read (`_KnownVersions.generation`)."""
    return _known().generation


def content_versions() -> Versions:
    """The content versions, as read at most CONTENT_VERSION_SECONDS ago by this process (0: the city's read every
    time; the sites' only when it moved).

    Read at most once a request (a page asks several times: its page, its site's memos); afresh inside a
    transaction that changed public content (it sees its own bumps) and after this process committed one
    (`_forget_known_version`)."""
    seconds = float(current_app.config["CONTENT_VERSION_SECONDS"])
    known = _known()
    # Only a session this request already has can hold a change of its own: none is made just to ask.
    own_change = db.session.registry.has() and bool(db.session.info.get(CONTENT_CHANGED))
    last, generation = known.versions, known.generation
    if not own_change and has_request_context():
        early = request.environ.get(READ_VERSIONS)  # read earlier in this request (or by the replay before it)
        if early is not None and early[1] == generation:
            return early[0]
    if seconds > 0 and last is not None and time.monotonic() - known.read_at < seconds and not own_change:
        return last
    # On the session's connection, not through the ORM: the ORM's per-statement machinery is most of its cost.
    connection = db.session.connection()
    city = connection.execute(_CONTENT_VERSION).scalar_one_or_none() or 0
    if last is not None and last.city == city and not own_change:
        versions = last  # nothing changed anywhere: the sites' versions need no read
    else:
        shared = dict(connection.execute(_ALL_AND_PORTAL).all())
        versions = Versions(city, shared.get(ALL_SITES_KEY, 0), dict(connection.execute(_SITE_VERSIONS).all()),
                            shared.get(PORTAL_KEY, 0))
    if not own_change and known.generation == generation:
        known.versions, known.read_at = versions, time.monotonic()
        if has_request_context():
            request.environ[READ_VERSIONS] = (versions, generation)  # the rest of the request reads these
    return versions


def content_version() -> int:
    """The city's content version (any change to any site's public content moves it): `content_versions`."""
    return content_versions().city


@event.listens_for(Session, "after_commit")
def _forget_known_version(session) -> None:
    """A commit that changed public content: this process reads the new versions at its next page."""
    if session.info.get(CONTENT_CHANGED) and has_app_context():
        _known().forget()


def forget_content_version() -> None:
    """Read the content versions afresh at the next page: for a change made on a connection of its own (not
    through a session), which `_forget_known_version` does not see."""
    _known().forget()


#: Functions naming the next moment the active site's public pages change by the clock alone (an item
#: due to appear, or to go), or None: () -> datetime | None. With no site active (the city portal), the
#: next such moment of any site. Each module whose items keep time adds its own (content: articles).
_NEXT_CHANGE_FINDERS: list = []


def add_next_change(finder) -> None:
    if finder not in _NEXT_CHANGE_FINDERS:
        _NEXT_CHANGE_FINDERS.append(finder)


def next_change() -> datetime | None:
    """The next moment the active site's pages change with no write (None: no such moment is set)."""
    moments = [moment for moment in (finder() for finder in _NEXT_CHANGE_FINDERS) if moment is not None]
    return min(moments, default=None)


#: The sites whose next timed change a worker remembers at least, whatever the page cache's size (`site_memo` asks
#: too, with the page cache off): one small entry per site and kind of host.
NEXT_CHANGE_SCOPES = 10_000


class PageCache:
    """A bounded LRU of rendered pages for one worker: at most `max_entries` pages and `max_bytes` of them.

    Each page is kept until its site's content version changes, `max_age` passes, or
    its site's next timed change comes (`until`, on the city's clock), whichever is first.
    Bounded by bytes as well as pages, so that it can be sized for a city of a thousand sites (tens of
    thousands of pages, most of 20–60 KB) by the memory a worker may give it.
    """

    def __init__(self, max_entries: int, max_age: float, max_bytes: int = 0):
        self.max_entries, self.max_age = max_entries, max_age
        self.max_bytes = max_bytes if max_bytes > 0 else None
        self.size = 0  # bytes of the pages kept
        #: key -> [version, stored_at, until, (body, mimetype), answer]: `answer` is the whole answer's status and
        #: headers once a worker served the page (`keep_answer`), for `core.web.replay`; None until then.
        self._entries: OrderedDict[tuple, list] = OrderedDict()
        #: Per site (the page key's host and site): (versions, its next timed change), as last asked.
        self._next_changes: dict[tuple, tuple[tuple, datetime | None]] = {}
        self._lock = threading.Lock()

    def _fresh(self, key: tuple, version: tuple) -> list | None:
        """The entry of `key` while it is fresh (moved to the end: most recently read), else None (and dropped).
        Holds the lock."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        stored_version, stored_at, until, body, _answer = entry
        if stored_version != version or time.monotonic() - stored_at > self.max_age or \
                (until is not None and timeutil.now() >= until):
            del self._entries[key]
            self.size -= len(body[0])
            return None
        self._entries.move_to_end(key)
        return entry

    def get(self, key: tuple, version: tuple) -> tuple[bytes, str] | None:
        """The kept page's (body, mimetype) while it is fresh, else None."""
        with self._lock:
            entry = self._fresh(key, version)
            return None if entry is None else entry[3]

    def answer(self, key: tuple, version: tuple) -> tuple[bytes, tuple] | None:
        """The kept page's body and its whole answer (as `keep_answer` kept it) while the page
        is fresh and its answer known, else None."""
        with self._lock:
            entry = self._fresh(key, version)
            if entry is None or entry[4] is None:
                return None
            return entry[3][0], entry[4]

    def keep_answer(self, key: tuple, version: tuple, body: bytes, answer: tuple) -> bool:
        """Keep the status and headers (`answer`: (status, [(name, value), …], …)) a worker sent with the kept page
        `key`, when `body` is the very body kept at `version` (not one rendered again since). Returns whether it
        was kept."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != version or entry[3][0] is not body:
                return False
            entry[4] = answer
            return True

    def put(self, key: tuple, version: tuple, body: bytes, until: datetime | None = None,
            mimetype: str = "text/html") -> None:
        """Keep a page; `mimetype` is served with it again (a feed or a sitemap is XML, not HTML)."""
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.size -= len(old[3][0])
            self._entries[key] = [version, time.monotonic(), until, (body, mimetype), None]
            self.size += len(body)
            while self._entries and (len(self._entries) > self.max_entries or
                                     (self.max_bytes is not None and self.size > self.max_bytes)):
                self.size -= len(self._entries.popitem(last=False)[1][3][0])

    def next_change(self, scope: tuple, version: tuple) -> datetime | None:
        """The next timed change of the site `scope`, asked of the database once per content version.

        Kept until the versions change (a write may add or move a moment) or the moment passes (the
        one after it is asked for then).
        """
        with self._lock:
            known = self._next_changes.get(scope)
        if known is not None and known[0] == version and (known[1] is None or timeutil.now() < known[1]):
            return known[1]
        moment = next_change()
        with self._lock:
            self._next_changes[scope] = (version, moment)
            while len(self._next_changes) > max(self.max_entries, NEXT_CHANGE_SCOPES):
                self._next_changes.pop(next(iter(self._next_changes)))
        return moment

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._next_changes.clear()
            self.size = 0


def page_key() -> tuple:
    """Everything a public page depends on, so no visitor is ever served another's variant.

    The host as resolved (the kind and the site, whichever of its names was
    asked), the scheme the request came on (as the proxy in front reported
    it), the language, the display mode (standard or elder-friendly, both
    cookies), the path with its query. Not the Host header's port
    nor its spelling: absolute links are written from the configured origin
    (`tenants.hosts.public_origin`), so they cannot differ. Nobody is signed
    in on a public page: its layout reads no user, and sessions belong to /admin.
    """
    site = g.get("site")
    return (g.get("host_kind"), site.id if site else None, request.scheme, str(get_locale()), elder_mode(),
            request.full_path)


#: The request environ's key under which `cached_page` says which kept page it answered with
#: (`core.web.replay.page_marker`), read by the replay to keep the whole answer with it.
KEPT_PAGE = "govsites.kept_page"


@dataclass(frozen=True)
class ReplayedPage:
    """A kept page as the replay (`core.web.replay`) and its listeners know it, as the full path routed the request
    that first asked for it: the kind of host ("site" or "portal"), the site's id (None on the portal), the endpoint
    and its URL arguments, and the answer's mimetype."""

    host_kind: str
    site_id: int | None
    endpoint: str
    view_args: dict
    mimetype: str


def _marker(key: tuple, version: tuple, body: bytes, mimetype: str) -> tuple:
    """What `cached_page` leaves in the request's environ (under KEPT_PAGE) for the replay: the page's key, its
    versions and body, and the page as a listener sees it."""
    page = ReplayedPage(key[0], key[1], request.endpoint or "", dict(request.view_args or {}), mimetype)
    return key, version, body, page


def _host_map_version() -> int:
    """The host map's version this request was routed under (`tenants.hosts.resolve_request` pins it: the site it
    found, `g.site`, is that map's), or the worker's map's now (outside a routed request: the replay, a job).

    What a page or a memo draws from `g.site` is kept under the map it came from: the map may be read again in
    the middle of a request, and the old site's settings must not be kept under the new map's version."""
    if has_app_context():
        pinned = g.get("host_map_version")
        if pinned is not None:
            return pinned
    return registry().snapshot().version


def page_version(site_id: int | None, versions: Versions | None = None) -> tuple:
    """What the kept pages of a site (`site_id`; None: the city portal) depend on: the host map's version (the one
    the request was routed under, `_host_map_version`), then the site's content versions (the changes every site
    shows, its own) or the portal's (`versions`: as just read by `content_versions`)."""
    versions = versions or content_versions()
    return (_host_map_version(), *(versions.of_site(site_id) if site_id is not None else (versions.portal,)))


def cached_page(view):
    """Serve a public GET page from the worker's cache while its content is unchanged."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        mark_public()  # the same for every visitor: shareable by a cache in front (core.web.http_cache)
        cache: PageCache = current_app.extensions["govsites.page_cache"]
        if cache.max_entries <= 0 or request.method != "GET":
            return view(*args, **kwargs)
        key = page_key()
        site = g.get("site")
        version = page_version(site.id if site is not None else None)
        kept = cache.get(key, version)
        if kept is not None:
            response = Response(kept[0], mimetype=kept[1])
            request.environ[KEPT_PAGE] = _marker(key, version, kept[0], kept[1])
        else:
            response = make_response(view(*args, **kwargs))
            if response.status_code == 200 and not response.direct_passthrough:
                body = response.get_data()
                cache.put(key, version, body, until=cache.next_change(key[:2], version),
                          mimetype=response.mimetype)
                request.environ[KEPT_PAGE] = _marker(key, version, body, response.mimetype)
        response.vary.add("Cookie")  # the language and elder-mode cookies pick the version
        return response

    return unlimited_reads(wrapper)


def unlimited_reads(view):
    """Mark a view whose GETs no rate limit applies to (a public page; `_unlimited_read`) and which only reads the
    database (`_mark_read_only`: no transaction on PostgreSQL, and a write is refused): returns the view.

    Such a view declares no limit of its own (tests/web/test_public_limits.py checks every marked view) and
    writes nothing, not even through what it calls (tests/web/test_public_reads.py)."""
    view.govsites_unlimited_reads = True
    return view


@limiter.request_filter
def _unlimited_read() -> bool:
    """Flask-Limiter's request filter: True (not rate-limited) for a GET or HEAD of a view marked
    `unlimited_reads` (every public page, `cached_page`), unless a setting puts
    a limit on every route (`limits_every_route`). The replay (core.web.replay) answers such a request without the
    limiter already, under the same condition.

    Why: with no limit to apply, the limiter still looked through its limits for the route on every request, the
    most expensive request hook of a page drawn afresh (profile of 2026-12-03, bench/README.md). The limits are
    on the forms' POSTs and on the search.
    """
    if request.method not in ("GET", "HEAD") or limits_every_route(current_app.config):
        return False
    return _public_view()


def _public_view() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "govsites_unlimited_reads", False)


def _mark_read_only(_sender, **_extra) -> None:
    """When a request starts (Flask's `request_started`, before its hooks): a public page's GET or HEAD (a view
    marked `unlimited_reads`) only reads, so its statements need no transaction (`core.extensions.Session`)."""
    if request.method in ("GET", "HEAD") and _public_view():
        request.environ[READ_ONLY_REQUEST] = True


#: Flask-Limiter's settings that put a limit on every route, a public page's included: the default and the
#: application-wide limits, the meta limits (a client that broke limits too often is refused everything), and
#: the limits used in every worker's memory while the storage (Redis) is out of reach.
LIMITS_ON_EVERY_ROUTE = ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META",
                         "RATELIMIT_IN_MEMORY_FALLBACK")


def limits_every_route(config) -> bool:
    """Whether the app's config (a mapping) sets a rate limit on every route (`LIMITS_ON_EVERY_ROUTE`): then a
    public page is limited too, and the limiter must see each of its requests."""
    return any(config.get(name) for name in LIMITS_ON_EVERY_ROUTE)


def site_memo(name, compute, *, timed: bool = False):
    """`compute()` for the active site (or the city, with none active), kept by this worker while the content
    it reads is unchanged: returns the kept value, or computes and keeps it.

    For what a public page reads that depends on a site's content and is the same for every visitor: it is kept
    under the same versions as the site's cached pages (the host map's and the site's content versions), so
    it is fresh exactly when a kept page would be, and is asked again after any change to the site's
    `PublicContent`. Even with the page cache off, a rendered page then pays for it once per content version.
    `timed`: the value also changes when an item's time comes (a scheduled item goes up, an expiring one comes
    down): it is kept only until the site's next such moment (`next_change`, as the page cache keeps a page).
    A transaction that changed public content itself computes afresh and keeps nothing: what it reads may
    still be rolled back; nor does a request whose site's versions moved since its first memo (`_steady`). The
    host map's version is the one the request was routed under (`_host_map_version`). `name` is any hashable
    naming the value (a tuple may carry its arguments).
    """
    site = active_tenant_id()
    version = _memo_version(site)
    steady = _steady(site, version)
    memo: dict = current_app.extensions["govsites.site_memo"]
    key = (name, site)
    kept = memo.get(key)
    if kept is not None and kept[0] == version and (kept[2] is None or timeutil.now() < kept[2]):
        return kept[1]
    value = compute()
    if steady and not db.session.info.get(CONTENT_CHANGED):
        until = None
        if timed:
            cache: PageCache = current_app.extensions["govsites.page_cache"]
            until = cache.next_change((g.get("host_kind"), site), version)
        memo[key] = (version, value, until)
    return value


def _memo_version(site: int | None) -> tuple:
    versions = content_versions()
    return (_host_map_version(), *(versions.of_site(site) if site is not None else (versions.city,)))


#: The request environ's key for the versions each site's memos were first asked under ({site id: versions}).
_FIRST_MEMO_VERSIONS = "govsites.first_memo_versions"


def _steady(site: int | None, version: tuple) -> bool:
    """Whether `version` is still the one the request first asked a memo of `site` under (the first ask, kept or
    not, sets it). Once the site's versions moved in the middle of a request, nothing computed in it is kept:
    a value drawn from what the request read earlier (its sections, a kept part of the layout) would be the old
    versions' kept under the new ones, for as long as nothing changes. Outside a request: True."""
    if not has_request_context():
        return True
    return request.environ.setdefault(_FIRST_MEMO_VERSIONS, {}).setdefault(site, version) == version


def site_memo_keeps() -> bool:
    """Whether `site_memo` would keep a value computed now for the active site: the site's versions have not moved
    in this request (`_steady`) and no public content changed in its transaction. For a caller that adds to a
    kept value itself (`themes.kept`'s parts of the layout)."""
    site = active_tenant_id()
    return _steady(site, _memo_version(site)) and not db.session.info.get(CONTENT_CHANGED)


def init_app(app) -> None:
    request_started.connect(_mark_read_only, app)
    # One entry per name and site: bounded by the number of sites.
    app.extensions["govsites.site_memo"] = {}
    app.extensions["govsites.page_cache"] = PageCache(int(app.config["PAGE_CACHE_ENTRIES"]),
                                                      float(app.config["PAGE_CACHE_SECONDS"]),
                                                      int(float(app.config["PAGE_CACHE_MB"]) * 1024 * 1024))
