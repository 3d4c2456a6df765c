"""The API over HTTP: revalidation (ETag, Last-Modified, 304), CORS for GET only, no writes, errors in JSON, the
rate limit."""
from __future__ import annotations

from datetime import timedelta

from core.content.models import Article
from core.extensions import db
from tenants.scoping import activate_tenant


def test_a_list_and_an_item_revalidate_with_either_validator(app, clock, city, client_for):
    clock.move(seconds=30)  # the city was made 30 seconds ago: its dates are given
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


def test_a_change_makes_the_copy_stale(app, clock, city, client_for):
    clock.move(seconds=30)
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


def test_requests_from_one_address_are_limited_over_every_host_of_the_city(app, city):
    """One bucket per address for the whole city: the portal lists every site's items, and a bucket per host would
    let one address read as much again from each site."""
    from core import create_app
    from core.extensions import limiter

    limited = create_app({**{k: app.config[k] for k in ("DATABASE_URL", "SECRET_KEY", "UPLOAD_FOLDER",
                                                          "PERSONAL_DATA_KEYS", "PERSONAL_DATA_INDEX_KEY")},
                          "RATELIMIT_ENABLED": True, "API_RATE_LIMIT": "3 per minute"})
    try:
        client = limited.test_client()

        def get(host: str, path: str, address: str = "127.0.0.1"):
            return client.get(path, environ_overrides={"HTTP_HOST": host, "REMOTE_ADDR": address})

        statuses = [get(host, path).status_code for host, path in (
            ("rsj.localhost", "/api/v1/articles"), ("czj.localhost", "/api/v1/sections"),
            ("localhost", "/api/v1/policies"))]
        assert statuses == [200, 200, 200]
        for host in ("rsj.localhost", "czj.localhost", "localhost"):  # another host is no new bucket
            refused = get(host, "/api/v1/services")
            assert refused.status_code == 429 and refused.json["code"] == 429 and refused.headers["Retry-After"]
            assert refused.headers["Access-Control-Allow-Origin"] == "*"
        # Another address has its own count.
        assert get("rsj.localhost", "/api/v1/articles", "10.0.0.9").status_code == 200
        assert get("czj.localhost", "/api/v1/articles", "10.0.0.9").status_code == 200
    finally:
        # The limiter is one object for every app of the process: the other tests run with it off.
        limiter.reset()
        limiter.enabled = False
        with limited.app_context():
            db.engine.dispose()


def test_the_human_page_describes_the_api(city, client_for):
    client = client_for(city.rsj.host)
    response = client.get("/api/")
    page = response.get_data(as_text=True)
    assert "/api/v1/openapi.json" in page and "curl" in page
    assert "Cookie" in response.headers["Vary"]  # a page in the cookie's language (and display mode)
    client.set_language("en")
    assert "counted over every site of the city and the portal together" in client.get("/api/").get_data(as_text=True)


LISTS = ("/api/v1/articles", "/api/v1/policies", "/api/v1/disclosure", "/api/v1/services")


def _sites_in(response) -> set[str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return {item["site"]["slug"] for item in response.json["items"]}


def test_the_portal_lists_are_stale_once_a_site_is_suspended_or_resumed(app, clock, city, client_for):
    """No row of the lists changes when a site is suspended or resumed, but the lists do: both validators must."""
    from core.sites.operations import resume_site, suspend_site
    from tenants.models import Tenant

    portal = client_for("localhost")
    clock.move(seconds=30)
    before = {path: portal.get(path) for path in LISTS}
    assert all(_sites_in(response) == {"rsj", "czj"} for response in before.values())
    with app.app_context():
        suspend_site(db.session.get(Tenant, city.czj.id), "整改")
        db.session.commit()
    for path, first in before.items():
        for validator in ({"If-Modified-Since": first.headers["Last-Modified"]},
                          {"If-None-Match": first.headers["ETag"]}):
            again = portal.get(path, headers=validator)
            assert again.status_code == 200 and _sites_in(again) == {"rsj"}, (path, validator)

    clock.move(seconds=30)  # the suspension's second has passed: it is the lists' date now
    suspended = {path: portal.get(path) for path in LISTS}
    with app.app_context():
        resume_site(db.session.get(Tenant, city.czj.id))  # in the very second the copies were made
        db.session.commit()
    for path, first in suspended.items():
        assert _sites_in(first) == {"rsj"}
        for validator in ({"If-Modified-Since": first.headers["Last-Modified"]},
                          {"If-None-Match": first.headers["ETag"]}):
            again = portal.get(path, headers=validator)
            assert again.status_code == 200 and _sites_in(again) == {"rsj", "czj"}, (path, validator)
    # Unchanged since, the copies revalidate again.
    clock.move(seconds=30)
    current = portal.get("/api/v1/articles")
    assert portal.get("/api/v1/articles", headers={
        "If-Modified-Since": current.headers["Last-Modified"]}).status_code == 304


def test_a_site_renamed_makes_its_lists_stale(app, clock, city, client_for):
    """A site's own lists name it: a new name is a new list, though none of its items changed."""
    from tenants.models import Tenant

    client = client_for(city.rsj.host)
    clock.move(seconds=30)
    first = client.get("/api/v1/policies")
    with app.app_context():
        db.session.get(Tenant, city.rsj.id).name_en = "Langfang Human Resources Bureau"
        db.session.commit()
    again = client.get("/api/v1/policies", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert again.status_code == 200
    assert again.json["items"][0]["site"]["name_en"] == "Langfang Human Resources Bureau"


def test_a_date_is_given_only_once_its_second_has_passed(app, clock, city, client_for, create_article_in):
    """HTTP dates are whole seconds: a list changed in this very second could change again within it under the
    same date, so until the second has passed the answer gives its ETag alone."""
    client = client_for(city.rsj.host)
    clock.move(seconds=30)
    create_article_in(city.rsj, "news", "刚刚发布的消息", published_at=clock())
    fresh = client.get("/api/v1/articles")
    assert "Last-Modified" not in fresh.headers and fresh.headers["ETag"]
    create_article_in(city.rsj, "news", "同一秒又发布的消息", published_at=clock())
    assert client.get("/api/v1/articles", headers={"If-None-Match": fresh.headers["ETag"]}).status_code == 200
    clock.move(seconds=1)
    settled = client.get("/api/v1/articles")
    assert settled.headers["Last-Modified"]
    assert client.get("/api/v1/articles", headers={
        "If-Modified-Since": settled.headers["Last-Modified"]}).status_code == 304


def test_vary_names_only_what_chooses_the_answer(city, client_for):
    """The language is the `lang` cookie's, never Accept-Language: an error's message varies with the cookie; a
    list, the same in every language, with nothing."""
    client = client_for(city.rsj.host)
    listed = client.get("/api/v1/articles", headers={"Accept-Language": "en"})
    assert "Accept-Language" not in listed.headers.get("Vary", "")
    assert client.get("/api/v1/articles", headers={"Accept-Language": "zh-CN"}).get_data() == listed.get_data()
    refused = client.get("/api/v1/articles?page=0", headers={"Accept-Language": "en"})
    assert "Cookie" in refused.headers["Vary"] and "Accept-Language" not in refused.headers["Vary"]
    assert refused.json["errors"]["page"] == ["请填写 1 至 2147483647 之间的整数。"], "Accept-Language picks nothing"
    client.set_language("en")
    assert client.get("/api/v1/articles?page=0").json["errors"]["page"] == ["Give a whole number from 1 to 2147483647."]


def test_every_public_page_links_to_the_api_from_its_footer(city, client_for):
    for host, path in ((city.rsj.host, "/"), (city.rsj.host, "/sections/news/"), (city.czj.host, "/"),
                       ("localhost", "/")):
        html = client_for(host).get(path).get_data(as_text=True)
        footer = html[html.index('<footer class="site-footer">'):]
        assert '<a href="/api/">开放数据接口</a>' in footer, (host, path)
