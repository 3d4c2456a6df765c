"""Rendered public pages, kept per worker until the content changes.

A public page is the same for every visitor of a site in one language, so a
worker keeps the HTML it rendered and serves it again while nothing changed.
"Nothing changed" is one cheap read per request: the content version, a
counter bumped in the same transaction as any change to sections, articles or
attachments (and the host map's version for site, footer and theme changes).
A publish is therefore visible on the very next request, in every worker.

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
from functools import wraps

from datetime import datetime

from flask import Response, current_app, g, make_response, request
from flask_babel import get_locale
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from core import timeutil
from core.extensions import db
from core.web.elder import elder_mode
from core.web.http_cache import mark_public
from tenants.hosts import registry
from tenants.models import RegistryVersion

CONTENT_KEY = "content"


class PublicContent:
    """Mixin for a model that public pages show: any change to one makes cached pages stale."""


_BUMP = update(RegistryVersion).where(RegistryVersion.name == CONTENT_KEY).values(version=RegistryVersion.version + 1)


#: Set in `Session.info` once a transaction changed public content, until the whole transaction ends (a savepoint
#: rolled back inside it included): what it reads is not what others read.
CONTENT_CHANGED = "public_content_changed"
#: Set once the version was bumped, until any transaction or savepoint ends (a savepoint rolled back takes the
#: bump with it).
_BUMPED = "content_version_bumped"


@event.listens_for(Session, "before_flush")
def _bump_content_version(session, _ctx, _instances) -> None:
    """Bump the content version once per transaction that changes public content: the readers see the new
    number only when the transaction commits, so later flushes of the same transaction need no second bump."""
    if session.info.get(_BUMPED):
        return
    if any(isinstance(obj, PublicContent) for obj in (*session.new, *session.dirty, *session.deleted)):
        # On the session's connection (its transaction), not through the ORM's per-statement listeners.
        session.connection().execute(_BUMP)
        session.info[_BUMPED] = session.info[CONTENT_CHANGED] = True


def content_changed(session: Session) -> None:
    """Say that public content changed in `session`'s transaction through statements the ORM does not see
    (a bulk INSERT on the connection): the content version is bumped with it, as a flush would."""
    if not session.info.get(_BUMPED):
        session.connection().execute(_BUMP)
    session.info[_BUMPED] = session.info[CONTENT_CHANGED] = True


@event.listens_for(Session, "after_transaction_end")
def _forget_bump(session, transaction) -> None:
    # Any end, a savepoint's included: a bump rolled back with a savepoint must be made again, and one more
    # bump after a savepoint that was kept costs only a number.
    session.info.pop(_BUMPED, None)
    if transaction.parent is None:
        session.info.pop(CONTENT_CHANGED, None)


@event.listens_for(Session, "do_orm_execute")
def _bump_on_bulk_change(state) -> None:
    """A bulk UPDATE or DELETE of public content (no objects to flush) makes cached pages stale too."""
    if (state.is_update or state.is_delete) and any(issubclass(m.class_, PublicContent) for m in state.all_mappers):
        state.session.execute(_BUMP)
        state.session.info[CONTENT_CHANGED] = True


_CONTENT_VERSION = select(RegistryVersion.version).where(RegistryVersion.name == CONTENT_KEY)


def content_version() -> int:
    # On the session's connection, not through the ORM: this runs on every
    # cached page, and the ORM's per-statement machinery is most of its cost.
    return db.session.connection().execute(_CONTENT_VERSION).scalar_one_or_none() or 0


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


class PageCache:
    """A bounded LRU of rendered pages for one worker.

    Each page is kept until the content version changes, `max_age` passes, or
    its site's next timed change comes (`until`, on the city's clock), whichever is first.
    """

    def __init__(self, max_entries: int, max_age: float):
        self.max_entries, self.max_age = max_entries, max_age
        self._entries: OrderedDict[tuple, tuple[tuple, float, datetime | None, tuple[bytes, str]]] = OrderedDict()
        #: Per site (the page key's host and site): (versions, its next timed change), as last asked.
        self._next_changes: dict[tuple, tuple[tuple, datetime | None]] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple, version: tuple) -> tuple[bytes, str] | None:
        """The kept page's (body, mimetype) while it is fresh, else None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            stored_version, stored_at, until, body = entry
            if stored_version != version or time.monotonic() - stored_at > self.max_age or \
                    (until is not None and timeutil.now() >= until):
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return body

    def put(self, key: tuple, version: tuple, body: bytes, until: datetime | None = None,
            mimetype: str = "text/html") -> None:
        """Keep a page; `mimetype` is served with it again (a feed or a sitemap is XML, not HTML)."""
        with self._lock:
            self._entries[key] = (version, time.monotonic(), until, (body, mimetype))
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

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
            while len(self._next_changes) > max(self.max_entries, 1):
                self._next_changes.pop(next(iter(self._next_changes)))
        return moment

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._next_changes.clear()


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


def cached_page(view):
    """Serve a public GET page from the worker's cache while its content is unchanged."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        mark_public()  # the same for every visitor: shareable by a cache in front (core.web.http_cache)
        cache: PageCache = current_app.extensions["govsites.page_cache"]
        if cache.max_entries <= 0 or request.method != "GET":
            return view(*args, **kwargs)
        key = page_key()
        version = (registry().snapshot().version, content_version())
        kept = cache.get(key, version)
        if kept is not None:
            response = Response(kept[0], mimetype=kept[1])
        else:
            response = make_response(view(*args, **kwargs))
            if response.status_code == 200 and not response.direct_passthrough:
                cache.put(key, version, response.get_data(), until=cache.next_change(key[:2], version),
                          mimetype=response.mimetype)
        response.vary.add("Cookie")  # the language and elder-mode cookies pick the version
        return response

    return wrapper


def init_app(app) -> None:
    app.extensions["govsites.page_cache"] = PageCache(int(app.config["PAGE_CACHE_ENTRIES"]),
                                                      float(app.config["PAGE_CACHE_SECONDS"]))
