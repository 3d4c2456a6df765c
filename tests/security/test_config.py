"""The configuration checks: the secret key, debug mode, cookies behind https, security headers, folder rights."""
from __future__ import annotations

import os
import stat
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.security.conftest import lifecycle, of



@contextmanager
def configured(app, **values):
    saved = {key: app.config.get(key) for key in values}
    app.config.update(values)
    try:
        yield
    finally:
        app.config.update(saved)


@pytest.mark.parametrize("key, says", [("test-secret", "known"), ("change-me", "known"), ("x" * 20, "short")])
def test_a_short_or_known_secret_key(app, check_platform, key, says):
    rule = "config.secret_key"
    with configured(app, SECRET_KEY=key):
        [found] = lifecycle(lambda: of(check_platform(rule), rule),
                            lambda: app.config.update(SECRET_KEY="f3a9c1" * 8))
    assert found.details["says"] == says and found.severity == "high"
    assert key not in str(found.details)  # the key itself is never written on a finding


def test_debug_mode(app, check_platform):
    rule = "config.debug"
    with configured(app, DEBUG=True):
        [found] = lifecycle(lambda: of(check_platform(rule), rule), lambda: app.config.update(DEBUG=False))
    assert found.name == "DEBUG"


def test_session_cookies_not_secure_behind_https(app, check_platform):
    rule = "config.insecure_cookie"
    with configured(app, PREFERRED_URL_SCHEME="http", SESSION_COOKIE_SECURE=False):
        assert of(check_platform(rule), rule) == []  # plain http: nothing to require yet
    with configured(app, PREFERRED_URL_SCHEME="https", SESSION_COOKIE_SECURE=False):
        lifecycle(lambda: of(check_platform(rule), rule), lambda: app.config.update(SESSION_COOKIE_SECURE=True))


@contextmanager
def stripped(app, *headers):
    """Responses lose these headers after every other hook set them (a proxy or a code change that drops them)."""
    def strip(response):
        for name in headers:
            response.headers.pop(name, None)
        return response

    funcs = app.after_request_funcs.setdefault(None, [])
    funcs.insert(0, strip)  # run last: after-request hooks run in reverse order
    # A code change takes a restart, which starts with no kept page (nor a kept answer: core.web.replay).
    app.extensions["govsites.page_cache"].clear()
    try:
        yield
    finally:
        funcs.remove(strip)
        app.extensions["govsites.page_cache"].clear()


def test_the_security_headers_are_read_from_the_apps_own_answers(app, two_sites, check_platform):
    rule = "config.security_headers"
    assert of(check_platform(rule), rule) == []  # what core.web.headers sets is all there
    with stripped(app, "Referrer-Policy", "X-Frame-Options"):
        first = of(check_platform(rule), rule)
        # frame-ancestors in the policy still forbids framing: only the referrer policy is missing.
        assert sorted((r.key, r.details["says"], r.details["values"]["path"]) for r in first) == [
            ("header:platform:Referrer-Policy", "platform", "/admin/login"),
            ("header:site:Referrer-Policy", "site", "/")]
        with stripped(app, "Content-Security-Policy"):
            keys = {r.key for r in of(check_platform(rule), rule) if r.state in ("new", "open")}
            assert "header:site:X-Frame-Options" in keys and "header:site:Content-Security-Policy" in keys
    assert {r.state for r in of(check_platform(rule), rule)} == {"resolved"}


def test_behind_https_the_answers_carry_hsts(app, two_sites, check_platform):
    rule = "config.security_headers"
    with configured(app, PREFERRED_URL_SCHEME="https"):
        assert of(check_platform(rule), rule) == []
        with stripped(app, "Strict-Transport-Security"):
            assert {r.key for r in of(check_platform(rule), rule)} == {"header:site:Strict-Transport-Security",
                                                                      "header:platform:Strict-Transport-Security"}


def test_an_upload_folder_anyone_may_write_to(app, two_sites, check_platform):
    folder = Path(app.config["UPLOAD_FOLDER"]) / f"site-{two_sites[0].id}"
    folder.mkdir(parents=True, exist_ok=True)
    mode = stat.S_IMODE(os.stat(folder).st_mode)
    os.chmod(folder, mode | stat.S_IWOTH)
    rule = "config.upload_folder_writable"
    try:
        [found] = lifecycle(lambda: of(check_platform(rule), rule), lambda: os.chmod(folder, mode & ~stat.S_IWOTH))
    finally:
        os.chmod(folder, mode & ~stat.S_IWOTH)
    assert found.name == str(folder) and found.details["values"]["mode"][8] == "w"  # others may write
