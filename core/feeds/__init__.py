"""Feeds and sitemaps (订阅与网站地图): Atom feeds of each section and of a site's news, `/sitemap.xml` per site
and the portal's index of every active site's, `/robots.txt` per host.

The parts: `queries` (which sections have feeds, their newest public items), `atom` (the feed document, by
feedgen), `sitemap_xml` (the sitemap and index documents, by lxml), `views`. The pages a sitemap lists are asked
of the modules that draw them (`core.web.sitemaps`), and the layout's `<link rel="alternate">` of this module
(`core.web.alternates`): no other module knows this one.
"""
from __future__ import annotations


def init_app(app) -> None:
    from core.feeds import views

    views.init_app(app)
