"""The demo city has last year's yearly website reports counted from its own data, and a site still missing one."""
from __future__ import annotations

import json

from sqlalchemy import select

from core.evaluation.yearly_models import WebsiteReport
from core.extensions import db
from core.timeutil import now


def test_the_demo_reports_are_counted_from_the_sites_data_and_one_is_missing(app, demo_city, client_for):
    year = now().year - 1
    with app.app_context():
        rows = db.session.execute(select(WebsiteReport.tenant_id, WebsiteReport.status, WebsiteReport.computed,
                                         WebsiteReport.manual).where(WebsiteReport.year == year)
                                  .execution_options(all_tenants=True)).all()
    by_site = {site_id: (status, json.loads(computed), json.loads(manual))
               for site_id, status, computed, manual in rows}
    status, computed, manual = by_site[demo_city.ids["rsj"]]
    assert status == "published"
    # The demo's visits go back 400 days, into last year; its site facts are the catalog's.
    assert computed["page_views"] > computed["unique_visitors"] > 0
    assert (computed["site_name"], computed["home_url"]) == ("廊坊市人事局", "http://rsj.localhost/")
    assert computed["service_items"] > 0 and computed["site_code"]
    assert all(manual.get(key) for key in ("head", "reviewer", "preparer", "contact_phone"))
    assert set(demo_city.ids.values()) - set(by_site), "a demo site has not started its report"
    portal = client_for("localhost")
    portal.set_language("en")
    page = portal.get(f"/website-reports?year={year}").get_data(as_text=True)
    published, missing = page.split('id="missing"')
    assert f"rsj.localhost/website-report/{year}" in published
    assert "Sites without a published report" in missing and "<li>" in missing
