"""Other forms of a public page (its section's feed, the site's news feed), offered by the modules that make them.

The layout writes one `<link rel="alternate">` per entry in its head, so feed readers and browsers find them
(autodiscovery); a page may also show the entries that belong to it as visible links (a section's list shows
"subscribe"). A module adds a provider from its `init_app`: `add_alternates(provider)`, where
`provider(context)` reads the template's context (e.g. its `section`) and returns `Alternate`s. Nothing here
knows any module: without a provider, pages have no alternates.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import Flask
from jinja2 import pass_context


@dataclass(frozen=True)
class Alternate:
    href: str  # where the other form is (a path on this host, or absolute)
    type: str  # its media type, e.g. "application/atom+xml"
    title: str  # what a feed reader calls it
    #: The words of a visible link, for the page's own alternate (a section's feed on the section's page, drawn
    #: by the page's template); empty: only the head names it.
    label: str = ""


_PROVIDERS: list[Callable[[dict], Iterable[Alternate]]] = []


def add_alternates(provider: Callable[[dict], Iterable[Alternate]]) -> None:
    """Register `provider(context) -> [Alternate]`; asked on every public page the layout draws."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


@pass_context
def alternates(context) -> list[Alternate]:
    """The current page's alternates, every provider's, in the order they were added (a template global)."""
    found: list[Alternate] = []
    for provider in _PROVIDERS:
        found.extend(provider(context))
    return found


def init_app(app: Flask) -> None:
    app.jinja_env.globals["alternates"] = alternates
