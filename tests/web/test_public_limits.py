"""Public pages are not rate-limited (core.web.cache._unlimited_read), as the replay already answers them
without the limiter: this holds only while no public page declares a limit of its own, which this checks for
every route, and while no limit is set on every route."""
from __future__ import annotations

import pytest

from core.extensions import limiter
from core.web.cache import _unlimited_read


def public_pages(app) -> dict[str, object]:
    return {endpoint: view for endpoint, view in app.view_functions.items()
            if getattr(view, "govsites_unlimited_reads", False)}


def test_the_public_pages_are_the_cached_ones(app):
    pages = public_pages(app)
    assert {"content.article", "public.home", "sections.show", "feeds.news"} <= set(pages)
    assert "search.results" not in pages and "auth.login" not in pages


def test_no_public_page_declares_a_limit_of_its_own(app):
    """A limit decorated on a public page's view, or on its blueprint, would be skipped for its GETs."""
    manager = limiter.limit_manager
    with app.test_request_context():
        for endpoint, view in public_pages(app).items():
            name = f"{view.__module__}.{view.__name__}"
            assert not manager.decorated_limits(name), endpoint
            blueprint = endpoint.rpartition(".")[0]
            assert not manager.blueprint_limits(app, blueprint), endpoint


@pytest.mark.parametrize(("method", "path", "exempt"), [
    ("GET", "/articles/1", True),
    ("HEAD", "/", True),
    ("GET", "/sections/news/", True),
    ("GET", "/robots.txt", True),  # the crawlers' rules: the same for every visitor, no limit of their own
    ("GET", "/search", False),  # a GET with a limit of its own
    ("POST", "/interaction/letters/new", False),
    ("GET", "/admin/", False),
])
def test_only_a_public_pages_get_skips_the_limiter(app, two_sites, method, path, exempt):
    with app.test_request_context(path, method=method, base_url="http://rsj.localhost/"):
        assert _unlimited_read() is exempt


@pytest.mark.parametrize("setting", ["RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META",
                                     "RATELIMIT_IN_MEMORY_FALLBACK"])
def test_a_limit_on_every_route_applies_to_public_pages_too(app, two_sites, monkeypatch, setting):
    monkeypatch.setitem(app.config, setting, "100 per minute")
    with app.test_request_context("/articles/1", base_url="http://rsj.localhost/"):
        assert _unlimited_read() is False
