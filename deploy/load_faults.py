"""The faults `deploy/load --faults` causes while the load runs, each measured.

- a gunicorn worker SIGKILLed (its master starts another);
- one host's gunicorn master and workers SIGKILLed (a machine lost), started again after 5 s;
- PostgreSQL restarted (`pg_ctlcluster <version> main restart`: every connection of every host dropped);
- the scheduler holding the lease SIGKILLed (the other host's takes over: deploy/check_cluster.py);
- Redis shut down (SHUTDOWN NOSAVE: it keeps nothing on disk here) and started again with the settings it ran
  with; while it is down the letter form's rate limit is probed.

After each, `recovery` measures how long until both hosts answer a page that reads the database again, with no
restart of the app (pool pre-ping, Redis reconnects).
"""
from __future__ import annotations

import os
import signal
import subprocess
import time

import check_cluster
import cluster
from load_client import Browser, PageForms, Stats
from submissions import next_address

PROBE_KIND = "probe"


def recovery(probe_host: str, probe_path: str, timeout: float = 120.0) -> float | None:
    """Seconds until every host, asked directly, answers `probe_path` (a page that reads the database) with 200."""
    started = time.monotonic()
    waiting = list(cluster.HOSTS)
    while waiting and time.monotonic() - started < timeout:
        waiting = [h for h in waiting
                   if cluster.get(probe_path, f"{probe_host}:{cluster.PORT}", port=h.port, timeout=5)[0] != 200]
        if waiting:
            time.sleep(0.2)
    return None if waiting else round(time.monotonic() - started, 1)


def kill_worker(host: cluster.Host) -> dict:
    master = cluster.read_pid(host.gunicorn_pidfile)
    workers = cluster.children(master) if master else []
    if not workers:
        return {"error": f"{host.name} has no gunicorn worker"}
    os.kill(workers[0], signal.SIGKILL)
    started = time.monotonic()
    while len(cluster.children(master)) < cluster.WORKERS and time.monotonic() - started < 60:
        time.sleep(0.2)
    return {"host": host.name, "killed_pid": workers[0],
            "replaced_after_s": round(time.monotonic() - started, 1)}


def kill_host(host: cluster.Host, down_seconds: float = 5.0) -> dict:
    killed = cluster.kill_host(host)
    time.sleep(down_seconds)
    cluster.start_host(host, cluster.app_environment())
    started = time.monotonic()
    answered = cluster.wait_until_answering(host.port)
    return {"host": host.name, "killed_pids": killed, "down_s": down_seconds,
            "answering_after_restart_s": round(time.monotonic() - started, 1) if answered else None}


def _pg_cluster() -> tuple[str, str]:
    """(version, name) of the local PostgreSQL cluster on the cluster database's port (pg_lsclusters)."""
    from sqlalchemy.engine import make_url

    port = str(make_url(cluster.DATABASE_URL).port or 5432)
    for line in subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True,
                               check=True).stdout.splitlines():
        version, name, cluster_port, *_ = line.split()
        if cluster_port == port:
            return version, name
    raise RuntimeError(f"no local PostgreSQL cluster on port {port}")


def restart_postgres() -> dict:
    version, name = _pg_cluster()
    started = time.monotonic()
    done = subprocess.run(["pg_ctlcluster", version, name, "restart"], capture_output=True, text=True)
    return {"command": f"pg_ctlcluster {version} {name} restart", "returncode": done.returncode,
            "restart_s": round(time.monotonic() - started, 1), "stderr": done.stderr.strip()[-300:]}


def kill_scheduler() -> dict:
    return check_cluster.check_scheduler()


def limit_probe(port: int, host: str, attempts: int = 30) -> dict:
    """The letter form posted with its CSRF token and nothing else, from one new address: the limiter counts each
    post, the form refuses it (no letter is made). The position of the first 429, and any 5xx.
    LETTERS_WRITE_RATE_LIMIT is 5 a minute: a shared count answers 429 at the 6th; counted in each worker's own
    memory, at the 6th on each worker at the latest."""
    browser = Browser(Stats(), port, host, next_address())
    page = browser.get(PROBE_KIND, "/interaction/write/consultation")
    token = next((c.get("value") for f in PageForms(page.text).forms for c in f.controls
                  if c.get("name") == "csrf_token"), None)
    if token is None:
        return {"first_429_at": None, "server_errors": None, "statuses": [page.status], "error": "no form"}
    statuses = []
    for _ in range(attempts):
        answer = browser.post(PROBE_KIND, "/interaction/write/consultation", [("csrf_token", token)],
                              expect=(200, 429))
        statuses.append(answer.status)
        if answer.status == 429:
            break
    first = statuses.index(429) + 1 if 429 in statuses else None
    return {"first_429_at": first, "server_errors": sum(1 for s in statuses if s == 0 or s >= 500),
            "statuses": statuses}


def _redis():
    import redis

    return redis.Redis.from_url(cluster.REDIS_URL, socket_connect_timeout=2, socket_timeout=5)


def restart_redis(port: int, probe_host: str) -> dict:
    """SHUTDOWN NOSAVE, the limit probed while it is down, then redis-server started with the settings it had."""
    import redis

    client = _redis()
    settings = {k: client.config_get(k)[k] for k in ("port", "bind", "save", "appendonly", "dir", "logfile")}
    try:
        client.shutdown(nosave=True)
    except redis.ConnectionError:
        pass  # the server closes the connection as it goes
    down_at = time.monotonic()
    probe = limit_probe(port, probe_host)
    command = ["redis-server", "--port", settings["port"], "--bind", *settings["bind"].split(),
               "--save", settings["save"], "--appendonly", settings["appendonly"], "--dir", settings["dir"],
               "--daemonize", "yes"] + (["--logfile", settings["logfile"]] if settings["logfile"] else [])
    subprocess.run(command, check=True, capture_output=True)
    while time.monotonic() - down_at < 30:
        try:
            if _redis().ping():
                break
        except redis.RedisError:
            time.sleep(0.1)
    return {"down_s": round(time.monotonic() - down_at, 1), "started_with": " ".join(command),
            "limit_while_down": probe}


def fallback_logged(since: dict[str, int]) -> bool:
    """Whether a host's gunicorn log says, after the offsets in `since`, that the limiter fell back to memory."""
    for host in cluster.HOSTS:
        log = cluster.LOG / f"{host.name}-gunicorn.log"
        with open(log, "rb") as fh:
            fh.seek(since.get(host.name, 0))
            if b"falling back to in-memory storage" in fh.read():
                return True
    return False


def log_sizes() -> dict[str, int]:
    return {h.name: (cluster.LOG / f"{h.name}-gunicorn.log").stat().st_size for h in cluster.HOSTS}
