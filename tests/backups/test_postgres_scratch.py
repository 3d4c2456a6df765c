"""A verify on PostgreSQL restores into a scratch database: an account that may not create one gets the reason in
words (and the grant), and the scratch database is dropped even with a connection left open to it."""
from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from core.backups import runner
from core.backups.engines import PostgresDatabase
from core.backups.errors import BackupError
from core.backups.layout import MANIFEST
from core.extensions import db
from tests.backups.conftest import NOW, alerts, is_postgres

pytestmark = pytest.mark.postgres


def _server(app):
    """An AUTOCOMMIT engine of the suite's own (superuser) account, for roles and the list of databases."""
    with app.app_context():
        return create_engine(db.engine.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)


def _databases(server, like: str) -> list[str]:
    with server.connect() as connection:
        return list(connection.execute(text("SELECT datname FROM pg_database WHERE datname LIKE :like"),
                                       {"like": like}).scalars())


@pytest.fixture
def account_without_createdb(app):
    """A login role of its own that may not create databases (as a production account usually is); dropped after."""
    if not is_postgres(app):
        pytest.skip("PostgreSQL only")
    server = _server(app)
    role = f"govsites_nocreatedb_{secrets.token_hex(3)}"
    with server.connect() as connection:
        connection.execute(text(f'CREATE ROLE "{role}" LOGIN NOCREATEDB NOSUPERUSER'))
    try:
        yield role
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        server.dispose()


def _backup(app) -> str:
    with app.app_context():
        name = runner.backup(NOW)["name"]
        db.session.remove()
    return name


def test_a_verify_by_an_account_without_createdb_says_so_in_words_and_alerts(app, folders, platform_admin,
                                                                             account_without_createdb, monkeypatch):
    name = _backup(app)
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    # The deployment's database URL names the account without CREATEDB: the verify connects as it.
    monkeypatch.setitem(app.config, "SQLALCHEMY_DATABASE_URI",
                        url.set(username=account_without_createdb, password=None).render_as_string(False))
    with app.app_context():
        with pytest.raises(BackupError) as refused:
            runner.verify(NOW + timedelta(hours=2))
        db.session.remove()
        with force_locale("en"):
            words = refused.value.words()
    assert refused.value.code == "pg_no_createdb"
    assert words == (
        f"The database account {account_without_createdb} may not create databases, and a verify restores the "
        "backup into a scratch database that this account creates and drops. Grant it CREATEDB (as a superuser: "
        f"ALTER ROLE {account_without_createdb} CREATEDB); the database {url.database} itself is not touched.")
    [alert] = alerts(app)
    assert alert.subject == f"The verify of the backup {name} could not run"
    assert f"The database account {account_without_createdb} may not create databases" in alert.body
    assert "ProgrammingError" not in alert.body and "permission denied" not in alert.body
    server = _server(app)
    try:
        assert _databases(server, f"{url.database}_verify_%") == []
    finally:
        server.dispose()


def test_the_scratch_database_is_dropped_with_a_connection_still_open_to_it(app, folders):
    if not is_postgres(app):
        pytest.skip("PostgreSQL only")
    name = _backup(app)
    dump = folders.backups / name / "database.pgdump"
    assert (folders.backups / name / MANIFEST).is_file()
    server = _server(app)
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    with app.app_context():
        database = PostgresDatabase(url)
        with database.scratch(dump, folders.backups) as engine:
            scratch = engine.url.database
            leftover = create_engine(engine.url, poolclass=NullPool).connect()  # left open, as a crash would
            assert leftover.execute(select(1)).scalar() == 1
            assert _databases(server, scratch) == [scratch]
    try:
        assert _databases(server, scratch) == []  # its connection ended, then dropped (no DROP … WITH (FORCE))
    finally:
        leftover.invalidate()
        server.dispose()
