"""What public pages a host has, asked of the modules that draw them (the sitemaps of core.feeds read it).

A module whose public pages should be found by search engines adds a source from its `init_app`:
`add_public_pages("site", source)`, where `source()` returns the active site's pages as `PublicPage`s (a path
made with `url_for`, and when the page last changed, naive on the city's clock, or None when it cannot say).
Sources are asked inside a request on that kind of host, with the site's scope entered: each reads only what
the public may read now (published, inside its public window), as its own public pages do. Nothing here knows
any module; the sitemap knows no module's tables.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

#: The host kinds whose pages are listed: a site's, and the city portal's own.
HOST_KINDS = ("site", "portal")


@dataclass(frozen=True)
class PublicPage:
    path: str  # the page's path on its host, e.g. "/articles/12"
    lastmod: datetime | None = None  # when it last changed (naive, the city's clock); None: not known


_SOURCES: dict[str, list[Callable[[], Iterable[PublicPage]]]] = {kind: [] for kind in HOST_KINDS}


def add_public_pages(host_kind: str, source: Callable[[], Iterable[PublicPage]]) -> None:
    """Register `source` for hosts of `host_kind` ("site" or "portal"); registering it twice changes nothing."""
    if host_kind not in _SOURCES:
        raise ValueError(f"no sitemap for hosts of kind {host_kind!r}")
    if source not in _SOURCES[host_kind]:
        _SOURCES[host_kind].append(source)


def public_pages(host_kind: str) -> list[PublicPage]:
    """Every public page of the current host, each path once (the first source to name it wins), in the
    sources' order: the home page first when its module registered first."""
    seen: set[str] = set()
    pages = []
    for source in _SOURCES.get(host_kind, ()):
        for page in source():
            if page.path not in seen:
                seen.add(page.path)
                pages.append(page)
    return pages
