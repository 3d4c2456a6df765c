"""Counting page views: what counts, without cookies, without any address in the database, and nothing lost or
doubled when a worker flushes, fails to, restarts or dies."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import String, Text, func, select

from core.evaluation import visits as visits_module
from core.evaluation import visits_store
from core.evaluation.visits import Visits, is_robot
from core.extensions import db
from core.timeutil import now
from tests.evaluation.visits_helpers import BROWSER, PHONE, flush, item_views, portal_days, site_days, totals, view
from tests.evaluation.visits_helpers import counter_fixture  # noqa: F401  (the `counter` fixture)

ROOT = Path(__file__).resolve().parents[2]
ADDRESS = "203.0.113.77"


def _at(monkeypatch, moment: datetime) -> None:
    """Set the counting clock (the city's) to `moment`."""
    monkeypatch.setattr(visits_module, "now", lambda: moment)


def test_public_pages_count_without_a_cookie_and_no_address_reaches_the_database(app, two_sites, client_for,
                                                                                  counter):
    rsj, czj, articles = two_sites
    client = client_for(rsj.host)
    article = articles["rsj"][0]
    answers = [view(client, "/", address=ADDRESS), view(client, "/", address=ADDRESS),  # the second from the cache
               view(client, f"/articles/{article}", address=ADDRESS), view(client, "/sections/news/", address=ADDRESS),
               view(client, "/", address="2001:db8::5", agent=PHONE)]
    assert [a.status_code for a in answers] == [200] * 5
    assert [a.headers.get("Set-Cookie") for a in answers] == [None] * 5
    view(client_for("localhost"), "/", address=ADDRESS)  # the city portal

    flush(app)

    today = now().date()
    assert site_days(app, rsj) == {today: (5, 2)}
    assert item_views(app, rsj) == {article: 1}
    assert site_days(app, czj) == {}
    assert portal_days(app) == {today: (1, 1)}
    # Nowhere in the database: not the address, not any part of it that could find it again.
    with app.app_context():
        found = []
        for table in db.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, (String, Text)):
                    hits = db.session.execute(select(func.count()).select_from(table)
                                              .where(column.contains(ADDRESS))).scalar_one()
                    if hits:
                        found.append(f"{table.name}.{column.name}")
        db.session.remove()
    assert found == []


def test_robots_programs_files_errors_and_staff_pages_are_not_counted(app, two_sites, client_for, counter):
    rsj, _czj, articles = two_sites
    client = client_for(rsj.host)
    for agent in ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
                  "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
                  "curl/8.5.0", "python-requests/2.32.3", "Wget/1.21.4",
                  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0 Safari",
                  ""):
        assert view(client, "/", agent=agent).status_code == 200
    not_pages = [view(client, "/_themes/default/admin.css"), view(client, "/articles/999999"),
                 view(client, "/admin/login"), view(client, "/lang/en?next=/"),
                 client.client.head("/", headers={"User-Agent": BROWSER}, environ_overrides={"HTTP_HOST": rsj.host}),
                 view(client, "/", headers={"Sec-Purpose": "prefetch"}),
                 view(client_for("renshi.localhost"), "/"),  # an alias: a redirect to the primary host
                 view(client_for("admin.localhost"), "/admin/login")]
    for response in not_pages:
        response.close()  # the theme file's
    assert [r.status_code for r in not_pages] == [200, 404, 200, 302, 200, 200, 301, 200]
    assert counter.buffer.pending() == 0
    view(client, f"/articles/{articles['rsj'][0]}")
    assert counter.buffer.pending() == 1


def test_the_robot_rule():
    assert is_robot("") and is_robot("Sogou web spider/4.0") and is_robot("Mozilla/5.0 (compatible; bingbot/2.0)")
    assert is_robot("Go-http-client/1.1") and is_robot("okhttp/4.12")
    assert not is_robot(BROWSER) and not is_robot(PHONE)
    assert not is_robot("Mozilla/5.0 (Linux; Android 14; V2309A) AppleWebKit/537.36 Chrome/118 Mobile Safari/537.36 "
                        "VivoBrowser/20.1")


def test_a_visitor_is_one_a_day_and_counts_again_the_next_day(app, two_sites, client_for, counter, monkeypatch):
    rsj, _czj, _ = two_sites
    client = client_for(rsj.host)
    monday, tuesday = datetime(2026, 11, 30, 9), datetime(2026, 12, 1, 9)
    _at(monkeypatch, monday)
    for path in ("/", "/sections/news/", "/"):
        view(client, path)
    view(client, "/", agent=PHONE)  # the same address, another browser: another visitor
    _at(monkeypatch, tuesday)
    view(client, "/")
    view(client, "/sections/news/")
    flush(app)
    assert site_days(app, rsj) == {monday.date(): (4, 2), tuesday.date(): (2, 1)}
    assert counter.salt(monday.date()) != counter.salt(tuesday.date())  # the hashes of two days cannot be matched


def test_a_flush_that_fails_loses_nothing_and_a_second_one_doubles_nothing(app, two_sites, client_for, counter,
                                                                          monkeypatch):
    rsj, _czj, _ = two_sites
    client = client_for(rsj.host)
    for _ in range(3):
        view(client, "/")
    real = visits_store.write_counts

    def database_gone(*args, **kwargs):
        raise RuntimeError("the database is restarting")

    monkeypatch.setattr(visits_store, "write_counts", database_gone)
    with app.app_context():
        with pytest.raises(RuntimeError):
            counter.flush(now())
        db.session.remove()
    assert site_days(app, rsj) == {} and counter.buffer.pending() == 3
    monkeypatch.setattr(visits_store, "write_counts", real)
    view(client, "/", agent=PHONE)
    flush(app)
    flush(app)  # nothing left to write: adds nothing
    assert totals(site_days(app, rsj)) == (4, 2)


def test_a_worker_restart_loses_nothing_flushed_and_counts_no_view_twice(app, two_sites, client_for, counter):
    """The memory store: a restarted worker starts with an empty counter and a salt of its own."""
    rsj, _czj, articles = two_sites
    client = client_for(rsj.host)
    article = articles["rsj"][0]
    for path in ("/", f"/articles/{article}", "/"):
        view(client, path)
    flush(app)
    view(client, "/")  # counted after the last flush, then the worker dies: the one view that may be lost
    app.extensions["govsites.visits"] = Visits(app)  # the restarted worker
    view(client, f"/articles/{article}")
    view(client, "/", agent=PHONE)
    flush(app)
    flush(app)
    # 3 before the restart + 2 after; the view in between went with the worker. The visitor seen before and after the
    # restart is one more unique visitor (the new worker cannot know them: the documented over-count).
    assert totals(site_days(app, rsj)) == (5, 3)
    assert item_views(app, rsj) == {article: 2}


#: A worker in a process of its own, as gunicorn's: the app (not under test), `n` page views of the site's homepage,
#: then a pause of `wait` seconds, `m` more, and its exit: "clean" (sys.exit: atexit runs) or "killed" (os._exit).
WORKER = """
import json, os, sys, time
from core import create_app
config, host, n, wait, m, exit = json.loads(sys.argv[1])
client = create_app(config).test_client()
get = lambda: client.get("/", base_url="http://" + host, headers={"User-Agent": "Mozilla/5.0 Firefox/133.0"},
                         environ_base={"REMOTE_ADDR": "192.0.2.10"})
assert all(get().status_code == 200 for _ in range(n))
time.sleep(wait)
assert all(get().status_code == 200 for _ in range(m))
sys.stdout.flush()
os._exit(0) if exit == "killed" else sys.exit(0)
"""


def _worker(app, host: str, n: int, wait: float, m: int, exit: str, **config) -> None:
    settings = {**{k: app.config[k] for k in ("DATABASE_URL", "SECRET_KEY", "UPLOAD_FOLDER", "PERSONAL_DATA_KEYS",
                                              "PERSONAL_DATA_INDEX_KEY")},
                "VISITS_STORE": "memory", "TENANT_CACHE_TTL": 0.0, **config}
    done = subprocess.run([sys.executable, "-c", WORKER, json.dumps([settings, host, n, wait, m, exit])], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]


def test_a_worker_writes_its_counts_every_interval_and_at_its_exit(app, two_sites):
    rsj, _czj, _ = two_sites
    today = now().date()
    _worker(app, rsj.host, 2, 1.5, 1, "clean", VISITS_FLUSH_SECONDS=0.5)
    assert site_days(app, rsj) == {today: (3, 1)}  # two by its thread, the last one at its exit
    _worker(app, rsj.host, 4, 0, 0, "clean", VISITS_FLUSH_SECONDS=3600.0)
    assert site_days(app, rsj) == {today: (7, 2)}  # its exit wrote all four (a new worker: the visitor counts again)


def test_a_worker_killed_hard_loses_only_what_came_after_its_last_flush(app, two_sites):
    rsj, _czj, _ = two_sites
    # The worker's thread flushes 2, 4, 6 … s after its first view; the views after the wait come at about 5 s,
    # a second from the flush before them and from the one after: on a busy machine the two views and the kill
    # still fall between the two (with a wait of exactly two intervals they raced the flush at 4 s).
    _worker(app, rsj.host, 3, 5.0, 2, "killed", VISITS_FLUSH_SECONDS=2.0)
    assert totals(site_days(app, rsj)) == (3, 1)  # the 3 flushed by its thread; the 2 after, no exit to write them


def test_an_app_closed_before_its_process_exits_stops_its_thread_and_writes_its_counts(app, two_sites):
    """A second app in a process that goes on (a test's own, not under TESTING) leaves no thread writing later."""
    from core import create_app

    rsj, _czj, _ = two_sites
    second = create_app({**{k: app.config[k] for k in ("DATABASE_URL", "SECRET_KEY", "UPLOAD_FOLDER",
                                                       "PERSONAL_DATA_KEYS", "PERSONAL_DATA_INDEX_KEY")},
                         "VISITS_STORE": "memory", "VISITS_FLUSH_SECONDS": 3600.0, "TENANT_CACHE_TTL": 0.0})
    assert view(second.test_client(), "/", base_url="http://" + rsj.host).status_code == 200
    writer = second.extensions["govsites.visits"]
    thread = writer._thread
    assert thread is not None and thread.is_alive()
    writer.close()
    assert not thread.is_alive()
    assert totals(site_days(app, rsj)) == (1, 1)
    with second.app_context():
        db.engine.dispose()


def test_counting_can_be_turned_off(app, two_sites, client_for):
    from core import create_app

    off = create_app({**{k: app.config[k] for k in ("DATABASE_URL", "SECRET_KEY", "UPLOAD_FOLDER")},
                      "VISITS_STORE": "off", "TESTING": True})
    assert "govsites.visits" not in off.extensions
    assert visits_module.store_kind({"VISITS_STORE": "", "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379"}) == "redis"
    assert visits_module.store_kind({"VISITS_STORE": "", "RATELIMIT_STORAGE_URI": "memory://"}) == "memory"
    with pytest.raises(ValueError):
        visits_module.store_kind({"VISITS_STORE": "disk"})
    with off.app_context():
        db.engine.dispose()


def test_a_page_view_costs_no_database_statement(app, two_sites, client_for, counter, count_queries, monkeypatch):
    rsj, _czj, _ = two_sites
    client = client_for(rsj.host)
    view(client, "/")  # warm: the page is in the cache now
    with count_queries() as counted:
        view(client, "/")
    # Not a page view (the visitor's side of the rule, which a kept page answered again also asks):
    monkeypatch.setattr(visits_module, "_countable_visitor", lambda environ: False)
    with count_queries() as not_counted:
        view(client, "/")
    assert counted.count == not_counted.count
    assert counter.buffer.pending() == 2


def test_yesterdays_and_todays_counts_land_on_their_own_days(app, two_sites, client_for, counter, monkeypatch):
    rsj, _czj, _ = two_sites
    client = client_for(rsj.host)
    late = datetime.combine(date(2026, 11, 30), datetime.max.time()).replace(microsecond=0)
    _at(monkeypatch, late)
    view(client, "/")
    _at(monkeypatch, late + timedelta(seconds=1))
    view(client, "/")
    flush(app)
    assert site_days(app, rsj) == {date(2026, 11, 30): (1, 1), date(2026, 12, 1): (1, 1)}


def test_a_forked_worker_starts_with_nothing_of_its_parents(app, two_sites, client_for, counter):
    """gunicorn --preload forks its workers from a master that loaded the app: the parent's counts stay its own."""
    rsj, _czj, _ = two_sites
    view(client_for(rsj.host), "/")
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the worker
        os.write(write, str(app.extensions["govsites.visits"].buffer.pending()).encode())
        os._exit(0)
    os.waitpid(child, 0)
    assert os.read(read, 16) == b"0"
    assert counter.buffer.pending() == 1
