"""Shared fixtures: one migrated database per run, emptied after every test.

The database is SQLite in a temporary folder, or the PostgreSQL database named
by TEST_DATABASE_URL (whose tables are dropped first: give it a scratch database).
"""
from __future__ import annotations

import os

import pytest
from flask_migrate import upgrade
from sqlalchemy import event, text

import core
from core import create_app
from core.extensions import db
from tests.fixtures.database import empty_database

pytest_plugins = ["tests.fixtures.sites", "tests.fixtures.accounts", "tests.fixtures.console", "tests.fixtures.mail",
                  "tests.fixtures.archive", "tests.fixtures.clock"]


#: The apps a test made besides the session's (`create_app` below): their background writers are closed after it.
_second_apps: list = []


def _create_second_app(config: dict | None = None):
    """`core.create_app` as test modules see it (they import it after this file): the app is remembered so that
    its page-view and search-count threads, which an app not under TESTING starts at its first request, stop
    after the test instead of writing into a later test's database."""
    second = create_app(config)
    _second_apps.append(second)
    return second


core.create_app = _create_second_app


def _close_second_apps() -> None:
    while _second_apps:
        second = _second_apps.pop()
        for name in ("govsites.visits", "govsites.search_counts"):
            writer = second.extensions.get(name)
            if writer is not None:
                writer.close()
        with second.app_context():
            db.engine.dispose()  # its pooled connections closed now, not by the garbage collector in a later test


def _worker_database(url: str, worker: str, *, create: bool) -> str:
    """The PostgreSQL database of one pytest-xdist worker beside `url`'s (`<name>_<worker>`): created empty, or
    dropped. Every test that reads TEST_DATABASE_URL then finds its worker's own database."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from core.config import normalise_database_url

    base = make_url(normalise_database_url(url))
    name = f"{base.database}_{worker}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            if create:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def pytest_configure(config):
    # Under pytest-xdist (scripts/test runs two workers), each worker needs a PostgreSQL database of its own.
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ.get("TEST_DATABASE_URL", "")
    if worker and url.startswith("postgres"):
        os.environ["GOVSITES_SUITE_DATABASE_URL"] = url
        os.environ["TEST_DATABASE_URL"] = _worker_database(url, worker, create=True)


def pytest_unconfigure(config):
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ.get("GOVSITES_SUITE_DATABASE_URL", "")
    if worker and url:
        _worker_database(url, worker, create=False)


def pytest_collection_modifyitems(config, items):
    # The browser tests share one live demo city per worker: keep them on one worker (--dist loadgroup).
    for item in items:
        if item.get_closest_marker("browser") or "/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.xdist_group("browser"))
    # The cluster tests start nginx and two app hosts (minutes): only when `-m` names them (`-m cluster`).
    if "cluster" not in (config.option.markexpr or ""):
        left_out = [item for item in items if item.get_closest_marker("cluster")]
        if left_out:
            config.hook.pytest_deselected(items=left_out)
            items[:] = [item for item in items if not item.get_closest_marker("cluster")]


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


def _reset_postgres(app) -> None:
    with db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = _database_url(tmp_path_factory)
    app = create_app({
        "TESTING": True,
        "DATABASE_URL": url,
        "SECRET_KEY": "test-secret",
        "PERSONAL_DATA_KEYS": ("aQ6x0m1dN9iGkq3yJmKJkW2m1aXb6h2c3kQpV6yq8sU=",),
        "PERSONAL_DATA_INDEX_KEY": "test-index-key",
        "UPLOAD_FOLDER": str(tmp_path_factory.mktemp("uploads")),
        "BACKUP_FOLDER": str(tmp_path_factory.mktemp("backups")),
        "DEMO_ACCOUNTS_FILE": str(tmp_path_factory.mktemp("demo") / "demo-accounts.csv"),
        "TENANT_CACHE_TTL": 3600.0,
        # Every page reads the content version, so a change on a connection of a test's own is seen at once;
        # tests/web/test_page_cache.py tries the interval production uses.
        "CONTENT_VERSION_SECONDS": 0.0,
        "WTF_CSRF_ENABLED": True,
        "RATELIMIT_ENABLED": False,
        # Cheap hashes: the suite hashes hundreds of passwords; production keeps the defaults.
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_KIB": 1024,
        "ARGON2_PARALLELISM": 1,  # one lane: four threads a hash cost more than the hash on two busy cores
        "SITE_ARCHIVE_KDF_COST": 10,  # a site archive's passphrase key: cheap here too
    })
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            _reset_postgres(app)
        upgrade()
        db.session.remove()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()  # close pooled connections now, not in a finaliser


@pytest.fixture(autouse=True)
def _empty_database(app):
    """Every test starts from an empty, migrated database and a cold host map."""
    yield
    _close_second_apps()
    counter = app.extensions.get("govsites.search_counts")
    if counter is not None and counter.pending():
        counter.drain()  # the searches the test made, written before everything is emptied
    empty_database(app)


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class QueryCounter:
    """Counts the SQL statements the app sends while it is active."""

    def __init__(self, engine):
        self.engine = engine
        self.statements: list[str] = []

    def _record(self, _conn, _cursor, statement, *_args):
        self.statements.append(statement)

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *_exc):
        event.remove(self.engine, "before_cursor_execute", self._record)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    with app.app_context():
        engine = db.engine
    return lambda: QueryCounter(engine)
