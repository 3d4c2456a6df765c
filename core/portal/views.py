"""The city portal reads across every site on purpose: public, published news only."""
from __future__ import annotations

from core.content.queries import city_news
from core.web import cached_page
from core.web.menus import set_front_page
from tenants.hosts import registry
from themes import render_page

CITY_NEWS_COUNT = 20


@cached_page
def home():
    """Every active site by group, and the city's latest news (drawn from `/` on the city domain)."""
    sites = {s.id: s for s in registry().sites()}
    active = [s.id for s in registry().sites() if not s.is_suspended]
    news = [(article, sites[tenant_id]) for article, tenant_id in city_news(active, CITY_NEWS_COUNT)]
    groups = [g for g in registry().groups() if g.sites]
    ungrouped = [s for s in registry().sites() if s.group_key is None]
    return render_page("portal/home.html", groups=groups, ungrouped=ungrouped, news=news)


def init_app(app) -> None:
    """The portal's only page is its home: `/` on the city domain."""
    set_front_page(app, "portal", home)
