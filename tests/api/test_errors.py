"""Errors under /api/ as a program reads them: JSON of one shape, whatever the cause, with the CORS headers of a
GET's answer; every refused parameter named. Outside /api/, and on a host the city does not serve, nothing
changes."""
from __future__ import annotations

import pytest

from core.extensions import db

#: Addresses under /api/ that no route takes, or whose id the route refuses: a path part that is no whole number,
#: negative, a superscript digit, beyond any id, with a leading zero; an address no list has.
NOT_FOUND = ("/api/v1/articles/-1", "/api/v1/articles/%C2%B2", "/api/v1/articles/99999999999999999999",
             "/api/v1/articles/007", "/api/v1/policies/abc", "/api/v1/services/1.5", "/api/v1/nothing",
             "/api/v1/", "/api/v1", "/api/v2/articles", "/api/nothing/at/all", "/api/v1/articles/1/more")


def assert_json_error(response, code: int) -> dict:
    assert response.status_code == code, response.get_data(as_text=True)[:200]
    assert response.mimetype == "application/json"
    body = response.json
    assert body["code"] == code and body["status"] and body["message"]
    assert set(body) <= {"code", "status", "message", "errors"}
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    assert "Cookie" in response.headers["Vary"]  # the message is in the `lang` cookie's language
    return body


@pytest.mark.parametrize("path", NOT_FOUND)
@pytest.mark.parametrize("host", ["rsj.localhost", "localhost"], ids=["site", "portal"])
def test_an_address_or_id_no_route_takes_is_a_json_404(city, client_for, host, path):
    assert_json_error(client_for(host).get(path), 404)


def test_an_item_that_is_not_there_is_a_json_404_in_the_visitors_language(city, client_for):
    client = client_for(city.rsj.host)
    body = assert_json_error(client.get(f"/api/v1/articles/{2**31 - 1}"), 404)
    assert body["message"] == "此处没有该条信息。"
    client.set_language("en")
    assert assert_json_error(client.get("/api/v1/nothing"), 404)["message"] == "Not found."


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
@pytest.mark.parametrize("path", ["/api/v1/articles", "/api/v1/openapi.json", "/api/", "/api/v1/policies/1"])
def test_a_method_other_than_get_is_a_json_405(city, client_for, method, path):
    client = client_for(city.rsj.host)
    client.set_language("en")
    response = getattr(client.client, method)(path, environ_overrides={"HTTP_HOST": city.rsj.host})
    body = assert_json_error(response, 405)
    assert body["message"] == "This address is read with GET (or HEAD) only."
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "OPTIONS"}


def test_a_method_on_an_address_no_route_takes_is_a_json_404(city, client_for):
    response = client_for(city.rsj.host).post("/api/v1/nothing")
    assert_json_error(response, 404)


def test_a_suspended_sites_api_is_a_json_503(app, city, client_for):
    from core.sites.operations import suspend_site
    from tenants.models import Tenant

    with app.app_context():
        suspend_site(db.session.get(Tenant, city.czj.id), "整改")
        db.session.commit()
    client = client_for(city.czj.host)
    for path in ("/api/v1/articles", "/api/v1/nothing", "/api/v1/articles/-1"):
        response = client.get(path)
        assert_json_error(response, 503)
        assert response.headers["Retry-After"]


def test_outside_the_api_and_on_a_host_the_city_does_not_serve_errors_are_as_before(city, client_for):
    client = client_for(city.rsj.host)
    for path in ("/nothing", "/apiary", "/articles/-1"):
        response = client.get(path)
        assert response.status_code == 404 and response.mimetype == "text/html", path
        assert "Access-Control-Allow-Origin" not in response.headers
    # The human page of the API is a page.
    assert client.get("/api/").mimetype == "text/html"
    # A host the city does not serve: the plain 404 that names nothing, under /api/ too.
    stranger = client_for("nosuch.localhost").get("/api/v1/articles")
    assert (stranger.status_code, stranger.mimetype, stranger.get_data()) == (404, "text/plain", b"Not Found")


@pytest.mark.parametrize("query, name", [
    ("since=%00", "since"), ("until=2026-01-01%01", "until"), ("section=news%00", "section"),
    ("site=rsj%1F", "site"), ("page=1%7F", "page"), ("per_page=%00", "per_page"),
])
def test_a_control_character_in_a_parameter_is_a_400_naming_it(city, client_for, query, name):
    client = client_for(city.rsj.host)
    client.set_language("en")
    body = assert_json_error(client.get(f"/api/v1/articles?{query}"), 400)
    assert list(body["errors"]) == [name]
    assert body["message"].startswith(f"{name}: ")
    assert "control character" in body["errors"][name][0]


def test_every_refused_parameter_is_named(city, client_for):
    client = client_for(city.rsj.host)
    body = assert_json_error(client.get("/api/v1/policies?since=%00&level=galactic&per_page=0"), 400)
    assert {"since"} <= set(body["errors"])  # refused before any parameter is read: a control character
    body = assert_json_error(client.get("/api/v1/policies?level=galactic&per_page=0&until=soon"), 400)
    assert set(body["errors"]) == {"level", "per_page", "until"}
    for name in ("level", "per_page", "until"):
        assert f"{name}: " in body["message"]
    # What names nothing here: a section, a site, a page beyond the last.
    for query, name in (("section=nowhere", "section"), ("site=czj", "site"), ("page=99", "page")):
        body = assert_json_error(client.get(f"/api/v1/articles?{query}"), 404)
        assert list(body["errors"]) == [name] and body["errors"][name] == [body["message"]]
