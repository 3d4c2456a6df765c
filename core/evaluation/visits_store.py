"""Where counted visits go: a worker's counts written to the database, or sent to Redis and moved from there.

core.evaluation.visits counts page views in the worker (`VisitBuffer`) and
says why there are two stores; this module empties the buffer into one of
them and writes the database. The database is only ever added to (an upsert
that adds), so any number of workers, and the job, may write at once.

- `MemoryStore.drain(buffer)`: the worker's counts straight into the
  database, in one transaction; the buffer's counts are put back when it fails,
  so a failed write (database restarting) loses nothing. Unique visitors: the
  store keeps the hashes it has written for each site today and yesterday, and
  adds only the ones it had not seen.
- `RedisStore.push(buffer)`: the worker's counts into Redis in one MULTI/EXEC
  round trip (HINCRBY page views and item views, PFADD the visitor hashes into
  the site's HyperLogLog of the day); put back when Redis does not answer.
- `RedisStore.move_to_database()`: the `visits.flush` job's work, exactly once:
  `MOVE` (a Lua script, atomic in Redis) turns the live counters into a batch
  with an id, together with the unique visitors each HyperLogLog gained since
  the last move; each pending batch is then written with a `VisitFlush` row of
  its id in one transaction, and deleted from Redis only after the commit. A
  batch whose id is already in the database (the process died between the
  commit and the delete) is deleted without being added again.
"""
from __future__ import annotations

import logging
import threading
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from core.evaluation.visits_models import PortalVisitDay, VisitDay, VisitFlush, VisitItemDay
from core.extensions import db
from tenants.models import Tenant
from tenants.scoping import crosses_tenants

log = logging.getLogger("govsites.visits")

#: The site key of the city portal (tenant ids start at 1).
PORTAL = 0
#: How long a day's salt, HyperLogLogs and "already written" figures stay in Redis: the day and the next.
REDIS_DAY_SECONDS = 2 * 24 * 3600
#: Rows of `visit_flushes` older than this are deleted (a batch is never pending that long).
FLUSH_RECORD_DAYS = 7
#: Rows per INSERT statement.
CHUNK = 500

SiteDay = tuple[date, int]  # (city day, site id or PORTAL)
ItemDay = tuple[date, int, int]  # (city day, site id, article id)


@dataclass
class Counts:
    """What one buffer held: page views and distinct visitor hashes per site and day, views per item and day."""

    views: Counter = field(default_factory=Counter)  # SiteDay -> page views
    visitors: dict = field(default_factory=dict)  # SiteDay -> set of visitor hashes (bytes)
    items: Counter = field(default_factory=Counter)  # ItemDay -> views

    def __bool__(self) -> bool:
        return bool(self.views or self.items)

    def merge(self, other: Counts) -> None:
        self.views.update(other.views)
        self.items.update(other.items)
        for key, hashes in other.visitors.items():
            self.visitors.setdefault(key, set()).update(hashes)


@dataclass
class Written:
    """What a flush added to the database: page views, and the sites (the portal included) they were of."""

    views: int = 0
    sites: set = field(default_factory=set)

    def add(self, other: Written) -> None:
        self.views += other.views
        self.sites |= other.sites


# --------------------------------------------------------------------------- the database


def _upsert(table, rows: list[dict], keys: tuple[str, ...], added: tuple[str, ...]) -> None:
    """INSERT the rows; on a row that exists (by `keys`), add the `added` columns to it. SQLite and PostgreSQL."""
    if not rows:
        return
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for start in range(0, len(rows), CHUNK):
        statement = insert(table).values(rows[start:start + CHUNK])
        statement = statement.on_conflict_do_update(
            index_elements=list(keys), set_={c: table.c[c] + statement.excluded[c] for c in added})
        db.session.execute(statement)


@crosses_tenants("a flush adds the visit counts of every site it holds, each row stamped with the site it counts")
def write_counts(views: dict, uniques: dict, items: dict, *, batch: str | None = None) -> Written:
    """Add counts to the database in the session's transaction (the caller commits).

    `views` and `uniques`: {(day, site id or PORTAL): n}; `items`: {(day, site id, article id): n}. A site
    deleted since it was counted is left out. With `batch`, a `VisitFlush` row of that id is written too, and
    nothing at all when one exists already (the batch was written before): returns an empty `Written` then.

    :raises IntegrityError: when another process writes the same batch at the same moment (its commit wins;
        the caller rolls back and treats the batch as written).
    """
    if batch is not None:
        if db.session.get(VisitFlush, batch) is not None:
            return Written()
        db.session.add(VisitFlush(batch=batch))
        db.session.flush()
    keys = set(views) | set(uniques)
    asked = {site for _day, site in keys if site != PORTAL} | {site for _day, site, _item in items}
    sites = set(db.session.execute(select(Tenant.id).where(Tenant.id.in_(asked))).scalars()) if asked else set()
    rows = {"site": [], "portal": []}
    for day, site in sorted(keys):
        values = {"day": day, "page_views": views.get((day, site), 0), "unique_visitors": uniques.get((day, site), 0)}
        if site == PORTAL:
            rows["portal"].append(values)
        elif site in sites:
            rows["site"].append({"tenant_id": site, **values})
    _upsert(VisitDay.__table__, rows["site"], ("tenant_id", "day"), ("page_views", "unique_visitors"))
    _upsert(PortalVisitDay.__table__, rows["portal"], ("day",), ("page_views", "unique_visitors"))
    _upsert(VisitItemDay.__table__,
            [{"tenant_id": site, "day": day, "article_id": item, "views": n}
             for (day, site, item), n in sorted(items.items()) if site in sites],
            ("tenant_id", "day", "article_id"), ("views",))
    return Written(views=sum(n for (_day, site), n in views.items() if site == PORTAL or site in sites),
                   sites={site for _day, site in keys if site == PORTAL or site in sites})


def forget_old_flushes(now: datetime) -> None:
    """Delete the records of batches written more than FLUSH_RECORD_DAYS ago (the caller commits)."""
    db.session.execute(delete(VisitFlush).where(VisitFlush.flushed_at < now - timedelta(days=FLUSH_RECORD_DAYS)))


# --------------------------------------------------------------------------- the memory store


class MemoryStore:
    """Each worker writes its own counts to the database (no shared counter)."""

    name = "memory"

    def __init__(self):
        self._lock = threading.Lock()  # the worker's thread, its exit and the job may drain at once
        self._seen: dict[SiteDay, set[bytes]] = {}

    def drain(self, buffer) -> Written:
        """Write the buffer's counts to the database and commit; put them back and raise when that fails."""
        with self._lock:
            counts = buffer.take()
            if not counts:
                return Written()
            uniques = {key: len(hashes - self._seen.get(key, set())) for key, hashes in counts.visitors.items()}
            try:
                written = write_counts(counts.views, uniques, counts.items)
                db.session.commit()
            except Exception:
                db.session.rollback()
                buffer.put_back(counts)
                raise
            for key, hashes in counts.visitors.items():
                self._seen.setdefault(key, set()).update(hashes)
            newest = max(day for day, _site in self._seen)
            for key in [k for k in self._seen if k[0] < newest - timedelta(days=1)]:
                del self._seen[key]
            return written

    def reset(self) -> None:
        """Forget what this process saw (a forked child starts with nothing of its parent's, and a free lock)."""
        self._lock = threading.Lock()
        self._seen = {}


# --------------------------------------------------------------------------- the Redis store

#: Moves the live counters into a new batch, atomically (a Lua script runs alone in Redis).
#: ARGV: the key prefix, the batch id, the expiry of the per-day figures. Returns the number of site-days moved.
MOVE = """
local p, id, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3])
local batch = p .. 'batch:' .. id
local views = redis.call('HGETALL', p .. 'pv')
for i = 1, #views, 2 do
  local key, n = views[i], views[i + 1]
  redis.call('HINCRBY', batch, 'pv|' .. key, n)
  local day, site = string.match(key, '^([^|]+)|(.+)$')
  local seen = redis.call('PFCOUNT', p .. 'hll:' .. key)
  local done_key = p .. 'uvdone:' .. day
  local done = tonumber(redis.call('HGET', done_key, site) or '0')
  if seen > done then
    redis.call('HINCRBY', batch, 'uv|' .. key, seen - done)
    redis.call('HSET', done_key, site, seen)
    redis.call('EXPIRE', done_key, ttl)
  end
end
local items = redis.call('HGETALL', p .. 'it')
for i = 1, #items, 2 do
  redis.call('HINCRBY', batch, 'it|' .. items[i], items[i + 1])
end
redis.call('DEL', p .. 'pv', p .. 'it')
if redis.call('EXISTS', batch) == 1 then
  redis.call('SADD', p .. 'batches', id)
end
return #views / 2
"""


def _day(text: str) -> date:
    return date.fromisoformat(text)


def parse_batch(fields: dict) -> tuple[dict, dict, dict]:
    """A batch hash as Redis keeps it ({b'pv|2026-11-30|7': b'12', ...}) -> (views, uniques, items)."""
    views, uniques, items = {}, {}, {}
    for raw_key, raw_value in fields.items():
        kind, day, site, *rest = raw_key.decode().split("|")
        value = int(raw_value)
        if kind == "pv":
            views[(_day(day), int(site))] = value
        elif kind == "uv":
            uniques[(_day(day), int(site))] = value
        elif kind == "it":
            items[(_day(day), int(site), int(rest[0]))] = value
    return views, uniques, items


class RedisStore:
    """The workers send their counts to one Redis; the `visits.flush` job moves them to the database."""

    name = "redis"

    def __init__(self, url: str, prefix: str):
        import redis

        self.prefix = prefix
        self.client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2)
        self._move = self.client.register_script(MOVE)
        self._lock = threading.Lock()  # one push at a time: the exit's waits for the thread's to be answered

    def salt(self, day: date, candidate: bytes) -> bytes:
        """The day's salt every worker shares: `candidate` unless another worker set one first (SET NX)."""
        key = f"{self.prefix}salt:{day.isoformat()}"
        pipe = self.client.pipeline(transaction=True)
        pipe.set(key, candidate, nx=True, ex=REDIS_DAY_SECONDS)
        pipe.get(key)
        return pipe.execute()[1]

    def push(self, buffer) -> int:
        """Send the buffer's counts to Redis in one round trip; return the page views sent.

        :raises redis.RedisError: when Redis does not answer; the counts are back in the buffer then.
        """
        with self._lock:
            return self._push(buffer)

    def _push(self, buffer) -> int:
        counts = buffer.take()
        if not counts:
            return 0
        p = self.prefix
        pipe = self.client.pipeline(transaction=True)
        for (day, site), n in counts.views.items():
            pipe.hincrby(f"{p}pv", f"{day.isoformat()}|{site}", n)
        for (day, site), hashes in counts.visitors.items():
            key = f"{p}hll:{day.isoformat()}|{site}"
            pipe.pfadd(key, *hashes)
            pipe.expire(key, REDIS_DAY_SECONDS)
        for (day, site, item), n in counts.items.items():
            pipe.hincrby(f"{p}it", f"{day.isoformat()}|{site}|{item}", n)
        try:
            pipe.execute()
        except Exception:
            buffer.put_back(counts)
            raise
        return sum(counts.views.values())

    def drain(self, buffer) -> Written:
        """A worker's counts go to Redis (the job moves them on): the page views sent, no site written yet."""
        return Written(views=self.push(buffer))

    def reset(self) -> None:
        """Nothing is kept in the process but a lock, free in a forked child."""
        self._lock = threading.Lock()

    def move_to_database(self) -> Written:
        """Move Redis's counts to the database, each batch exactly once (module docstring); commits per batch."""
        self._move(args=[self.prefix, uuid.uuid4().hex, REDIS_DAY_SECONDS])
        written = Written()
        for raw in sorted(self.client.smembers(f"{self.prefix}batches")):
            batch = raw.decode()
            key = f"{self.prefix}batch:{batch}"
            views, uniques, items = parse_batch(self.client.hgetall(key))
            try:
                written.add(write_counts(views, uniques, items, batch=batch))
                db.session.commit()
            except IntegrityError:  # another process wrote this batch at this very moment
                db.session.rollback()
                log.info("visit batch %s was written by another process", batch)
            except Exception:
                db.session.rollback()
                raise  # left in Redis for the next run
            pipe = self.client.pipeline(transaction=True)
            pipe.delete(key)
            pipe.srem(f"{self.prefix}batches", batch)
            pipe.execute()
        return written
