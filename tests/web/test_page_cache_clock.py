"""No cached page outlives the moment one of its site's items is due to appear or to go."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.content.models import Article
from core.extensions import db
from tenants.scoping import activate_tenant




def _set(app, site, article_id, **values) -> None:
    with app.app_context(), activate_tenant(site.id):
        article = db.session.execute(select(Article).where(Article.id == article_id)).scalar_one()
        for key, value in values.items():
            setattr(article, key, value)
        db.session.commit()


def _sees(client, path: str, text: str) -> bool:
    return text in client.get(path).get_data(as_text=True)


PAGES = ("/", "/sections/notices/")


def test_an_item_expiring_after_the_page_is_cached_is_gone_from_it_at_that_moment(
        app, two_sites, create_article_in, client_for, clock, count_queries):
    rsj = two_sites[0]
    article_id = create_article_in(rsj, "notices", "五秒后撤下的通知", published_at=clock() - timedelta(hours=1))
    _set(app, rsj, article_id, expires_at=clock() + timedelta(seconds=5))
    client, portal = client_for("rsj.localhost"), client_for("localhost")
    for path in PAGES:
        assert _sees(client, path, "五秒后撤下的通知"), path  # rendered and cached now
    assert _sees(client, f"/articles/{article_id}", "五秒后撤下的通知")
    clock.move(seconds=4)
    with count_queries() as counter:
        for path in PAGES:
            assert _sees(client, path, "五秒后撤下的通知"), path
    assert counter.count == len(PAGES)  # still served from the cache, one read each
    clock.move(seconds=1)  # its take-down time: no write happened, no job ran
    for path in PAGES:
        assert not _sees(client, path, "五秒后撤下的通知"), path
    assert client.get(f"/articles/{article_id}").status_code == 404


def test_a_scheduled_item_appears_on_cached_lists_at_its_time(app, two_sites, create_article_in, client_for, clock):
    rsj, czj, _ = two_sites
    article_id = create_article_in(rsj, "notices", "三十秒后发布的通知", status="scheduled", published_at=None)
    _set(app, rsj, article_id, publish_at=clock() + timedelta(seconds=30))
    client, portal = client_for("rsj.localhost"), client_for("localhost")
    for path in PAGES:
        assert not _sees(client, path, "三十秒后发布的通知"), path
    clock.move(seconds=29)
    assert not _sees(client, "/sections/notices/", "三十秒后发布的通知")
    clock.move(seconds=1)
    for path in PAGES:
        assert _sees(client, path, "三十秒后发布的通知"), path


def test_a_future_publication_time_shows_the_item_at_that_time(app, two_sites, create_article_in, client_for, clock):
    rsj = two_sites[0]
    create_article_in(rsj, "news", "十秒后生效的动态", published_at=clock() + timedelta(seconds=10))
    client, portal = client_for("rsj.localhost"), client_for("localhost")
    assert not _sees(client, "/", "十秒后生效的动态") and not _sees(portal, "/", "十秒后生效的动态")
    clock.move(seconds=10)
    assert _sees(client, "/", "十秒后生效的动态")
    assert _sees(portal, "/", "十秒后生效的动态")  # the city portal's news, from every site


def test_one_sites_timed_item_does_not_shorten_another_sites_pages(app, two_sites, create_article_in, client_for,
                                                                    clock, count_queries):
    rsj, czj, _ = two_sites
    article_id = create_article_in(rsj, "notices", "人事局的定时通知", status="scheduled", published_at=None)
    _set(app, rsj, article_id, publish_at=clock() + timedelta(seconds=5))
    other = client_for("czj.localhost")
    other.get("/")
    clock.move(seconds=6)
    with count_queries() as counter:
        other.get("/")
    assert counter.count == 1  # czj's page was kept: rsj's moment is not czj's


def test_the_moment_is_asked_once_per_content_version_and_a_warm_hit_costs_no_more_reads(
        app, two_sites, create_article_in, client_for, clock, count_queries):
    rsj = two_sites[0]
    article_id = create_article_in(rsj, "notices", "一小时后撤下的通知")
    _set(app, rsj, article_id, expires_at=clock() + timedelta(hours=1))
    client = client_for("rsj.localhost")
    client.get("/")
    with count_queries() as rendering:
        client.get("/sections/notices/")  # rendered: the site's next moment is already known for this version
    assert not any("min(" in s.lower() for s in rendering.statements)
    with count_queries() as warm:
        client.get("/")
    assert warm.count == 1  # a warm hit: the content version, nothing more


def test_with_the_page_cache_off_the_homepage_follows_the_clock_too(app, two_sites, create_article_in, client_for,
                                                                    clock):
    """The homepage's newest items are kept per site between renders (`site_memo(timed=True)`): only until the
    site's next timed change, like a kept page."""
    rsj = two_sites[0]
    cache = app.extensions["govsites.page_cache"]
    cache.max_entries, entries = 0, cache.max_entries
    try:
        coming = create_article_in(rsj, "notices", "十秒后发布的通知", status="scheduled", published_at=None)
        _set(app, rsj, coming, publish_at=clock() + timedelta(seconds=10))
        going = create_article_in(rsj, "notices", "二十秒后撤下的通知", published_at=clock() - timedelta(hours=1))
        _set(app, rsj, going, expires_at=clock() + timedelta(seconds=20))
        client = client_for("rsj.localhost")
        assert not _sees(client, "/", "十秒后发布的通知") and _sees(client, "/", "二十秒后撤下的通知")
        clock.move(seconds=9)
        assert not _sees(client, "/", "十秒后发布的通知")
        clock.move(seconds=1)
        assert _sees(client, "/", "十秒后发布的通知") and _sees(client, "/", "二十秒后撤下的通知")
        clock.move(seconds=10)
        assert _sees(client, "/", "十秒后发布的通知") and not _sees(client, "/", "二十秒后撤下的通知")
    finally:
        cache.max_entries = entries
