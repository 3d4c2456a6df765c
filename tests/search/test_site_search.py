"""Site and city search as the public uses it: Chinese without spaces, scoping, what is never found, highlighting."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from core.content.models import Article
from core.extensions import db
from core.search.queries import Filters, city_search, site_search
from core.search.terms import parse
from core.timeutil import now
from tenants.scoping import activate_tenant


def shown(response) -> str:
    """A page's text as read, without its tags (a hit's title carries <mark> around what matched)."""
    assert response.status_code == 200
    return re.sub(r"<[^>]+>", "", response.get_data(as_text=True))


def titles(app, site, words, **filters):
    with app.app_context(), activate_tenant(site.id):
        found = site_search(parse(words), Filters(**filters), per_page=50)
        return sorted(hit.entry.title for hit in found.hits)


@pytest.fixture
def city(two_sites, create_article_in):
    rsj, czj, _ = two_sites
    create_article_in(rsj, "news", "城乡居民社保卡申领指南", body_html="<p>办理社会保障卡需要身份证。</p>")
    create_article_in(rsj, "news", "住房公积金提取办法", body_html="<p>职工可以提取住房公积金。</p>")
    create_article_in(rsj, "news", "医保报销比例调整", body_html="<p>Medical insurance reimbursement rates change.</p>")
    create_article_in(rsj, "news", "Taxi licence renewal", body_html="<p>Drivers renew the licence each year.</p>")
    create_article_in(czj, "news", "财政局社保资金监督检查", body_html="<p>检查社保基金。</p>")
    return rsj, czj


def test_two_character_chinese_words_match_without_spaces(app, city):
    rsj, czj = city
    assert titles(app, rsj, "社保") == ["城乡居民社保卡申领指南"]
    assert titles(app, rsj, "医保") == ["医保报销比例调整"]
    assert titles(app, rsj, "公积金") == ["住房公积金提取办法"]
    # A substring across the bigrams: 积金提 is in 住房公积金提取.
    assert titles(app, rsj, "积金提") == ["住房公积金提取办法"]
    # Not a substring: the characters are there, not together.
    assert titles(app, rsj, "公金") == []


def test_single_characters_full_width_and_mixed_queries(app, city):
    rsj, _ = city
    assert "住房公积金提取办法" in titles(app, rsj, "房")
    assert titles(app, rsj, "法") == ["住房公积金提取办法"]  # the last character of a run
    assert titles(app, rsj, "ＴＡＸＩ") == ["Taxi licence renewal"]  # full-width letters, any case
    assert titles(app, rsj, "medical 医保") == ["医保报销比例调整"]
    assert titles(app, rsj, "tax") == []  # English by words: tax is not taxi


def test_site_search_sees_only_its_own_site_and_the_city_sees_every_active_site(app, city):
    rsj, czj = city
    assert titles(app, czj, "社保") == ["财政局社保资金监督检查"]
    # Both sites have an item on 考核 with the same title: each site's counts and hits are its own.
    for site in (rsj, czj):
        with app.app_context(), activate_tenant(site.id):
            found = site_search(parse("考核"))
            assert (found.total, found.by_kind) == (1, {"article": 1, "filed": 0})
            assert [h.entry.tenant_id for h in found.hits] == [site.id]
    with app.app_context():
        found = city_search(parse("社保"), [rsj.id, czj.id], per_page=50)
        assert {(h.entry.tenant_id, h.entry.title) for h in found.hits} == {
            (rsj.id, "城乡居民社保卡申领指南"), (czj.id, "财政局社保资金监督检查")}
        only = city_search(parse("社保"), [rsj.id])
        assert [h.entry.tenant_id for h in only.hits] == [rsj.id]
        # A site filter narrows the active sites, never widens them.
        assert city_search(parse("社保"), [rsj.id], Filters(site_ids=(czj.id,))).total == 0


def test_withdrawn_expired_scheduled_and_unpublished_items_are_not_found(app, city, create_article_in,
                                                                           create_account):
    rsj, _ = city
    from core.auth.models import User
    from core.content.operations import create_article
    from core.publishing.operations import apply_transition
    from core.sections.queries import site_sections

    publisher = create_account("pub", site=rsj, roles=["publisher"])
    create_article_in(rsj, "news", "定时发布的社保通知", published_at=now() + timedelta(hours=1))
    expired = create_article_in(rsj, "news", "已过期的社保公告")
    soon_gone = create_article_in(rsj, "news", "即将下线的社保公告")
    live = create_article_in(rsj, "news", "将被撤回的社保公告")
    with app.app_context(), activate_tenant(rsj.id):
        # A take-down time, as the editor sets it on a published item.
        db.session.get(Article, expired).expires_at = now() - timedelta(minutes=1)
        db.session.get(Article, soon_gone).expires_at = now() + timedelta(minutes=5)
        section = next(s for s in site_sections() if s.slug == "news")
        create_article(section=section, title="社保草稿", status="editing")
        db.session.commit()
    assert titles(app, rsj, "社保") == sorted(["即将下线的社保公告", "城乡居民社保卡申领指南", "将被撤回的社保公告"])
    with app.app_context(), activate_tenant(rsj.id):
        apply_transition(db.session.get(Article, live), "withdraw", actor=db.session.get(User, publisher.id),
                         comment="内容有误")
        # Gone within the transaction that withdrew it, before any commit.
        found = site_search(parse("社保"), per_page=50)
        assert "将被撤回的社保公告" not in [h.entry.title for h in found.hits]
        db.session.rollback()
        # A rolled-back withdrawal leaves the item found.
        assert "将被撤回的社保公告" in [h.entry.title for h in site_search(parse("社保"), per_page=50).hits]
    # The clock alone: the scheduled item comes up at its time, the expiring one goes at its.
    import core.search.queries as queries
    real_now = queries.now
    try:
        queries.now = lambda: real_now() + timedelta(minutes=90)
        assert titles(app, rsj, "社保") == sorted(["定时发布的社保通知", "城乡居民社保卡申领指南",
                                                 "将被撤回的社保公告"])
    finally:
        queries.now = real_now


def test_a_suspended_site_disappears_from_the_city_search(app, city, client_for):
    rsj, czj = city
    from tenants.models import Tenant

    assert "财政局社保资金监督检查" in shown(client_for("localhost").get("/search?q=社保"))
    with app.app_context():
        from core.sites.operations import suspend_site

        suspend_site(db.session.get(Tenant, czj.id), "整改")
        db.session.commit()
    page = shown(client_for("localhost").get("/search?q=社保"))
    assert "财政局社保资金监督检查" not in page
    assert "城乡居民社保卡申领指南" in page


def test_highlighting_never_injects_markup(app, two_sites, create_article_in, client_for):
    rsj, _, _ = two_sites
    create_article_in(rsj, "news", "<script>alert(1)</script>社保 & <b>通知</b>",
                      body_html="<p>正文 &lt;img src=x onerror=alert(2)&gt; 社保</p>")
    page = client_for(rsj.host).get("/search?q=" + "社保<script>").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    # The query's words are marked in the escaped title: both "script" and 社保 matched.
    assert "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;<mark>社保</mark>" in page
    page = client_for(rsj.host).get("/search?q=%3Cb%3E").get_data(as_text=True)
    assert "<b>通知</b>" not in page
    assert "&lt;<mark>b</mark>&gt;" in page or "Nothing was found" in page or "没有" in page


def test_past_the_ranked_limit_the_newest_matches_are_ranked_and_the_count_says_more_than(
        app, two_sites, create_article_in, client_for, monkeypatch):
    """A common word matching more items than can be paged through: the newest RANKED are ranked (the best of
    them first), the count is "more than", and a narrower search still reaches the older ones."""
    from core.search import queries

    rsj, _, _ = two_sites
    create_article_in(rsj, "news", "通知：年度考核结果公示", body_html="<p>考核。</p>")  # the oldest, by its title
    for n in range(4):
        create_article_in(rsj, "news", f"工作动态第{n}期", body_html=f"<p>关于开展第{n}项工作的通知。</p>")
    monkeypatch.setattr(queries, "RANKED", 3)
    with app.app_context(), activate_tenant(rsj.id):
        found = site_search(parse("通知"), per_page=10)
        assert found.capped and found.kinds_capped and found.total == 3
        assert [h.entry.title for h in found.hits][0] in {"工作动态第3期", "工作动态第2期", "工作动态第1期"}
        assert "通知：年度考核结果公示" not in [h.entry.title for h in found.hits]  # older than the newest three
        assert [h.entry.title for h in site_search(parse("通知 公示")).hits] == ["通知：年度考核结果公示"]
        small = site_search(parse("公示"))
        assert not small.capped and (small.total, small.by_kind) == (1, {"article": 1, "filed": 0})
        # The best of the newest first: a match in the title outranks one in the text.
        create_article_in(rsj, "news", "通知", body_html="<p>放假安排。</p>")
    with app.app_context(), activate_tenant(rsj.id):
        hits = site_search(parse("通知")).hits
        assert hits[0].entry.title == "通知"
    page = shown(client_for(rsj.host).get("/search?q=通知"))
    assert "结果超过 3 条" in page
    assert "(3)" not in page  # no count per kind: those of the newest only would mislead


def test_past_the_ranked_limit_newest_means_published_last_not_written_last(
        app, two_sites, create_article_in, monkeypatch):
    """An old item written after newer ones (back-dated, an imported site's history, a reindex site by site) is
    not among "the newest" in the city's search: it is as old as its publication."""
    from core.search import queries

    rsj, czj, _ = two_sites
    for n in range(3):
        create_article_in(rsj, "news", f"近期社保通知{n}")
    for n in range(3):
        create_article_in(czj, "news", f"旧社保通知{n}", published_at=now() - timedelta(days=400))
    monkeypatch.setattr(queries, "RANKED", 3)
    with app.app_context():
        found = city_search(parse("社保通知"), [rsj.id, czj.id])
    assert found.capped and sorted(h.entry.title for h in found.hits) == [f"近期社保通知{n}" for n in range(3)]
