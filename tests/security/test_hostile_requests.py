"""Requests an attacker shapes: redirects meant to leave the city's hosts, forged Host and proxy headers, error
answers that must still carry the security headers.

No proxy is configured here (the default): the platform reads the Host header only to find the site, and writes
every absolute link from its configuration (`tenants.hosts.public_origin`); X-Forwarded-* and Forwarded headers
are ignored, never used for a link, a redirect or the scheme.
"""
from __future__ import annotations

from urllib.parse import quote, urlsplit

import pytest

from tests.fixtures.accounts import PASSWORD, csrf_token
from tests.fixtures.headers import assert_security_headers

#: Ways of writing "elsewhere" that browsers follow from a Location header, or that decode to one.
ELSEWHERE = ["//evil.example", "//evil.example/admin/", "///evil.example", "/\\evil.example", "\\\\evil.example",
             "/\\/evil.example", "https:evil.example", "https://evil.example", "http:/evil.example",
             "HTTPS://evil.example", "javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
             " //evil.example", "\t//evil.example", "/\t/evil.example", "//evil.example\\@rsj.localhost",
             "//evil。example", "//ｅvil.example", "%2F%2Fevil.example", "%252F%252Fevil.example", "/%0d%0aSet-Cookie:x=1",
             "/\r\nLocation: https://evil.example", "evil.example", "@evil.example", "//@evil.example",
             "/" + "a" * 3000]


def _stays_here(location: str, host: str = "") -> bool:
    """A Location a browser follows to this host only: a local path, or an absolute address on `host`."""
    parts = urlsplit(location)
    if parts.scheme or parts.netloc:
        return parts.scheme in ("http", "https") and parts.netloc == host and host != ""
    return location.startswith("/") and not location.startswith("//") and "\\" not in location \
        and not any(ord(c) < 0x20 for c in location)


@pytest.mark.parametrize("target", ELSEWHERE)
def test_the_language_and_elder_switches_never_send_elsewhere(two_sites, client_for, target):
    client = client_for("rsj.localhost")
    for path in ("/lang/en", "/elder-mode/on"):
        response = client.get(f"{path}?next={quote(target, safe='')}")
        assert response.status_code == 302
        assert _stays_here(response.headers["Location"]), response.headers["Location"]


@pytest.mark.parametrize("target", ELSEWHERE)
def test_signing_in_never_sends_elsewhere(app, two_sites, create_account, client_for, target):
    account = create_account(f"u{abs(hash(target)) % 10**8}", site=two_sites[0], roles=["editor"])
    client = client_for("rsj.localhost")
    path = f"/admin/login?next={quote(target, safe='')}"
    token = csrf_token(client.get(path).get_data(as_text=True))
    response = client.post(path, data={"username": account.username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert _stays_here(response.headers["Location"]), response.headers["Location"]


def test_signing_in_with_two_steps_never_sends_elsewhere(app, two_sites, create_account, client_for):
    """The `next` kept between the password and the code is checked when it is followed."""
    import pyotp

    account = create_account("two.step", site=two_sites[0], roles=["editor"], totp=True)
    client = client_for("rsj.localhost")
    path = "/admin/login?next=" + quote("//evil.example", safe="")
    client.post(path, data={"username": account.username, "password": PASSWORD,
                            "csrf_token": csrf_token(client.get(path).get_data(as_text=True))})
    form = client.get("/admin/login/verify")
    response = client.post("/admin/login/verify", data={"code": pyotp.TOTP(account.totp_secret).now(),
                                                        "csrf_token": csrf_token(form.get_data(as_text=True))})
    assert response.status_code == 302 and _stays_here(response.headers["Location"]), response.headers["Location"]


@pytest.mark.parametrize("path", ["//evil.example", "//evil.example/x?y=1", "/\\evil.example", "/%5Cevil.example",
                                  "/%2F%2Fevil.example", "/https:evil.example", "/.//evil.example",
                                  "/?next=//evil.example", "/%0d%0aLocation:%20https://evil.example",
                                  "/@evil.example", "/:@evil.example"])
@pytest.mark.parametrize("alias", ["renshi.localhost", "renshi.localhost:6666", "RENSHI.localhost.", "www.localhost"])
def test_an_alias_host_redirects_to_its_site_and_nowhere_else(app, two_sites, client_for, alias, path):
    response = client_for(alias).get(path)
    assert response.status_code == 301
    location = response.headers["Location"]
    expected = "localhost" if alias.startswith("www.") else "rsj.localhost"
    assert _stays_here(location, expected), location
    assert urlsplit(location).path.startswith("/") and not urlsplit(location).path.startswith("//") \
        and "\\" not in location, location
    assert_security_headers(response)


@pytest.mark.parametrize("host", ["evil.example", "rsj.localhost.evil.example", "evil.example:80", "127.0.0.1",
                                  "[::1]", "localhost.evil.example"])
def test_a_host_the_city_does_not_serve_is_404_and_names_nothing(two_sites, client_for, host):
    response = client_for(host).get("/")
    assert response.status_code in (400, 404) and response.mimetype == "text/plain"
    assert "人事局" not in response.get_data(as_text=True) and "rsj" not in response.get_data(as_text=True)
    assert_security_headers(response)


@pytest.mark.parametrize("host", ["rsj.localhost:abc", "rsj.localhost:80:80", "rsj.localhost:999999",
                                  "rsj.localhost/evil", "rsj.localhost@evil.example", "evil.example#rsj.localhost",
                                  "rsj.localhost\\evil.example", " ", "rsj.localhost\r\nX: y"])
def test_a_malformed_host_is_refused(two_sites, client_for, host):
    response = client_for(host).get("/")
    assert response.status_code in (400, 404)
    assert_security_headers(response)


FORGED = {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https", "X-Forwarded-Port": "6666",
          "X-Forwarded-Server": "evil.example", "X-Host": "evil.example", "X-Original-Host": "evil.example",
          "Forwarded": "for=1.2.3.4;host=evil.example;proto=https", "X-Forwarded-For": "1.2.3.4"}


@pytest.mark.parametrize("host", ["rsj.localhost", "rsj.localhost:6666"])
@pytest.mark.parametrize("path", ["/", "/api/v1/articles", "/sitemap.xml", "/feeds/news.atom", "/robots.txt",
                                  "/admin/", "/admin/login", "/lang/en?next=/"])
def test_proxy_headers_and_an_odd_port_never_reach_a_link_or_a_redirect(app, two_sites, client_for, host, path):
    """Without a configured proxy, forwarded headers are the client's words: ignored. A port in the Host header
    names nothing either: every absolute link carries the configured origin (here http, no port)."""
    response = client_for(host).get(path, headers=FORGED)
    assert response.status_code in (200, 302)
    body = response.get_data(as_text=True)
    for word in ("evil.example", "6666", "https://rsj", "1.2.3.4"):
        assert word not in body and word not in response.headers.get("Location", ""), (word, path)
    # (Flask-Talisman adds HSTS when X-Forwarded-Proto says https; a browser ignores HSTS over plain HTTP.)
    assert_security_headers(response)


def test_proxy_headers_do_not_choose_the_site(two_sites, client_for):
    response = client_for("czj.localhost").get("/", headers={**FORGED, "X-Forwarded-Host": "rsj.localhost"})
    assert "财政局" in response.get_data(as_text=True) and "人事局" not in response.get_data(as_text=True)


def test_the_consoles_link_into_a_site_ignores_the_request_origin(app, two_sites, signed_in):
    """The console writes the site's address from the configuration, not from the Host or forwarded headers."""
    console, _ = signed_in("admin.localhost", "chen.admin", platform_role="platform_admin", totp=True)
    console.host = "admin.localhost:6666"
    page = console.get(f"/platform/enter/{two_sites[0].id}", headers=FORGED).get_data(as_text=True)
    assert "http://rsj.localhost/admin/login/from-console?ticket=" in page
    assert "evil.example" not in page and "6666" not in page


# --- security headers on error answers and over HTTPS ------------------------------------------

def test_error_pages_carry_the_security_headers(app, two_sites, signed_in, client_for):
    client = client_for("rsj.localhost")
    not_found = client.get("/no-such-page")
    assert not_found.status_code == 404
    not_allowed = client.post("/api/v1/articles")
    assert not_allowed.status_code == 405
    editor, _ = signed_in("rsj.localhost", "wang.editor", site=two_sites[0], roles=["editor"])
    forbidden = editor.get("/admin/audit/")
    assert forbidden.status_code == 403
    bad = client.get("/search?q=%00")
    assert bad.status_code == 400
    for response in (not_found, not_allowed, forbidden, bad, client.get("/_themes/default/search.css"),
                     client.get("/_themes/default/no-such.css"), client_for("admin.localhost").get("/nothing")):
        assert_security_headers(response)
        response.close()


@pytest.mark.parametrize("method", ["put", "patch", "delete", "post"])
def test_the_json_api_refuses_every_change(two_sites, client_for, method):
    client = client_for("rsj.localhost")
    response = getattr(client.client, method)("/api/v1/articles", environ_overrides={"HTTP_HOST": "rsj.localhost"},
                                              json={"title": "x"})
    assert response.status_code == 405 and response.headers["Allow"].replace(" ", "").split(",") and \
        set(response.headers["Allow"].replace(" ", "").split(",")) <= {"GET", "HEAD", "OPTIONS"}
    assert_security_headers(response)


def test_over_https_every_answer_carries_hsts(app, two_sites, client_for):
    client = client_for("rsj.localhost")
    https = {"wsgi.url_scheme": "https", "HTTP_HOST": "rsj.localhost"}
    for path in ("/", "/no-such-page", "/api/v1/articles", "/_themes/default/search.css", "/admin/"):
        response = client.client.get(path, environ_overrides=https)
        assert_security_headers(response, https=True)
        response.close()
    assert "Strict-Transport-Security" not in client.get("/").headers  # plain HTTP: the proxy in front decides


def test_a_rate_limited_answer_carries_the_security_headers(app, two_sites):
    from core import create_app
    from core.extensions import db, limiter

    limited = create_app({**{k: app.config[k] for k in ("DATABASE_URL", "SECRET_KEY", "UPLOAD_FOLDER")},
                          "RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "1 per minute"})
    try:
        client = limited.test_client()
        answers = []
        for _ in range(3):
            page = client.get("/admin/login", environ_overrides={"HTTP_HOST": "rsj.localhost"})
            answers.append(client.post("/admin/login", environ_overrides={"HTTP_HOST": "rsj.localhost"},
                                       data={"username": "nobody", "password": "wrong-Password-1",
                                             "csrf_token": csrf_token(page.get_data(as_text=True))}))
        assert answers[-1].status_code == 429
        assert_security_headers(answers[-1])
    finally:
        limiter.reset()
        limiter.enabled = False
        with limited.app_context():
            db.engine.dispose()
