"""Which site answers a request is decided by its Host header alone."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from core.extensions import db


def test_primary_host_serves_its_own_site(two_sites, client_for):
    rsj, czj, _ = two_sites
    page = client_for("rsj.localhost").get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "廊坊市人事局" in html and "廊坊市财政局" not in html
    other = client_for("czj.localhost:8000").get("/").get_data(as_text=True)
    assert "廊坊市财政局" in other and "廊坊市人事局" not in other


def test_alias_redirects_to_primary_keeping_path_on_the_configured_origin(two_sites, client_for, public_address):
    public_address("http", "8000")
    response = client_for("renshi.localhost:20001").get("/sections/news/?page=1")
    assert response.status_code == 301
    # The Host header's port is the asker's; the address the platform gives out is its own.
    assert response.headers["Location"] == "http://rsj.localhost:8000/sections/news/?page=1"
    public_address("https", "")
    response = client_for("renshi.localhost:8000").get("/sections/news/")
    assert response.headers["Location"] == "https://rsj.localhost/sections/news/"


def test_alias_can_serve_in_place_when_redirects_are_off(app, two_sites, client_for):
    app.config["ALIAS_REDIRECT"] = False
    try:
        page = client_for("renshi.localhost").get("/")
        assert page.status_code == 200 and "廊坊市人事局" in page.get_data(as_text=True)
    finally:
        app.config["ALIAS_REDIRECT"] = True


def test_unknown_host_gets_plain_404_naming_no_tenant(two_sites, client_for):
    response = client_for("nosuchsite.localhost").get("/")
    assert response.status_code == 404
    assert response.mimetype == "text/plain"
    body = response.get_data(as_text=True)
    assert "廊坊" not in body and "rsj" not in body and "Bureau" not in body


@pytest.mark.parametrize("host", [
    "rsj.localhost:abc", "rsj..localhost", "-rsj.localhost", "rsj.localhost:99999999",
    "a" * 300, "rsj_localhost", "rsj.localhost/evil", "[::1", "rsj.localhost:80:80", "%00.localhost",
])
def test_malformed_host_header_is_refused_not_crashed(two_sites, client_for, host):
    response = client_for(host).get("/")
    assert response.status_code in (400, 404)


def test_suspended_site_shows_maintenance_page(app, two_sites, client_for, runner):
    assert runner.invoke(args=["tenants", "suspend", "rsj", "--reason", "改版"]).exit_code == 0
    response = client_for("rsj.localhost").get("/sections/news/")
    assert response.status_code == 503
    assert "维护" in response.get_data(as_text=True)
    assert client_for("czj.localhost").get("/").status_code == 200
    assert runner.invoke(args=["tenants", "resume", "rsj"]).exit_code == 0
    assert client_for("rsj.localhost").get("/").status_code == 200


def test_suspended_site_keeps_its_admin_paths_out_of_the_maintenance_page(two_sites, client_for, runner):
    runner.invoke(args=["tenants", "suspend", "rsj"])
    # No admin area exists yet (accounts come next); what matters here is that
    # /admin is not swallowed by the maintenance page, so the platform can reach it.
    assert client_for("rsj.localhost").get("/admin/").status_code != 503
    assert client_for("rsj.localhost").get("/favicon.ico").status_code in (200, 301)  # the tab's icon too
    assert client_for("rsj.localhost").get("/").status_code == 503


def test_portal_lists_sites_by_group_with_links_and_city_news(two_sites, client_for, public_address):
    public_address("http", "8000")
    page = client_for("localhost:8000").get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "综合管理" in html
    assert 'href="http://rsj.localhost:8000/"' in html and 'href="http://czj.localhost:8000/"' in html
    assert "廊坊市人事局召开全体干部大会" in html and "廊坊市财政局召开全体干部大会" in html
    # Notices are not work news: the portal's news block shows news only.
    assert "关于做好年度考核工作的通知" not in html


def test_portal_leaves_out_news_of_a_suspended_site(two_sites, client_for, runner):
    runner.invoke(args=["tenants", "suspend", "czj"])
    html = client_for("localhost").get("/").get_data(as_text=True)
    assert "廊坊市财政局召开全体干部大会" not in html
    assert "廊坊市人事局召开全体干部大会" in html


def test_www_of_the_city_domain_redirects_to_the_portal(client_for, public_address):
    public_address("http", "8000")
    response = client_for("www.localhost:20001").get("/")
    assert response.status_code == 301 and response.headers["Location"] == "http://localhost:8000/"


def test_site_pages_do_not_exist_on_the_portal_host(two_sites, client_for):
    assert client_for("localhost").get("/sections/news/").status_code == 404
    assert client_for("localhost").get("/sitemap").status_code == 404


def test_new_site_is_served_without_restart(app, create_site, client_for):
    assert client_for("jyj.localhost").get("/").status_code == 404
    create_site("jyj", name_zh="廊坊市教育局")
    assert client_for("jyj.localhost").get("/").status_code == 200


def test_change_made_by_another_process_is_seen_after_the_ttl(app, two_sites, client_for, monkeypatch):
    registry = app.extensions["govsites.hosts"]
    assert client_for("rsj.localhost").get("/").status_code == 200
    # Another process renames the site's domain: simulate it with SQL on its own
    # connection, bumping the version as that process's flush would.
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE tenant_domains SET hostname = 'rs.localhost' WHERE hostname = 'rsj.localhost'"))
            conn.execute(text("UPDATE registry_versions SET version = version + 1"))
    assert client_for("rsj.localhost").get("/").status_code == 200  # still trusted within the TTL
    monkeypatch.setattr(registry, "ttl", 0.0)
    assert client_for("rsj.localhost").get("/").status_code == 404
    assert client_for("rs.localhost").get("/").status_code == 200


def test_warm_host_resolution_costs_no_query(app, two_sites, client_for, count_queries):
    client_for("rsj.localhost").get("/")  # warm the host map
    with count_queries() as counter:
        assert client_for("unknown.localhost").get("/").status_code == 404
        assert client_for("renshi.localhost").get("/").status_code == 301
    assert counter.count == 0


@pytest.mark.parametrize("path, location", [
    ("/a%0d%0ab", "/a%0D%0Ab"),
    ("/sections/%0a/?q=%0d", "/sections/%0A/?q=%0d"),
    ("/政策/文件 1", "/%E6%94%BF%E7%AD%96/%E6%96%87%E4%BB%B6%201"),
])
def test_a_redirect_to_the_primary_host_encodes_the_path_again(two_sites, client_for, public_address, path, location):
    """A decoded CR/LF (or any character a header cannot hold) never reaches the Location header."""
    public_address("http", "8000")
    for host, target in (("renshi.localhost", "http://rsj.localhost:8000"), ("www.localhost", "http://localhost:8000")):
        response = client_for(host).get(path)
        assert response.status_code == 301
        assert response.headers["Location"] == target + location
