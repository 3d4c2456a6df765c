"""Migrations build the whole schema from an empty database, on SQLite and PostgreSQL."""
from __future__ import annotations

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from core import create_app
from core.config import normalise_database_url
from core.database import include_object
from core.extensions import db


def _upgrade_and_compare(url: str, tmp_path) -> None:
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x", "UPLOAD_FOLDER": str(tmp_path)})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            assert {"tenants", "tenant_domains", "sections", "mandatory_sections", "articles", "attachments",
                    "registry_versions", "alembic_version"} <= tables
            version = conn.execute(text("SELECT version FROM registry_versions WHERE name = 'sites'")).scalar()
            assert version == 0
            # The models and the migrations describe the same schema.
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True,
                                                                          "include_object": include_object}),
                                    db.metadata)
            assert diff == []
        db.session.remove()
        db.engine.dispose()


def test_sqlite_empty_database_upgrades_to_head(tmp_path):
    _upgrade_and_compare(f"sqlite:///{tmp_path / 'fresh.sqlite3'}", tmp_path)


def _postgres_server_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("POSTGRES_URL")
    if url and url.startswith("postgres"):
        return url
    return None


def test_postgresql_empty_database_upgrades_to_head(tmp_path):
    server = _postgres_server_url()
    if server is None:
        pytest.skip("no PostgreSQL given (TEST_DATABASE_URL or POSTGRES_URL); .ci/run gives one")
    admin_url = make_url(normalise_database_url(server)).set(database="postgres")
    name = f"govsites_migrate_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        _upgrade_and_compare(admin_url.set(database=name).render_as_string(hide_password=False), tmp_path)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()
