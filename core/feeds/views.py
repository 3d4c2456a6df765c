"""Feeds, sitemaps and robots.txt: what feed readers and search engines read of a site and of the city portal.

- `/feeds/news.atom` (a site): the site's news, from its news sections; `/sections/<slug>/feed.atom`: one
  section's items (a section that lists articles; any other address is a 404).
- `/sitemap.xml`: on a site, every public page its modules name (core.web.sitemaps), or an index of numbered
  parts `/sitemap-<n>.xml` when there are more than SITEMAP_MAX_URLS; on the city portal, an index of its own
  pages (`/sitemap-1.xml`) and of every active site's sitemap (a suspended site is left out).
- `/robots.txt`: a site's and the portal's name their sitemap and keep crawlers out of the admin, the search,
  the language and elder-mode switches and the API's JSON (`DISALLOWED`); the console's keeps them out of
  everything.

Feeds and sitemaps are public pages like the others: kept by the page cache (with their XML media type) only
while nothing they show changed, so a publish or a withdrawal shows at once; like every public page they carry an
ETag and the shared-cache lifetime, and a revalidation that finds them unchanged gets a 304 (`core.web.http_cache`).
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, g, request, url_for
from flask_babel import gettext as _

from core.feeds.atom import MEDIA_TYPE as ATOM, FeedInfo, atom_feed
from core.feeds.queries import feed_section, has_feed, news_sections, newest_articles
from core.feeds.sitemap_xml import MEDIA_TYPE as XML, newest, parts, sitemap_index, urlset
from core.i18n import is_english, locale_key, localized
from core.timeutil import now
from core.web import cached_page, route
from core.web.cache import site_memo, unlimited_reads
from core.web.alternates import Alternate, add_alternates
from core.web.http_cache import mark_public
from core.web.sitemaps import public_pages
from tenants.hosts import registry
from themes import portal_url, site_url

bp = Blueprint("feeds", __name__)


# --- feeds ---------------------------------------------------------------------------------------------------

def _feed(url: str, page_url: str, title: str, sections) -> Response:
    site = g.site
    names = {s.id: s for s in sections}
    info = FeedInfo(url=site_url(site, url), page_url=site_url(site, page_url), title=title,
                    author=localized(site), language="en" if is_english() else "zh-CN")
    articles = newest_articles(list(names), current_app.config["FEED_ENTRIES"])
    body = atom_feed(info, articles,
                     item_url=lambda a: site_url(site, url_for("content.article", article_id=a.id)),
                     category=lambda a: (names[a.section_id].slug, localized(names[a.section_id])),
                     generated=now())
    return Response(body, mimetype=ATOM)


def _news_title() -> str:
    return _("%(site)s: news", site=localized(g.site))


def _section_title(section) -> str:
    return _("%(site)s: %(section)s", site=localized(g.site), section=localized(section))


@route(bp, "/feeds/news.atom", permission=None)
@cached_page
def news():
    """The site's news: the newest items of all its news sections together, newest first."""
    return _feed(url_for("feeds.news"), "/", _news_title(), news_sections())


@route(bp, "/sections/<slug>/feed.atom", permission=None)
@cached_page
def section(slug: str):
    """One section's newest items; a section that does not list articles (or no such section) is a 404."""
    found = feed_section(slug)
    if found is None:
        abort(404)
    return _feed(url_for("feeds.section", slug=slug), url_for("sections.show", slug=slug), _section_title(found),
                 [found])


def _alternates(context) -> list[Alternate]:
    """The head's feed links: the site's news feed on every page of a site that has news, and the section's own
    feed on its pages (with a visible link's words for the section's list).

    The same for every page of a section, in a language: kept with the site's other memos (`site_memo`, fresh
    while its sections are unchanged) rather than worked out on each page."""
    site = g.get("site")
    if g.get("host_kind") != "site" or site is None or site.is_suspended:
        return []
    section = context.get("section")
    feed = section if has_feed(section) else None
    return site_memo(("feeds.alternates", feed.id if feed is not None else None, locale_key(), request.script_root),
                     lambda: _feed_links(feed))


def _feed_links(section) -> list[Alternate]:
    found = []
    if section is not None:
        found.append(Alternate(url_for("feeds.section", slug=section.slug), ATOM, _section_title(section),
                               label=_("Subscribe to this section (Atom feed)")))
    if news_sections():
        found.append(Alternate(url_for("feeds.news"), ATOM, _news_title()))
    return found


# --- sitemaps ------------------------------------------------------------------------------------------------

def _active_sites():
    return [s for s in registry().sites() if not s.is_suspended]


def _site_pages() -> list[tuple[str, object]]:
    return [(site_url(g.site, page.path), page.lastmod) for page in public_pages("site")]


def _portal_pages() -> list[tuple[str, object]]:
    origin = portal_url().rstrip("/")
    return [(origin + page.path, page.lastmod) for page in public_pages("portal")]


def _portal() -> bool:
    return g.get("host_kind") == "portal"


@route(bp, "/sitemap.xml", permission=None, host="public")
@cached_page
def sitemap():
    """A site's sitemap (or the index of its parts); on the portal, the index of its own and every active site's."""
    if _portal():
        own = _portal_pages()
        entries = [(portal_url() + "sitemap-1.xml", newest(m for _loc, m in own))]
        entries += [(site_url(site, "/sitemap.xml"), None) for site in _active_sites()]
        return Response(sitemap_index(entries), mimetype=XML)
    pages = _site_pages()
    size = current_app.config["SITEMAP_MAX_URLS"]
    if len(pages) <= size:
        return Response(urlset(pages), mimetype=XML)
    entries = [(site_url(g.site, url_for("feeds.sitemap_part", part=number)), newest(m for _loc, m in chunk))
               for number, chunk in enumerate(parts(pages, size), start=1)]
    return Response(sitemap_index(entries), mimetype=XML)


@route(bp, "/sitemap-<int:part>.xml", permission=None, host="public")
@cached_page
def sitemap_part(part: int):
    """Part `part` (from 1) of a large site's sitemap; the portal's own pages are its part 1. Any other: 404."""
    if _portal():
        if part != 1:
            abort(404)
        return Response(urlset(_portal_pages()), mimetype=XML)
    pages = _site_pages()
    size = current_app.config["SITEMAP_MAX_URLS"]
    if len(pages) <= size:
        abort(404)  # a site that fits in one file has no parts: its /sitemap.xml is the list
    chunks = parts(pages, size)
    if not 1 <= part <= len(chunks):
        abort(404)
    return Response(urlset(chunks[part - 1]), mimetype=XML)


# --- robots.txt ----------------------------------------------------------------------------------------------

#: What no crawler needs, on a site and on the portal (every page a sitemap lists stays open):
#: - the staff's pages (`/admin/`): a sign-in and what is behind it;
#: - the search (`/search`): result pages without end, and each search is counted in the site's statistics;
#: - the switches of language (`/lang/`) and of the elder-friendly version (`/elder-mode/`): no pages, a cookie
#:   and a redirect back to the page they were asked from, one for every page;
#: - the open-data API's JSON (`/api/v1/`): the pages' own content again, for programs, under the API's rate
#:   limit; the page that describes it (`/api/`) stays open.
DISALLOWED = ("/admin/", "/search", "/lang/", "/elder-mode/", "/api/v1/")


@route(bp, "/robots.txt", permission=None, host="all")
@unlimited_reads  # the same public answer for every visitor of a host: no limit of its own (core.web.cache)
def robots():
    """The crawlers' rules of this host, naming its sitemap (an absolute address)."""
    mark_public()  # the same for every visitor of the host: a cache in front may keep it
    kind = g.get("host_kind")
    if kind == "platform":
        lines = ["User-agent: *", "Disallow: /"]  # the bureau's console: nothing to index
    else:
        sitemap_url = portal_url() + "sitemap.xml" if kind == "portal" else site_url(g.site, "/sitemap.xml")
        lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED), "", f"Sitemap: {sitemap_url}"]
    return Response("\n".join(lines) + "\n", mimetype="text/plain")


def init_app(app) -> None:
    app.register_blueprint(bp)
    add_alternates(_alternates)
