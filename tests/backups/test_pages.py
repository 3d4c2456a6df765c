"""The console's backup page: what it shows, its two buttons (administrators press, evaluators only read)."""
from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from core.backups.models import Backup, BackupRequest
from core.backups.queries import backup_age, newest_good_backup
from core.extensions import db
from core.timeutil import now
from jobs.lease import acquire_lease
from jobs.models import JobRun
from jobs.runs import run_job
from tests.backups.conftest import NOW
from tests.fixtures.accounts import post_form

PAGE = "/platform/backups"


def _add(app, name: str, **fields) -> None:
    with app.app_context():
        values = {"kind": "sqlite", "trigger": "schedule", "started_at": NOW, "finished_at": NOW + timedelta(minutes=3),
                  "status": "good", "size_bytes": 12_345_678, "database_bytes": 2_345_678, "uploads_bytes": 10_000_000,
                  "upload_files": 42, "tables": 49, "rows": 9876, **fields}
        db.session.add(Backup(name=name, **values))
        db.session.commit()
        db.session.remove()


def _requests(app) -> list[tuple[str, object]]:
    with app.app_context():
        found = [(r.action, r.started_at) for r in db.session.execute(select(BackupRequest)).scalars()]
        db.session.remove()
        return found


def test_the_page_lists_backups_with_size_verification_and_copy(app, folders, admin):
    _add(app, "govsites-20261127-020000", verify_result="passed", verified_at=NOW + timedelta(hours=2),
         copy_state="copied", copy_path="/mnt/offsite/govsites-20261127-020000")
    _add(app, "govsites-20261126-020000", started_at=NOW - timedelta(days=1), verify_result="failed",
         verify_problems=json.dumps({"count": 2, "problems": [
             {"what": "table_rows", "table": "articles", "expected": 5, "found": 4},
             {"what": "file_changed", "file": "uploads/site-3/abc.pdf"}]}))
    _add(app, "govsites-20261125-020000", started_at=NOW - timedelta(days=2), status="failed", size_bytes=0,
         failure=json.dumps({"code": "pg_client_mismatch", "params": {
             "program": "/usr/bin/pg_dump", "client": "14.11", "server": "16.4", "server_major": "16"}}))
    admin.set_language("en")
    html = admin.get(PAGE).get_data(as_text=True)
    assert "12.3 MB" in html and "42 uploaded files" in html
    assert "Verified: everything matches" in html and "/mnt/offsite/govsites-20261127-020000" in html
    assert "The table articles has 4 rows instead of 5." in html
    assert "The file uploads/site-3/abc.pdf has changed" in html
    assert "The PostgreSQL client /usr/bin/pg_dump is version 14.11 but the database server is version 16.4" in html
    assert "cannot be downloaded here" in html and "download" not in html.split("cannot be downloaded here")[1]
    assert "the newest of each of the last 7 days, 4 weeks and 12 months" in html
    assert "No backup on disk can be trusted" not in html
    # the newest good one is the newest not found damaged; the older failed one is not
    with app.app_context():
        assert newest_good_backup().name == "govsites-20261127-020000"
        assert backup_age(NOW + timedelta(days=2)) == timedelta(days=2)
        db.session.remove()


def test_the_page_warns_when_the_only_recent_backup_failed_its_verify(app, folders, admin):
    _add(app, "govsites-20261127-020000", started_at=now() - timedelta(hours=3), finished_at=now() - timedelta(hours=2),
         verify_result="failed", verify_problems=json.dumps({"count": 1, "problems": [
             {"what": "file_missing", "file": "uploads/site-3/abc.pdf"}]}))
    admin.set_language("en")
    html = admin.get(PAGE).get_data(as_text=True)
    assert "No backup on disk can be trusted: the verify of the newest found differences." in html
    assert "The file uploads/site-3/abc.pdf is missing." in html


def test_the_page_warns_when_no_backup_is_recent_and_no_scheduler_runs(app, folders, admin):
    admin.set_language("en")
    html = admin.get(PAGE).get_data(as_text=True)
    assert "No backup has finished successfully yet." in html
    assert "No scheduler is running" in html
    _add(app, "govsites-20200101-020000", started_at=now() - timedelta(days=3),
         finished_at=now() - timedelta(days=3))
    html = admin.get(PAGE).get_data(as_text=True)
    assert "No backup has finished successfully for more than 26 hours" in html


def test_the_administrator_asks_for_a_backup_and_the_scheduler_runs_it(app, folders, admin):
    with app.app_context():
        acquire_lease("host:1:abcd", now=now(), seconds=60)
        db.session.commit()
        db.session.remove()
    admin.set_language("en")
    response = post_form(admin, f"{PAGE}/back-up-now", {}, form_path=PAGE)
    assert response.status_code == 302 and response.headers["Location"] == PAGE
    post_form(admin, f"{PAGE}/back-up-now", {}, form_path=PAGE)  # pressed twice: one request
    post_form(admin, f"{PAGE}/verify-now", {}, form_path=PAGE)
    assert [action for action, started in _requests(app)] == ["backup", "verify"]
    html = admin.get(PAGE).get_data(as_text=True)
    assert "a backup, waiting for the scheduler" in html and 'http-equiv="refresh"' in html
    with app.app_context():
        run = run_job("backups.requested", now=NOW)
        assert run.outcome == "success", run.error
        ran = {r.job_id: r.outcome for r in db.session.execute(select(JobRun)).scalars()}
        backup = db.session.execute(select(Backup)).scalar_one()
        db.session.remove()
    assert ran == {"backups.requested": "success", "backups.nightly": "success", "backups.verify": "success"}
    assert (backup.trigger, backup.status, backup.verify_result) == ("console", "good", "passed")
    assert all(started is not None for _, started in _requests(app))
    html = admin.get(PAGE).get_data(as_text=True)
    assert "“Back up now” on the console" in html and "Back up the platform" in html


def test_the_evaluator_reads_the_page_and_cannot_press_the_buttons(app, folders, evaluator):
    _add(app, "govsites-20261127-020000")
    html = evaluator.get(PAGE).get_data(as_text=True)
    assert "govsites-20261127-020000" in html and 'action="/platform/' not in html
    for path in (f"{PAGE}/back-up-now", f"{PAGE}/verify-now"):
        assert post_form(evaluator, path, {}, form_path=PAGE).status_code == 403
    assert _requests(app) == []


def test_the_menu_of_the_console_has_the_page(app, admin):
    assert f'href="{PAGE}"' in admin.get("/platform/").get_data(as_text=True)


def test_a_job_run_keeps_its_progress_for_the_page(app, folders, admin):
    with app.app_context():
        runner_result = run_job("backups.nightly", now=NOW)
        assert runner_result.progress_label  # the last stage's label stays on the run
        db.session.remove()
    admin.set_language("en")
    html = admin.get(PAGE).get_data(as_text=True)
    assert "backup govsites-20261127-020000:" in html
