"""The database pool survives a restart of the database server (deploy/README.md, "Load and faults")."""
from __future__ import annotations

from flask import Flask

from core.config import load_config


def _config(tmp_path, url: str) -> dict:
    app = Flask(__name__, instance_path=str(tmp_path))
    load_config(app, {"DATABASE_URL": url, "SECRET_KEY": "x"})
    return app.config


def test_connections_to_a_server_are_tested_before_use(tmp_path):
    """pool_pre_ping: a pooled connection that died with a PostgreSQL restart is replaced when a request takes it,
    not handed to the request (a 500 each, until the worker restarted). SQLite has no server to lose."""
    server = _config(tmp_path, "postgresql://nobody@127.0.0.1:1/none")
    assert server["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True
    assert "pool_pre_ping" not in _config(tmp_path, "sqlite://").get("SQLALCHEMY_ENGINE_OPTIONS", {})
