"""A kept public page answered again before Flask dispatches the request: the page cache's front door.

On the full path, a page the worker keeps (`core.web.cache.cached_page`) still costs every request hook of every
extension (the rate limiter, the host map, the security and caching headers, the CSRF check, the session, the
locale) and every after-request hook: about 1 ms of a worker's time, against a few microseconds to hand over the
page. This WSGI middleware, inside the proxy's (`core.web.proxy`) and under every other, remembers for the request
as it came which kept page answered it, and keeps the whole answer (status and headers, as the full path sent them)
with that page in the page cache. The same request again is answered from there, while the page is fresh by the
very test the full path applies (`PageCache.answer`: the host map's version and the site's content versions, the
page's age, its site's next timed change): a publish is seen exactly when the full path would see it.

"The same request" holds everything a public page depends on (`core.web.cache.page_key`), read as it came: the Host
header as sent, the scheme, the path and the query, the language cookie (as `core.i18n.select_locale` reads it: a
value it does not know is the default language), the elder-mode cookie. The request is answered again only under the
host map it was routed with (a host moved to another site, made an alias or removed goes the full path again) and
the settings its answer was written under. Each hook the replay leaves out answers that request the same way: the
host map resolves the same host to the same site, an open route needs no login, a GET carries no CSRF token, no rate
limit applies to a public page's GET, and the headers are the ones sent with this very body (only `Date` is written
afresh).

Left to the full path, where it may answer otherwise:
- a request with a session or remember-me cookie (a signed-in visitor: the full path may refresh their login);
- a conditional request (`If-None-Match`, `If-Modified-Since`, any `If-*`): the full path answers 304 or 412;
- an `X-Forwarded-Proto` other than the scheme the request is taken for (Talisman reads the header itself for HSTS);
- every request while a setting puts a rate limit on every route (`core.web.cache.limits_every_route`:
  RATELIMIT_DEFAULT, RATELIMIT_APPLICATION, RATELIMIT_META, RATELIMIT_IN_MEMORY_FALLBACK);
- anything but GET, and any answer that sets a cookie or is not shareable.

Whatever else a page view does is done by a listener (`add_replay_listener`) for each replayed answer: the page-view
count (`core.evaluation.visits`). A database out of reach while the versions are read sends the request down the full
path, which answers it as it answers any other (the outage page).
"""
from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict

from sqlalchemy.exc import SQLAlchemyError
from werkzeug.http import http_date, parse_cookie

from core.web.cache import (KEPT_PAGE, READ_VERSIONS, PageCache, ReplayedPage, content_versions, known_generation,
                            limits_every_route, page_version)
from core.web.elder import ELDER_COOKIE, ELDER_ON

log = logging.getLogger("govsites.replay")

#: The longest path and query (characters together) a request may have for the replay to know it: its index holds
#: one key per request (at most PAGE_CACHE_ENTRIES), so a key's size bounds the index's memory (~0.5 KB a key, not
#: the 8 KB of a request line padded with a junk query). A longer address still gets its kept page, the full way.
LONGEST_KEPT_ADDRESS = 400

#: The language cookie (core.i18n names it; this layer is below it).
LANG_COOKIE = "lang"


#: Functions called for each replayed answer, in the app's context: (environ, ReplayedPage) -> None.
_LISTENERS: list = []


def add_replay_listener(listener) -> None:
    """Have `listener(environ, page)` run for every public page answered by the replay (in the app's context, the
    request's environ as it came, a `ReplayedPage`): for what the full path's after-request hooks do for a page
    view. A listener's exception is logged and the page still served."""
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)


class _Dates:
    """The `Date` header's value, written once a second."""

    def __init__(self):
        self._second, self._value = -1, ""

    def now(self) -> str:
        second = int(time.time())
        if second != self._second:
            self._second, self._value = second, http_date(second)
        return self._value


class PageReplay:
    """The WSGI middleware: `app.wsgi_app = PageReplay(app, app.wsgi_app)` (see the module's docstring)."""

    def __init__(self, app, wsgi_app):
        self.app, self.wsgi_app = app, wsgi_app
        #: The request as it came -> (the kept page's key, the page, the host map's version it was routed under, the
        #: settings): bounded like the page cache.
        self._index: OrderedDict[tuple, tuple[tuple, ReplayedPage, int, tuple]] = OrderedDict()
        self._lock = threading.Lock()
        self._dates = _Dates()

    def _settings(self) -> tuple:
        """The settings the kept headers (`core.web.http_cache`) and the routing (`tenants.hosts`) were written
        under: an answer kept under others is not replayed."""
        config = self.app.config
        return config["PUBLIC_CACHE_SECONDS"], config["CONTENT_VERSION_SECONDS"], config["ALIAS_REDIRECT"]

    def _cache(self) -> PageCache:
        return self.app.extensions["govsites.page_cache"]

    def request_key(self, environ) -> tuple | None:
        """The request as a public page depends on it, or None when only the full path may answer it."""
        if environ.get("REQUEST_METHOD") != "GET" or any(name.startswith("HTTP_IF_") for name in environ):
            return None
        config = self.app.config
        if limits_every_route(config):
            return None  # a limit on every route would apply to public pages too: only the full path counts it
        forwarded = environ.get("HTTP_X_FORWARDED_PROTO")
        if forwarded is not None and forwarded != environ.get("wsgi.url_scheme"):
            return None  # Talisman's HSTS reads the header itself: the kept headers may not be this request's
        lang = None
        elder = False
        header = environ.get("HTTP_COOKIE")
        if header:
            cookies = parse_cookie(header)
            if config["SESSION_COOKIE_NAME"] in cookies or config.get("REMEMBER_COOKIE_NAME",
                                                                       "remember_token") in cookies:
                return None
            lang = cookies.get(LANG_COOKIE)
            if lang not in config["LANGUAGES"]:
                lang = None  # as core.i18n.select_locale reads it: the default language, one key
            elder = cookies.get(ELDER_COOKIE) == ELDER_ON
        path, query = environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", "")
        if len(path) + len(query) > LONGEST_KEPT_ADDRESS:
            return None  # no public page's address is this long: its kept page is found the full path's way
        host = environ.get("HTTP_HOST")
        return (host, None if host else environ.get("SERVER_NAME"), environ.get("wsgi.url_scheme"),
                environ.get("SCRIPT_NAME", ""), path, query, lang, elder)

    def __call__(self, environ, start_response):
        key = self.request_key(environ)
        if key is None:
            return self.wsgi_app(environ, start_response)
        with self._lock:
            known = self._index.get(key)
        if known is not None:
            answer = self._replay(environ, *known)
            if answer is not None:
                status, headers, body = answer
                start_response(status, headers)
                return [body]
        return self._full_path(key, environ, start_response)

    def _replay(self, environ, page_key: tuple, page: ReplayedPage, host_map: int, settings: tuple) -> tuple | None:
        """The kept answer as (status, headers, body) while its page is fresh, else None."""
        if settings != self._settings():
            return None
        try:
            with self.app.app_context():
                versions = content_versions()
                environ[READ_VERSIONS] = (versions, known_generation())
                version = page_version(page.site_id, versions)
                if version[0] != host_map:
                    return None  # the host may name another site now, or none, or redirect
                found = self._cache().answer(page_key, version)
                if found is None or found[1][2] != settings:
                    return None  # a caching header would be written otherwise now
                for listener in _LISTENERS:
                    try:
                        listener(environ, page)
                    except Exception:
                        log.exception("replay: a listener failed on a kept page")
        except SQLAlchemyError:
            return None  # the database is out of reach: the full path answers, as it answers any request then
        body, (status, headers, _settings) = found
        return status, [*headers, ("Date", self._dates.now())], body

    def _full_path(self, key: tuple, environ, start_response):
        """The app's answer; when it is a kept page's, shareable, its status and headers are kept with the page."""
        sent: list = []

        def start(status, headers, exc_info=None):
            sent[:] = [status, headers]
            return start_response(status, headers, exc_info)

        iterable = self.wsgi_app(environ, start)
        marker = environ.get(KEPT_PAGE)
        if marker is None or not sent or not sent[0].startswith("200 ") or not _shareable(sent[1]):
            return iterable
        try:
            body = b"".join(iterable)
        finally:
            close = getattr(iterable, "close", None)
            if close is not None:
                close()
        page_key, version, kept_body, page = marker
        headers = tuple((name, value) for name, value in sent[1] if name.lower() != "date")
        answer = (sent[0], headers, self._settings())
        if body is kept_body and self._cache().keep_answer(page_key, version, body, answer):
            with self._lock:
                self._index[key] = (page_key, page, version[0], answer[2])
                self._index.move_to_end(key)
                while len(self._index) > max(self._cache().max_entries, 1):
                    self._index.popitem(last=False)
        return [body]


def _shareable(headers) -> bool:
    """Whether an answer may be given to anyone who asks the same: public, of a known variant, setting no cookie."""
    names = {name.lower(): value for name, value in headers}
    return ("set-cookie" not in names and "public" in names.get("cache-control", "")
            and "x-govsites-variant" in names)


def init_app(app) -> None:
    """Put the replay under every other middleware (install it before them)."""
    app.wsgi_app = PageReplay(app, app.wsgi_app)
