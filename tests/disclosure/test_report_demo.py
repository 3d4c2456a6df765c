"""The demo city's yearly disclosure reports: the year before last on every site, last year's on some only, so the
portal's list shows gaps; each report's figures are the site's own data."""
from __future__ import annotations

import json
import re

from sqlalchemy import select

from core.content.models import Article
from core.disclosure.models_report import DisclosureReport
from core.disclosure.report_queries import city_reports, compute_figures
from core.extensions import db
from core.timeutil import now
from tenants.catalog import load_catalog
from tenants.models import Tenant
from tenants.scoping import activate_tenant


def test_the_demo_publishes_last_years_report_on_some_sites(app, runner, client_for):
    result = runner.invoke(args=["demo", "load", "--news-per-site", "3"])
    assert result.exit_code == 0, result.output
    assert "yearly disclosure reports" in result.output
    last = now().year - 1
    sites = {s["slug"] for s in load_catalog()["sites"]}
    with app.app_context():
        tenants = {t.id: t for t in db.session.execute(select(Tenant)).scalars()}
        before, owed = city_reports(last - 1), city_reports(last)
        assert {tenants[i].slug for i, r in before.items() if r.standing.kind == "published"} == sites
        published = {tenants[i].slug for i, r in owed.items() if r.standing.kind == "published"}
        assert published and published != sites  # some sites only: the portal shows gaps
        assert any(r.standing.kind != "published" for r in owed.values())  # prepared, not yet published
        # A report's counted figures are its site's data, as generating it now would count them.
        site_id = next(i for i, r in owed.items() if r.standing.kind == "published")
        with activate_tenant(site_id):
            found = db.session.execute(select(DisclosureReport).where(DisclosureReport.year == last)).scalar_one()
            assert json.loads(found.computed) == json.loads(json.dumps(compute_figures(last)))
            article = db.session.execute(select(Article).where(Article.id == found.article_id)).scalar_one()
            assert "<h2>三、收到和处理政府信息公开申请情况</h2>" in article.body_html
        host = tenants[site_id].primary_domain
    html = client_for("localhost").get(f"/disclosure-reports?year={last}").get_data(as_text=True)
    listed = re.search(r'<section aria-labelledby="published">.*?</section>', html, re.S).group(0)
    missing = re.search(r'<section aria-labelledby="missing">.*?</section>', html, re.S).group(0)
    assert f"http://{host}/articles/" in listed and missing.count("<li>") == len(sites) - len(published)
