"""`flask demo load` builds the whole demo city, and running it again changes nothing."""
from __future__ import annotations

from sqlalchemy import func, select

from core.content.models import Article, Attachment
from core.extensions import db
from core.sections.defaults import DEFAULT_MANDATORY_SECTIONS
from core.sections.models import Section
from tenants.catalog import load_catalog
from tenants.models import Tenant


def _count(app, model) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(model).execution_options(all_tenants=True)).scalar()


def test_demo_load_builds_every_catalog_site_and_is_idempotent(app, runner, client_for):
    result = runner.invoke(args=["demo", "load", "--news-per-site", "3"])
    assert result.exit_code == 0, result.output
    sites = load_catalog()["sites"]
    assert _count(app, Tenant) == len(sites)
    assert _count(app, Section) >= len(sites) * len(DEFAULT_MANDATORY_SECTIONS)
    counts = (_count(app, Article), _count(app, Attachment))
    assert counts[0] > len(sites) * 40 and counts[1] >= len(sites) * 6

    again = runner.invoke(args=["demo", "load", "--news-per-site", "3"])
    assert again.exit_code == 0 and f"0 sites created, {len(sites)} brought in step, 0 articles" in again.output
    assert (_count(app, Article), _count(app, Attachment)) == counts

    first, county = sites[0], next(s for s in sites if s["kind"] == "county")
    home = client_for(f"{first['slug']}.localhost").get("/").get_data(as_text=True)
    assert first["name_zh"] in home and "本栏目暂无信息" not in home.split("</main>")[0].split("block-")[1]
    assert "theme-county" in client_for(f"{county['slug']}.localhost").get("/").get_data(as_text=True)
    for alias in first.get("aliases", []):
        assert client_for(f"{alias}.localhost").get("/").status_code == 301
    portal = client_for("localhost").get("/").get_data(as_text=True)
    assert all(f'http://{s["slug"]}.localhost/' in portal for s in sites)
