"""The API as a program uses it: lists, paging, filters, items, what is never listed, the portal's lists."""
from __future__ import annotations

from datetime import timedelta

from core.content.models import Article
from core.extensions import db
from core.timeutil import now
from tenants.scoping import activate_tenant


def titles(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["title"] for item in response.json["items"]]


def test_a_site_lists_its_own_published_articles_newest_first(city, client_for):
    client = client_for(city.rsj.host)
    body = client.get("/api/v1/articles").json
    assert body["total"] == 5 and body["page"] == 1 and body["pages"] == 1
    assert {item["site"]["slug"] for item in body["items"]} == {"rsj"}
    first = body["items"][0]
    assert first["url"].startswith("http://rsj.") and first["url"].endswith(f"/articles/{first['id']}")
    assert first["api_url"].endswith(f"/api/v1/articles/{first['id']}")
    # Nothing naming a person: no author, no editor.
    assert "author" not in first and "created_by" not in first
    dates = [item["published_at"] for item in body["items"]]
    assert dates == sorted(dates, reverse=True) and dates[0].endswith("+08:00")


def test_paging_counts_and_links(city, client_for):
    client = client_for(city.rsj.host)
    response = client.get("/api/v1/articles?per_page=2&page=2")
    body = response.json
    assert (body["total"], body["pages"], body["page"], len(body["items"])) == (5, 3, 2, 2)
    links = response.headers["Link"]
    assert 'page=1>; rel="first"' in links and 'page=1>; rel="prev"' in links
    assert 'page=3>; rel="next"' in links and 'page=3>; rel="last"' in links
    assert "per_page=2" in links and links.startswith("<http://rsj.")
    every = [i["id"] for p in (1, 2, 3) for i in client.get(f"/api/v1/articles?per_page=2&page={p}").json["items"]]
    assert len(set(every)) == 5
    assert client.get("/api/v1/articles?per_page=2&page=4").status_code == 404


def test_bad_parameters_are_a_readable_400_or_404_never_a_500(city, client_for):
    client = client_for(city.rsj.host)
    for query, field in (("page=abc", "page"), ("page=0", "page"), ("per_page=1000", "per_page"),
                         ("per_page=-1", "per_page"), ("page=%EF%BC%91", "page"), ("since=2026-13-01", "since"),
                         ("until=yesterday", "until"),
                         ("page=99999999999", "page")):
        response = client.get(f"/api/v1/articles?{query}")
        assert response.status_code == 400, query
        assert response.json["code"] == 400 and field in response.json["errors"], query
        assert response.json["message"]
    response = client.get("/api/v1/policies?level=galactic")
    assert response.status_code == 400 and "national" in response.json["errors"]["level"][0]
    response = client.get("/api/v1/articles?section=nowhere")
    assert response.status_code == 404 and "nowhere" in response.json["message"]
    assert client.get("/api/v1/articles?site=czj").status_code == 404


def test_error_messages_are_written_for_people(city, client_for):
    client = client_for(city.rsj.host)
    client.set_language("en")
    body = client.get("/api/v1/articles?per_page=1000").json
    assert body["errors"]["per_page"] == ["Give a whole number from 1 to 100."]
    assert body["message"] == "per_page: Give a whole number from 1 to 100."
    assert client.get("/api/v1/articles?since=1.1.2026").json["errors"]["since"] == [
        "Give a date as YYYY-MM-DD, e.g. 2026-01-31."]


def test_filters_by_section_and_date(city, client_for):
    client = client_for(city.rsj.host)
    assert titles(client.get("/api/v1/articles?section=notices")) == ["关于做好年度考核工作的通知"]
    assert titles(client.get("/api/v1/articles?since=2026-01-01&until=2026-03-01")) == ["2026年部门预算"]
    assert titles(client.get("/api/v1/articles?until=2020-01-01")) == ["旧的管理办法"]
    assert titles(client.get("/api/v1/articles?since=2026-05-01&until=2026-04-01")) == []
    sections = client.get("/api/v1/sections?per_page=100").json["items"]
    assert {"news", "notices", "policies", "disclosure"} <= {s["slug"] for s in sections}
    assert all(s["site"]["slug"] == "rsj" for s in sections)


def test_policies_and_their_filters(city, client_for):
    client = client_for(city.rsj.host)
    assert titles(client.get("/api/v1/policies")) == ["关于促进就业的若干措施", "旧的管理办法"]
    body = client.get("/api/v1/policies?level=municipal").json
    assert [i["title"] for i in body["items"]] == ["关于促进就业的若干措施"]
    assert body["items"][0]["policy"] == {"level": "municipal", "status": "in_force", "issuing_body": "廊坊市人民政府",
                                          "document_number": "廊政〔2026〕3号", "issued_on": None,
                                          "effective_on": None}
    assert titles(client.get("/api/v1/policies?status=repealed")) == ["旧的管理办法"]
    assert titles(client.get("/api/v1/policies?issuing_body=河北省")) == ["旧的管理办法"]
    assert titles(client.get("/api/v1/policies?document_number=〔2026〕")) == ["关于促进就业的若干措施"]
    assert titles(client.get("/api/v1/policies?document_number=%25")) == []  # a LIKE wildcard is a character
    assert titles(client.get("/api/v1/policies?level=national")) == []


def test_disclosure_catalogue_and_services(city, client_for):
    client = client_for(city.rsj.host)
    body = client.get("/api/v1/disclosure").json
    assert [i["title"] for i in body["items"]] == ["2026年部门预算"]
    assert body["items"][0]["disclosure"]["category"]["name_zh"]
    services = client.get("/api/v1/services").json["items"]
    assert [s["code"] for s in services] == ["XK-001"]
    item = client.get(f"/api/v1/services/{city.ids[('rsj', 'service')]}").json
    assert item["promised_days"] == 5 and item["materials"][0]["name"] == "申请表" and item["phone"] == "0316-1234567"
    assert client.get(f"/api/v1/services/{city.ids[('rsj', 'hidden service')]}").status_code == 404


def test_items_and_another_sites_ids(city, client_for):
    client = client_for(city.rsj.host)
    mine, theirs = city.ids[("rsj", "policy")], city.ids[("czj", "policy")]
    item = client.get(f"/api/v1/policies/{mine}").json
    assert item["id"] == mine and "body_html" in item and item["attachments"] == []
    for path in (f"/api/v1/policies/{theirs}", f"/api/v1/articles/{theirs}", f"/api/v1/disclosure/"
                 f"{city.ids[('czj', 'filed')]}", f"/api/v1/services/{city.ids[('czj', 'service')]}",
                 f"/api/v1/articles/{2**31 - 1}"):
        assert client.get(path).status_code == 404, path
    # An item is read in the list it belongs to: a news item is no policy.
    assert client.get(f"/api/v1/policies/{city.ids[('rsj', 'news')]}").status_code == 404
    # Items are read on their site's host; the portal lists them and gives each one's api_url.
    assert client_for("localhost").get(f"/api/v1/policies/{mine}").status_code == 404


def test_unpublished_withdrawn_expired_and_scheduled_items_are_never_listed(app, city, client_for,
                                                                             create_article_in):
    from core.content.operations import create_article
    from core.sections.queries import site_sections

    rsj = city.rsj
    scheduled = create_article_in(rsj, "news", "定时发布", published_at=now() + timedelta(hours=1))
    expired = create_article_in(rsj, "news", "已过期")
    withdrawn = create_article_in(rsj, "news", "已撤回")
    with app.app_context(), activate_tenant(rsj.id):
        db.session.get(Article, expired).expires_at = now() - timedelta(minutes=1)
        gone = db.session.get(Article, withdrawn)
        gone.status, gone.withdrawn_at = "withdrawn", now()
        create_article(section=next(s for s in site_sections() if s.slug == "news"), title="草稿", status="editing")
        db.session.commit()
    client = client_for(rsj.host)
    listed = titles(client.get("/api/v1/articles?per_page=100"))
    assert not {"定时发布", "已过期", "已撤回", "草稿"} & set(listed)
    for article_id in (scheduled, expired, withdrawn):
        assert client.get(f"/api/v1/articles/{article_id}").status_code == 404


def test_the_portal_lists_every_active_site_and_filters_by_site(app, city, client_for):
    portal = client_for("localhost")
    body = portal.get("/api/v1/policies?level=municipal").json
    assert sorted(i["site"]["slug"] for i in body["items"]) == ["czj", "rsj"]
    by_site = {i["site"]["slug"]: i for i in body["items"]}
    assert by_site["czj"]["api_url"].startswith("http://czj.")
    assert [i["site"]["slug"] for i in portal.get("/api/v1/policies?site=czj").json["items"]] == ["czj", "czj"]
    assert portal.get("/api/v1/articles?site=nowhere").status_code == 404
    assert portal.get("/api/v1/articles?section=notices").json["total"] == 2
    assert portal.get("/api/v1/services").json["total"] == 2
    assert {s["site"]["slug"] for s in portal.get("/api/v1/sections?per_page=100").json["items"]} == {"rsj", "czj"}
    from core.sites.operations import suspend_site
    from tenants.models import Tenant

    with app.app_context():
        suspend_site(db.session.get(Tenant, city.czj.id), "整改")
        db.session.commit()
    for path in ("/api/v1/articles", "/api/v1/policies", "/api/v1/disclosure", "/api/v1/services",
                 "/api/v1/sections"):
        assert {i["site"]["slug"] for i in portal.get(path + "?per_page=100").json["items"]} == {"rsj"}, path
    assert portal.get("/api/v1/articles?site=czj").status_code == 404
    assert client_for(city.czj.host).get("/api/v1/articles").status_code == 503


def test_dates_at_the_edges_of_the_calendar_are_read_as_any_other(city, client_for):
    """The first and the last day the calendar has are days like the others: through 9999-12-31 is everything
    from then on, not an overflow; on every dated list, on a site's host and on the portal."""
    for host, sites in ((city.rsj.host, 1), ("localhost", 2)):
        client = client_for(host)
        for path in ("/api/v1/articles", "/api/v1/policies", "/api/v1/disclosure", "/api/v1/services"):
            every = client.get(f"{path}?per_page=100").json["total"]
            assert every >= sites, path
            for query, expected in (("until=9999-12-31", every), ("since=0001-01-01", every),
                                    ("since=0001-01-01&until=9999-12-31", every), ("since=9999-12-31", 0),
                                    ("until=0001-01-01", 0), ("since=9999-12-31&until=9999-12-31", 0)):
                response = client.get(f"{path}?{query}")
                assert response.status_code == 200, (host, path, query, response.get_data(as_text=True)[:200])
                assert response.json["total"] == expected, (host, path, query)
