"""Coverage of the disclosure categories: each site's page and the bureau's matrix count what the public sees."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from core.extensions import db
from core.content.models import Article
from core.disclosure.queries import disclosure_categories
from core.disclosure.queries_catalogue import city_coverage, coverage
from core.timeutil import now
from tenants.scoping import activate_tenant
from sqlalchemy import select


def _plant(app, publish_filed, rsj, czj):
    """rsj: 2 budget items (the newest on 3 March), 1 statistics item, 1 withdrawn procurement item; czj: 1 budget."""
    year = now().year
    publish_filed(rsj, "预算", category="财政预算决算", published_at=datetime(year, 1, 5, 9))
    publish_filed(rsj, "决算", category="财政预算决算", published_at=datetime(year, 3, 3, 9))
    publish_filed(rsj, "统计", category="统计信息", published_at=datetime(year, 2, 1, 9))
    withdrawn = publish_filed(rsj, "采购", category="政府采购", published_at=datetime(year, 2, 2, 9))
    publish_filed(rsj, "明天的采购", category="政府采购", published_at=now() + timedelta(days=1))  # not yet public
    publish_filed(czj, "预算", category="财政预算决算", published_at=datetime(year, 1, 9, 9))
    with app.app_context(), activate_tenant(rsj.id):
        db.session.execute(select(Article).where(Article.id == withdrawn)).scalar_one().status = "withdrawn"
        db.session.commit()
    return year


def test_coverage_counts_what_the_public_sees_per_category(app, two_sites, lists, publish_filed):
    rsj, czj, _ = two_sites
    year = _plant(app, publish_filed, rsj, czj)
    with app.app_context():
        categories = disclosure_categories()
        with activate_tenant(rsj.id):
            rows = {row.category.name_zh: row for row in coverage(categories)}
        assert (rows["财政预算决算"].count, rows["财政预算决算"].newest) == (2, datetime(year, 3, 3, 9))
        assert rows["统计信息"].count == 1 and not rows["统计信息"].empty
        assert rows["政府采购"].empty and rows["政府采购"].newest is None  # withdrawn, and not yet out
        assert sum(row.empty for row in rows.values()) == 11
        matrix = city_coverage()
        assert matrix[rsj.id][lists.categories["财政预算决算"]][0] == 2
        assert matrix[czj.id] == {lists.categories["财政预算决算"]: (1, datetime(year, 1, 9, 9))}
        assert city_coverage(year - 1) == {}


def test_the_site_page_flags_empty_categories(app, two_sites, lists, publish_filed, signed_in):
    rsj, czj, _ = two_sites
    year = _plant(app, publish_filed, rsj, czj)
    client, _ = signed_in("rsj.localhost", "rsj.admin", site=rsj, roles=["site_admin"])
    html = client.get("/admin/disclosure/").get_data(as_text=True)
    budget = re.search(r"<tr>\s*<td>财政预算决算</td>\s*<td>(\d+)</td>\s*<td>([\d-]+)</td>", html)
    assert budget and budget.groups() == ("2", f"{year}-03-03")
    assert re.search(r'<tr class="flagged">\s*<td>政府采购</td>\s*<td><strong class="tag tag-warning">无公开信息', html)
    assert "13 个类别中有 11 个尚无公开信息" in html
    assert "尚未填写统一社会信用代码" in html  # the fixture's sites have none
    # The guide and the rules are there to write.
    assert html.count('href="/admin/disclosure/pages/') == 2


def test_the_bureau_sees_every_site_by_category(app, two_sites, lists, publish_filed, city, admin):
    rsj, czj, _ = two_sites
    _plant(app, publish_filed, rsj, czj)
    html = admin.get("/platform/disclosure/coverage").get_data(as_text=True)
    rows = {name: row for name, row in re.findall(r'<tr>\s*<th scope="row"><a href="/platform/sites/\d+">([^<]+)</a>'
                                                  r'(.*?)</tr>', html, re.S)}
    rsj_row, czj_row = rows["廊坊市人事局"], rows["廊坊市财政局"]
    cells = re.findall(r"<td( class=\"flagged\")?(?: title=\"[^\"]*\")?>(.*?)</td>", rsj_row, re.S)[2:]
    assert len(cells) == 13  # after the counts of empty categories and of unfiled items
    budget = list(lists.categories).index("财政预算决算")
    assert cells[budget][0] == "" and cells[budget][1].startswith("2<br>")
    assert re.search(r"\d{4}", cells[budget][1])  # the newest item's date under the count
    assert sum(1 for flagged, _ in cells if flagged) == 11
    assert re.search(r'<strong class="tag tag-warning">12</strong>', czj_row)  # czj: one category of 13
    assert "http://rsj.localhost/admin/disclosure/" in rsj_row
