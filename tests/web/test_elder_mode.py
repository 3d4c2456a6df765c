"""The elder-friendly mode (关怀版): a cookie set by a plain link, a page cache that keeps the two versions apart."""
from __future__ import annotations

import pytest

from core.web.cache import page_key
from core.web.elder import ELDER_COOKIE

SWITCH = 'class="elder-switch"'


def elder(client, on: bool) -> None:
    """Send (or stop sending) the mode's cookie, as a browser that switched would."""
    domain = client.host.split(":")[0]
    if on:
        client.client.set_cookie(ELDER_COOKIE, "1", domain=domain)
    else:
        client.client.delete_cookie(ELDER_COOKIE, domain=domain)


def test_the_cache_key_names_the_mode(app, two_sites):
    keys = {}
    for cookie in ("", f"{ELDER_COOKIE}=1", f"{ELDER_COOKIE}=0", f"{ELDER_COOKIE}=yes"):
        with app.test_request_context("/", headers={"Cookie": cookie}):
            keys[cookie] = page_key()
    assert keys[f"{ELDER_COOKIE}=1"] != keys[""]
    # Any other value is the standard version: the cache keeps two versions of a page, not one per value.
    assert keys[f"{ELDER_COOKIE}=0"] == keys[f"{ELDER_COOKIE}=yes"] == keys[""]


@pytest.mark.parametrize("host", ["rsj.localhost", "localhost"])
def test_the_switch_is_on_every_public_page_and_turns_on_then_back(two_sites, client_for, host):
    client = client_for(host)
    client.set_language("en")  # the words as the source writes them
    html = client.get("/").get_data(as_text=True)
    assert SWITCH in html and "Elder-friendly version" in html and "elder.css" not in html
    assert 'href="/elder-mode/on?next=/"' in html

    response = client.get("/elder-mode/on", query_string={"next": "/search?q=a"})
    assert response.status_code == 302 and response.headers["Location"] == "/search?q=a"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{ELDER_COOKIE}=1;") and "SameSite=Lax" in cookie and "HttpOnly" in cookie
    assert "Max-Age=31536000" in cookie, "remembered for a year, not for the browser session"

    elder(client, True)
    html = client.get("/").get_data(as_text=True)
    assert "Back to the standard version" in html and "elder.css" in html and 'class="theme-' in html
    assert 'href="/elder-mode/off?next=/"' in html and " elder\"" in html

    response = client.get("/elder-mode/off", query_string={"next": "/"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    cleared = response.headers["Set-Cookie"]
    assert cleared.startswith(f"{ELDER_COOKIE}=;") and "Max-Age=0" in cleared


def test_standard_and_elder_pages_are_cached_apart(two_sites, client_for):
    client = client_for("rsj.localhost:8000")
    for _ in range(2):  # the second round is served from the cache the first filled
        elder(client, False)
        assert "elder.css" not in client.get("/sections/news/").get_data(as_text=True)
        elder(client, True)
        assert "elder.css" in client.get("/sections/news/").get_data(as_text=True)
    assert "Cookie" in client.get("/sections/news/").headers["Vary"]


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "evil.example",
                                    "javascript:alert(1)", "/\r\nSet-Cookie: x=1", "/" + "a" * 3000])
@pytest.mark.parametrize("state", ["on", "off"])
def test_the_switch_goes_back_only_to_a_local_path(two_sites, client_for, target, state):
    response = client_for("rsj.localhost").get(f"/elder-mode/{state}", query_string={"next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_the_switch_without_a_target_goes_home(two_sites, client_for):
    response = client_for("rsj.localhost").get("/elder-mode/on")
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_an_unknown_state_or_the_console_is_not_found(two_sites, client_for):
    assert client_for("rsj.localhost").get("/elder-mode/maybe").status_code == 404
    assert client_for("admin.localhost").get("/elder-mode/on").status_code == 404
