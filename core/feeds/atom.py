"""Atom feeds (RFC 4287) of a site's articles, written by feedgen.

Atom rather than RSS 2.0: every date carries its offset (RFC 3339), so the city's time zone is never a reader's
guess; a summary declares itself plain text (`type="text"`), so a reader never renders a title or summary as
markup; every feed and entry has a permanent id; and every feed reader and search engine reads it. One format
keeps one set of addresses and tests.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from feedgen.feed import FeedGenerator

from core.content.models import Article
from core.content.sanitize import plain_text
from core.timeutil import CITY_TZ

MEDIA_TYPE = "application/atom+xml"
#: Characters of a summary made from the text when the item has no summary of its own.
SUMMARY_LENGTH = 200
#: Characters XML 1.0 cannot hold at all: lxml refuses them, so they are dropped (stored text should have none).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True)
class FeedInfo:
    """What a feed says about itself: its own address (also its id), the page it stands for, names."""

    url: str  # absolute
    page_url: str  # absolute: the section's page, or the site's home
    title: str
    author: str  # the department that publishes it (a site, never a person)
    language: str  # "zh-CN" or "en"


def _text(value: str | None) -> str:
    return _NOT_XML.sub("", value or "")


def _city_time(moment: datetime) -> datetime:
    """A stored time (naive, the city's clock) with the city's offset, as Atom requires."""
    return moment.replace(tzinfo=CITY_TZ)


def summary_of(article: Article) -> str:
    """The item's summary as plain text: its own, or the start of its text with the markup taken out."""
    own = " ".join((article.summary or "").split())
    if own:
        return own
    text = plain_text(article.body_html or "")
    return text if len(text) <= SUMMARY_LENGTH else text[:SUMMARY_LENGTH].rstrip() + "…"


def updated_of(article: Article) -> datetime:
    """When the item last changed for the public: a change that went live, else its publication."""
    public_at = article.public_at
    return max(public_at, article.revised_at) if article.revised_at else public_at


def atom_feed(info: FeedInfo, articles: list[Article], item_url, category=None, generated: datetime | None = None
              ) -> bytes:
    """The Atom document of `articles` (already newest first), as UTF-8 bytes.

    `item_url(article)` gives an item's absolute address (its entry's id and link); `category(article)` its
    section's (term, label) or None. The feed's `updated` is its newest entry's, or `generated` for an empty feed.
    """
    feed = FeedGenerator()
    feed.id(info.url)
    feed.title(_text(info.title))
    feed.link(href=info.url, rel="self", type=MEDIA_TYPE)
    feed.link(href=info.page_url, rel="alternate", type="text/html")
    feed.author({"name": _text(info.author)})
    feed.language(info.language)
    newest = None
    for article in articles:
        entry = feed.add_entry(order="append")
        url = item_url(article)
        entry.id(url)
        entry.title(_text(article.title))
        entry.link(href=url, rel="alternate", type="text/html")
        entry.summary(_text(summary_of(article)), type="text")
        entry.published(_city_time(article.public_at))
        updated = updated_of(article)
        entry.updated(_city_time(updated))
        newest = updated if newest is None or updated > newest else newest
        if category is not None and (found := category(article)) is not None:
            entry.category(term=_text(found[0]), label=_text(found[1]))
    feed.updated(_city_time(newest or generated or datetime(2000, 1, 1)))
    return feed.atom_str(pretty=False)
