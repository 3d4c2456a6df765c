"""`flask backup create | list | verify [NAME]`: recorded runs of the jobs, in English, with exit statuses."""
from __future__ import annotations

from sqlalchemy import select

from core.backups.models import Backup
from core.extensions import db
from jobs.models import JobRun
from tests.backups.conftest import put_upload


def test_create_list_and_verify_from_the_shell(app, folders, runner):
    put_upload(folders, "site-1/" + "a" * 32 + ".pdf", b"%PDF-1.4 " * 10)
    result = runner.invoke(args=["backup", "create"])
    assert result.exit_code == 0, result.output
    assert "backups.nightly: success" in result.output and "1 uploaded files" in result.output
    with app.app_context():
        backup = db.session.execute(select(Backup)).scalar_one()
        run = db.session.execute(select(JobRun)).scalar_one()
        assert (backup.trigger, backup.status, run.job_id, run.holder) == ("hand", "good", "backups.nightly", "manual")
        name = backup.name
        db.session.remove()
    listed = runner.invoke(args=["backup", "list"])
    assert listed.exit_code == 0 and name in listed.output and "Complete" in listed.output
    assert "Not verified yet" in listed.output
    verified = runner.invoke(args=["backup", "verify", name])
    assert verified.exit_code == 0, verified.output
    assert f"backup {name} verified: 0 differences" in verified.output

    (folders.backups / name / "uploads" / "site-1" / ("a" * 32 + ".pdf")).write_bytes(b"changed")
    damaged = runner.invoke(args=["backup", "verify", name])
    assert damaged.exit_code == 1
    assert f"The file uploads/site-1/{'a' * 32}.pdf is 7 bytes instead of 90 (cut short or grown)." in damaged.output
    listed = runner.invoke(args=["backup", "list"])
    assert "Verify found differences" in listed.output


def test_a_failed_create_says_why_and_exits_1(app, folders, runner, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    app.config["BACKUP_FOLDER"] = str(blocker / "backups")
    result = runner.invoke(args=["backup", "create"])
    assert result.exit_code == 1
    assert f"The folder {blocker / 'backups'} cannot be created or written: Not a directory." in result.output
