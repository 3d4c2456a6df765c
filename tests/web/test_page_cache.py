"""Public pages are served from each worker's cache, never stale after a change."""
from __future__ import annotations

import re

from sqlalchemy import text

from core.extensions import db


def test_a_repeated_page_costs_one_query(app, two_sites, client_for, count_queries):
    client = client_for("rsj.localhost")
    first = client.get("/").get_data()
    with count_queries() as counter:
        again = client.get("/")
    assert again.get_data() == first and counter.count == 1
    assert "Cookie" in again.headers["Vary"]


def test_new_article_shows_on_the_next_request(app, two_sites, client_for, create_article_in):
    rsj = two_sites[0]
    client = client_for("rsj.localhost")
    assert "刚刚发布的通知" not in client.get("/").get_data(as_text=True)
    client.get("/sections/notices/")
    create_article_in(rsj, "notices", "刚刚发布的通知")
    assert "刚刚发布的通知" in client.get("/").get_data(as_text=True)
    assert "刚刚发布的通知" in client.get("/sections/notices/").get_data(as_text=True)
    assert "刚刚发布的通知" not in client_for("czj.localhost").get("/").get_data(as_text=True)


def withdraw_elsewhere(conn, site_id: int, article_id: int) -> None:
    conn.execute(text("UPDATE articles SET status = 'withdrawn' WHERE id = :id"), {"id": article_id})
    conn.execute(text("UPDATE registry_versions SET version = version + 1 WHERE name = 'content'"))
    conn.execute(text("INSERT INTO site_content_versions (tenant_id, version) VALUES (:site, 1) "
                      "ON CONFLICT (tenant_id) DO UPDATE SET version = site_content_versions.version + 1"),
                 {"site": site_id})


def test_change_by_another_worker_is_seen_at_once(app, two_sites, client_for):
    rsj, _, articles = two_sites
    client = client_for("rsj.localhost")
    path = f"/articles/{articles['rsj'][0]}"
    assert client.get(path).status_code == 200
    with app.app_context(), db.engine.begin() as conn:
        # What another process's flush does: change the row, bump the city's version and the site's.
        withdraw_elsewhere(conn, rsj.id, articles["rsj"][0])
    assert client.get(path).status_code == 404


def test_footer_change_is_seen_at_once(app, two_sites, client_for, runner):
    client = client_for("rsj.localhost")
    client.get("/")
    runner.invoke(args=["tenants", "set", "rsj", "--phone", "0316-9999999"])
    assert "0316-9999999" in client.get("/").get_data(as_text=True)


def test_languages_are_cached_apart(two_sites, client_for):
    client = client_for("rsj.localhost:8000")
    assert "工作动态" in client.get("/").get_data(as_text=True)
    client.set_language("en")
    assert "Work news" in client.get("/").get_data(as_text=True)
    client.set_language(None)
    assert "工作动态" in client.get("/").get_data(as_text=True)


HTTPS = {"wsgi.url_scheme": "https", "HTTP_X_FORWARDED_PROTO": "https"}  # what gunicorn makes of the proxy's header
# Said outright: Flask's test client would otherwise take the configured scheme for the request's.
PLAIN = {"wsgi.url_scheme": "http"}


def absolute_links(html: str) -> set[str]:
    return set(re.findall(r'(?:href|src|action)="(https?://[^"]*)"', html))


def test_absolute_links_carry_the_configured_origin_not_the_host_header(two_sites, client_for, public_address):
    public_address("http", "8000")
    for host in ("localhost:20001", "localhost:8000", "localhost"):  # the first fills the cache
        portal = client_for(host).get("/").get_data(as_text=True)
        assert {"http://rsj.localhost:8000/", "http://czj.localhost:8000/"} <= absolute_links(portal)
        assert ":20001" not in portal
    for host in ("rsj.localhost:20001", "rsj.localhost"):
        page = client_for(host).get("/").get_data(as_text=True)
        assert "http://localhost:8000/" in absolute_links(page) and ":20001" not in page


def test_https_and_plain_requests_are_cached_apart_and_both_link_to_the_configured_scheme(
        two_sites, client_for, public_address, count_queries):
    public_address("https", "")
    forwarded = client_for("localhost").get("/", environ_overrides=dict(HTTPS)).get_data(as_text=True)
    with count_queries() as plain_costs:
        plain = client_for("localhost").get("/", environ_overrides=dict(PLAIN)).get_data(as_text=True)
    assert plain_costs.count > 1  # rendered for itself, not the https variant from the cache
    for html in (forwarded, plain):
        links = absolute_links(html)
        assert "https://rsj.localhost/" in links and not any(link.startswith("http://") for link in links)
    public_address("http", "")
    # A proxy saying https does not turn the links of an http deployment into https ones.
    forwarded = client_for("rsj.localhost").get("/", environ_overrides=dict(HTTPS)).get_data(as_text=True)
    assert "http://localhost/" in absolute_links(forwarded) and "https://" not in forwarded
    with count_queries() as again:
        assert client_for("rsj.localhost").get("/", environ_overrides=dict(HTTPS)).get_data(as_text=True) == forwarded
    assert again.count == 1


def test_cache_can_be_turned_off(app, two_sites, client_for, count_queries):
    cache = app.extensions["govsites.page_cache"]
    cache.max_entries, entries = 0, cache.max_entries
    try:
        client = client_for("rsj.localhost")
        path = f"/articles/{two_sites[2]['rsj'][0]}"
        client.get(path)
        with count_queries() as counter:
            assert client.get(path).status_code == 200
        assert counter.count > 1  # the article is read again: rendered, not kept
    finally:
        cache.max_entries = entries


def test_a_worker_reads_the_content_version_at_most_once_an_interval_and_at_once_after_its_own_change(
        app, two_sites, client_for, count_queries, create_article_in, monkeypatch):
    """As deployed (CONTENT_VERSION_SECONDS > 0): a cached page costs no query; another process's change shows
    once the interval has passed, never later; this process's own publish shows on its next page."""
    import time as clock

    from core.web import cache

    rsj, _, articles = two_sites
    monkeypatch.setitem(app.config, "CONTENT_VERSION_SECONDS", 0.5)
    with app.app_context():
        cache.forget_content_version()
    client = client_for("rsj.localhost")
    path = f"/articles/{articles['rsj'][0]}"
    assert client.get(path).status_code == 200
    with count_queries() as counter:
        assert client.get(path).status_code == 200
    assert counter.count == 0
    with app.app_context(), db.engine.begin() as conn:  # another host withdraws it
        withdraw_elsewhere(conn, rsj.id, articles["rsj"][0])
    changed_at = clock.monotonic()
    while client.get(path).status_code == 200:
        assert clock.monotonic() - changed_at < 0.5 + 0.2  # the interval, and a page's time to draw
        clock.sleep(0.05)
    client.get("/")
    create_article_in(rsj, "news", "本进程刚刚发布的通知")  # a commit in this process
    assert "本进程刚刚发布的通知" in client.get("/").get_data(as_text=True)


def test_the_page_cache_is_bounded_by_bytes_the_least_recently_read_going_first():
    from core.web.cache import PageCache

    cache = PageCache(max_entries=100, max_age=60, max_bytes=1000)
    for name in ("a", "b"):
        cache.put((name,), (1,), b"x" * 400)
    assert cache.get(("a",), (1,)) is not None  # read: "b" is now the least recently read
    cache.put(("c",), (1,), b"x" * 400)
    assert cache.get(("b",), (1,)) is None and cache.get(("a",), (1,)) and cache.get(("c",), (1,))
    assert cache.size == 800
    cache.put(("a",), (1,), b"y" * 100)  # replaced, not counted twice
    assert cache.size == 500
    assert cache.get(("a",), (2,)) is None and cache.size == 400  # a stale page leaves, its bytes with it
    cache.put(("big",), (1,), b"z" * 1200)  # larger than the whole budget: kept by nothing
    assert cache.get(("big",), (1,)) is None and cache.size <= 1000


def _retitle_unseen(app, article_id: int, title: str) -> None:
    """Change an article's title behind the cache's back (no version moved): a page still showing the old title
    afterwards was kept, one showing the new was drawn again."""
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text("UPDATE articles SET title = :title WHERE id = :id"), {"title": title, "id": article_id})


def _change_mailbox(app, site_id: int) -> None:
    """A change one site's pages show and the portal's do not: its mailbox's rules."""
    from core.interaction.models import Mailbox
    from tenants.scoping import activate_tenant

    with app.app_context(), activate_tenant(site_id):
        db.session.add(Mailbox(kind="mayor", rules="写信前请先阅读本须知。"))
        db.session.commit()
        db.session.remove()


def test_a_change_on_one_site_leaves_the_other_sites_and_the_portals_kept_pages(app, two_sites, client_for,
                                                                                 create_article_in):
    rsj, czj, articles = two_sites
    pages = {"rsj": client_for("rsj.localhost"), "czj": client_for("czj.localhost"), "portal": client_for("localhost")}
    for client in pages.values():
        assert "召开全体干部大会" in client.get("/").get_data(as_text=True)
    _retitle_unseen(app, articles["rsj"][0], "人事局的新标题")
    _retitle_unseen(app, articles["czj"][0], "财政局的新标题")
    _change_mailbox(app, rsj.id)
    assert "人事局的新标题" in pages["rsj"].get("/").get_data(as_text=True)  # its own change: drawn again
    assert "财政局的新标题" not in pages["czj"].get("/").get_data(as_text=True)  # kept
    assert "新标题" not in pages["portal"].get("/").get_data(as_text=True)  # kept: the portal shows no mailbox
    create_article_in(czj, "notices", "财政局的又一份通知")  # news of a kind the portal shows
    portal = pages["portal"].get("/").get_data(as_text=True)
    assert "人事局的新标题" in portal and "财政局的新标题" in portal
    assert "财政局的新标题" in pages["czj"].get("/").get_data(as_text=True)


def test_a_change_every_site_shows_moves_the_portals_pages_too(app, two_sites, client_for):
    _rsj, _czj, articles = two_sites
    portal = client_for("localhost")
    assert "召开全体干部大会" in portal.get("/").get_data(as_text=True)
    _retitle_unseen(app, articles["rsj"][0], "人事局的新标题")
    with app.app_context():
        from core.web.cache import content_changed

        content_changed(db.session)  # a bulk change of unknown sites and kinds
        db.session.commit()
    assert "人事局的新标题" in portal.get("/").get_data(as_text=True)


def test_a_site_memo_is_kept_until_its_sites_content_changes(app, two_sites, create_article_in):
    from core.web.cache import site_memo
    from tenants.scoping import activate_tenant

    rsj, czj, _ = two_sites
    computed = []

    def memo(site):
        with app.test_request_context("/"), activate_tenant(site.id):
            return site_memo("test", lambda: computed.append(site.slug) or len(computed))

    assert memo(rsj) == memo(rsj) == 1
    assert memo(czj) == 2  # kept per site
    create_article_in(czj, "notices", "只改财政局")
    assert memo(rsj) == 1  # another site's change leaves it
    create_article_in(rsj, "notices", "人事局的新通知")
    assert memo(rsj) == 3 and memo(czj) == 4
