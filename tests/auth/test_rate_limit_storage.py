"""Where the login limit is counted: the storage RATELIMIT_STORAGE_URI names, shared by every worker that names it.

With memory:// each gunicorn worker counts alone (two workers let twice the
limit through); `scripts/serve` uses the local Redis when one answers. The
workers are separate processes here too: each a Python process of its own,
as gunicorn's are, so nothing is shared but what the storage shares.
"""
from __future__ import annotations

import json
import logging
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from limits.storage import MemoryStorage

from core import create_app
from core.extensions import db, limiter

ROOT = Path(__file__).resolve().parents[2]
REDIS_URI = "redis://127.0.0.1:6379"

#: A worker in a process of its own: the app with the given configuration, `n` failed sign-ins on the console from
#: one address; prints the answers' statuses.
WORKER = """
import json, sys
from core import create_app
config, address, n = json.loads(sys.argv[1]), sys.argv[2], int(sys.argv[3])
client = create_app(config).test_client()
print(json.dumps([client.post("/admin/login", base_url="http://admin.localhost", environ_base={"REMOTE_ADDR": address},
                              data={"username": "nobody.here", "password": "Not-The-One-1"}).status_code
                  for _ in range(n)]))
"""
WORKER_CONFIG = {"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "5 per minute", "WTF_CSRF_ENABLED": False,
                 "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 1024, "ARGON2_PARALLELISM": 1}


def _redis_answers() -> bool:
    try:
        import redis
    except ImportError:
        return False
    try:
        return bool(redis.Redis.from_url(REDIS_URI, socket_connect_timeout=0.5, socket_timeout=0.5).ping())
    except redis.RedisError:
        return False


needs_redis = pytest.mark.skipif(not _redis_answers(), reason=f"no Redis answers at {REDIS_URI}")


def _limited_app(app, **config):
    """A second app with limits on. Flask-Limiter keeps its storage on the one extension object: this rebinds it."""
    return create_app({**{k: app.config[k] for k in ("DATABASE_URL", "SECRET_KEY", "UPLOAD_FOLDER")},
                       "RATELIMIT_ENABLED": True, **config})


def _put_back(app, limited) -> None:
    """The suite's limiter as it was: off, counting in memory (never a reset of a shared Redis)."""
    _limited_app(app, RATELIMIT_STORAGE_URI="memory://")
    limiter.enabled = False
    with limited.app_context():
        db.engine.dispose()


def test_the_limiter_counts_in_memory_by_default(app):
    limited = _limited_app(app)
    try:
        assert limited.config["RATELIMIT_STORAGE_URI"] == "memory://"
        assert isinstance(limiter.storage, MemoryStorage)
    finally:
        _put_back(app, limited)


@needs_redis
def test_the_limiter_counts_in_the_storage_configured(app):
    from limits.storage import RedisStorage

    limited = _limited_app(app, RATELIMIT_STORAGE_URI=REDIS_URI)
    try:
        assert isinstance(limiter.storage, RedisStorage) and limiter.storage.check()
    finally:
        _put_back(app, limited)


def _other_process(app, address: str, attempts: int) -> list[int]:
    config = {**{k: app.config[k] for k in ("DATABASE_URL", "SECRET_KEY", "UPLOAD_FOLDER", "PERSONAL_DATA_KEYS",
                                            "PERSONAL_DATA_INDEX_KEY")},
              **WORKER_CONFIG, "RATELIMIT_STORAGE_URI": REDIS_URI}
    result = subprocess.run([sys.executable, "-c", WORKER, json.dumps(config), address, str(attempts)], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@needs_redis
def test_two_workers_counting_in_one_redis_share_the_login_limit(app):
    """One worker in another process, one in this: nothing shared but Redis, as between gunicorn's workers."""
    address = f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"  # this run's bucket: others may use Redis
    assert _other_process(app, address, 4) == [200] * 4  # four failed sign-ins, told so
    limited = _limited_app(app, **WORKER_CONFIG, RATELIMIT_STORAGE_URI=REDIS_URI)
    try:
        client = limited.test_client()
        answers = [client.post("/admin/login", base_url="http://admin.localhost",
                               environ_base={"REMOTE_ADDR": address},
                               data={"username": "nobody.here", "password": "Not-The-One-1"}).status_code
                   for _ in range(4)]
    finally:
        _put_back(app, limited)
    assert answers == [200, 429, 429, 429]  # the fifth of the minute was the last, whichever worker counted it


def test_a_redis_that_does_not_answer_keeps_the_limit_in_memory_and_says_so(app, caplog):
    """Redis down (nothing listens on port 1): the sign-in page still answers, the limit still holds — counted in
    the worker's memory meanwhile (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED) — and the log says so."""
    limited = _limited_app(app, **WORKER_CONFIG, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1", VISITS_STORE="off")
    try:
        client = limited.test_client()
        with caplog.at_level("WARNING"):
            answers = [client.post("/admin/login", base_url="http://admin.localhost",
                                   environ_base={"REMOTE_ADDR": "192.0.2.77"},
                                   data={"username": "nobody.here", "password": "Not-The-One-1"}).status_code
                       for _ in range(6)]
    finally:
        _put_back(app, limited)
    assert answers == [200] * 5 + [429]
    assert any("falling back to in-memory storage" in record.getMessage() for record in caplog.records)
    # ... and the warning is written out (stderr: gunicorn's error log), not swallowed by the library's NullHandler
    assert any(isinstance(h, logging.StreamHandler) and h.level <= logging.WARNING
               for h in logging.getLogger("flask-limiter").handlers)

