"""The elder-friendly mode (关怀版): a visitor's choice of larger, plainer public pages, kept in a cookie.

It lives here, below the theme that draws it and the route that sets it (`themes`), because the page cache
(`core.web.cache.page_key`) must tell the two versions of a page apart: a cached page is one mode's HTML.
"""
from __future__ import annotations

from flask import has_request_context, request

#: The cookie that holds the choice: "1" while it is on; removed when the visitor goes back.
ELDER_COOKIE = "elder"
ELDER_ON = "1"


def elder_mode() -> bool:
    """Whether the page being drawn is the elder-friendly version (False outside a request).

    Any value other than ELDER_ON (a stale or hand-made cookie) reads as the standard version, so the cache
    holds at most two versions of a page, never one per cookie value.
    """
    return has_request_context() and request.cookies.get(ELDER_COOKIE) == ELDER_ON
