"""One digest per site (rows and uploads): equal on a restored copy, changed for the changed site only.

On PostgreSQL also: a snapshot another transaction exported reads the rows as they were when it was exported,
and a backup's snapshot, read by an observer, gives the figures the backup's manifest holds (what
deploy/drill.py compares against).
"""
from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from core.backups import engines, runner
from core.backups.checksums import fold_sites, import_snapshot, site_checksums
from core.backups.layout import MANIFEST
from core.backups.uploads import file_entries
from core.extensions import db
from tests.backups.conftest import NOW, is_postgres, put_upload


def _sites(app, **kwargs) -> dict:
    with app.app_context():
        with db.engine.connect() as connection:
            found = site_checksums(connection, **kwargs)
        db.session.remove()
    return found


def _change_title(app, article_id: int, title: str) -> None:
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE articles SET title = :t WHERE id = :id"), {"t": title, "id": article_id})
        db.session.remove()


def test_equal_on_a_restored_copy_and_changed_for_the_changed_site_only(app, two_sites, folders):
    rsj, czj, articles = two_sites
    put_upload(folders, f"site-{rsj.id}/{'a' * 32}.pdf", b"%PDF-1.4 rsj")
    before = _sites(app, upload_folder=folders.uploads)
    rsj_id, czj_id = str(rsj.id), str(czj.id)
    assert before[rsj_id]["slug"] == "rsj" and before[rsj_id]["files"] == 1 and before[czj_id]["files"] == 0
    assert before[rsj_id]["sha256"] != before[czj_id]["sha256"] and before[rsj_id]["rows"] > 0
    # a backup, restored into a scratch copy: every site the same, rows and files; the manifest folds the same
    with app.app_context():
        name = runner.backup(NOW)["name"]
        folder = folders.backups / name
        manifest = json.loads((folder / MANIFEST).read_text())
        database = engines.for_current_app()
        with database.scratch(folder / manifest["database"]["file"], folders.backups) as engine:
            with engine.connect() as connection:
                copy = site_checksums(connection, upload_folder=folder / "uploads")
        db.session.remove()
    from_manifest = fold_sites(manifest, manifest["files"])
    for site in (rsj_id, czj_id):  # the backup's own record (a platform row) is not a site's
        assert copy[site] == from_manifest[site]
        assert copy[site]["rows_sha256"] == before[site]["rows_sha256"]
    assert copy[rsj_id]["files_sha256"] == before[rsj_id]["files_sha256"]
    # one site's row changed: that site's digest only
    _change_title(app, articles["rsj"][0], "changed")
    after = _sites(app, upload_folder=folders.uploads)
    assert after[rsj_id]["rows_sha256"] != before[rsj_id]["rows_sha256"]
    assert after[rsj_id]["rows"] == before[rsj_id]["rows"]  # the same count: the content tells
    assert after[czj_id] == before[czj_id]
    # one site's file added: that site's file digest only
    put_upload(folders, f"site-{czj.id}/{'b' * 32}.pdf", b"%PDF-1.4 czj")
    later = _sites(app, upload_folder=folders.uploads)
    assert later[czj_id]["files_sha256"] != after[czj_id]["files_sha256"] and later[czj_id]["files"] == 1
    assert later[czj_id]["rows_sha256"] == after[czj_id]["rows_sha256"] and later[rsj_id] == after[rsj_id]


def test_files_from_a_folder_or_a_list_and_left_out_when_neither_is_given(app, two_sites, folders):
    rsj, _czj, _articles = two_sites
    put_upload(folders, f"site-{rsj.id}/{'a' * 32}.pdf", b"%PDF-1.4 rsj")
    site = str(rsj.id)
    without = _sites(app)
    assert without[site]["files"] == 0
    read = _sites(app, upload_folder=folders.uploads)
    assert _sites(app, files=file_entries(folders.uploads)) == read  # the digest over both, not only the part
    assert read[site]["sha256"] != without[site]["sha256"] and read[site]["rows_sha256"] == without[site]["rows_sha256"]


@pytest.mark.postgres
def test_an_imported_snapshot_reads_the_moment_it_was_exported(app, two_sites):
    if not is_postgres(app):
        pytest.skip("PostgreSQL only")
    rsj, czj, articles = two_sites
    before = _sites(app)
    with app.app_context():
        with db.engine.connect() as exporter, db.engine.connect() as reader:
            exporter.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            snapshot = exporter.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
            _change_title(app, articles["czj"][0], "changed after the snapshot")
            import_snapshot(reader, snapshot)
            exporter.rollback()  # imported: the reader keeps the snapshot on its own
            in_snapshot = site_checksums(reader)
            reader.rollback()
        db.session.remove()
    assert in_snapshot == before
    assert _sites(app)[str(czj.id)] != before[str(czj.id)] and _sites(app)[str(rsj.id)] == before[str(rsj.id)]


@pytest.mark.postgres
def test_an_observer_reads_the_backups_snapshot_as_its_manifest_records(app, two_sites, folders, monkeypatch):
    if not is_postgres(app):
        pytest.skip("PostgreSQL only")
    rsj, czj, articles = two_sites
    seen = {}

    def observer(snapshot: str) -> None:
        reader = db.engine.connect()
        import_snapshot(reader, snapshot)
        seen["reader"] = reader
        _change_title(app, articles["rsj"][1], "written while the backup runs")  # after its moment

    monkeypatch.setattr(engines, "SNAPSHOT_OBSERVERS", [observer])
    with app.app_context():
        name = runner.backup(NOW)["name"]
        reader = seen["reader"]
        try:
            in_snapshot = site_checksums(reader)
        finally:
            reader.rollback()
            reader.close()
        db.session.remove()
    manifest = json.loads((folders.backups / name / MANIFEST).read_text())
    assert in_snapshot == fold_sites(manifest)
    now = _sites(app)
    assert now[str(rsj.id)] != in_snapshot[str(rsj.id)] and now[str(czj.id)] == in_snapshot[str(czj.id)]


def test_a_snapshot_id_is_checked_before_it_is_used():
    class Postgres:
        class dialect:
            name = "postgresql"

        @staticmethod
        def in_transaction():
            return False

    with pytest.raises(ValueError):
        import_snapshot(Postgres(), "1'; DROP TABLE tenants; --")
