"""The city portal reads across every site on purpose: public, published news only."""
from __future__ import annotations

from sqlalchemy import or_, select

from core.content.models import Article
from core.content.operations import published
from core.extensions import db
from core.public.cache import cached_page
from core.sections.models import Section
from tenants.hosts import registry
from themes import render_page

CITY_NEWS_COUNT = 20


def city_news(limit: int = CITY_NEWS_COUNT) -> list[tuple[Article, int]]:
    """The latest work news of every active site, and items shared to the portal (explicitly across tenants)."""
    active = [s.id for s in registry().sites() if not s.is_suspended]
    if not active:
        return []
    rows = db.session.execute(
        select(Article, Article.tenant_id)
        .join(Section, (Section.id == Article.section_id) & (Section.tenant_id == Article.tenant_id))
        .where(or_(Section.mandatory_key == "news", Article.share_to_portal.is_(True)), published(),
               Article.tenant_id.in_(active))
        .order_by(Article.published_at.desc(), Article.id.desc())
        .limit(limit)
        .execution_options(all_tenants=True)
    ).all()
    return [(row[0], row[1]) for row in rows]


@cached_page
def home():
    sites = {s.id: s for s in registry().sites()}
    news = [(article, sites[tenant_id]) for article, tenant_id in city_news()]
    groups = [g for g in registry().groups() if g.sites]
    ungrouped = [s for s in registry().sites() if s.group_key is None]
    return render_page("portal/home.html", groups=groups, ungrouped=ungrouped, news=news)


def init_app(app) -> None:
    """The portal's only page is its home, dispatched from the public '/' route."""
