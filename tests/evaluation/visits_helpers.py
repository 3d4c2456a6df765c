"""What the visit tests share: a clean counter per test, a browser's request, the counts in the database."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.evaluation.visits import Visits
from core.evaluation.visits_models import PortalVisitDay, VisitDay, VisitItemDay
from core.extensions import db
from jobs.runs import run_job
from tenants.scoping import activate_tenant

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148"


@pytest.fixture(name="counter")
def counter_fixture(app):
    """This test's own counter (memory store, as the suite's configuration gives): nothing left by other tests."""
    saved = app.extensions["govsites.visits"]
    fresh = Visits(app)
    assert fresh.kind == "memory"
    app.extensions["govsites.visits"] = fresh
    yield fresh
    app.extensions["govsites.visits"] = saved


def view(client, path: str = "/", *, address: str = "198.51.100.7", agent: str = BROWSER, **kwargs):
    """A page asked for by a browser at `address`."""
    headers = kwargs.pop("headers", {})
    if agent is not None:
        headers["User-Agent"] = agent
    return client.get(path, headers=headers, environ_base={"REMOTE_ADDR": address}, **kwargs)


def flush(app, moment=None) -> None:
    with app.app_context():
        run = run_job("visits.flush", now=moment)
        assert run.outcome == "success", run.error


def site_days(app, site) -> dict[date, tuple[int, int]]:
    """{day: (page views, unique visitors)} of a site, as the database holds them."""
    with app.app_context(), activate_tenant(site.id):
        rows = db.session.execute(select(VisitDay.day, VisitDay.page_views, VisitDay.unique_visitors)).all()
        db.session.remove()
    return {day: (pv, uv) for day, pv, uv in rows}


def item_views(app, site) -> dict[int, int]:
    """{article id: views, every day together} of a site."""
    with app.app_context(), activate_tenant(site.id):
        rows = db.session.execute(select(VisitItemDay.article_id, VisitItemDay.views)).all()
        db.session.remove()
    totals: dict[int, int] = {}
    for article_id, views in rows:
        totals[article_id] = totals.get(article_id, 0) + views
    return totals


def portal_days(app) -> dict[date, tuple[int, int]]:
    with app.app_context():
        rows = db.session.execute(select(PortalVisitDay.day, PortalVisitDay.page_views,
                                         PortalVisitDay.unique_visitors)).all()
        db.session.remove()
    return {day: (pv, uv) for day, pv, uv in rows}


def totals(days: dict) -> tuple[int, int]:
    return sum(pv for pv, _uv in days.values()), sum(uv for _pv, uv in days.values())
