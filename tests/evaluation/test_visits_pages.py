"""What a site's staff and the bureau read: the admin page, its card, the console's page, the queries others use."""
from __future__ import annotations

import random
import re
from datetime import date, datetime, timedelta

from sqlalchemy import select

from core.demo.visits import DAYS, fill_portal_visits, fill_site_visits
from core.evaluation import visits as visits_module
from core.evaluation.visits_models import VisitDay
from core.evaluation.visits_queries import visits_between, visits_of_year
from core.evaluation.visits_store import PORTAL, write_counts
from core.extensions import db
from core.timeutil import now
from core.workdays.queries import working_calendar
from tenants.provisioning import ensure_group
from tenants.scoping import activate_tenant
from tests.evaluation.visits_helpers import counter_fixture  # noqa: F401  (the `counter` fixture)
from tests.evaluation.visits_helpers import flush, view
from tests.fixtures.console import PLATFORM

YESTERDAY = now().date() - timedelta(days=1)


def _plant(app, days: dict, items: dict | None = None) -> None:
    """Counts as the flush writes them: {(day, site id): (page views, unique visitors)}, {(day, site, item): n}."""
    with app.app_context():
        write_counts({k: pv for k, (pv, _uv) in days.items()}, {k: uv for k, (_pv, uv) in days.items()}, items or {})
        db.session.commit()
        db.session.remove()


def _facts(page: str) -> dict[str, str]:
    """The summary's figures: {label: value}, as the reader sees them."""
    block = page.split('class="facts stats-facts"')[1].split("</dl>")[0]
    return {re.sub(r"<[^>]+>", "", dt).strip(): re.sub(r"<[^>]+>", "", dd).strip()
            for dt, dd in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", block, re.S)}


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_views_flushed_by_the_job_appear_on_the_admin_page_and_its_card(app, two_sites, client_for, signed_in,
                                                                       counter, monkeypatch, create_article_in):
    rsj, _czj, articles = two_sites
    read_most = create_article_in(rsj, "news", "市人事局发布年度招聘公告")
    public = client_for(rsj.host)
    monkeypatch.setattr(visits_module, "now", lambda: datetime.combine(YESTERDAY, datetime.min.time()).replace(hour=10))
    for n in range(3):
        view(public, f"/articles/{read_most}", address=f"192.0.2.{n}")
    view(public, f"/articles/{articles['rsj'][0]}")
    view(public, "/")
    monkeypatch.undo()
    view(public, "/", address="192.0.2.200")  # today
    flush(app)

    staff, _ = signed_in(rsj.host, "zhou.editor", site=rsj, roles=["editor"])
    page = _text(staff.get("/admin/visits"))
    assert _facts(page) == {"浏览量": "5", "独立访客": "4", "日均浏览量": "0",  # 5 in 30 days
                            "今日截至目前": "1 次浏览，1 位访客"}  # today's, apart
    most_read = page.split('id="most-read"')[1]
    assert most_read.index("市人事局发布年度招聘公告") < most_read.index("召开全体干部大会")
    assert f'href="/articles/{read_most}"' in most_read
    assert "<svg" in page and "<script" not in page.split('class="stats-charts"')[1]
    home = _text(staff.get("/admin/"))
    card = home.split('id="visits-card"')[1].split("</section>")[0]
    assert "昨日：浏览量 5，独立访客 4" in card


def test_who_sees_a_sites_visits(app, two_sites, signed_in):
    rsj, _czj, _ = two_sites
    for role, status in (("site_admin", 200), ("publisher", 200), ("reviewer", 200), ("collector", 403),
                         ("service_officer", 403), ("interaction_officer", 403)):
        client, _ = signed_in(rsj.host, f"{role.replace('_', '')}.rsj", site=rsj, roles=[role])
        assert client.get("/admin/visits").status_code == status, role


def test_a_site_sees_only_its_own_visits(app, two_sites, signed_in, create_article_in):
    rsj, czj, articles = two_sites
    secret = create_article_in(czj, "news", "财政局只在本站的新闻标题")
    _plant(app, {(YESTERDAY, rsj.id): (1234, 567), (YESTERDAY, czj.id): (98765, 43210),
                 (YESTERDAY, PORTAL): (55555, 22222)},
           {(YESTERDAY, rsj.id, articles["rsj"][0]): 40, (YESTERDAY, czj.id, secret): 9000,
            (YESTERDAY, rsj.id, secret): 7})  # a czj item counted under rsj cannot be shown by rsj either
    admin, _ = signed_in(rsj.host, "li.rsj", site=rsj, roles=["site_admin"])
    for days in (30, 90, 365):
        page = _text(admin.get(f"/admin/visits?days={days}"))
        assert "1,234" in page and "567" in page
        for other in ("98,765", "98765", "43,210", "55,555", "9,000", "财政局只在本站的新闻标题", czj.host):
            assert other not in page, other
    with app.app_context(), activate_tenant(rsj.id):
        assert visits_between(YESTERDAY, YESTERDAY).page_views == 1234
        db.session.remove()


def test_the_queries_for_the_yearly_report(app, two_sites):
    rsj, czj, _ = two_sites
    _plant(app, {(date(2025, 12, 31), rsj.id): (100, 40), (date(2026, 1, 1), rsj.id): (10, 4),
                 (date(2026, 6, 30), rsj.id): (20, 8), (date(2026, 12, 31), rsj.id): (30, 12),
                 (date(2027, 1, 1), rsj.id): (1000, 400), (date(2026, 3, 1), czj.id): (5000, 2000)})
    with app.app_context(), activate_tenant(rsj.id):
        assert visits_of_year(2026) == (24, 60)
        assert visits_of_year(2025) == (40, 100)
        assert visits_of_year(2024) == (0, 0)
        between = visits_between(date(2025, 12, 31), date(2026, 1, 1))
        assert (between.unique_visitors, between.page_views) == (44, 110)
        db.session.remove()


def test_the_console_shows_every_site_the_portal_and_the_city(app, two_sites, create_site, signed_in):
    rsj, czj, _ = two_sites
    with app.app_context():
        ensure_group("county", "区县（市）门户", "District and county portals", 8)
        db.session.commit()
    county = create_site("gy", name_zh="广阳区人民政府", group_key="county")  # another group
    _plant(app, {(YESTERDAY, rsj.id): (300, 100), (YESTERDAY, czj.id): (500, 200), (YESTERDAY, county.id): (700, 250),
                 (YESTERDAY, PORTAL): (1000, 400), (YESTERDAY - timedelta(days=40), rsj.id): (9, 9)})
    admin, _ = signed_in(PLATFORM, "chen.admin", platform_role="platform_admin", totp=True)
    page = _text(admin.get("/platform/visits"))
    table = page.split('id="by-site"')[1].split("</table>")[0]
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</th>", table, re.S)
    names = [re.sub(r"<[^>]+>|\s+", "", r) for r in rows]
    # The portal first, then the sites, most page views first.
    assert [name[:4] for name in names] == ["市门户", "广阳区人", "廊坊市财", "廊坊市人"]
    assert _facts(page)["浏览量"] == "2,500" and _facts(page)["独立访客"] == "950"  # the sites' and the portal's
    by_visitors = _text(admin.get("/platform/visits?sort=visitors&days=90")).split('id="by-site"')[1]
    assert by_visitors.index("广阳区") < by_visitors.index("财政局") < by_visitors.index("人事局")
    assert "309" in by_visitors  # rsj over 90 days: yesterday's and 40 days before
    general = _text(admin.get("/platform/visits?group=general")).split('id="by-site"')[1]
    assert "财政局" in general and "人事局" in general and "广阳区" not in general and "市门户" not in general
    assert _text(admin.get("/platform/visits?group=nonsense&sort=nonsense&days=7")).count("广阳区") >= 1


def test_the_demo_gives_every_site_a_year_of_weekday_shaped_visits_once(app, two_sites):
    rsj, _czj, _ = two_sites
    today = now().date()
    site = {"slug": "rsj", "kind": "department", "is_window_department": True}
    with app.app_context():
        with activate_tenant(rsj.id):
            first = fill_site_visits(site, rsj.id, today=today, rng=random.Random(7))
            again = fill_site_visits(site, rsj.id, today=today, rng=random.Random(7))
            days = dict(db.session.execute(select(VisitDay.day, VisitDay.page_views)).all())
        portal = fill_portal_visits(today=today, rng=random.Random(7))
        db.session.commit()
        calendar = working_calendar(today - timedelta(days=DAYS), today)
        db.session.remove()
    assert first > 0 and again == 0 and portal > 0
    assert len(days) == DAYS and max(days) == today - timedelta(days=1)
    working = [n for day, n in days.items() if calendar.is_working_day(day)]
    off = [n for day, n in days.items() if not calendar.is_working_day(day)]
    assert sum(working) / len(working) > 2 * sum(off) / len(off)
