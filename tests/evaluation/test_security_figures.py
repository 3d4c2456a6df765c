"""The evaluation's two security rules read what the daily security checks found on the site (core.security)."""
from __future__ import annotations

from datetime import datetime

from core.evaluation.engine import evaluate_site
from core.extensions import db
from jobs.runs import run_job
from tenants.scoping import activate_tenant


def _result(app, site, key):
    with app.app_context(), activate_tenant(site.id):
        found = next(r for r in evaluate_site(datetime(2026, 11, 30, 10, 0)).results if r.key == key)
        db.session.remove()
        return found


def test_broken_links_and_open_findings_count_once_the_checks_ran(app, two_sites, create_article_in):
    rsj, czj, _ = two_sites
    assert _result(app, rsj, "broken_links").status == "not_applied"  # the checks never ran
    create_article_in(rsj, "news", "失效链接", body_html='<p><a href="/sections/old-news/">旧栏目</a></p>')
    with app.app_context():
        assert run_job("security.daily", now=datetime(2026, 11, 30, 3, 0)).outcome in ("success", "partial")
    broken = _result(app, rsj, "broken_links")
    assert broken.status != "not_applied" and broken.lost > 0
    assert _result(app, rsj, "security_findings").lost > 0
    assert _result(app, czj, "broken_links").lost == 0  # the other site's figures are its own


def test_the_security_deductions_link_to_the_sites_security_page(app, two_sites, create_article_in, signed_in):
    rsj, _, _ = two_sites
    create_article_in(rsj, "news", "失效链接", body_html='<p><a href="/sections/old-news/">旧栏目</a></p>')
    with app.app_context():
        run_job("security.daily", now=datetime(2026, 11, 30, 3, 0))
    broken = _result(app, rsj, "broken_links")
    assert [(e.endpoint, e.values) for e in broken.evidence] == [("security.index", {"rule": "content.broken_links"})]
    assert [e.endpoint for e in _result(app, rsj, "security_findings").evidence] == ["security.index"]
    client, _ = signed_in(rsj.host, "li.siteadmin", site=rsj, roles=["site_admin"])
    row = client.get("/admin/evaluation/").get_data(as_text=True).split('id="rule-broken_links"')[1].split("</tr>")[0]
    assert 'href="/admin/security/?rule=content.broken_links"' in row
