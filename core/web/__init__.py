"""What every module's web layer stands on: routes with their rule, menus, loading, the page cache.

A module registers each view with `route(...)`, which records the hosts it
answers on and the permission it needs (`core.web.routes`); adds its menu
entries and home-page panels (`core.web.menus`); loads objects with
`get_or_404` and reads `?page=` with `page_number` (`core.web.loading`); and
marks the models its public pages read with `PublicContent`
(`core.web.cache`); say which public pages they have, for the sitemaps
(`core.web.sitemaps`), and which other forms a page has, for the layout's
`<link rel="alternate">` (`core.web.alternates`). Every response carries the
security headers (`core.web.headers`) and its caching headers (`core.web.http_cache`); a kept page is answered
again before the app dispatches the request (`core.web.replay`); the proxy in front is
believed as far as PROXY_FIX_HOPS says (`core.web.proxy`); every request closes the temporary files its body was
read into, even when werkzeug could not read the form (`core.web.requests`). Nothing here knows any module.
"""
from __future__ import annotations

from flask import Flask

from core.web.cache import PublicContent, cached_page
from core.web.loading import get_or_404, int_arg, int_choice, page_number, parse_int
from core.web.menus import add_menu_item, add_panel
from core.web.routes import route

__all__ = ["PublicContent", "add_menu_item", "add_panel", "cached_page", "get_or_404", "int_arg", "int_choice",
           "page_number", "parse_int", "route", "init_app"]


def init_app(app: Flask) -> None:
    """Before any module registers a route: the id converter, the host check, menus and the page cache."""
    from core.web import alternates, cache, headers, http_cache, loading, menus, proxy, replay, requests, routes

    replay.init_app(app)  # first: under every other middleware, where the request is as the proxy's told it
    requests.init_app(app)
    headers.init_app(app)
    http_cache.init_app(app)
    proxy.init_app(app)  # after http_cache: the proxy's headers are read before anything else sees the request
    loading.init_app(app)
    routes.init_app(app)
    menus.init_app(app)
    cache.init_app(app)
    alternates.init_app(app)
