"""Fixtures for full backups: folders of one test's own, a clock, the alerts, an app on a database of its own.

The archive's tests compare a site's upload folder file by file: each test starts with the upload folder empty
(the database's ids start again after every test, so a site made here may get the id of a site of an earlier
test, whose folder would otherwise still hold that test's files).
"""
from __future__ import annotations

import os
import secrets
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from core import create_app
from core.backups import runner
from core.config import normalise_database_url
from core.extensions import db
from core.inbox.models import InboxMessage

@pytest.fixture(autouse=True)
def _empty_upload_folder(app):
    folder = Path(app.config["UPLOAD_FOLDER"])
    for child in folder.iterdir() if folder.is_dir() else ():
        shutil.rmtree(child) if child.is_dir() else child.unlink()
    yield


#: The fixed clock of these tests (naive city time).
NOW = datetime(2026, 11, 27, 2, 0, 0)


@dataclass
class Folders:
    backups: Path
    uploads: Path
    copy: Path


@pytest.fixture
def folders(app, tmp_path, monkeypatch) -> Folders:
    """The app's backup and upload folders in this test's own temporary folder (no second location)."""
    found = Folders(tmp_path / "backups", tmp_path / "uploads", tmp_path / "copy")
    found.uploads.mkdir()
    monkeypatch.setitem(app.config, "BACKUP_FOLDER", str(found.backups))
    monkeypatch.setitem(app.config, "BACKUP_COPY_FOLDER", "")
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(found.uploads))
    monkeypatch.setattr(runner, "LOCK_WAIT_SECONDS", 0.0)
    return found


def put_upload(folders: Folders, rel: str, data: bytes) -> Path:
    path = folders.uploads / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def is_postgres(app) -> bool:
    with app.app_context():
        return db.engine.dialect.name == "postgresql"


def alerts(app) -> list[InboxMessage]:
    """Every alert in the inboxes, oldest first, detached."""
    with app.app_context():
        found = list(db.session.execute(select(InboxMessage).where(InboxMessage.kind == "alert")
                                        .order_by(InboxMessage.id)).scalars())
        for message in found:
            db.session.expunge(message)
        db.session.remove()
        return found


@pytest.fixture
def platform_admin(app, create_account):
    """A platform administrator who gets the alerts, reading in English."""
    from core.auth.models import User

    account = create_account("chen.admin", platform_role="platform_admin", totp=True)
    with app.app_context():
        db.session.get(User, account.id).language = "en"
        db.session.commit()
        db.session.remove()
    return account


@contextmanager
def own_app(kind: str, tmp_path: Path):
    """An app on a database of its own, migrated: a SQLite file, or a scratch PostgreSQL database (dropped after).

    For the tests that restore over the database: the suite's own stays untouched.
    """
    if kind == "sqlite":
        url, drop = f"sqlite:///{tmp_path / 'own.sqlite3'}", None
    else:
        server = os.environ.get("TEST_DATABASE_URL", "")
        if not server.startswith("postgres"):
            pytest.skip("PostgreSQL only when TEST_DATABASE_URL names one")
        base = make_url(normalise_database_url(server))
        name = f"{base.database}_t_{secrets.token_hex(4)}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = base.set(database=name).render_as_string(hide_password=False)

        def drop():
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    (tmp_path / "uploads").mkdir(exist_ok=True)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x", "UPLOAD_FOLDER": str(tmp_path / "uploads"),
                      "BACKUP_FOLDER": str(tmp_path / "backups"), "BACKUP_COPY_FOLDER": "",
                      "PERSONAL_DATA_KEYS": ("aQ6x0m1dN9iGkq3yJmKJkW2m1aXb6h2c3kQpV6yq8sU=",),
                      "PERSONAL_DATA_INDEX_KEY": "test-index-key", "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 1024,
                      "ARGON2_PARALLELISM": 1})
    try:
        with app.app_context():
            upgrade()
            db.session.remove()
        yield app, url
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if drop is not None:
            drop()


@pytest.fixture
def admin(signed_in):
    client, _ = signed_in("admin.localhost", "chen.admin", platform_role="platform_admin", totp=True)
    return client


@pytest.fixture
def evaluator(signed_in):
    client, _ = signed_in("admin.localhost", "zhao.evaluator", platform_role="evaluator", totp=True)
    return client
