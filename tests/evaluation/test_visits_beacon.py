"""Page views counted by a beacon (VISITS_COUNTED_BY = beacon): what a deployment behind nginx's cache needs, since
the cache answers most readers without the app."""
from __future__ import annotations

import html
import re

import pytest

from tests.evaluation.visits_helpers import flush, item_views, portal_days, site_days, totals, view
from tests.evaluation.visits_helpers import counter_fixture  # noqa: F401  (the `counter` fixture)

BEACON = re.compile(r'<img class="visit-beacon" src="([^"]+)" alt="" width="1" height="1">')


@pytest.fixture
def beacon_mode(app, monkeypatch):
    monkeypatch.setitem(app.config, "VISITS_COUNTED_BY", "beacon")
    app.extensions["govsites.page_cache"].clear()  # pages drawn before carry no beacon
    yield
    app.extensions["govsites.page_cache"].clear()


def beacon_of(response) -> str:
    found = BEACON.findall(response.get_data(as_text=True))
    assert len(found) == 1, "a page carries exactly one beacon"
    return html.unescape(found[0])


def test_a_page_counts_nothing_itself_and_its_beacon_counts_the_view_and_the_item(app, two_sites, client_for,
                                                                                  counter, beacon_mode):
    rsj, _czj, articles = two_sites
    client = client_for("rsj.localhost")
    article = articles["rsj"][0]
    page = view(client, f"/articles/{article}")
    home = view(client, "/")
    assert counter.buffer.pending() == 0  # the pages alone: nothing
    assert beacon_of(home) == "/_visit"
    image = view(client, beacon_of(page))
    assert image.status_code == 200 and image.mimetype == "image/gif"
    assert "no-store" in image.headers["Cache-Control"] and "Set-Cookie" not in image.headers
    view(client, beacon_of(home))
    flush(app)
    assert totals(site_days(app, rsj)) == (2, 1)
    assert item_views(app, rsj) == {article: 1}


def test_a_forged_or_foreign_item_adds_no_item_view(app, two_sites, client_for, counter, beacon_mode):
    rsj, czj, articles = two_sites
    theirs = beacon_of(view(client_for("czj.localhost"), f"/articles/{articles['czj'][0]}"))
    mine = client_for("rsj.localhost")
    view(mine, theirs)  # czj's signed item, sent to rsj's host: signed for another site
    view(mine, f"/_visit?i={articles['rsj'][0]}&s=000000000000")
    view(mine, "/_visit?i=%EF%BC%91&s=x")  # a full-width digit, a short signature
    flush(app)
    assert totals(site_days(app, rsj)) == (3, 1)  # three page views of the site, no item
    assert item_views(app, rsj) == {} and item_views(app, czj) == {}


def test_robots_and_prefetches_are_not_counted_by_the_beacon(app, two_sites, client_for, counter, beacon_mode):
    rsj, _czj, _articles = two_sites
    client = client_for("rsj.localhost")
    view(client, "/_visit", agent="Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")
    view(client, "/_visit", agent="")  # no User-Agent
    view(client, "/_visit", headers={"Sec-Purpose": "prefetch"})
    assert counter.buffer.pending() == 0


def test_the_portal_counts_by_its_beacon_and_error_pages_carry_none(app, two_sites, client_for, counter,
                                                                     beacon_mode):
    portal = client_for("localhost")
    view(portal, beacon_of(view(portal, "/")))
    flush(app)
    assert totals(portal_days(app)) == (1, 1)
    missing = view(client_for("rsj.localhost"), "/articles/999999")
    assert missing.status_code == 404 and not BEACON.search(missing.get_data(as_text=True))
    assert view(client_for("rsj.localhost"), "/admin/login").status_code == 200
    assert not BEACON.search(view(client_for("rsj.localhost"), "/admin/login").get_data(as_text=True))


def test_counted_by_the_page_there_is_no_beacon(app, two_sites, client_for, counter):
    client = client_for("rsj.localhost")
    assert not BEACON.search(view(client, "/").get_data(as_text=True))
    assert counter.buffer.pending() == 1


def test_a_wrong_setting_stops_the_app_at_its_start(app):
    from core import create_app

    with pytest.raises(ValueError, match="VISITS_COUNTED_BY"):
        create_app({**{k: app.config[k] for k in ("DATABASE_URL", "SECRET_KEY", "UPLOAD_FOLDER")},
                    "TESTING": True, "VISITS_COUNTED_BY": "nginx"})


def test_another_website_embedding_the_beacon_adds_nothing(app, two_sites, client_for, counter, beacon_mode):
    client = client_for("rsj.localhost")
    view(client, "/_visit", headers={"Sec-Fetch-Site": "cross-site"})
    view(client, "/_visit", headers={"Sec-Fetch-Site": "same-site"})  # a sister site's page: not this one's view
    view(client, "/_visit", headers={"Referer": "http://example.com/page"})  # an old browser, another site
    assert counter.buffer.pending() == 0
    image = view(client, "/_visit", headers={"Sec-Fetch-Site": "same-origin"})
    view(client, "/_visit", headers={"Referer": "http://rsj.localhost/articles/1"})
    assert counter.buffer.pending() == 2
    assert image.headers["Cross-Origin-Resource-Policy"] == "same-origin"


def test_the_setting_is_read_as_written(app):
    from core import create_app

    other = create_app({**{k: app.config[k] for k in ("DATABASE_URL", "SECRET_KEY", "UPLOAD_FOLDER")},
                        "TESTING": True, "VISITS_COUNTED_BY": " Beacon"})
    assert other.config["VISITS_COUNTED_BY"] == "beacon"  # so the pages do not count themselves as well
