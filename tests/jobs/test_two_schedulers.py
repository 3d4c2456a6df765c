"""Two real `flask jobs run` processes on one database: one runs jobs, the other takes over.

The only test that starts the scheduler, and it does so in subprocesses, on a
temporary SQLite database (and on PostgreSQL when the suite runs there), with
a 3-second lease renewed every half second and sessions.end_idle overridden
to every second through the environment, as an operator would.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from core import create_app
from core.config import normalise_database_url
from core.extensions import db
from jobs.runs import clock

ROOT = Path(__file__).resolve().parents[2]
LEASE, RENEW, EVERY = 3.0, 0.5, 1


def _migrated_database(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'jobs.sqlite3'}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x", "UPLOAD_FOLDER": str(tmp_path / "uploads")})
    with app.app_context():
        upgrade()
        db.session.remove()
        db.engine.dispose()
    return url


def _start(url: str, log: Path) -> tuple[subprocess.Popen, object]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("GOVSITES_") and k not in ("DATABASE_URL", "TEST_DATABASE_URL", "SECRET_KEY")}
    env.update(GOVSITES_DATABASE_URL=url, SECRET_KEY="x", GOVSITES_UPLOAD_FOLDER=str(log.parent / "uploads"),
               GOVSITES_JOB_SCHEDULES=f"sessions.end_idle=every {EVERY}s",
               GOVSITES_SCHEDULER_LEASE_SECONDS=str(LEASE), GOVSITES_SCHEDULER_RENEW_SECONDS=str(RENEW),
               PYTHONUNBUFFERED="1")
    out = log.open("w")
    process = subprocess.Popen([str(Path(sys.executable).parent / "flask"), "jobs", "run"], cwd=ROOT, env=env,
                               stdout=out, stderr=subprocess.STDOUT)
    return process, out


def _runs(engine) -> list[tuple[str, str, str]]:
    """(holder, outcome, started_at) of every recorded run, oldest first."""
    with engine.connect() as conn:
        return [tuple(map(str, row)) for row in
                conn.execute(text("SELECT holder, outcome, started_at FROM job_runs ORDER BY id"))]


def _wait_for(condition, timeout: float, what: str, logs):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"{what} within {timeout}s; logs:\n" + "\n".join(p.read_text()[-3000:] for p in logs))


def _database(kind: str, tmp_path, app) -> str:
    """A fresh SQLite file; or, on a PostgreSQL run, the suite's own database (emptied after the test)."""
    if kind == "sqlite":
        return _migrated_database(tmp_path)
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("PostgreSQL only when TEST_DATABASE_URL names one")
    return normalise_database_url(url)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_only_the_lease_holder_runs_jobs_and_a_standby_takes_over_after_kill_9(kind, tmp_path, app):
    url = _database(kind, tmp_path, app)
    engine = create_engine(url)
    logs = [tmp_path / "scheduler-a.log", tmp_path / "scheduler-b.log"]
    started = [_start(url, log) for log in logs]
    by_pid = {process.pid: process for process, _ in started}
    try:
        # Both start together; once started, one of them runs the job every second.
        _wait_for(lambda: len(_runs(engine)) >= 3, 60, "three runs recorded", logs)  # starting: slow when busy
        time.sleep(1.5)
        holders = {holder for holder, _, _ in _runs(engine)}
        assert len(holders) == 1, holders  # the other scheduler ran nothing
        [winner_id] = holders
        winner = by_pid[int(winner_id.split(":")[1])]
        [survivor] = [p for p in by_pid.values() if p is not winner]
        with engine.connect() as conn:
            assert conn.execute(text("SELECT holder FROM scheduler_leases")).scalar_one() == winner_id

        winner.send_signal(signal.SIGKILL)
        killed_at = clock()
        winner.wait(5)

        def survivor_ran():
            return [r for r in _runs(engine) if r[0] != winner_id]

        first = _wait_for(survivor_ran, LEASE + RENEW + EVERY + 5, "the standby took over", logs)[0]
        takeover = (_as_time(first[2]) - killed_at).total_seconds()
        print(f"\ntakeover: first run by the standby {takeover:.2f}s after kill -9 "
              f"(lease {LEASE}s, renewed every {RENEW}s, job every {EVERY}s)")
        # Not before the dead holder's lease ran out (renewed at most RENEW before the kill) ...
        assert takeover >= LEASE - RENEW
        # ... and soon after: expiry, one standby attempt, one interval, some slack for a busy machine.
        assert takeover <= LEASE + RENEW + EVERY + 1.5

        _wait_for(lambda: len(survivor_ran()) >= 2, 5, "the standby kept running the job", logs)
        runs = _runs(engine)
        assert {holder for holder, _, _ in runs} == {winner_id, first[0]}
        # A run the dead scheduler left open (if the kill hit one) was closed by the one that took over.
        assert [r for r in runs if r[0] == winner_id and r[1] == "running"] == []
        # (the standby's latest run may still be going when this is read)
        assert all(outcome in ("success", "running") for holder, outcome, _ in runs if holder != winner_id), runs

        # A clean stop gives the lease up at once.
        survivor.send_signal(signal.SIGTERM)
        assert survivor.wait(10) == 0
        with engine.connect() as conn:
            expires_at = conn.execute(text("SELECT expires_at FROM scheduler_leases")).scalar_one()
        assert _as_time(str(expires_at)) <= clock()
    finally:
        for process, out in started:
            if process.poll() is None:
                process.kill()
                process.wait(5)
            out.close()
        engine.dispose()


def _as_time(value: str):
    from datetime import datetime

    return datetime.fromisoformat(value)
