"""What modules above content add to an article's public page, without content importing them.

A module registers a part for a place on the page with `add_article_part(place, render)`; `render(article)`
returns the HTML to put there (Markup) or None. The places: "header", drawn above the text in place of the
policy facts (a module whose header names an item's document facts draws them itself), and "footer", below
the attachments. The disclosure module adds the catalogue's header table (索引号, 主题分类 ...) and the
policy interpretation links.
"""
from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup

PLACES = ("header", "footer")
_PARTS: dict[str, list[Callable]] = {place: [] for place in PLACES}


def add_article_part(place: str, render: Callable) -> None:
    """Draw `render(article)` at `place` ("header" or "footer") of every article page."""
    if place not in PLACES:
        raise ValueError(place)
    if render not in _PARTS[place]:
        _PARTS[place].append(render)


def article_parts(article, place: str) -> list[Markup]:
    """The parts modules draw at `place` for this article, in the order they were added (empty ones left out)."""
    return [Markup(html) for html in (render(article) for render in _PARTS[place]) if html]
