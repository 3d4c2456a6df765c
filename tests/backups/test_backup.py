"""A full backup: its folder and manifest, verify (and what it catches), failures, the second location, alerts."""
from __future__ import annotations

from pathlib import Path

import json
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from core.backups import runner, uploads
from core.backups.errors import BackupError
from core.backups.layout import MANIFEST
from core.backups.models import Backup
from core.content.models import Article
from core.extensions import db
from jobs.runs import run_job
from tests.backups.conftest import NOW, alerts, put_upload
from tenants.scoping import activate_tenant

#: The newest migration, by its file name (core/migrations/versions/NNNN_*.py).
HEAD = max(p.name[:4] for p in
           (Path(__file__).resolve().parents[2] / "core" / "migrations" / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))


def _backup(app, now=NOW, **kwargs) -> dict:
    with app.app_context():
        result = runner.backup(now, **kwargs)
        db.session.remove()
        return result


def _record(app, name: str) -> Backup:
    with app.app_context():
        found = db.session.execute(select(Backup).where(Backup.name == name)).scalar_one()
        db.session.expunge(found)
        db.session.remove()
        return found


def _manifest(folders, name: str) -> dict:
    return json.loads((folders.backups / name / MANIFEST).read_text())


def _verify(app, name: str | None = None, now=NOW + timedelta(hours=2)):
    with app.app_context():
        try:
            return runner.verify(now, name=name)
        finally:
            db.session.remove()


def test_a_backup_holds_the_database_and_the_uploads_with_a_manifest(app, two_sites, folders):
    rsj, czj, articles = two_sites
    put_upload(folders, f"site-{rsj.id}/{'a' * 32}.pdf", b"%PDF-1.4 rsj")
    put_upload(folders, f"site-{czj.id}/{'b' * 32}.pdf", b"%PDF-1.4 czj" * 1000)
    put_upload(folders, f"site-{czj.id}/.{'c' * 32}.pdf.part", b"being written")
    result = _backup(app)
    name = result["name"]
    assert name == "govsites-20261127-020000"
    folder = folders.backups / name
    manifest = _manifest(folders, name)
    assert manifest["format"] == 1 and manifest["schema_revision"] == HEAD
    assert manifest["database"]["kind"] in ("sqlite", "postgresql")
    assert manifest["tables"]["articles"]["rows"] == 4
    # per site: each site's own rows, named by slug
    slugs = manifest["site_slugs"]
    by_slug = {slugs[site]: tables for site, tables in manifest["sites"].items()}
    assert by_slug["rsj"]["articles"]["rows"] == 2 and by_slug["czj"]["articles"]["rows"] == 2
    assert by_slug["rsj"]["articles"]["sha256"] != by_slug["czj"]["articles"]["sha256"]
    # every file with its checksum; the file being written is left out
    assert set(manifest["files"]) == {manifest["database"]["file"], f"uploads/site-{rsj.id}/{'a' * 32}.pdf",
                                      f"uploads/site-{czj.id}/{'b' * 32}.pdf"}
    for key, entry in manifest["files"].items():
        assert uploads.sha256_of(folder / key) == entry["sha256"] and (folder / key).stat().st_size == entry["size"]
    assert not [p for p in folders.backups.iterdir() if p.name.startswith(".partial")]
    record = _record(app, name)
    assert (record.status, record.trigger, record.upload_files) == ("good", "schedule", 2)
    assert record.size_bytes > record.database_bytes > 0 and record.rows == sum(
        t["rows"] for t in manifest["tables"].values())
    # and it restores as it was made
    assert _verify(app) == {"name": name, "differences": 0}
    assert _record(app, name).verify_result == "passed"


def test_an_unchanged_upload_is_linked_to_the_previous_backup_not_copied_again(app, folders):
    put_upload(folders, "site-1/" + "a" * 32 + ".pdf", b"x" * 5000)
    first = _backup(app)["name"]
    put_upload(folders, "site-1/" + "b" * 32 + ".pdf", b"y" * 10)
    second = _backup(app, NOW + timedelta(days=1))["name"]
    key = "uploads/site-1/" + "a" * 32 + ".pdf"
    assert (folders.backups / first / key).stat().st_ino == (folders.backups / second / key).stat().st_ino
    assert set(_manifest(folders, second)["files"]) - set(_manifest(folders, first)["files"]) == {
        "uploads/site-1/" + "b" * 32 + ".pdf"}


@pytest.mark.parametrize("damage", ["flipped", "truncated"])
def test_verify_finds_a_damaged_database_copy_and_alerts(app, two_sites, folders, platform_admin, damage):
    name = _backup(app)["name"]
    manifest = _manifest(folders, name)
    dump = folders.backups / name / manifest["database"]["file"]
    data = bytearray(dump.read_bytes())
    if damage == "flipped":
        for at in range(len(data) // 3, len(data) // 3 + 8):
            data[at] ^= 0xFF
    else:
        data = data[: len(data) // 2]
    dump.write_bytes(bytes(data))
    with pytest.raises(runner.VerifyFoundDifferences):
        _verify(app)
    record = _record(app, name)
    assert record.verify_result == "failed"
    problems = json.loads(record.verify_problems)["problems"]
    whats = {p["what"] for p in problems}
    assert ("file_changed" if damage == "flipped" else "file_size") in whats
    if damage == "flipped" and manifest["database"]["kind"] == "sqlite":  # gzip's check finds it too (pg_restore
        # may not read the part that changed)
        assert "database_unreadable" in whats
    [alert] = [a for a in alerts(app) if "verify" in a.subject]
    assert alert.subject == f"The verify of the backup {name} found differences"
    assert manifest["database"]["file"] in alert.body


def test_verify_finds_a_changed_upload_file_and_names_it(app, folders, platform_admin):
    put_upload(folders, "site-1/" + "a" * 32 + ".pdf", b"%PDF-1.4 original")
    put_upload(folders, "site-1/" + "b" * 32 + ".pdf", b"%PDF-1.4 other")
    name = _backup(app)["name"]
    changed = folders.backups / name / "uploads" / "site-1" / ("a" * 32 + ".pdf")
    changed.write_bytes(b"%PDF-1.4 originaX")  # same size, other bytes
    (folders.backups / name / "uploads" / "site-1" / ("b" * 32 + ".pdf")).unlink()
    with pytest.raises(runner.VerifyFoundDifferences):
        _verify(app)
    problems = json.loads(_record(app, name).verify_problems)["problems"]
    assert {(p["what"], p["file"]) for p in problems} == {("file_changed", "uploads/site-1/" + "a" * 32 + ".pdf"),
                                                          ("file_missing", "uploads/site-1/" + "b" * 32 + ".pdf")}


def test_verify_finds_rows_that_differ_from_the_manifest(app, two_sites, folders, platform_admin):
    """A manifest that promises one more article to rsj: the table and the site are named."""
    rsj = two_sites[0]
    name = _backup(app)["name"]
    path = folders.backups / name / MANIFEST
    manifest = json.loads(path.read_text())
    manifest["tables"]["articles"]["rows"] += 1
    manifest["sites"][str(rsj.id)]["articles"]["rows"] += 1
    path.write_text(json.dumps(manifest))
    with pytest.raises(runner.VerifyFoundDifferences):
        _verify(app, name)
    problems = json.loads(_record(app, name).verify_problems)["problems"]
    assert {"what": "table_rows", "table": "articles", "expected": 5, "found": 4} in problems
    assert {"what": "site_rows", "site": "rsj", "table": "articles", "expected": 3, "found": 2} in problems
    [alert] = [a for a in alerts(app) if "verify" in a.subject]
    assert "in the tables articles" in alert.body
    assert "Site rsj: the table articles has 2 of its rows instead of 3." in alert.body


def test_a_failed_backup_leaves_nothing_behind_and_alerts(app, folders, platform_admin, monkeypatch):
    put_upload(folders, "site-1/" + "a" * 32 + ".pdf", b"data")

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device", str(folders.backups / "x"))

    monkeypatch.setattr(runner, "copy_uploads", disk_full)  # after the database copy was written
    with app.app_context():
        with pytest.raises(OSError):
            runner.backup(NOW)
        db.session.remove()
    assert [p.name for p in folders.backups.iterdir() if not p.name.startswith(".lock")] == []
    record = _record(app, "govsites-20261127-020000")
    assert record.status == "failed" and "No space left on device" in record.failure
    [alert] = alerts(app)
    assert alert.subject == "The backup govsites-20261127-020000 failed"
    assert f"Writing or reading {folders.backups / 'x'} failed: No space left on device." in alert.body


def test_a_failed_job_run_is_recorded_and_alerted_once_by_the_backup_and_once_by_the_run(app, folders, platform_admin,
                                                                                       tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the backup folder should be")
    app.config["BACKUP_FOLDER"] = str(blocker / "backups")
    with app.app_context():
        run = run_job("backups.nightly", now=NOW)
        assert run.outcome == "failure"
        db.session.remove()
    subjects = sorted(a.subject for a in alerts(app))
    assert subjects == ["Job “Back up the platform” failed", "The backup govsites-20261127-020000 failed"]
    [specific] = [a for a in alerts(app) if a.subject.startswith("The backup")]
    assert f"The folder {blocker / 'backups'} cannot be created or written" in specific.body


def test_the_second_location_gets_a_checked_copy(app, two_sites, folders, monkeypatch):
    monkeypatch.setitem(app.config, "BACKUP_COPY_FOLDER", str(folders.copy))
    put_upload(folders, "site-1/" + "a" * 32 + ".pdf", b"%PDF-1.4 " * 100)
    name = _backup(app)["name"]
    record = _record(app, name)
    assert record.copy_state == "copied" and record.copy_path == str(folders.copy / name)
    original, copy = folders.backups / name, folders.copy / name
    for key, entry in _manifest(folders, name)["files"].items():
        assert uploads.sha256_of(copy / key) == entry["sha256"]
        assert (copy / key).stat().st_ino != (original / key).stat().st_ino  # a copy, not a link to the original
    assert (copy / MANIFEST).read_bytes() == (original / MANIFEST).read_bytes()
    with app.app_context():
        assert runner.check_backup(copy) == []  # the copy restores too
    assert not [p for p in folders.copy.iterdir() if p.name.startswith(".")]


def test_a_copy_that_does_not_match_is_removed_and_alerted(app, folders, platform_admin, monkeypatch):
    monkeypatch.setitem(app.config, "BACKUP_COPY_FOLDER", str(folders.copy))
    put_upload(folders, "site-1/" + "a" * 32 + ".pdf", b"%PDF-1.4 " * 100)
    real_copy_tree = runner._copy_tree

    def faulty_volume(source, target, files, previous):
        written = real_copy_tree(source, target, files, previous)
        damaged = target / "uploads" / "site-1" / ("a" * 32 + ".pdf")
        damaged.write_bytes(damaged.read_bytes()[:-1] + b"?")
        return written

    monkeypatch.setattr(runner, "_copy_tree", faulty_volume)
    name = _backup(app)["name"]
    record = _record(app, name)
    assert (record.status, record.copy_state) == ("good", "failed")
    assert list(folders.copy.iterdir()) == [] or [p.name for p in folders.copy.iterdir()] == [".lock"]
    [alert] = alerts(app)
    assert alert.subject == f"The backup {name} was not copied to the second location"
    assert "uploads/site-1/" + "a" * 32 + ".pdf" in alert.body


def test_retention_runs_after_each_backup_in_both_locations(app, folders, monkeypatch):
    monkeypatch.setitem(app.config, "BACKUP_COPY_FOLDER", str(folders.copy))
    for key, value in (("BACKUP_KEEP_DAILY", 2), ("BACKUP_KEEP_WEEKLY", 0), ("BACKUP_KEEP_MONTHLY", 0)):
        monkeypatch.setitem(app.config, key, value)
    names = [_backup(app, NOW + timedelta(days=n))["name"] for n in range(4)]
    assert sorted(p.name for p in folders.backups.iterdir() if p.name.startswith("govsites")) == names[2:]
    assert sorted(p.name for p in folders.copy.iterdir() if p.name.startswith("govsites")) == names[2:]
    assert [(_record(app, n).status, _record(app, n).copy_state) for n in names] == [
        ("removed", "removed"), ("removed", "removed"), ("good", "copied"), ("good", "copied")]


def test_the_newest_verified_backup_outlives_a_newer_one_of_the_same_day(app, folders):
    """Retention keeps one backup a day, but never the last one known to restore."""
    first = _backup(app)["name"]
    _verify(app, first)
    second = _backup(app, NOW + timedelta(hours=13))["name"]  # by hand, the same day: unverified
    assert sorted(p.name for p in folders.backups.iterdir() if p.name.startswith("govsites")) == [first, second]
    _verify(app, second, now=NOW + timedelta(hours=14))
    third = _backup(app, NOW + timedelta(hours=15))["name"]
    assert sorted(p.name for p in folders.backups.iterdir() if p.name.startswith("govsites")) == [second, third]
    assert _record(app, first).status == "removed"


def test_a_backup_is_consistent_while_the_app_writes_in_the_same_process(app, two_sites, folders, create_article_in):
    """The progress written between pages (another connection) does not disturb the copy."""
    with app.app_context():
        run = run_job("backups.nightly", now=NOW)
        assert run.outcome == "success", run.error
        db.session.remove()
    create_article_in(two_sites[0], "news", "备份之后的新闻")
    with app.app_context(), activate_tenant(two_sites[0].id):
        assert db.session.execute(select(func.count()).select_from(Article)).scalar() == 3
    manifest = _manifest(folders, "govsites-20261127-020000")
    assert manifest["tables"]["articles"]["rows"] == 4
    assert _verify(app)["differences"] == 0


def test_no_backup_lately_alerts_once_a_day(app, folders, platform_admin):
    with app.app_context():
        assert runner.check_missing(NOW) is True
        assert runner.check_missing(NOW + timedelta(hours=3)) is True  # again that day: no second alert
        db.session.commit()
    assert [a.subject for a in alerts(app)] == ["No recent backup of the platform"]
    assert "No backup of the platform has finished successfully yet." in alerts(app)[0].body
    _backup(app, NOW + timedelta(hours=4))
    with app.app_context():
        assert runner.check_missing(NOW + timedelta(hours=20)) is False
        assert runner.check_missing(NOW + timedelta(hours=31)) is True  # 27 hours after that backup
        db.session.commit()
    assert len(alerts(app)) == 2 and "since 2026-11-27 06:00" in alerts(app)[1].body


def test_verify_without_any_backup_says_so(app, folders, platform_admin):
    with pytest.raises(BackupError) as refused:
        _verify(app)
    assert refused.value.code == "none_yet"
    assert [a.subject for a in alerts(app)] == ["The verify of the backup — could not run"]


def test_two_backups_at_once_are_refused_with_a_clear_reason(app, folders):
    from core.backups.layout import backup_folder, exclusive

    with app.app_context():
        with exclusive(backup_folder()):
            with pytest.raises(BackupError) as refused:
                runner.backup(NOW)
            assert refused.value.code == "busy"
            with force_locale("en"):
                assert "Another backup, verify or restore is running" in refused.value.words()
        db.session.remove()
