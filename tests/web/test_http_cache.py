"""What a cache in front (nginx, a CDN) and a browser may keep: public pages briefly and revalidated with ETags,
everything personal never, and no answer that sets a cookie at all (core.web.http_cache)."""
from __future__ import annotations

from core.web.http_cache import PRIVATE, VARIANT_HEADER, _NoSharedCookies
from tests.fixtures.accounts import post_form

PUBLIC = "public, max-age=0, s-maxage=9"  # seen through a cache within PUBLIC_CACHE_SECONDS (10)


def kept_by_no_cache(response) -> bool:
    """`private, no-store`, or `no-store` as some views say outright: no cache, shared or private, keeps it."""
    return "no-store" in response.headers.get("Cache-Control", "") and "public" not in response.headers["Cache-Control"]


def test_a_public_page_is_shareable_for_the_configured_seconds_with_an_etag(two_sites, client_for):
    page = client_for("rsj.localhost").get("/")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == PUBLIC
    assert page.headers["ETag"] and "Cookie" in page.headers["Vary"]
    assert page.headers[VARIANT_HEADER] == "zh_Hans_CN;elder=0"
    assert "Set-Cookie" not in page.headers


def test_the_lifetime_follows_the_setting(app, two_sites, client_for, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_CACHE_SECONDS", 30)
    assert client_for("rsj.localhost").get("/").headers["Cache-Control"] == "public, max-age=0, s-maxage=29"
    monkeypatch.setitem(app.config, "PUBLIC_CACHE_SECONDS", 0)
    assert client_for("rsj.localhost").get("/").headers["Cache-Control"] == "public, no-cache"


def test_the_lifetime_leaves_room_for_a_worker_behind_another_hosts_change(app, two_sites, client_for, monkeypatch):
    """A worker may draw a page up to CONTENT_VERSION_SECONDS after another host's publish: the shared copy lives
    that much (rounded up to whole seconds, as caches count) less, so the publish still shows within 10 s."""
    monkeypatch.setitem(app.config, "CONTENT_VERSION_SECONDS", 0.2)
    assert client_for("rsj.localhost").get("/").headers["Cache-Control"] == "public, max-age=0, s-maxage=8"
    monkeypatch.setitem(app.config, "PUBLIC_CACHE_SECONDS", 2)
    assert client_for("rsj.localhost").get("/").headers["Cache-Control"] == "public, no-cache"


def test_a_current_copy_is_answered_304_and_a_stale_one_200(two_sites, client_for, create_article_in):
    rsj = two_sites[0]
    client = client_for("rsj.localhost")
    etag = client.get("/sections/news/").headers["ETag"]
    again = client.get("/sections/news/", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["Cache-Control"] == PUBLIC and again.headers["ETag"] == etag
    create_article_in(rsj, "news", "刚刚发布的消息")
    changed = client.get("/sections/news/", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "刚刚发布的消息" in changed.get_data(as_text=True)


def test_each_language_and_display_mode_has_its_own_etag_and_names_its_variant(two_sites, client_for):
    """A browser that switched language revalidates with the other language's ETag: it must get the new page."""
    client = client_for("rsj.localhost")
    chinese = client.get("/")
    client.set_language("en")
    english = client.get("/", headers={"If-None-Match": chinese.headers["ETag"]})
    assert english.status_code == 200 and english.headers[VARIANT_HEADER] == "en;elder=0"
    client.client.set_cookie("elder", "1", domain="rsj.localhost")
    elder = client.get("/", headers={"If-None-Match": english.headers["ETag"]})
    assert elder.status_code == 200 and elder.headers[VARIANT_HEADER] == "en;elder=1"
    assert len({chinese.headers["ETag"], english.headers["ETag"], elder.headers["ETag"]}) == 3


def test_feeds_sitemaps_and_robots_are_shareable(two_sites, client_for):
    client = client_for("rsj.localhost")
    for path in ("/feeds/news.atom", "/sitemap.xml", "/robots.txt"):
        response = client.get(path)
        assert response.status_code == 200 and response.headers["Cache-Control"] == PUBLIC, path


def test_forms_and_error_pages_are_private(two_sites, client_for):
    client = client_for("rsj.localhost")
    for path in ("/interaction/write/consultation", "/admin/login", "/articles/999999", "/search?q=通知"):
        response = client.get(path)
        assert kept_by_no_cache(response), path
        assert VARIANT_HEADER not in response.headers, path
    assert client_for("nosuch.localhost").get("/").headers["Cache-Control"] == PRIVATE


def test_a_switch_that_sets_a_cookie_is_private(two_sites, client_for):
    client = client_for("rsj.localhost")
    for path in ("/lang/en?next=/", "/elder-mode/on?next=/"):
        response = client.get(path)
        assert response.status_code == 302 and "Set-Cookie" in response.headers
        assert response.headers["Cache-Control"] == PRIVATE, path


def test_admin_pages_are_private_and_a_signed_in_reader_gets_the_shared_public_page(two_sites, signed_in):
    client, _account = signed_in("rsj.localhost", "li.editor", site=two_sites[0], roles=["editor"])
    admin = client.get("/admin/")
    assert admin.status_code == 200 and admin.headers["Cache-Control"] == PRIVATE
    # A permanent session is refreshed on every answer, except one a cache may share: no cookie on it.
    page = client.get("/")
    assert page.status_code == 200 and "Set-Cookie" not in page.headers
    assert page.headers["Cache-Control"] == PUBLIC
    # And the login goes on: the next private page still knows the editor.
    assert client.get("/admin/").status_code == 200


def test_a_posted_form_is_private(two_sites, client_for):
    client = client_for("rsj.localhost")
    response = post_form(client, "/interaction/query", {"code": "nothing", "phone": "13800000000"})
    assert kept_by_no_cache(response)


def test_an_answer_that_sets_a_cookie_is_never_shareable_whoever_said_otherwise():
    """The last word, below every view and hook: a public answer with a Set-Cookie becomes private."""

    def careless(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/html"), ("Cache-Control", "public, max-age=600"),
                                  (VARIANT_HEADER, "en;elder=0"), ("Set-Cookie", "session=abc; Path=/")])
        return [b"page"]

    seen = {}

    def start_response(status, headers, exc_info=None):
        seen.update(status=status, headers=headers)

    assert _NoSharedCookies(careless)({}, start_response) == [b"page"]
    caching = [value for name, value in seen["headers"] if name.lower() == "cache-control"]
    assert caching == [PRIVATE]
    assert VARIANT_HEADER not in dict(seen["headers"]) and "Set-Cookie" in dict(seen["headers"])
    # Without a cookie, the answer is left as it was.
    plain = _NoSharedCookies(lambda environ, start: start("200 OK", [("Cache-Control", "public, max-age=5")]) or [])
    plain({}, start_response)
    assert seen["headers"] == [("Cache-Control", "public, max-age=5")]
