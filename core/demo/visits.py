"""Demo visit statistics: 400 days of page views and unique visitors for every site and the portal, and the
views of each site's newest items, so that the visit pages and the evaluation have a year to show at once.

Written with the same function as the `visits.flush` job (core.evaluation.visits_store.write_counts), into the
same tables; only days before today (today is counted live). Realistic, not random noise: working days busy,
weekends and public holidays (the working-day calendar) about 40 % of that; county portals and window departments
(who serve the public directly) draw more than the others; a slow rise over the year; a few busy spells after
news; every site's own size drawn once from its seed. A new item is read most in its first days.
"""
from __future__ import annotations

import math
import random
from datetime import date, timedelta

from sqlalchemy import func, select

from core.content.models import Article
from core.content.queries import published
from core.evaluation.visits_models import PortalVisitDay, VisitDay
from core.evaluation.visits_store import PORTAL, write_counts
from core.extensions import db
from core.workdays.queries import working_calendar

DAYS = 400
#: Newest published items given views, per site, and the days after publication they are read in.
ITEMS = 20
ITEM_DAYS = 45
#: Day of the week (Monday first) on working days: Mondays busiest, Fridays less.
WEEKDAY = (1.12, 1.08, 1.04, 1.0, 0.9, 1.0, 1.0)
OFF_DAY = 0.4


def _series(rng: random.Random, today: date, base: float) -> tuple[dict, dict]:
    """(page views, unique visitors) per day for the DAYS days before today."""
    first = today - timedelta(days=DAYS)
    calendar = working_calendar(first, today)
    spells = {first + timedelta(days=rng.randrange(DAYS)): rng.uniform(1.6, 3.0) for _ in range(rng.randint(2, 5))}
    views, visitors = {}, {}
    for n in range(DAYS):
        day = first + timedelta(days=n)
        level = base * (0.85 + 0.3 * n / DAYS)  # a slow rise over the year
        level *= WEEKDAY[day.weekday()] if calendar.is_working_day(day) else OFF_DAY
        for start, height in spells.items():  # news: a jump that fades within a week
            if 0 <= (day - start).days < 7:
                level *= 1 + (height - 1) * math.exp(-(day - start).days / 1.8)
        pv = max(0, round(level * rng.lognormvariate(0, 0.12)))
        views[day] = pv
        visitors[day] = min(pv, round(pv / rng.uniform(2.1, 3.4)))
    return views, visitors


def site_base(site: dict, rng: random.Random) -> float:
    """A working day's page views for the site: county portals and window departments draw the most."""
    if site["kind"] == "county":
        return rng.uniform(1800, 4200)
    return rng.uniform(700, 2000) if site.get("is_window_department") else rng.lognormvariate(math.log(380), 0.5)


def fill_site_visits(site: dict, tenant_id: int, *, today: date, rng: random.Random) -> int:
    """The active site's days and its newest items' views, once (nothing when it has any day already)."""
    if db.session.execute(select(func.count()).select_from(VisitDay)).scalar_one():
        return 0
    views, visitors = _series(rng, today, site_base(site, rng))
    newest = db.session.execute(select(Article.id, Article.published_at).where(published())
                                .order_by(Article.published_at.desc(), Article.id.desc()).limit(ITEMS)).all()
    items = {}
    for rank, (article_id, published_at) in enumerate(newest):
        total = rng.lognormvariate(math.log(900 / (1 + rank * 0.3)), 0.6)
        start = max(published_at.date(), today - timedelta(days=DAYS))
        for k in range(ITEM_DAYS):
            day = start + timedelta(days=k)
            if day >= today:
                break
            n = round(total * (1 - math.exp(-1 / 3)) * math.exp(-k / 3))
            if n:
                items[(day, tenant_id, article_id)] = n
    write_counts({(d, tenant_id): n for d, n in views.items()}, {(d, tenant_id): n for d, n in visitors.items()},
                 items)
    return sum(views.values())


def fill_portal_visits(*, today: date, rng: random.Random) -> int:
    """The city portal's days, once."""
    if db.session.execute(select(func.count()).select_from(PortalVisitDay)).scalar_one():
        return 0
    views, visitors = _series(rng, today, rng.uniform(5000, 7000))
    write_counts({(d, PORTAL): n for d, n in views.items()}, {(d, PORTAL): n for d, n in visitors.items()}, {})
    return sum(views.values())
