"""Snapshots: taken monthly by the job (once a month) and on demand, immutable (the application refuses, and so does
the database's trigger), kept as history."""
from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import func, select, text

from core.audit.models import AuditEntry
from core.evaluation.models import EvaluationSnapshot
from core.evaluation.operations import take_snapshot
from core.evaluation.snapshots import SnapshotIsImmutable, history
from core.extensions import db
from jobs.runs import run_job
from tenants.scoping import activate_tenant
from tests.evaluation.planting import NOW, plant


def _snapshot(app, site, moment=NOW) -> int:
    with app.app_context(), activate_tenant(site.id):
        found = take_snapshot(moment=moment, trigger="monthly")
        db.session.commit()
        snapshot_id = found.id
        db.session.remove()
        return snapshot_id


def test_a_snapshot_keeps_the_evaluation_and_its_audit_entry(app, create_site):
    site = create_site("snap")
    plant(app, site)
    snapshot_id = _snapshot(app, site)
    with app.app_context(), activate_tenant(site.id):
        found = db.session.get(EvaluationSnapshot, snapshot_id)
        data = json.loads(found.results)
        assert (found.grade, found.score, found.vetoes) == ("excellent", 100.0, 0)
        assert {r["key"] for r in data["results"]} >= {"homepage", "forged_dates", "news_cadence"}
        entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "evaluation.snapshot")).scalar_one()
        assert json.loads(entry.detail)["grade"] == "excellent"


def test_the_application_refuses_to_change_or_delete_a_snapshot(app, create_site):
    site = create_site("snap")
    plant(app, site)
    snapshot_id = _snapshot(app, site)
    with app.app_context(), activate_tenant(site.id):
        found = db.session.get(EvaluationSnapshot, snapshot_id)
        found.score = 12.0
        with pytest.raises(SnapshotIsImmutable):
            db.session.flush()
        db.session.rollback()
        found = db.session.get(EvaluationSnapshot, snapshot_id)
        db.session.delete(found)
        with pytest.raises(SnapshotIsImmutable):
            db.session.flush()
        db.session.rollback()
        assert db.session.get(EvaluationSnapshot, snapshot_id).score == 100.0


@pytest.mark.parametrize("statement", ["UPDATE evaluation_snapshots SET score = 12, grade = 'excellent'",
                                       "DELETE FROM evaluation_snapshots"])
def test_the_database_refuses_too(app, create_site, statement):
    site = create_site("snap")
    plant(app, site)
    _snapshot(app, site)
    with app.app_context():
        with pytest.raises(Exception, match="cannot be changed or deleted"):
            with db.engine.begin() as conn:
                conn.execute(text(statement))
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*), max(score) FROM evaluation_snapshots")).one() == (1, 100.0)


def test_the_monthly_job_takes_one_snapshot_per_site_per_month(app, create_site):
    sites = [create_site("one"), create_site("two")]
    for site in sites:
        plant(app, site)
    with app.app_context():
        first = run_job("evaluation.monthly", now=datetime(2026, 3, 1, 5, 0))
        again = run_job("evaluation.monthly", now=datetime(2026, 3, 1, 6, 0))
        later = run_job("evaluation.monthly", now=datetime(2026, 4, 1, 5, 0))
        assert (first.outcome, again.outcome, later.outcome) == ("success", "success", "success")
        assert db.session.execute(select(func.count()).select_from(EvaluationSnapshot)
                                  .execution_options(all_tenants=True)).scalar_one() == 4
        with activate_tenant(sites[0].id):
            months = [s.as_of for s in history()]
        assert months == [datetime(2026, 3, 1, 5, 0), datetime(2026, 4, 1, 5, 0)]


def test_the_job_is_worded_in_chinese(app):
    from core.evaluation import jobs as evaluation_jobs
    from jobs.registry import JOBS

    assert evaluation_jobs.monthly and "evaluation.monthly" in JOBS
    assert str(JOBS["evaluation.monthly"].trigger) == "cron 0 5 1 * *"
