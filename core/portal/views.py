"""The city portal reads across every site on purpose: public, published news only, and which sites have published
their yearly disclosure report and their yearly website report."""
from __future__ import annotations

from core.content.queries import city_news
from core.disclosure.report_queries import city_reports, reporting_year
from core.evaluation.yearly import city_reports as city_website_reports
from core.web import cached_page
from core.web.menus import set_front_page
from core.web.sitemaps import PublicPage, add_public_pages
from tenants.hosts import registry
from themes import render_page

CITY_NEWS_COUNT = 20


@cached_page
def home():
    """Every active site by group, the city's latest news, and how many sites have published last year's disclosure
    report and website report (drawn from `/` on the city domain)."""
    sites = {s.id: s for s in registry().sites()}
    active = [s.id for s in registry().sites() if not s.is_suspended]
    news = [(article, sites[tenant_id]) for article, tenant_id in city_news(active, CITY_NEWS_COUNT)]
    groups = [g for g in registry().groups() if g.sites]
    ungrouped = [s for s in registry().sites() if s.group_key is None]
    year = reporting_year()
    reports = city_reports(year)
    reported = sum(1 for site_id in active if site_id in reports and reports[site_id].standing.kind == "published")
    website = city_website_reports(year)
    website_reported = sum(1 for site_id in active if site_id in website and website[site_id].status == "published")
    return render_page("portal/home.html", groups=groups, ungrouped=ungrouped, news=news,
                       disclosure_reports={"year": year, "published": reported, "sites": len(active)},
                       website_reports={"year": year, "published": website_reported, "sites": len(active)})


def _home_page() -> list[PublicPage]:
    return [PublicPage("/")]


def init_app(app) -> None:
    """The portal's only page is its home: `/` on the city domain."""
    set_front_page(app, "portal", home)
    add_public_pages("portal", _home_page)  # the portal's home, in its own sitemap
