"""The Redis store: workers share the day's salt and one HyperLogLog per site and day; the job moves the counts to
the database exactly once, whatever point a flush dies at."""
from __future__ import annotations

import threading
import time
import uuid

import pytest

from core.evaluation.visits import Visits
from core.evaluation.visits_store import REDIS_DAY_SECONDS, parse_batch
from core.extensions import db
from core.timeutil import now
from tests.auth.test_rate_limit_storage import REDIS_URI, needs_redis
from tests.evaluation.visits_helpers import PHONE, flush, item_views, site_days, totals, view

pytestmark = needs_redis


@pytest.fixture
def redis_workers(app):
    """worker(**config) -> a counter on the Redis store (each one a worker of the same deployment); this test's keys."""
    prefix = f"test:visits:{uuid.uuid4().hex}:"  # others may use this Redis: this test's keys only
    saved = app.extensions["govsites.visits"]
    made = []

    def worker(**config) -> Visits:
        before = {k: app.config[k] for k in ("VISITS_STORE", "VISITS_REDIS_URL", "VISITS_REDIS_PREFIX",
                                             "VISITS_PUSH_SECONDS")}
        app.config.update({"VISITS_STORE": "redis", "VISITS_REDIS_URL": REDIS_URI, "VISITS_REDIS_PREFIX": prefix,
                           "VISITS_PUSH_SECONDS": 2.0, **config})
        try:
            counter = Visits(app)
        finally:
            app.config.update(before)
        made.append(counter)
        return counter

    def serving(counter: Visits) -> Visits:
        """Let `counter` count the requests from now on, as the worker that answers them."""
        app.extensions["govsites.visits"] = counter
        return counter

    worker.serving = serving
    worker.prefix = prefix
    yield worker
    app.extensions["govsites.visits"] = saved
    if made:
        client = made[0].store.client
        keys = list(client.scan_iter(match=f"{prefix}*"))
        if keys:
            client.delete(*keys)


def test_two_workers_share_the_visitor_and_the_job_writes_each_view_once(app, two_sites, client_for, redis_workers):
    rsj, czj, articles = two_sites
    first, second = redis_workers(), redis_workers()
    client = client_for(rsj.host)
    article = articles["rsj"][0]
    redis_workers.serving(first)
    view(client, "/")
    view(client, f"/articles/{article}")
    redis_workers.serving(second)
    view(client, "/")  # the same visitor, served by another worker
    view(client, "/", agent=PHONE)
    view(client_for(czj.host), "/")
    for counter in (first, second):
        counter.drain()  # each worker's push: one round trip
    assert first.salt(now().date()) == second.salt(now().date())

    flush(app)
    flush(app)  # nothing new: adds nothing
    today = now().date()
    assert site_days(app, rsj) == {today: (4, 2)}
    assert site_days(app, czj) == {today: (1, 1)}
    assert item_views(app, rsj) == {article: 1}

    redis_workers.serving(first)
    view(client, "/")  # the visitor again, later in the day: a view, not a visitor
    view(client, "/", address="192.0.2.99")
    first.drain()
    flush(app)
    assert site_days(app, rsj) == {today: (6, 3)}


def test_one_round_trip_per_view_when_asked(app, two_sites, client_for, redis_workers):
    rsj, _czj, _ = two_sites
    counter = redis_workers.serving(redis_workers(VISITS_PUSH_SECONDS=0))
    view(client_for(rsj.host), "/")
    assert counter.buffer.pending() == 0  # already in Redis
    assert int(counter.store.client.hget(f"{redis_workers.prefix}pv", f"{now().date().isoformat()}|{rsj.id}")) == 1
    flush(app)
    assert totals(site_days(app, rsj)) == (1, 1)


def test_a_flush_that_dies_before_or_after_its_commit_neither_loses_nor_doubles(app, two_sites, client_for,
                                                                                redis_workers, monkeypatch):
    rsj, _czj, _ = two_sites
    counter = redis_workers.serving(redis_workers())
    store, prefix = counter.store, redis_workers.prefix
    client = client_for(rsj.host)
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.2"):
        view(client, "/", address=address)
    counter.drain()

    # The job dies right after moving the counters into a batch: the batch waits in Redis for the next run.
    store._move(args=[prefix, "died-before-commit", REDIS_DAY_SECONDS])
    assert store.client.exists(f"{prefix}pv") == 0
    batch = store.client.hgetall(f"{prefix}batch:died-before-commit")
    assert parse_batch(batch)[0] == {(now().date(), rsj.id): 3}
    flush(app)
    assert totals(site_days(app, rsj)) == (3, 2)

    # The job dies after its commit, before deleting the batch from Redis: met again, the batch is not added twice.
    store.client.hset(f"{prefix}batch:died-before-commit", mapping=batch)
    store.client.sadd(f"{prefix}batches", "died-before-commit")
    flush(app)
    assert totals(site_days(app, rsj)) == (3, 2)
    assert store.client.exists(f"{prefix}batch:died-before-commit") == 0

    # The database refuses the write: the batch stays in Redis, and is written by the next run.
    view(client, "/", address="192.0.2.3")
    counter.drain()

    def refused(*args, **kwargs):
        raise RuntimeError("the database is restarting")

    from core.evaluation import visits_store

    real = visits_store.write_counts
    monkeypatch.setattr(visits_store, "write_counts", refused)
    with app.app_context():
        with pytest.raises(RuntimeError):
            counter.flush(now())
        db.session.remove()
    assert totals(site_days(app, rsj)) == (3, 2) and store.client.scard(f"{prefix}batches") == 1
    monkeypatch.setattr(visits_store, "write_counts", real)
    flush(app)
    assert totals(site_days(app, rsj)) == (4, 3)


def test_a_worker_whose_redis_is_gone_keeps_its_counts(app, two_sites, client_for, redis_workers):
    rsj, _czj, _ = two_sites
    counter = redis_workers.serving(redis_workers())
    view(client_for(rsj.host), "/")
    good = counter.store.client
    counter.store.client = type(good).from_url("redis://127.0.0.1:1", socket_timeout=0.2, socket_connect_timeout=0.2)
    with pytest.raises(Exception):
        counter.store.push(counter.buffer)
    assert counter.buffer.pending() == 1
    counter.store.client = good
    counter.drain()
    flush(app)
    assert totals(site_days(app, rsj)) == (1, 1)


def test_a_workers_exit_waits_for_the_push_in_progress(app, two_sites, client_for, redis_workers, monkeypatch):
    """The flushing thread dies with the process: its counts on their way must arrive before the exit returns."""
    rsj, _czj, _ = two_sites
    counter = redis_workers.serving(redis_workers())
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        view(client_for(rsj.host), "/", address=address)
    sending = threading.Event()
    send = counter.store._push

    def slow(buffer):  # the counts are out of the buffer, Redis answers slowly
        counts = buffer.take()
        sending.set()
        time.sleep(0.5)
        buffer.put_back(counts)
        return send(buffer)

    monkeypatch.setattr(counter.store, "_push", slow)
    counter._thread = threading.Thread(target=counter.drain)
    counter._thread.start()
    sending.wait(5)
    counter._at_exit()
    key = f"{now().date().isoformat()}|{rsj.id}"
    assert int(counter.store.client.hget(f"{redis_workers.prefix}pv", key) or 0) == 3
