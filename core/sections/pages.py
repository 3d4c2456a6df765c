"""Who draws the public page of each kind of section: modules register a view for the kinds they own.

`/sections/<slug>/` (core.sections.views.show) looks the section's kind up
here: content draws article, policy and form lists, the sections module single
pages and external links, later modules their own kinds. A module registers
from its views with `@section_page("kind", ...)`, without importing another
module's views.
"""
from __future__ import annotations

from collections.abc import Callable

#: kind -> the view that draws a section of that kind: fn(section, children) -> response.
#: None is the fallback for kinds no module has claimed yet.
SECTION_PAGES: dict[str | None, Callable] = {}


def section_page(*kinds: str | None):
    """Register the public page of sections of `kinds` (None: every kind nobody else draws)."""

    def decorator(fn):
        for kind in kinds:
            SECTION_PAGES[kind] = fn
        return fn

    return decorator
