"""The PostgreSQL client programs must be of the server's major version: a clear error names both when not."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.engine import make_url

from core.backups import runner
from core.backups.engines import PostgresDatabase
from core.backups.errors import BackupError
from core.backups.models import Backup
from core.extensions import db
from tests.backups.conftest import NOW, alerts, is_postgres


def _fake_client(folder: Path, name: str, said: str) -> Path:
    """A program that answers --version as `said` and fails at anything else (it must never be run for real)."""
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(f"#!/bin/sh\nif [ \"$1\" = --version ]; then echo '{said}'; exit 0; fi\n"
                    "echo 'fake client: not for use' >&2; exit 3\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def _words(app, error: BackupError) -> str:
    with app.app_context(), force_locale("en"):
        return error.words()


def test_a_client_of_another_major_version_is_refused_naming_both(app, tmp_path, monkeypatch):
    folder = tmp_path / "bin"
    _fake_client(folder, "pg_dump", "pg_dump (PostgreSQL) 14.11 (Debian 14.11-1.pgdg120+2)")
    monkeypatch.setitem(app.config, "BACKUP_PG_BIN_DIR", str(folder))
    database = PostgresDatabase(make_url("postgresql+psycopg://u:secret@db.example/govsites"))
    with app.app_context(), pytest.raises(BackupError) as refused:
        database.program("pg_dump", "16.4 (Debian 16.4-1.pgdg120+1)")
    assert refused.value.code == "pg_client_mismatch"
    assert _words(app, refused.value) == (
        f"The PostgreSQL client {folder / 'pg_dump'} is version 14.11 but the database server is version 16.4 "
        "(Debian 16.4-1.pgdg120+1): they must have the same major version. Install the version 16 client, or set "
        "BACKUP_PG_BIN_DIR to its folder (e.g. /usr/lib/postgresql/16/bin).")
    # the same major version is accepted
    with app.app_context():
        assert database.program("pg_dump", "14.2") == str(folder / "pg_dump")


def test_a_missing_client_is_named_with_where_it_was_looked_for(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "BACKUP_PG_BIN_DIR", str(tmp_path / "empty"))
    database = PostgresDatabase(make_url("postgresql+psycopg://u@db.example/govsites"))
    with app.app_context(), pytest.raises(BackupError) as refused:
        database.program("pg_restore", "15.2")
    assert _words(app, refused.value) == (
        f"The PostgreSQL client program pg_restore was not found (looked in {tmp_path / 'empty'}). Install the "
        "client of the server's version 15.2, or set BACKUP_PG_BIN_DIR to its folder (e.g. "
        "/usr/lib/postgresql/15/bin).")


def test_the_password_goes_in_the_environment_never_on_the_command_line():
    database = PostgresDatabase(make_url("postgresql+psycopg://govsites:s3cret@db.example:6543/city?sslmode=require"))
    env = database.environment()
    assert (env["PGHOST"], env["PGPORT"], env["PGUSER"], env["PGPASSWORD"], env["PGDATABASE"], env["PGSSLMODE"]) == (
        "db.example", "6543", "govsites", "s3cret", "city", "require")
    assert database.environment("city_verify_1")["PGDATABASE"] == "city_verify_1"


@pytest.mark.postgres
def test_a_nightly_backup_with_a_mismatched_pg_dump_fails_clearly_and_alerts(app, folders, platform_admin, tmp_path,
                                                                            monkeypatch):
    if not is_postgres(app):
        pytest.skip("PostgreSQL only")
    with app.app_context():
        server = db.session.execute(select(db.func.current_setting("server_version"))).scalar()
        db.session.remove()
    major = int(server.split(".")[0])
    folder = tmp_path / "bin"
    _fake_client(folder, "pg_dump", f"pg_dump (PostgreSQL) {major - 1}.3")
    monkeypatch.setitem(app.config, "BACKUP_PG_BIN_DIR", str(folder))
    with app.app_context():
        with pytest.raises(BackupError):
            runner.backup(NOW)
        record = db.session.execute(select(Backup)).scalar_one()
        assert record.status == "failed"
        db.session.remove()
    [alert] = alerts(app)
    assert f"is version {major - 1}.3 but the database server is version {server}" in alert.body
    assert [p.name for p in folders.backups.iterdir() if p.name != ".lock"] == []
    assert "PGPASSWORD" not in os.environ  # the client's environment was its own
