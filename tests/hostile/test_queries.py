"""Every public address that reads its query string, under hostile query strings (hypothesis): never a 5xx; the
open-data API answers in JSON even when it refuses; the language and elder-mode switches never send a visitor to
another host.

Covered: every route under /api/v1/ (its parameters read from the OpenAPI document, plus unknown ones, on a site's
host and on the portal), the search on a site and on the portal (q and every filter), the language and elder-mode
switches (their path part and `next`), and every other public page without URL parameters (`page` and any filter
it reads). Values are raw bytes, percent-encoded: invalid UTF-8, NUL and other controls, full-width and
right-to-left text, text past any limit, text where a number or a date belongs, and names given twice.
`test_every_api_route_is_covered` fails when an /api/ route is neither in the OpenAPI document nor listed here.

Profiles: see tests/hostile/hostile.py (``HYPOTHESIS_PROFILE=long`` for a deep run).
"""
from __future__ import annotations

from urllib.parse import quote_from_bytes, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.web.routes import RULES
from tests.hostile.hostile import PROFILE, WRONG_TYPES, hostile_value, query_string, raw_query

PORTAL = "localhost"
#: API routes outside the OpenAPI document: the human guide and the document itself.
API_EXTRA = {"api.guide": "/api/", "api.openapi": "/api/v1/openapi.json"}
SEARCH_PARAMS = ["q", "kind", "section", "site", "since", "until", "level", "status", "issuer", "number", "page"]
#: Names any public page may read: a page number, a filter, a language; and names nothing reads.
COMMON_PARAMS = ["page", "q", "kind", "year", "category", "subject", "state", "lang", "next", "sort", "days", "x"]


def send(client, path: str, query: list[tuple[str, bytes]], raw: bool):
    """GET `path` with `query`, percent-encoded or (raw) as bytes straight in the request line."""
    if raw:
        return client.get(path, environ_overrides=raw_query(query))
    return client.get(path, query_string=query_string(query))


def pairs(names: list[str]) -> st.SearchStrategy[list[tuple[str, bytes]]]:
    """Query pairs: known names (any of them twice) and unknown ones, each with a hostile or a plausible value."""
    value = st.one_of(hostile_value(50), st.sampled_from(["1", "2", "0", "-1", "2026-03-01", "news", "rsj", ""])
                      .map(str.encode), st.sampled_from(WRONG_TYPES).map(str.encode))
    name = st.one_of(st.sampled_from(names), st.text(max_size=8))
    return st.lists(st.tuples(name, value), max_size=6)


@pytest.fixture
def world(two_sites, create_article_in):
    rsj, czj, _articles = two_sites
    create_article_in(rsj, "news", "关于公布2026年度考核结果的通知", body_html="<p>考核结果</p>")
    return rsj, czj


def _api_operations(client) -> dict[str, list[str]]:
    """{path template: query parameter names} of every GET operation in the OpenAPI document."""
    document = client.get("/api/v1/openapi.json").json
    return {path: [p["name"] for p in spec["get"].get("parameters", []) if p["in"] == "query"]
            for path, spec in document["paths"].items() if "get" in spec}


def test_every_api_route_is_covered(app, world, client_for):
    """A new /api/ route must be in the OpenAPI document (then it is fuzzed below) or listed in API_EXTRA."""
    documented = {path.replace("{", "<int:").replace("}", ">") for path in _api_operations(client_for(PORTAL))}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            assert rule.rule in documented or rule.endpoint in API_EXTRA, rule.rule


@pytest.mark.parametrize("where", ["site", "portal"])
def test_the_api_answers_hostile_queries_in_json(app, world, client_for, where):
    host = world[0].host if where == "site" else PORTAL
    client = client_for(host)
    operations = _api_operations(client)
    paths = sorted(operations) + sorted(API_EXTRA.values())
    names = sorted({n for params in operations.values() for n in params})

    @PROFILE
    @given(path=st.sampled_from(paths), ident=st.one_of(st.sampled_from(["1", "2", "99999999999999999999", "0"]),
                                                         hostile_value(20).map(quote_from_bytes)),
           query=pairs(names), raw=st.booleans())
    def check(path, ident, query, raw):
        address = path.replace("{article_id}", ident).replace("{item_id}", ident)
        response = send(client, address, query, raw)
        assert response.status_code < 500, (address, query, response.get_data(as_text=True)[:500])
        if address.startswith("/api/v1/"):
            assert response.mimetype in ("application/json", "application/problem+json"), (
                address, query, response.status_code, response.mimetype)

    check()


@pytest.mark.parametrize("where", ["site", "portal"])
def test_search_takes_hostile_queries(app, world, client_for, where):
    client = client_for(world[0].host if where == "site" else PORTAL)

    @PROFILE
    @given(query=pairs(SEARCH_PARAMS), raw=st.booleans())
    def check(query, raw):
        response = send(client, "/search", [("q", "考核".encode()), *query], raw)
        assert response.status_code < 500, (query, response.get_data(as_text=True)[:500])

    check()


@pytest.mark.parametrize("switch", ["/lang/", "/elder-mode/"])
def test_the_switches_stay_on_the_host(app, world, client_for, switch):
    host = world[0].host
    client = client_for(host)
    nexts = st.one_of(hostile_value(50), st.sampled_from([
        b"//evil.example/", b"https://evil.example/", b"/\\evil.example", b"\\\\evil.example", b"http:evil.example",
        b"javascript:alert(1)", b"/%2F%2Fevil.example", b"/\t/evil.example", b"https:/\\evil.example",
        b"//renshi.localhost/", "／／evil.example".encode(), b"/sections/news/"]))
    parts = st.one_of(st.sampled_from([b"en", b"zh", b"zh_CN", b"on", b"off", b"EN", b"fr"]), hostile_value(20))

    @PROFILE
    @given(part=parts, next_values=st.lists(nexts, min_size=0, max_size=2), extra=pairs(["next"]), raw=st.booleans())
    def check(part, next_values, extra, raw):
        address = switch + (quote_from_bytes(part, safe="") or "x")
        response = send(client, address, [("next", v) for v in next_values] + extra, raw)
        assert response.status_code < 500, (address, next_values, response.get_data(as_text=True)[:500])
        if response.status_code in (301, 302, 303, 307, 308):
            target = urlsplit(response.headers["Location"])
            assert target.netloc in ("", host) and target.scheme in ("", "http", "https"), response.headers["Location"]

    check()


def _public_pages(app) -> list[tuple[str, str]]:
    """(host kind, path) of every public GET page without URL parameters."""
    pages = []
    for rule in app.url_map.iter_rules():
        found = RULES.get(rule.endpoint)
        if found is None or found.permission is not None or rule.arguments or "GET" not in rule.methods:
            continue
        if rule.rule.startswith(("/api/", "/admin/", "/_")):
            continue
        pages.append(("portal" if found.host == "portal" else "site", rule.rule))
    return sorted(pages)


def test_every_public_page_takes_hostile_query_strings(app, world, client_for):
    pages = _public_pages(app)
    assert ("site", "/interaction/letters") in pages and ("site", "/disclosure/catalogue") in pages
    clients = {"site": client_for(world[0].host), "portal": client_for(PORTAL)}

    @PROFILE
    @given(page=st.sampled_from(pages), query=pairs(COMMON_PARAMS), raw=st.booleans())
    def check(page, query, raw):
        where, path = page
        response = send(clients[where], path, query, raw)
        assert response.status_code < 500, (path, query, response.get_data(as_text=True)[:500])

    check()
