"""Fixtures for jobs: a fixed clock, jobs declared for one test, a look at the recorded runs."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from core.extensions import db
from jobs.models import JobRun
from jobs.registry import JOBS, load_jobs

#: The fixed clock every job test runs at (naive city time, as stored).
NOW = datetime(2026, 11, 27, 10, 0, 0)


@pytest.fixture
def declare_job():
    """Declare jobs with `@scheduled` for one test only; the registry is put back afterwards."""
    load_jobs()
    before = dict(JOBS)
    yield
    JOBS.clear()
    JOBS.update(before)


def runs(app, **where) -> list[JobRun]:
    """The recorded runs, oldest first, detached from the session."""
    with app.app_context():
        query = select(JobRun).filter_by(**where).order_by(JobRun.id)
        found = list(db.session.execute(query).scalars())
        for run in found:
            db.session.expunge(run)
        db.session.remove()
        return found


@pytest.fixture
def evaluator(signed_in):
    """A client on the platform host, signed in as an evaluator (reads everything, changes nothing)."""
    client, _ = signed_in("admin.localhost", "zhao.evaluator", platform_role="evaluator", totp=True)
    return client


@pytest.fixture
def admin(signed_in):
    """A client on the platform host, signed in as a platform administrator (two-step login on)."""
    client, _ = signed_in("admin.localhost", "chen.admin", platform_role="platform_admin", totp=True)
    return client


def add_run(app, job_id: str, outcome: str, *, started_at: datetime = NOW, summary: str = "", error: str = "",
            holder: str = "host:1:abcd") -> int:
    """Record a finished run directly, for pages that list runs."""
    from datetime import timedelta

    with app.app_context():
        run = JobRun(job_id=job_id, outcome=outcome, started_at=started_at, summary=summary, error=error,
                     holder=holder, finished_at=started_at + timedelta(seconds=2))
        db.session.add(run)
        db.session.commit()
        run_id = run.id
        db.session.remove()
        return run_id
