"""A kept public page asked for again is answered before the app dispatches the request (core.web.replay): the
same answer the app would give, never a stale one, and the page view still counted."""
from __future__ import annotations

import logging

import pytest
from sqlalchemy.exc import OperationalError

from core.evaluation import visits as visits_module
from core.web import replay as replay_module
from core.web.http_cache import VARIANT_HEADER
from core.web.replay import PageReplay
from tests.evaluation.visits_helpers import counter_fixture, flush, item_views, site_days, view  # noqa: F401
from tests.web.test_page_cache import withdraw_elsewhere


@pytest.fixture
def dispatched(app, monkeypatch):
    """The requests that reached the app behind the replay (its full path), as a list of paths."""
    layer = app.wsgi_app
    while not isinstance(layer, PageReplay):
        layer = layer.wsgi_app
    seen: list[str] = []
    inner = layer.wsgi_app
    layer._index.clear()  # requests other tests left known: each of this test's is new to the replay

    def counting(environ, start_response):
        seen.append(environ["PATH_INFO"])
        return inner(environ, start_response)

    monkeypatch.setattr(layer, "wsgi_app", counting)
    return seen


def same_answer(first, again) -> None:
    assert again.status_code == first.status_code == 200
    assert again.get_data() == first.get_data()
    without_date = lambda response: [(k, v) for k, v in response.headers.items() if k != "Date"]  # noqa: E731
    assert without_date(again) == without_date(first)
    assert again.headers["Date"]


def test_a_page_asked_again_is_the_same_answer_without_the_app(two_sites, client_for, dispatched):
    client = client_for("rsj.localhost")
    first = client.get("/sections/news/")
    again = client.get("/sections/news/")
    same_answer(first, again)
    assert dispatched == ["/sections/news/"]
    assert again.headers["Cache-Control"].startswith("public") and again.headers["ETag"]
    assert again.headers["Content-Security-Policy"] and again.headers["X-Content-Type-Options"] == "nosniff"


def test_each_language_and_display_mode_is_answered_with_its_own_page(two_sites, client_for, dispatched):
    client = client_for("rsj.localhost")
    answers = {}
    for lang, elder in ((None, False), ("en", False), (None, True), ("en", True)):
        client.set_language(lang)
        if elder:
            client.client.set_cookie("elder", "1", domain="rsj.localhost")
        else:
            client.client.delete_cookie("elder", domain="rsj.localhost")
        first, again = client.get("/"), client.get("/")
        same_answer(first, again)
        answers[(lang, elder)] = again
    assert len(dispatched) == 4  # each variant drawn once, then answered again
    assert answers[("en", False)].headers[VARIANT_HEADER] == "en;elder=0"
    assert answers[(None, True)].headers[VARIANT_HEADER] == "zh_Hans_CN;elder=1"
    assert "Work news" in answers[("en", False)].get_data(as_text=True)
    assert "工作动态" in answers[(None, False)].get_data(as_text=True)
    assert len({answer.get_data() for answer in answers.values()}) == 4


def test_a_publish_or_another_workers_change_is_seen_on_the_next_request(app, two_sites, client_for,
                                                                         create_article_in, dispatched):
    rsj, _czj, articles = two_sites
    client = client_for("rsj.localhost")
    client.get("/")
    client.get("/")
    create_article_in(rsj, "notices", "刚刚发布的通知")
    assert "刚刚发布的通知" in client.get("/").get_data(as_text=True)
    path = f"/articles/{articles['rsj'][0]}"
    assert client.get(path).status_code == 200
    assert client.get(path).status_code == 200
    from core.extensions import db

    with app.app_context(), db.engine.begin() as conn:
        withdraw_elsewhere(conn, rsj.id, articles["rsj"][0])
    assert client.get(path).status_code == 404
    assert dispatched.count(path) == 2


def test_a_suspended_site_is_not_answered_from_its_kept_pages(two_sites, client_for, runner):
    client = client_for("rsj.localhost")
    client.get("/")
    assert client.get("/").status_code == 200
    assert runner.invoke(args=["tenants", "suspend", "rsj"]).exit_code == 0
    assert client.get("/").status_code == 503


def test_other_spellings_of_the_host_get_the_same_page(two_sites, client_for, dispatched):
    body = client_for("rsj.localhost").get("/").get_data()
    for host in ("RSJ.localhost", "rsj.localhost:8000", "rsj.localhost."):
        client = client_for(host)
        assert client.get("/").get_data() == body
        assert client.get("/").get_data() == body
    assert client_for("unknown.localhost").get("/").status_code == 404
    assert client_for("unknown.localhost").get("/").status_code == 404
    assert len(dispatched) == 6  # the first of each host, and both of the unknown one


def test_signed_in_visitors_and_conditional_requests_go_through_the_app(two_sites, client_for, signed_in,
                                                                        dispatched):
    rsj = two_sites[0]
    client = client_for("rsj.localhost")
    etag = client.get("/").headers["ETag"]
    client.get("/")
    assert dispatched == ["/"]
    revalidated = client.get("/", headers={"If-None-Match": etag})
    assert revalidated.status_code == 304 and revalidated.get_data() == b""
    assert dispatched == ["/", "/"]
    editor, _account = signed_in("rsj.localhost", "editor1", site=rsj, roles=["editor"])
    dispatched.clear()
    assert editor.get("/").status_code == 200
    assert dispatched == ["/"]


def test_every_replayed_page_view_is_counted_as_the_app_counts_it(app, two_sites, client_for, counter,
                                                                  dispatched):
    rsj, _czj, articles = two_sites
    client = client_for("rsj.localhost")
    path = f"/articles/{articles['rsj'][0]}"
    for _ in range(3):
        assert view(client, path).status_code == 200
    assert view(client, path, agent="curl/8.5").status_code == 200  # a robot: not counted
    assert view(client, path, headers={"Sec-Purpose": "prefetch"}).status_code == 200  # not counted either
    assert dispatched == [path]
    flush(app)
    assert item_views(app, rsj) == {articles["rsj"][0]: 3}
    assert [views for views, _visitors in site_days(app, rsj).values()] == [3]


def test_a_database_out_of_reach_during_the_replay_leaves_the_request_to_the_app(two_sites, client_for,
                                                                                dispatched, monkeypatch):
    client = client_for("rsj.localhost")
    first = client.get("/")

    def unreachable():
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(replay_module, "content_versions", unreachable)
    assert client.get("/").get_data() == first.get_data()
    assert dispatched == ["/", "/"]


def test_a_failing_listener_is_logged_and_the_page_still_served(two_sites, client_for, counter, monkeypatch,
                                                                dispatched, caplog):
    client = client_for("rsj.localhost")
    view(client, "/")
    calls = []

    def broken(environ, page):
        calls.append(environ["PATH_INFO"])
        raise RuntimeError("broken listener")

    monkeypatch.setattr(replay_module, "_LISTENERS", [broken, visits_module.count_replayed])
    with caplog.at_level(logging.ERROR, logger=replay_module.log.name):
        assert view(client, "/").status_code == 200
    assert dispatched == ["/"] and calls == ["/"]  # the second view was the replay's, and the listener ran
    assert "a listener failed" in caplog.text
    assert counter.buffer.pending() == 2


def test_a_limit_on_every_route_leaves_every_request_to_the_app(app, two_sites, client_for, dispatched, monkeypatch):
    client = client_for("rsj.localhost")
    monkeypatch.setitem(app.config, "RATELIMIT_DEFAULT", "100 per minute")
    for _ in range(3):
        assert client.get("/").status_code == 200
    assert dispatched == ["/", "/", "/"]


def test_a_padded_address_is_not_remembered_but_still_gets_its_page(two_sites, client_for, dispatched):
    client = client_for("rsj.localhost")
    padded = "/?" + "x" * 1000
    first = client.get(padded)
    assert client.get(padded).get_data() == first.get_data() and first.status_code == 200
    assert dispatched == [padded.split("?")[0]] * 2  # each went the full path: no index entry for it
    short = "/?page=2"
    client.get(short)
    client.get(short)
    assert len(dispatched) == 3
