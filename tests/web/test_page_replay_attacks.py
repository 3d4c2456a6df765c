"""Attacks on the page replay (core.web.replay): each test asks for an answer the full path gives, and fails where the
replay gives another."""
from __future__ import annotations

from core.extensions import db
from core.web.replay import PageReplay
from tenants.provisioning import add_domain, get_tenant, remove_domain
from tests.evaluation.visits_helpers import counter_fixture, flush, site_days, view  # noqa: F401


def replay_layer(app) -> PageReplay:
    layer = app.wsgi_app
    while not isinstance(layer, PageReplay):
        layer = layer.wsgi_app
    return layer


def _commit(app, change) -> None:
    with app.app_context():
        change()
        db.session.commit()
        db.session.remove()


# --- the host map: the index says "this Host header is that site's page", and is never asked again -----------

def test_a_primary_host_made_an_alias_is_redirected_not_answered_with_the_page(app, two_sites, client_for):
    old, new = client_for("rsj.localhost"), client_for("rsj-new.localhost")
    assert old.get("/").status_code == 200
    assert old.get("/").status_code == 200  # replayed from now on
    _commit(app, lambda: add_domain(get_tenant("rsj"), "rsj-new.localhost", primary=True))
    assert new.get("/").status_code == 200  # the site's page drawn again, under the new host map
    moved = old.get("/")
    assert moved.status_code == 301, "the old primary host, now an alias, was answered with the page"
    assert moved.headers["Location"] == "http://rsj-new.localhost/"


def test_a_host_moved_to_another_site_is_answered_with_that_sites_page(app, two_sites, client_for):
    host = client_for("rsj.localhost")
    assert "廊坊市人事局" in host.get("/").get_data(as_text=True)
    host.get("/")
    _commit(app, lambda: add_domain(get_tenant("rsj"), "rsj-new.localhost", primary=True))
    _commit(app, lambda: remove_domain(get_tenant("rsj"), "rsj.localhost"))
    _commit(app, lambda: add_domain(get_tenant("czj"), "rsj.localhost"))
    app.config["ALIAS_REDIRECT"] = False  # czj serves its aliases in place
    try:
        assert client_for("rsj-new.localhost").get("/").status_code == 200  # rsj's page, drawn again
        html = host.get("/").get_data(as_text=True)
    finally:
        app.config["ALIAS_REDIRECT"] = True
    assert "廊坊市财政局" in html and "廊坊市人事局" not in html, "another site's page on the host"


def test_a_host_removed_from_the_city_is_a_404(app, two_sites, client_for):
    host = client_for("rsj.localhost")
    host.get("/")
    host.get("/")
    _commit(app, lambda: add_domain(get_tenant("rsj"), "rsj-new.localhost", primary=True))
    _commit(app, lambda: remove_domain(get_tenant("rsj"), "rsj.localhost"))
    client_for("rsj-new.localhost").get("/")
    assert host.get("/").status_code == 404


def test_alias_redirect_turned_on_redirects_the_alias(app, two_sites, client_for):
    alias = client_for("renshi.localhost")
    app.config["ALIAS_REDIRECT"] = False
    try:
        assert alias.get("/").status_code == 200
        assert alias.get("/").status_code == 200
    finally:
        app.config["ALIAS_REDIRECT"] = True
    client_for("rsj.localhost").get("/")  # the page's answer kept again under today's settings
    assert alias.get("/").status_code == 301


# --- the headers: kept per page, not per request, though a header depends on more than the page ---------------

def test_hsts_is_sent_as_the_full_path_sends_it(two_sites, client_for):
    client = client_for("rsj.localhost")
    # The full path (Talisman) sends HSTS when X-Forwarded-Proto says https, whatever PROXY_FIX_HOPS says.
    cold = client.get("/sections/news/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in cold.headers
    plain = client.get("/")
    assert "Strict-Transport-Security" not in plain.headers
    client.get("/")
    forwarded = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in forwarded.headers
    client.get("/sections/news/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in client.get("/sections/news/").headers


# --- memory: the index is bounded in entries, not bytes, and keys on the cookie as sent -----------------------

def test_junk_language_cookies_do_not_pin_memory_in_the_index(app, two_sites, client_for):
    client = client_for("rsj.localhost")
    index = replay_layer(app)._index
    before = set(index)
    for n in range(64):
        client.client.set_cookie("lang", f"{n:04d}" + "x" * 4000, domain="rsj.localhost")
        assert client.get("/").status_code == 200  # the default language's page: one page in the page cache
    added = [key for key in index if key not in before]
    pinned = sum(len(str(part)) for key in added for part in key)
    # 64 × 4 KB here; PAGE_CACHE_ENTRIES (50 000) × 8 KB (a whole header line) ≈ 400 MB a worker in production,
    # beside PAGE_CACHE_MB, for one page.
    assert pinned < 64 * 1024, f"{len(added)} index entries pin {pinned} bytes for one kept page"


# --- page views ------------------------------------------------------------------------------------------------

def test_a_page_view_is_counted_once_when_the_caching_settings_changed(app, two_sites, client_for, counter):
    rsj = two_sites[0]
    client = client_for("rsj.localhost")
    view(client, "/")
    view(client, "/")  # replayed
    saved = app.config["PUBLIC_CACHE_SECONDS"]
    app.config["PUBLIC_CACHE_SECONDS"] = saved + 10
    try:
        assert view(client, "/").headers["Cache-Control"] == f"public, max-age=0, s-maxage={saved + 9}"
    finally:
        app.config["PUBLIC_CACHE_SECONDS"] = saved
    flush(app)
    assert [views for views, _visitors in site_days(app, rsj).values()] == [3]
