"""What each kind contributes, the filters, the page's handling of bad input, the counts and the synonyms."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from core.extensions import db
from core.search.models import PortalSearchTermDay, SearchTermDay
from core.search.statistics import search_counter
from core.services.models import ServiceItem
from core.timeutil import now
from tenants.scoping import activate_tenant
from tests.search.test_site_search import shown, titles
from tests.services.guide_fixtures import create_item  # noqa: F401


def test_a_service_item_is_found_by_its_published_guide_not_its_working_copy(app, two_sites, create_item):
    rsj, czj, _ = two_sites
    item_id = create_item(rsj, name="人力资源服务许可", published=True)
    create_item(rsj, code="130100-XK-002", name="劳务派遣经营许可", published=False)
    assert titles(app, rsj, "人力资源服务") == ["人力资源服务许可"]
    assert titles(app, rsj, "营业执照") == ["人力资源服务许可"]  # a material of the published guide
    assert titles(app, rsj, "劳务派遣") == []  # never published
    with app.app_context(), activate_tenant(rsj.id):
        item = db.session.get(ServiceItem, item_id)
        item.conditions = "新增条件：具有危险化学品经营资质"  # the working copy, not approved yet
        db.session.commit()
    assert titles(app, rsj, "危险化学品") == []
    with app.app_context(), activate_tenant(rsj.id):
        item = db.session.get(ServiceItem, item_id)
        item.catalogue_status = "removed"
        db.session.commit()
    assert titles(app, rsj, "人力资源服务") == []
    assert titles(app, czj, "人力资源服务") == []


def test_policy_filters_by_level_issuer_number_and_status(app, two_sites, create_article_in):
    rsj, _, _ = two_sites
    create_article_in(rsj, "policies", "关于进一步做好社保参保工作的通知", policy_level="municipal",
                      document_number="廊人社〔2026〕8号", issuing_body="廊坊市人力资源和社会保障局",
                      policy_status="in_force")
    create_article_in(rsj, "policies", "社保缴费基数暂行办法", policy_level="provincial",
                      document_number="冀人社〔2019〕3号", issuing_body="河北省人力资源和社会保障厅",
                      policy_status="repealed")
    create_article_in(rsj, "news", "社保经办大厅搬迁公告")
    assert len(titles(app, rsj, "社保")) == 3
    assert titles(app, rsj, "社保", kind="policy") == ["关于进一步做好社保参保工作的通知", "社保缴费基数暂行办法"]
    assert titles(app, rsj, "社保", policy_level="provincial") == ["社保缴费基数暂行办法"]
    assert titles(app, rsj, "社保", policy_status="in_force") == ["关于进一步做好社保参保工作的通知"]
    assert titles(app, rsj, "社保", issuing_body="河北省") == ["社保缴费基数暂行办法"]
    assert titles(app, rsj, "社保", document_number="〔2026〕8") == ["关于进一步做好社保参保工作的通知"]
    # The date filter takes days of publication, both ends included.
    today = (now() - timedelta(hours=1)).date()  # the day they were published (an hour ago: yesterday, before 1 am)
    assert len(titles(app, rsj, "社保", since=today, until=today)) == 3
    assert titles(app, rsj, "社保", until=today - timedelta(days=1)) == []
    # The calendar's first and last days are days like any other (the page's form keeps to 1900-2100; the query
    # itself reads any day: through 9999-12-31 is everything from then on, not an overflow).
    assert len(titles(app, rsj, "社保", since=date.min, until=date.max)) == 3
    assert titles(app, rsj, "社保", since=date.max) == [] and titles(app, rsj, "社保", until=date.min) == []


def test_the_page_keeps_what_was_typed_and_names_each_problem(app, two_sites, client_for):
    rsj, _, _ = two_sites
    client = client_for(rsj.host)
    page = client.get("/search?q=大会&since=2026-13-40&until=2026-01-01&kind=bogus")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'value="大会"' in text and 'value="2026-13-40"' in text
    assert '<ul class="svc-errors" id="since-error"><li>日期格式不正确。</li></ul>' in text
    assert '<ul class="svc-errors" id="kind-error"><li>请从列表中选择。</li></ul>' in text
    page = client.get("/search?q=大会&since=2026-06-01&until=2026-01-01")
    assert "结束日期早于开始日期" in page.get_data(as_text=True)
    # Far-off dates, long queries, page numbers: a message or a 404, never a 500.
    assert client.get("/search?q=大会&until=9999-12-31").status_code == 200
    assert client.get("/search?q=" + "社" * 500).status_code == 200
    assert client.get("/search?q=大会&page=%C2%B2").status_code == 404
    assert client.get("/search?q=大会&page=101").status_code == 404
    assert client.get("/search?q=大会&page=5").status_code == 404
    assert client.get("/search?q=%EF%BC%8C%E3%80%82").status_code == 200  # only punctuation: nothing to search
    assert "全体干部大会" in shown(client.get("/search?q=大会"))


def test_searches_are_counted_per_site_with_personal_numbers_masked(app, two_sites, client_for, signed_in):
    rsj, czj, _ = two_sites
    client = client_for(rsj.host)
    for q in ("大会", "大会", "不存在的事项", "13912345678"):
        assert client.get(f"/search?q={q}").status_code == 200
    client.get("/search?q=大会&page=1")
    # Counted in the worker's memory, not written by the searches themselves: the worker writes them in one go.
    with app.app_context(), activate_tenant(rsj.id):
        assert db.session.execute(select(SearchTermDay)).first() is None
        assert search_counter().drain() == 3
    with app.app_context(), activate_tenant(rsj.id):
        rows = {r.term: (r.searches, r.empty_searches) for r in db.session.execute(select(SearchTermDay)).scalars()}
    assert rows == {"大会": (3, 0), "不存在的事项": (1, 1), "139****5678": (1, 1)}
    with app.app_context(), activate_tenant(czj.id):
        assert db.session.execute(select(SearchTermDay)).first() is None
    admin, _ = signed_in(rsj.host, "rsj.editor", site=rsj, roles=["editor"])
    page = admin.get("/admin/search/").get_data(as_text=True)
    assert "不存在的事项" in page and "139****5678" in page and "13912345678" not in page
    # Another site's staff see their own site's searches, not rsj's.
    other, _ = signed_in(czj.host, "czj.editor", site=czj, roles=["editor"])
    page = other.get("/admin/search/").get_data(as_text=True)
    assert "不存在的事项" not in page and "大会" not in page


def test_counts_written_by_several_workers_add_up_and_a_failed_write_loses_none(app, two_sites, monkeypatch):
    """Two workers' buffers (two counters) writing the same day's rows add to them; a write that fails (the
    database away) keeps the counts for the next one."""
    from core.search import statistics
    from core.search.statistics import SearchCounter

    rsj, _, _ = two_sites
    day = now().date()
    first, second = SearchCounter(app), SearchCounter(app)
    for _ in range(3):
        first.add((rsj.id, day, "公积金"), True)
    second.add((rsj.id, day, "公积金"), False)
    second.add((None, day, "城市规划"), True)  # the city portal's search
    second.add((rsj.id + 1000, day, "已删除的网站"), True)  # a site deleted since: its count goes with it
    assert first.drain() == 1
    broken = SearchCounter(app)
    broken.add((rsj.id, day, "公积金"), True)
    with monkeypatch.context() as patched:
        def database_away(*_args):
            raise OperationalError("INSERT", {}, Exception("server closed the connection"))

        patched.setattr(statistics, "write_counts", database_away)
        with pytest.raises(OperationalError):
            broken.drain()
    assert broken.pending() == 1
    assert second.drain() == 2 and broken.drain() == 1 and broken.pending() == 0
    with app.app_context(), activate_tenant(rsj.id):
        row = db.session.execute(select(SearchTermDay).where(SearchTermDay.term == "公积金")).scalar_one()
        assert (row.searches, row.empty_searches) == (5, 1)
    with app.app_context():
        portal = db.session.execute(select(PortalSearchTermDay)).scalar_one()
        assert (portal.term, portal.searches, portal.empty_searches) == ("城市规划", 1, 0)


def test_the_bureaus_synonyms_widen_every_sites_search(app, two_sites, create_article_in, signed_in, client_for):
    rsj, _, _ = two_sites
    create_article_in(rsj, "news", "社会保险费征缴新规")
    assert "社会保险费征缴新规" not in shown(client_for(rsj.host).get("/search?q=社保"))
    console, _ = signed_in("admin.localhost", "chen.admin", platform_role="platform_admin", totp=True)
    from tests.fixtures.accounts import post_form

    answer = post_form(console, "/platform/search/", {"words": "社保，社会保险 社会保障"})
    assert answer.status_code == 302
    assert "社会保险费征缴新规" in shown(client_for(rsj.host).get("/search?q=社保"))
    # A word already in a group is refused with the reason, what was typed kept.
    answer = post_form(console, "/platform/search/", {"words": "医保 社保"})
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "社保" in text and "已在同义词组" in text
    answer = post_form(console, "/platform/search/", {"words": "一个词"})
    assert "至少填写两个" in answer.get_data(as_text=True)


def test_searches_from_one_address_are_rate_limited_per_site(app, two_sites):
    from core import create_app
    from core.extensions import limiter

    limited = create_app({**{k: app.config[k] for k in ("DATABASE_URL", "SECRET_KEY", "UPLOAD_FOLDER",
                                                          "PERSONAL_DATA_KEYS", "PERSONAL_DATA_INDEX_KEY")},
                          "RATELIMIT_ENABLED": True, "SEARCH_RATE_LIMIT": "3 per minute",
                          "SEARCH_COUNT_SECONDS": 0})
    try:
        client = limited.test_client()
        statuses = [client.get("/search?q=大会", environ_overrides={"HTTP_HOST": "rsj.localhost"}).status_code
                    for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        assert client.get("/search?q=大会", environ_overrides={"HTTP_HOST": "czj.localhost"}).status_code == 200
    finally:
        # The limiter is one object for every app of the process: the other tests run with it off.
        limiter.reset()
        limiter.enabled = False
        with limited.app_context():
            db.engine.dispose()
