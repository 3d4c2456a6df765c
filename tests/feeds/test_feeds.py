"""Atom feeds as a feed reader reads them: the right items in order, only what the public may read, at once."""
from __future__ import annotations

import re
from datetime import timedelta

import feedparser
import pytest
from lxml import etree

from core.content.models import Article
from core.extensions import db
from core.sections.operations import add_section
from core.timeutil import now
from tenants.scoping import activate_tenant

ATOM = "{http://www.w3.org/2005/Atom}"


def feed(client, path: str):
    """The feed at `path`, parsed by feedparser (which must find it well formed), and its raw bytes."""
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.mimetype == "application/atom+xml"
    parsed = feedparser.parse(response.get_data())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed, response.get_data()


def titles(client, path: str) -> list[str]:
    return [entry.title for entry in feed(client, path)[0].entries]


@pytest.fixture
def news(two_sites, create_article_in):
    """rsj's work news, three items an hour apart (the fixture's own item is older still), and a notice."""
    rsj, czj, _ = two_sites
    start = now() - timedelta(days=1)
    items = ((1, "第一条动态", "第一条的摘要"), (3, "第三条动态", ""), (2, "第二条动态", ""))
    ids = [create_article_in(rsj, "news", title, published_at=start + timedelta(hours=hour), summary=summary)
           for hour, title, summary in items]
    return rsj, czj, ids


def test_a_section_feed_lists_its_public_items_newest_first_with_absolute_links(news, client_for, public_address):
    rsj, _czj, ids = news
    public_address("https", "")
    parsed, raw = feed(client_for(rsj.host), "/sections/news/feed.atom")
    assert [e.title for e in parsed.entries] == ["廊坊市人事局召开全体干部大会", "第三条动态", "第二条动态",
                                                 "第一条动态"]
    first = parsed.entries[-1]
    # Links are absolute, on the site's primary host and the configured scheme, and lead to the item's page.
    assert first.link == f"https://{rsj.host}/articles/{ids[0]}" == first.id
    assert parsed.feed.link == f"https://{rsj.host}/sections/news/"
    assert client_for(rsj.host).get(f"/articles/{ids[0]}").status_code == 200
    assert first.summary == "第一条的摘要" and first.summary_detail.type == "text/plain"
    # Times carry the city's offset: the stored wall-clock time, +08:00.
    root = etree.fromstring(raw)
    published = [e.findtext(f"{ATOM}published") for e in root.iter(f"{ATOM}entry")]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", p) for p in published)
    with client_for(rsj.host).client.application.app_context(), activate_tenant(rsj.id):
        stored = db.session.get(Article, ids[0]).published_at
    assert published[-1] == stored.isoformat() + "+08:00"
    assert root.findtext(f"{ATOM}updated") == published[0]  # the newest item's time
    # The site (a department), never a person, is the author.
    assert parsed.feed.author == "廊坊市人事局"


def test_the_news_feed_gathers_the_news_sections_and_nothing_else(news, app, client_for, create_article_in):
    rsj, czj, _ids = news
    with app.app_context(), activate_tenant(rsj.id):
        add_section(name_zh="部门要闻", name_en="Department news", slug="yaowen", update_class="news")
        add_section(name_zh="专题专栏", name_en="Topics", slug="topics")
        db.session.commit()
    create_article_in(rsj, "yaowen", "要闻一则")
    create_article_in(rsj, "topics", "专题文章")
    parsed, _raw = feed(client_for(rsj.host), "/feeds/news.atom")
    assert [e.title for e in parsed.entries] == ["要闻一则", "廊坊市人事局召开全体干部大会", "第三条动态", "第二条动态",
                                                 "第一条动态"]
    assert {e.tags[0].term for e in parsed.entries} == {"yaowen", "news"}
    # Another site's items (the same titles in the same sections) never appear, nor in its own feed ours.
    assert all(e.link.startswith(f"http://{rsj.host}/") for e in parsed.entries)
    assert titles(client_for(czj.host), "/feeds/news.atom") == ["廊坊市财政局召开全体干部大会"]
    assert titles(client_for(czj.host), "/sections/notices/feed.atom") == ["关于做好年度考核工作的通知"]


def test_a_feed_holds_the_configured_count(news, app, client_for):
    rsj, _czj, _ids = news
    saved, app.config["FEED_ENTRIES"] = app.config["FEED_ENTRIES"], 2
    try:
        assert titles(client_for(rsj.host), "/sections/news/feed.atom") == ["廊坊市人事局召开全体干部大会",
                                                                           "第三条动态"]
    finally:
        app.config["FEED_ENTRIES"] = saved


def test_withdrawn_unpublished_scheduled_and_expired_items_are_absent_at_once(news, app, client_for, create_article_in,
                                                                              create_account, monkeypatch):
    rsj, _czj, ids = news
    from core.auth.models import User
    from core.content.operations import create_article
    from core.publishing.operations import apply_transition
    from core.sections.queries import site_sections

    publisher = create_account("pub", site=rsj, roles=["publisher"])
    create_article_in(rsj, "news", "定时发布的动态", published_at=now() + timedelta(hours=1))
    expired = create_article_in(rsj, "news", "已过期的动态")
    with app.app_context(), activate_tenant(rsj.id):
        db.session.get(Article, expired).expires_at = now() - timedelta(minutes=1)
        section = next(s for s in site_sections() if s.slug == "news")
        create_article(section=section, title="动态草稿", status="editing")
        db.session.commit()
    client = client_for(rsj.host)
    expected = ["廊坊市人事局召开全体干部大会", "第三条动态", "第二条动态", "第一条动态"]
    for path in ("/sections/news/feed.atom", "/feeds/news.atom"):
        assert titles(client, path) == expected  # and now each is in the page cache
    # A withdrawal shows on the next request, cache or not.
    with app.app_context(), activate_tenant(rsj.id):
        apply_transition(db.session.get(Article, ids[1]), "withdraw", actor=db.session.get(User, publisher.id),
                         comment="内容有误")
        db.session.commit()
    for path in ("/sections/news/feed.atom", "/feeds/news.atom"):
        assert titles(client, path) == ["廊坊市人事局召开全体干部大会", "第二条动态", "第一条动态"]
    # The clock alone: the scheduled item comes up at its time, with no write to bump the cache.
    later = now() + timedelta(hours=2)
    monkeypatch.setattr("core.timeutil.now", lambda: later)
    monkeypatch.setattr("core.content.queries.now", lambda: later)
    assert titles(client, "/feeds/news.atom")[0] == "定时发布的动态"


def test_an_unknown_section_or_one_without_a_list_of_articles_has_no_feed(two_sites, client_for):
    rsj, _czj, _ = two_sites
    client = client_for(rsj.host)
    for path in ("/sections/nosuch/feed.atom", "/sections/about/feed.atom", "/sections/services/feed.atom",
                 "/sections/interaction/feed.atom"):
        assert client.get(path).status_code == 404, path
    assert client.get("/sections/policies/feed.atom").status_code == 200  # a list of policies is a list of articles
    # Feeds are a site's: the portal and the console have none.
    assert client_for("localhost").get("/feeds/news.atom").status_code == 404
    assert client_for("localhost").get("/sections/news/feed.atom").status_code == 404


def test_summaries_and_titles_are_text_never_markup(two_sites, client_for, create_article_in):
    rsj, _czj, _ = two_sites
    create_article_in(rsj, "news", "<script>alert(1)</script>标题 & <b>粗体</b>",
                      body_html="<p>正文<img src=x onerror=alert(2)> &lt;i&gt;字&lt;/i&gt;" + "长" * 300 + "</p>")
    parsed, raw = feed(client_for(rsj.host), "/sections/news/feed.atom")
    entry = parsed.entries[0]
    assert entry.title == "<script>alert(1)</script>标题 & <b>粗体</b>"  # as written, read back as text
    assert b"<script" not in raw and b"<img" not in raw and b"<b>" not in raw
    assert entry.summary_detail.type == "text/plain"
    assert entry.summary.startswith("正文 <i>字</i>") or entry.summary.startswith("正文<i>字</i>")
    assert len(entry.summary) <= 201 and entry.summary.endswith("…")


def test_a_feed_is_revalidated_with_its_etag(news, app, client_for, create_article_in):
    rsj, _czj, _ids = news
    client = client_for(rsj.host)
    first = client.get("/feeds/news.atom")
    etag = first.headers["ETag"]
    # A feed reader or a proxy keeps it no longer than the configured few seconds (core.web.http_cache).
    assert first.headers["Cache-Control"] == "public, max-age=0, s-maxage=9"
    again = client.get("/feeds/news.atom", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    create_article_in(rsj, "news", "新的一条")
    changed = client.get("/feeds/news.atom", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert feedparser.parse(changed.get_data()).entries[0].title == "新的一条"


def test_pages_name_their_feeds(two_sites, client_for):
    rsj, _czj, _ = two_sites
    client = client_for(rsj.host)
    head = '<link rel="alternate" type="application/atom+xml" href="{}"'
    home = client.get("/").get_data(as_text=True)
    assert head.format("/feeds/news.atom") in home
    assert "/feed.atom" not in home
    section = client.get("/sections/notices/").get_data(as_text=True)
    assert head.format("/sections/notices/feed.atom") in section
    assert head.format("/feeds/news.atom") in section
    # The section's list shows its feed as a link too.
    assert '<a href="/sections/notices/feed.atom" type="application/atom+xml">' in section
    about = client.get("/sections/about/").get_data(as_text=True)
    assert "/sections/about/feed.atom" not in about
    # The feeds the pages name are there.
    for path in ("/feeds/news.atom", "/sections/notices/feed.atom"):
        assert client.get(path).status_code == 200


def test_a_suspended_site_has_no_feed(two_sites, app, client_for):
    _rsj, czj, _ = two_sites
    from core.sites.operations import suspend_site
    from tenants.models import Tenant

    assert client_for(czj.host).get("/feeds/news.atom").status_code == 200
    with app.app_context():
        suspend_site(db.session.get(Tenant, czj.id), "整改")
        db.session.commit()
    assert client_for(czj.host).get("/feeds/news.atom").status_code == 503
    assert client_for(czj.host).get("/sitemap.xml").status_code == 503
