"""Sitemap documents (the sitemaps.org protocol 0.9), written with lxml: a list of pages, or an index of sitemaps.

A sitemap file holds at most 50,000 addresses (and 50 MB): a site with more gets an index of numbered parts
(`parts`). Every `lastmod` is a W3C datetime with the city's offset (2026-12-01T09:30:00+08:00).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from lxml import etree

from core.timeutil import CITY_TZ

NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
MEDIA_TYPE = "application/xml"
#: The protocol's longest address.
MAX_LOC = 2048


def w3c_datetime(moment: datetime) -> str:
    """A stored time (naive, the city's clock) as a W3C datetime with its offset, to the second."""
    return moment.replace(tzinfo=CITY_TZ, microsecond=0).isoformat()


def _document(root_tag: str, item_tag: str, entries: Iterable[tuple[str, datetime | None]]) -> bytes:
    root = etree.Element(f"{{{NAMESPACE}}}{root_tag}", nsmap={None: NAMESPACE})
    for loc, lastmod in entries:
        if len(loc) > MAX_LOC:
            continue  # no public page has such an address; a search engine would refuse the whole file for it
        item = etree.SubElement(root, f"{{{NAMESPACE}}}{item_tag}")
        etree.SubElement(item, f"{{{NAMESPACE}}}loc").text = loc
        if lastmod is not None:
            etree.SubElement(item, f"{{{NAMESPACE}}}lastmod").text = w3c_datetime(lastmod)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def urlset(entries: Iterable[tuple[str, datetime | None]]) -> bytes:
    """A sitemap of pages: [(absolute address, last changed or None)] → the `<urlset>` document."""
    return _document("urlset", "url", entries)


def sitemap_index(entries: Iterable[tuple[str, datetime | None]]) -> bytes:
    """An index of sitemaps: [(absolute address of a sitemap, its newest change or None)] → `<sitemapindex>`."""
    return _document("sitemapindex", "sitemap", entries)


def parts(items: list, size: int) -> list[list]:
    """`items` cut into parts of at most `size` (at least one part, perhaps empty)."""
    return [items[start:start + size] for start in range(0, len(items), size)] or [[]]


def newest(moments: Iterable[datetime | None]) -> datetime | None:
    return max((m for m in moments if m is not None), default=None)
