"""A long run shows how far it has got: on its JobRun row while it runs (read by the console), and on the terminal."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.extensions import db
from jobs import every, progress, scheduled
from jobs.models import JobRun
from jobs.runs import run_job
from tests.jobs.conftest import NOW, add_run, runs


def _seen_from_outside(app, run_id: int):
    """The run's progress as another connection reads it (what the console's page would show now)."""
    with db.engine.connect() as connection:
        row = connection.execute(select(JobRun.progress_label, JobRun.progress_done, JobRun.progress_total,
                                        JobRun.progress_unit).where(JobRun.id == run_id)).one()
    return tuple(row)


def test_a_run_writes_its_stage_and_counts_while_it_runs(app, declare_job, monkeypatch):
    monkeypatch.setattr(progress, "WRITE_EVERY", 0)
    seen = []

    @scheduled(id="test.long", trigger=every(minutes=1))
    def long_job(now):
        run_id = db.session.execute(select(JobRun.id).where(JobRun.job_id == "test.long")).scalar_one()
        for _item in progress.track(["a", "b", "c"], label=_l("Copying the tables")):
            seen.append(_seen_from_outside(app, run_id))
        with progress.phase(_l("Copying the uploaded files"), total=4096, unit="bytes") as bar:
            bar.advance(1024)
            seen.append(_seen_from_outside(app, run_id))

    with app.app_context():
        run_job("test.long", now=NOW)
    # The body of item n runs before n is counted: 0, 1, 2 of 3 done as it goes.
    assert seen == [("Copying the tables", 0, 3, "items"), ("Copying the tables", 1, 3, "items"),
                    ("Copying the tables", 2, 3, "items"), ("Copying the uploaded files", 1024, 4096, "bytes")]
    [run] = runs(app)
    assert (run.outcome, run.progress_done, run.progress_total) == ("success", 1024, 4096)


def test_outside_a_run_tracking_is_only_the_loop(app):
    with app.app_context():
        assert list(progress.track(iter([1, 2]), label=_l("Copying the tables"))) == [1, 2]
        assert runs(app) == []


def test_the_runs_page_draws_a_running_jobs_bar_in_the_readers_language(app, admin):
    run_id = add_run(app, "backups.nightly", "running")
    with app.app_context():
        db.session.execute(db.update(JobRun).where(JobRun.id == run_id).values(
            finished_at=None, progress_label="Copying the tables", progress_done=3, progress_total=12))
        db.session.commit()
        db.session.remove()
    page = admin.get("/platform/jobs", headers={"Cookie": "lang=en"}).get_data(as_text=True)
    assert 'max="12" value="3"' in page and "(25%)" in page and 'http-equiv="refresh"' in page
