"""Every site's yearly disclosure report of a year: the portal lists the published ones with a link and names the
sites without one; the console adds where each unpublished report stands against its deadline."""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select

from core.content.models import Article
from core.extensions import db
from tenants.scoping import activate_tenant
from tests.disclosure.test_report import _report, prepare
from tests.disclosure.test_report_workflow import publish_report

CONSOLE = "admin.localhost"


def _published_on(app, site, article_id: int, moment: datetime) -> None:
    with app.app_context(), activate_tenant(site.id):
        db.session.execute(select(Article).where(Article.id == article_id)).scalar_one().published_at = moment
        db.session.commit()


def _section(html: str, heading_id: str) -> str:
    return re.search(rf'<section aria-labelledby="{heading_id}">.*?</section>', html, re.S).group(0)


def test_the_portal_lists_the_published_reports_and_the_missing_sites(app, two_sites, lists, staff, client_for):
    rsj, czj, _ = two_sites
    portal = client_for("localhost")
    html = portal.get("/disclosure-reports?year=2025").get_data(as_text=True)
    assert "廊坊市人事局" in _section(html, "missing") and "廊坊市财政局" in _section(html, "missing")
    assert "<h1>2025年政府信息公开工作年度报告</h1>" in html and "尚未发布年度报告的站点" in html  # zh
    _found, article = publish_report(app, rsj, staff)
    _published_on(app, rsj, article.id, datetime(2026, 1, 20, 10))
    # czj's report is prepared but not published: still missing.
    editor, _ = staff(czj, "editor")
    prepare(editor)
    html = portal.get("/disclosure-reports?year=2025").get_data(as_text=True)
    published, missing = _section(html, "published"), _section(html, "missing")
    assert f'href="http://rsj.localhost/articles/{article.id}"' in published and "2026-01-20" in published
    assert "廊坊市人事局" not in missing
    assert 'href="http://czj.localhost/"' in missing and "廊坊市财政局" not in published
    _czj_report, czj_article = _report(app, czj)
    assert czj_article.title not in html
    # Another year has its own list; a year no report can have is not found.
    assert "廊坊市人事局" in _section(portal.get("/disclosure-reports?year=2024").get_data(as_text=True), "missing")
    for bad in ("2007", "3000", "x", "２０２５"):
        assert portal.get(f"/disclosure-reports?year={bad}").status_code == 404
    # The portal's home counts them and links to the list.
    home = portal.get("/").get_data(as_text=True)
    assert 'href="/disclosure-reports"' in home
    # The page is the portal's: a site's host does not answer it.
    assert client_for(rsj.host).get("/disclosure-reports").status_code == 404


def test_the_console_shows_each_sites_report_and_the_overdue_ones(app, two_sites, lists, staff, signed_in,
                                                                  create_site, monkeypatch):
    rsj, czj, _ = two_sites
    create_site("sjj", name_zh="廊坊市审计局", name_en="Langfang Municipal Audit Bureau")
    _found, article = publish_report(app, rsj, staff)
    _published_on(app, rsj, article.id, datetime(2026, 2, 2, 10))  # two days late
    editor, _ = staff(czj, "editor")
    prepare(editor)
    monkeypatch.setattr("core.disclosure.report_queries.now", lambda: datetime(2026, 2, 10, 9))
    monkeypatch.setattr("core.disclosure.views_report.now", lambda: datetime(2026, 2, 10, 9))
    console, _ = signed_in(CONSOLE, "chen.admin", platform_role="platform_admin", totp=True)
    html = console.get("/platform/disclosure/reports?year=2025").get_data(as_text=True)
    missing = re.search(r'<table class="table" aria-labelledby="missing">.*?</table>', html, re.S).group(0)
    published = re.search(r'<table class="table" aria-labelledby="published">.*?</table>', html, re.S).group(0)
    rows = {name: row for row in re.findall(r"<tr.*?</tr>", missing, re.S)
            for name in ("廊坊市财政局", "廊坊市审计局") if name in row}
    assert set(rows) == {"廊坊市财政局", "廊坊市审计局"}
    assert all('class="flagged"' in row and 'class="deadline-overdue"' in row for row in rows.values())
    assert "tag-warning" in rows["廊坊市审计局"] and "tag-warning" not in rows["廊坊市财政局"]  # not even prepared
    assert "廊坊市人事局" in published and f"/articles/{article.id}" in published and "2026-02-02" in published
    assert "廊坊市人事局" not in missing
    # Before the year's end nothing is overdue.
    monkeypatch.setattr("core.disclosure.report_queries.now", lambda: datetime(2025, 12, 1, 9))
    monkeypatch.setattr("core.disclosure.views_report.now", lambda: datetime(2025, 12, 1, 9))
    html = console.get("/platform/disclosure/reports?year=2025").get_data(as_text=True)
    assert "deadline-overdue" not in html and 'class="flagged"' not in html
