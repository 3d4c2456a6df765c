"""The API over HTTP: revalidation (ETag, Last-Modified, 304), CORS for GET only, no writes, the rate limit."""
from __future__ import annotations

from datetime import timedelta

from core.content.models import Article
from core.extensions import db
from tenants.scoping import activate_tenant


def test_a_list_and_an_item_revalidate_with_either_validator(app, city, client_for):
    client = client_for(city.rsj.host)
    for path in ("/api/v1/articles?per_page=3", f"/api/v1/policies/{city.ids[('rsj', 'policy')]}",
                 "/api/v1/services", f"/api/v1/services/{city.ids[('rsj', 'service')]}", "/api/v1/disclosure"):
        first = client.get(path)
        etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
        again = client.get(path, headers={"If-None-Match": etag})
        assert (again.status_code, again.get_data()) == (304, b""), path
        assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304, path
        assert client.get(path, headers={"If-None-Match": '"stale"'}).status_code == 200, path
    sections = client.get("/api/v1/sections")
    assert client.get("/api/v1/sections", headers={"If-None-Match": sections.headers["ETag"]}).status_code == 304
    # The portal's lists too.
    portal = client_for("localhost").get("/api/v1/policies")
    assert client_for("localhost").get("/api/v1/policies", headers={
        "If-None-Match": portal.headers["ETag"]}).status_code == 304


def test_a_change_makes_the_copy_stale(app, city, client_for):
    client = client_for(city.rsj.host)
    first = client.get("/api/v1/articles")
    policy = city.ids[("rsj", "policy")]
    with app.app_context(), activate_tenant(city.rsj.id):
        article = db.session.get(Article, policy)
        article.status, article.withdrawn_at = "withdrawn", article.updated_at + timedelta(hours=1)
        article.updated_at = article.updated_at + timedelta(days=3650)  # a withdrawal is a write: its time counts
        db.session.commit()
    assert client.get("/api/v1/articles", headers={"If-None-Match": first.headers["ETag"]}).status_code == 200
    assert client.get("/api/v1/articles", headers={
        "If-Modified-Since": first.headers["Last-Modified"]}).status_code == 200


def test_cors_allows_any_origin_to_get_and_nothing_else(city, client_for):
    client = client_for(city.rsj.host)
    response = client.get("/api/v1/articles", headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    preflight = client.client.options("/api/v1/articles", environ_overrides={"HTTP_HOST": city.rsj.host}, headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Methods"] == "GET"
    assert "If-None-Match" in preflight.headers["Access-Control-Allow-Headers"]
    for method in ("post", "put", "delete", "patch"):
        refused = getattr(client.client, method)("/api/v1/articles", environ_overrides={"HTTP_HOST": city.rsj.host})
        assert refused.status_code == 405, method
        assert "POST" not in refused.headers.get("Allow", "")


def test_requests_from_one_address_are_rate_limited(app, city):
    from core import create_app
    from core.extensions import limiter

    limited = create_app({**{k: app.config[k] for k in ("DATABASE_URL", "SECRET_KEY", "UPLOAD_FOLDER",
                                                          "PERSONAL_DATA_KEYS", "PERSONAL_DATA_INDEX_KEY")},
                          "RATELIMIT_ENABLED": True, "API_RATE_LIMIT": "3 per minute"})
    try:
        client = limited.test_client()
        statuses = [client.get(path, environ_overrides={"HTTP_HOST": "rsj.localhost"}).status_code
                    for path in ("/api/v1/articles", "/api/v1/sections", "/api/v1/policies", "/api/v1/services")]
        assert statuses == [200, 200, 200, 429]
        refused = client.get("/api/v1/articles", environ_overrides={"HTTP_HOST": "rsj.localhost"})
        assert refused.status_code == 429 and refused.json["code"] == 429 and refused.headers["Retry-After"]
        # Another address has its own count.
        assert client.get("/api/v1/articles", environ_overrides={"HTTP_HOST": "rsj.localhost",
                                                                 "REMOTE_ADDR": "10.0.0.9"}).status_code == 200
    finally:
        # The limiter is one object for every app of the process: the other tests run with it off.
        limiter.reset()
        limiter.enabled = False
        with limited.app_context():
            db.engine.dispose()


def test_the_human_page_describes_the_api(city, client_for):
    page = client_for(city.rsj.host).get("/api/").get_data(as_text=True)
    assert "/api/v1/openapi.json" in page and "curl" in page
