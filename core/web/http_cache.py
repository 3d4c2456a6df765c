"""HTTP caching headers: what a browser, nginx in front, or a CDN may keep of an answer, and for how long.

A public page (one the page cache serves, `core.web.cache.cached_page`: feeds and sitemaps among them) is the
same for every visitor of a host in one language and one display mode, so a shared cache may keep it for up to
PUBLIC_CACHE_SECONDS (N): `Cache-Control: public, max-age=0, s-maxage=N-1` (`public_cache_control` says why one
less), an ETag (a hash of the body) and a 304 to a revalidation that names it. `max-age=0` makes a browser ask
again on every visit (answered by the proxy, a 304 while unchanged), so a publish or a withdrawal reaches every
reader within N seconds end to end, never N in the proxy and N more in the browser.

Every other answer — admin, forms, a search, anything with a session — is `private, no-store`, unless an open
route chose its own (theme files, downloads, the open-data API); a view that said `no-store` outright is left as
it said (no cache keeps it at all). A response that sets a cookie is never shareable,
whatever it said before (`_NoSharedCookies`, the last word on every answer), and a public page does not refresh a
signed-in visitor's session cookie (`SessionInterface`), so such a visitor is served the same shared copy.

The page's variant (language and display mode, each chosen by a cookie) is said twice: `Vary: Cookie` for caches
that know nothing else (a browser; a CDN left at its defaults then keeps a copy per visitor, which is wasteful but
never wrong), and `X-Govsites-Variant` with the variant the page was drawn in, so a proxy that keys its cache on
exactly the two cookies can refuse to keep a page whose variant is not the one its key names (a cookie spelled in a
way the proxy reads differently from the app). deploy/README.md explains the design.
"""
from __future__ import annotations

import math

from flask import Flask, current_app, g, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import get_locale

from core.web.elder import elder_mode
from core.web.routes import current_rule

#: The response header naming the variant a public page was drawn in: "<locale>;elder=<0|1>", the locale as
#: Babel names it: "en;elder=0", "zh_Hans_CN;elder=1" (the language zh_CN).
VARIANT_HEADER = "X-Govsites-Variant"
PRIVATE = "private, no-store"
_PUBLIC = "govsites_public_page"


def mark_public() -> None:
    """Say that the page being answered is public: the same for every visitor of the host in its variant."""
    g.setdefault(_PUBLIC, True)


def variant() -> str:
    """The variant of the page being drawn, as `VARIANT_HEADER` carries it: locale and display mode."""
    return f"{get_locale()};elder={int(elder_mode())}"


def public_cache_control(seconds: int, stale: float = 0.0) -> str:
    """The Cache-Control of a public page whose changes must be seen through a shared cache within `seconds`,
    drawn by a worker that may be `stale` seconds behind a change made elsewhere (CONTENT_VERSION_SECONDS).

    Caches count whole seconds and keep a copy through the last second of its lifetime (nginx serves an
    `s-maxage=10` copy until its 11th second), so the header says one second less, and less again by the
    worker's own lag rounded up: a change is seen within `seconds`, never later. When nothing is left: kept,
    but asked again (with its ETag) on every request.
    """
    shared = seconds - 1 - math.ceil(max(0.0, stale))
    if shared <= 0:
        return "public, no-cache"
    return f"public, max-age=0, s-maxage={shared}"


def _shareable(response) -> bool:
    return (bool(g.get(_PUBLIC)) and request.method in ("GET", "HEAD") and response.status_code in (200, 304)
            and "Set-Cookie" not in response.headers)


def _guarded() -> bool:
    rule = current_rule()
    return rule is not None and rule.permission is not None


def set_cache_headers(response):
    """After every request: public pages shareable for PUBLIC_CACHE_SECONDS with an ETag (and a 304 when the
    client's copy is current); the rest `private, no-store` unless an open route chose its own."""
    if _shareable(response):
        response.headers["Cache-Control"] = public_cache_control(int(current_app.config["PUBLIC_CACHE_SECONDS"]),
                                                                 float(current_app.config["CONTENT_VERSION_SECONDS"]))
        response.vary.add("Cookie")
        response.headers[VARIANT_HEADER] = variant()
        if response.status_code == 200 and not response.direct_passthrough:
            if response.get_etag()[0] is None:
                response.add_etag()
            return response.make_conditional(request)
        return response
    if response.cache_control.no_store:
        return response  # kept by no cache at all, as the view said: nothing to add
    if "Set-Cookie" in response.headers or _guarded() or "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = PRIVATE
    return response


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, which leaves an answer a shared cache may keep without a cookie.

    With a permanent session Flask sends the cookie again on every answer to refresh its expiry, a public page
    and a theme file included; a cache keeps no answer that sets a cookie (or, worse, keeps the cookie with it).
    The refresh waits for the next private page (the server's idle timeout is what ends a login); a session that
    changed is still written, and that answer becomes private (`_NoSharedCookies`).
    """

    def open_session(self, app, request):
        """No session cookie, no session to read: an empty one, without Flask's building a cookie signer for each
        request (most of a public page's session cost; a citizen's visit carries no session)."""
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response) -> None:
        shared = response.cache_control.public or response.cache_control.s_maxage is not None
        if shared and not session.modified:
            return
        super().save_session(app, session, response)


class _NoSharedCookies:
    """WSGI middleware: an answer that sets a cookie is `private, no-store` (unless it says `no-store` already),
    whoever set the cookie or the caching headers before (a view, a hook, the session): a cache must never hand
    one visitor's cookie to another."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        def start(status, headers, exc_info=None):
            if any(name.lower() == "set-cookie" for name, _value in headers) and not any(
                    name.lower() == "cache-control" and "no-store" in value.lower() for name, value in headers):
                headers = [(name, value) for name, value in headers
                           if name.lower() not in ("cache-control", "expires", VARIANT_HEADER.lower())]
                headers.append(("Cache-Control", PRIVATE))
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)


def init_app(app: Flask) -> None:
    app.after_request(set_cache_headers)
    app.session_interface = SessionInterface()
    app.wsgi_app = _NoSharedCookies(app.wsgi_app)
