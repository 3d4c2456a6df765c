"""Sitemaps and robots.txt as a crawler reads them: valid against the protocol's schema, every public page of the
site and nothing else, the portal's index of the active sites."""
from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import pytest
from lxml import etree

from core.content.models import Article
from core.extensions import db
from core.services.guide import snapshot
from core.services.models import ServiceItem
from core.timeutil import now
from tenants.scoping import activate_tenant

HERE = Path(__file__).resolve().parent
SITEMAP = etree.XMLSchema(etree.parse(str(HERE / "sitemap.xsd")))
SITEINDEX = etree.XMLSchema(etree.parse(str(HERE / "siteindex.xsd")))
NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
#: The W3C datetime the protocol asks for, as the platform writes it: to the second, with the city's offset.
W3C = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00")


def document(client, path: str, schema):
    """The XML at `path`, valid against `schema`: {loc: lastmod or None}, in the document's order."""
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.mimetype == "application/xml"
    root = etree.fromstring(response.get_data())
    schema.assertValid(root)
    entries = {}
    for item in root:
        lastmod = item.findtext(f"{NS}lastmod")
        assert lastmod is None or W3C.fullmatch(lastmod), lastmod
        entries[item.findtext(f"{NS}loc")] = lastmod
    return entries


def paths(entries: dict, host: str) -> set[str]:
    assert all(urlsplit(loc).netloc == host for loc in entries), "every address is absolute, on the site's host"
    return {urlsplit(loc).path for loc in entries}


@pytest.fixture
def city(app, two_sites, create_article_in, create_account):
    """rsj with a published and a removed service item, a published letter, and items the public cannot read."""
    rsj, czj, articles = two_sites
    officer = create_account("officer", site=rsj, roles=["interaction_officer"])
    with app.app_context(), activate_tenant(rsj.id):
        from core.auth.models import User
        from core.interaction import letters

        actor = db.session.get(User, officer.id)
        written, _ = letters.submit_letter("consultation", subject="关于社保转移的咨询", body="请问如何办理？",
                                           writer_name="王小明", phone="13812345678", may_publish=True)
        db.session.flush()
        letters.reply(written, actor=actor, text="请到窗口办理。", office="办公室")
        letter = letters.publish_letter(written, actor=actor, subject="关于社保转移的咨询", body="请问如何办理？",
                                        reply_text="请到窗口办理。")
        listed = ServiceItem(code="XK-001", name="人力资源服务许可", kind="licensing",
                             published_at=now() - timedelta(days=2))
        removed = ServiceItem(code="XK-002", name="已取消的事项", kind="licensing", catalogue_status="removed")
        draft = ServiceItem(code="XK-003", name="未发布的事项", kind="licensing")
        db.session.add_all([listed, removed, draft])
        db.session.flush()
        for item in (listed, removed):  # the guide as approved: what the public page shows
            item.published_guide = json.dumps(snapshot(item))
        db.session.commit()
        ids = {"listed": listed.id, "removed": removed.id, "draft": draft.id, "letter": letter.id}
    ids["scheduled"] = create_article_in(rsj, "news", "定时发布", published_at=now() + timedelta(hours=1))
    ids["expired"] = create_article_in(rsj, "news", "已过期")
    with app.app_context(), activate_tenant(rsj.id):
        db.session.get(Article, ids["expired"]).expires_at = now() - timedelta(minutes=1)
        db.session.commit()
    return rsj, czj, articles, ids


def test_a_site_sitemap_lists_its_public_pages_and_nothing_else(city, client_for):
    rsj, czj, articles, ids = city
    entries = document(client_for(rsj.host), "/sitemap.xml", SITEMAP)
    found = paths(entries, rsj.host)
    expected = {"/", "/sitemap", "/sections/news/", "/sections/notices/", "/sections/about/",
                f"/articles/{articles['rsj'][0]}", f"/articles/{articles['rsj'][1]}",
                f"/services/items/{ids['listed']}", "/interaction/letters", f"/interaction/letters/{ids['letter']}",
                "/disclosure/catalogue"}
    assert expected <= found
    # Not what the public cannot read: a removed or unpublished item, a scheduled or expired article.
    for path in (f"/services/items/{ids['removed']}", f"/services/items/{ids['draft']}",
                 f"/articles/{ids['scheduled']}", f"/articles/{ids['expired']}"):
        assert path not in found
    # Not another site's (its article ids are its own), nor the staff's pages, nor the search.
    assert not {f"/articles/{i}" for i in articles["czj"]} & found
    assert not any(p.startswith(("/admin", "/search")) for p in found)
    # Every page listed is there for the public, and open to crawlers.
    client = client_for(rsj.host)
    rules = robots(client)
    for path in sorted(found):
        assert client.get(path).status_code == 200, path
        assert rules.can_fetch("*", f"http://{rsj.host}{path}"), path
    # Dated pages carry their last change.
    assert entries[f"http://{rsj.host}/articles/{articles['rsj'][0]}"] is not None
    assert entries[f"http://{rsj.host}/services/items/{ids['listed']}"] is not None


def test_a_withdrawal_leaves_the_sitemap_at_once(city, app, client_for, create_account):
    rsj, _czj, articles, _ids = city
    from core.auth.models import User
    from core.publishing.operations import apply_transition

    publisher = create_account("pub", site=rsj, roles=["publisher"])
    client = client_for(rsj.host)
    article = f"/articles/{articles['rsj'][0]}"
    assert article in paths(document(client, "/sitemap.xml", SITEMAP), rsj.host)
    with app.app_context(), activate_tenant(rsj.id):
        apply_transition(db.session.get(Article, articles["rsj"][0]), "withdraw",
                         actor=db.session.get(User, publisher.id), comment="内容有误")
        db.session.commit()
    assert article not in paths(document(client, "/sitemap.xml", SITEMAP), rsj.host)


def test_a_large_sitemap_becomes_an_index_of_numbered_parts(city, app, client_for):
    rsj, _czj, _articles, _ids = city
    client = client_for(rsj.host)
    whole = document(client, "/sitemap.xml", SITEMAP)
    assert client.get("/sitemap-1.xml").status_code == 404  # one file holds it all: no parts
    saved, app.config["SITEMAP_MAX_URLS"] = app.config["SITEMAP_MAX_URLS"], 5
    app.extensions["govsites.page_cache"].clear()  # the setting is read when a sitemap is made, not kept with it
    try:
        index = document(client, "/sitemap.xml", SITEINDEX)
        count = -(-len(whole) // 5)
        assert list(index) == [f"http://{rsj.host}/sitemap-{n}.xml" for n in range(1, count + 1)]
        together = {}
        for loc in index:
            part = document(client, urlsplit(loc).path, SITEMAP)
            assert 1 <= len(part) <= 5
            together.update(part)
        assert together == whole
        for beyond in (0, count + 1):
            assert client.get(f"/sitemap-{beyond}.xml").status_code == 404
        # A part has one address: its number as the index writes it, nothing else that reads as the same number.
        for other in ("01", "001", "+1", "1.0", "%EF%BC%91", "%D9%A1", "1%20", "%201", "0x1"):
            assert client.get(f"/sitemap-{other}.xml").status_code == 404, other
    finally:
        app.config["SITEMAP_MAX_URLS"] = saved


def test_the_portal_indexes_every_active_site_and_its_own_pages(city, app, client_for):
    rsj, czj, _articles, _ids = city
    portal = client_for("localhost")
    index = document(portal, "/sitemap.xml", SITEINDEX)
    assert list(index) == ["http://localhost/sitemap-1.xml", f"http://{rsj.host}/sitemap.xml",
                           f"http://{czj.host}/sitemap.xml"]
    own = document(portal, "/sitemap-1.xml", SITEMAP)
    assert {"/", "/disclosure-reports"} <= paths(own, "localhost")
    assert portal.get("/sitemap-2.xml").status_code == 404
    for other in ("01", "001", "0", "%EF%BC%91"):  # its own pages have one address, /sitemap-1.xml
        assert portal.get(f"/sitemap-{other}.xml").status_code == 404, other
    from core.sites.operations import suspend_site
    from tenants.models import Tenant

    with app.app_context():
        suspend_site(db.session.get(Tenant, czj.id), "整改")
        db.session.commit()
    index = document(portal, "/sitemap.xml", SITEINDEX)
    assert f"http://{czj.host}/sitemap.xml" not in index
    assert f"http://{rsj.host}/sitemap.xml" in index


def test_a_sitemap_is_revalidated_with_its_etag(city, client_for, create_article_in):
    rsj, _czj, _articles, _ids = city
    client = client_for(rsj.host)
    etag = client.get("/sitemap.xml").headers["ETag"]
    assert client.get("/sitemap.xml", headers={"If-None-Match": etag}).status_code == 304
    create_article_in(rsj, "notices", "新通知")
    assert client.get("/sitemap.xml", headers={"If-None-Match": etag}).status_code == 200


def robots(client) -> RobotFileParser:
    """The host's robots.txt as a crawler reads it."""
    parser = RobotFileParser()
    parser.parse(client.get("/robots.txt").get_data(as_text=True).splitlines())
    return parser


def test_robots_txt_names_the_sitemap_and_keeps_crawlers_out_of_the_admin_and_the_search(two_sites, client_for,
                                                                                         public_address):
    rsj, _czj, _ = two_sites
    public_address("https", "")
    for host, sitemap in ((rsj.host, f"https://{rsj.host}/sitemap.xml"), ("localhost", "https://localhost/sitemap.xml")):
        response = client_for(host).get("/robots.txt")
        assert response.status_code == 200 and response.mimetype == "text/plain"
        lines = response.get_data(as_text=True).splitlines()
        assert lines[0] == "User-agent: *"
        assert {"Disallow: /admin/", "Disallow: /search"} <= set(lines)
        assert f"Sitemap: {sitemap}" in lines
        assert "Disallow: /" not in lines
        # What a crawler may not fetch: the staff's pages, searches, the two switches (no pages: a cookie and a
        # redirect back), the API's JSON; what it may: the pages, and the page that describes the API.
        rules = robots(client_for(host))
        for path in ("/admin/login", "/admin/", "/search?q=%E7%A4%BE%E4%BF%9D", "/search", "/elder-mode/on?next=/",
                     "/elder-mode/off", "/lang/en?next=/sections/news/", "/api/v1/articles?page=2",
                     "/api/v1/openapi.json"):
            assert not rules.can_fetch("Baiduspider", f"https://{host}{path}"), (host, path)
        for path in ("/", "/sections/news/", "/articles/1", "/sitemap", "/api/", "/interaction/letters",
                     "/consultations/"):
            assert rules.can_fetch("Baiduspider", f"https://{host}{path}"), (host, path)
    # The bureau's console: nothing for a crawler.
    console = client_for("admin.localhost").get("/robots.txt").get_data(as_text=True).splitlines()
    assert console == ["User-agent: *", "Disallow: /"]
    # The console has no sitemap, and an unknown host none of this.
    assert client_for("admin.localhost").get("/sitemap.xml").status_code == 404
    assert client_for("nosuch.localhost").get("/robots.txt").status_code == 404
