"""A worker's recent search results: served again while nothing they show changed, never after."""
from __future__ import annotations

from datetime import timedelta

import pytest

import core.search.queries as queries
from core.content.models import Article
from core.extensions import db
from core.search.cache import results_cache
from core.search.queries import city_search, site_search
from core.search.terms import parse
from core.timeutil import now
from tenants.scoping import activate_tenant
from tests.search.test_site_search import shown


@pytest.fixture
def city(two_sites, create_article_in):
    rsj, czj, _ = two_sites
    create_article_in(rsj, "news", "城乡居民社保卡申领指南", body_html="<p>办理社会保障卡需要身份证。</p>")
    create_article_in(czj, "news", "财政局社保资金监督检查", body_html="<p>检查社保基金。</p>")
    results_cache.clear()
    return rsj, czj


def _site_titles(app, site, words="社保"):
    with app.app_context(), activate_tenant(site.id):
        return sorted(hit.entry.title for hit in site_search(parse(words), per_page=50).hits)


def _city_titles(app, site_ids, words="社保"):
    with app.app_context():
        return sorted(hit.entry.title for hit in city_search(parse(words), site_ids, per_page=50).hits)


def _index_asked(statements) -> bool:
    return any("search_index" in s or "search_vectors" in s for s in statements)


def test_the_same_search_again_is_not_asked_of_the_index(app, city, count_queries):
    rsj, _ = city
    with count_queries() as first:
        assert _site_titles(app, rsj) == ["城乡居民社保卡申领指南"]
    with count_queries() as again:
        assert _site_titles(app, rsj) == ["城乡居民社保卡申领指南"]
    assert _index_asked(first.statements) and not _index_asked(again.statements)
    # Another site's search with the same words is its own.
    assert _site_titles(app, city[1]) == ["财政局社保资金监督检查"]


def test_a_repeated_search_page_is_served_as_drawn_and_counted_each_time(app, city, client_for, count_queries):
    """The page itself is kept with its results: a repeat draws nothing and asks the database no search; each
    search is still counted."""
    from core.search.models import SearchTermDay
    from core.search.statistics import search_counter

    rsj, _ = city
    client = client_for(rsj.host)
    first = client.get("/search?q=社保")
    with count_queries() as again:
        repeat = client.get("/search?q=社保")
    assert repeat.get_data() == first.get_data() and "城乡居民社保卡申领指南" in shown(repeat)
    # Nothing but the content version (read on every page here; the site's sections, the section filter's choices,
    # are kept with that version): no index, no entry, no write.
    assert {s.split("FROM ")[1].split()[0] for s in again.statements} == {"registry_versions"}
    english = client_for(rsj.host)
    english.set_language("en")
    assert "Search this site" in english.get("/search?q=社保").get_data(as_text=True)  # its own page, not the kept one
    with app.app_context(), activate_tenant(rsj.id):
        search_counter().drain()
        row = db.session.execute(db.select(SearchTermDay).where(SearchTermDay.term == "社保")).scalar_one()
        assert row.searches == 3


def test_a_search_is_asked_again_with_the_cache_off(app, city, count_queries, monkeypatch):
    rsj, _ = city
    monkeypatch.setitem(app.config, "SEARCH_CACHE_ENTRIES", 0)
    _site_titles(app, rsj)
    with count_queries() as again:
        _site_titles(app, rsj)
    assert _index_asked(again.statements)


def test_a_publish_and_a_withdrawal_show_in_the_next_search(app, city, create_article_in, create_account):
    rsj, _ = city
    from core.auth.models import User
    from core.publishing.operations import apply_transition

    assert _site_titles(app, rsj) == ["城乡居民社保卡申领指南"]
    new = create_article_in(rsj, "news", "社保缴费基数调整通知")
    assert _site_titles(app, rsj) == ["城乡居民社保卡申领指南", "社保缴费基数调整通知"]
    publisher = create_account("pub", site=rsj, roles=["publisher"])
    with app.app_context(), activate_tenant(rsj.id):
        apply_transition(db.session.get(Article, new), "withdraw", actor=db.session.get(User, publisher.id),
                         comment="内容有误")
        db.session.commit()
    assert _site_titles(app, rsj) == ["城乡居民社保卡申领指南"]


def test_results_seen_inside_a_change_that_was_rolled_back_are_never_served(app, city, create_article_in,
                                                                            create_account):
    rsj, _ = city
    from core.auth.models import User
    from core.publishing.operations import apply_transition

    publisher = create_account("pub", site=rsj, roles=["publisher"])
    first = _site_titles(app, rsj)
    with app.app_context(), activate_tenant(rsj.id):
        article = db.session.execute(db.select(Article).where(Article.title == "城乡居民社保卡申领指南")).scalar_one()
        apply_transition(article, "withdraw", actor=db.session.get(User, publisher.id), comment="内容有误")
        assert site_search(parse("社保"), per_page=50).total == 0  # seen inside the change
        db.session.rollback()
    # Another change commits (the version moves on by one, as the rolled-back one had): the search is asked anew.
    create_article_in(rsj, "news", "社保卡挂失办法")
    assert _site_titles(app, rsj) == sorted([*first, "社保卡挂失办法"])


def test_a_suspended_site_leaves_the_city_search_at_once(app, city):
    rsj, czj = city
    from core.sites.operations import suspend_site
    from tenants.models import Tenant

    assert _city_titles(app, [rsj.id, czj.id]) == ["城乡居民社保卡申领指南", "财政局社保资金监督检查"]
    with app.app_context():
        suspend_site(db.session.get(Tenant, czj.id), "整改")
        db.session.commit()
    # The portal passes the active sites (core.search.views): czj is no longer among them.
    assert _city_titles(app, [rsj.id]) == ["城乡居民社保卡申领指南"]


def test_a_new_synonym_changes_the_results_at_once(app, city, client_for):
    rsj, _ = city
    from core.search.operations import add_synonyms

    assert "城乡居民社保卡申领指南" in shown(client_for(rsj.host).get("/search?q=社保卡"))
    assert "城乡居民社保卡申领指南" not in shown(client_for(rsj.host).get("/search?q=社会保险卡"))
    with app.app_context():
        add_synonyms("社保 社会保险")
        db.session.commit()
    assert "城乡居民社保卡申领指南" in shown(client_for(rsj.host).get("/search?q=社会保险卡"))


def test_an_item_comes_and_goes_by_the_clock_alone(app, city, create_article_in, monkeypatch):
    rsj, _ = city
    create_article_in(rsj, "news", "定时发布的社保通知", published_at=now() + timedelta(hours=1))
    gone = create_article_in(rsj, "news", "即将下线的社保公告")
    with app.app_context(), activate_tenant(rsj.id):
        db.session.get(Article, gone).expires_at = now() + timedelta(minutes=30)
        db.session.commit()
    assert _site_titles(app, rsj) == ["即将下线的社保公告", "城乡居民社保卡申领指南"]
    real_now = queries.now
    monkeypatch.setattr(queries, "now", lambda: real_now() + timedelta(minutes=40))
    assert _site_titles(app, rsj) == ["城乡居民社保卡申领指南"]
    monkeypatch.setattr(queries, "now", lambda: real_now() + timedelta(minutes=90))
    assert _site_titles(app, rsj) == ["城乡居民社保卡申领指南", "定时发布的社保通知"]
    # And back (a clock set back): what was kept at the later moment is not served.
    monkeypatch.setattr(queries, "now", real_now)
    assert _site_titles(app, rsj) == ["即将下线的社保公告", "城乡居民社保卡申领指南"]


def test_a_deleted_site_leaves_the_city_search_at_once(app, city):
    """Deleting a site takes its rows out by statements no flush sees: the kept city results go with the host map."""
    from core.backups.archive_sites import delete_site
    from tenants.provisioning import get_tenant

    rsj, czj = city
    assert _city_titles(app, [rsj.id, czj.id]) == ["城乡居民社保卡申领指南", "财政局社保资金监督检查"]
    with app.app_context():
        delete_site(get_tenant("rsj"), confirm_slug="rsj")
        db.session.commit()
    app.extensions["govsites.hosts"].invalidate()  # what the host map's version does within TENANT_CACHE_TTL
    assert _city_titles(app, [czj.id]) == ["财政局社保资金监督检查"]
