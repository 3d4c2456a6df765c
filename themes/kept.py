"""Parts of the public layout drawn once per site and then reused: `{% kept 'name', key, … %}…{% endkept %}`.

Why: the masthead, the navigation and the footer are the same on every page of a site, yet were drawn again
for each page: about half of what a cold page (the page cache off, or a page not yet kept) spends in its
templates (profile of 2026-12-02, bench/README.md). A kept part is drawn on the first page of its site that
needs it and reused by every other page of the site in this worker, for as long as a kept page would be: it
is a `core.web.cache.site_memo`, under the host map's version and the site's content versions, so a change
to the site's settings, sections or content draws it again, and a transaction that changed content keeps
nothing. It is not a page cache: an article's own text, and anything else that differs from page to page,
stays outside.

What a part's HTML may depend on, which is also what it is kept under:

- implicitly: the site (or the city, on a page of no site), the theme, the language in force, the kind of
  host, and the app's path prefix (`request.script_root`, which every `url_for` link starts with);
- explicitly: the keys written after its name (hashable values: the elder mode, a block drawn outside the
  part, the current navigation item).

Anything else a part shows (the page's own address, a page's block) must be drawn outside it or be one of
its keys. Outside a request (a template drawn by a job), a part is drawn every time.
"""
from __future__ import annotations

from flask import g, has_request_context, request
from jinja2 import nodes
from jinja2.ext import Extension


class KeptPart(Extension):
    """The `{% kept %}` tag: see the module's docstring."""

    tags = {"kept"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        keys = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            keys.append(parser.parse_expression())
        body = parser.parse_statements(("name:endkept",), drop_needle=True)
        call = self.call_method("_draw", [nodes.ContextReference(), nodes.Tuple(keys, "load")])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    @staticmethod
    def _draw(context, keys: tuple, caller):
        # The parts of one page share one store, found once per page (on its render's context): the site's
        # parts in this theme, language, kind of host and path prefix, as kept for the site's versions.
        store = getattr(context, "_govsites_kept_parts", None)
        if store is None:
            store = _store(context)
            context._govsites_kept_parts = store
        if store is False:
            return caller()
        part = store.get(keys)
        if part is None:
            part = store[keys] = caller()
        return part


def _store(context) -> dict | bool:
    """The store of kept parts for this page ({keys: HTML}), or False: the parts are drawn whole and kept
    nowhere, outside a request and in a request that may not keep them (`core.web.cache.site_memo_keeps`)."""
    if not has_request_context():
        return False
    # Imported here: themes is imported by the modules these import.
    from core.i18n import locale_key
    from core.web.cache import site_memo, site_memo_keeps
    from themes import current_theme

    store = site_memo(("layout parts", current_theme(), locale_key(), g.get("host_kind"), request.script_root), dict)
    # A request whose site's versions moved since it read its site and sections draws its parts and keeps none.
    return store if site_memo_keeps() else False
