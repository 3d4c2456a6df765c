"""A scratch database for one benchmark run: a SQLite file in its directory, or a new PostgreSQL database.

Shared by bench/run.py and bench/submissions.py, so that both build their demo city the same way on either
database and never touch a database they did not create: on PostgreSQL a database of a random name is created
beside the server's maintenance database, and dropped (WITH (FORCE): a worker left connected does not keep it).
"""
from __future__ import annotations

import re
import secrets
from pathlib import Path

#: The local server's maintenance database: a benchmark's own database is created next to it.
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"
KINDS = ("sqlite", "postgresql")


class ScratchDatabase:
    """A database of `kind` ("sqlite" or "postgresql") that exists until `drop()`.

    `directory`: where the SQLite file goes. `pg_url`: a PostgreSQL server's maintenance database (the new
    database is named `prefix` + 8 random hex digits, on that server). `url` is what the app's
    GOVSITES_DATABASE_URL takes.
    """

    def __init__(self, kind: str, directory: Path, *, pg_url: str = DEFAULT_PG, prefix: str = "bench_"):
        if kind not in KINDS:
            raise ValueError(f"unknown database kind {kind!r}: one of {KINDS}")
        self.kind = kind
        self.pg_admin: str | None = None
        self.name = ""
        if kind == "postgresql":
            self.pg_admin = pg_url
            self.name = f"{prefix}{secrets.token_hex(4)}"
            self._admin(f'CREATE DATABASE "{self.name}"')
            self.url = re.sub(r"/[^/]*$", f"/{self.name}", pg_url)
        else:
            self.url = f"sqlite:///{directory / 'govsites.sqlite3'}"

    @classmethod
    def existing(cls, url: str) -> "ScratchDatabase":
        """A database built earlier (by a run with --keep): used as it is, never dropped."""
        database = cls.__new__(cls)
        database.kind = "postgresql" if url.startswith(("postgres://", "postgresql")) else "sqlite"
        database.pg_admin, database.name, database.url = None, "", url
        return database

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.pg_admin, autocommit=True) as con:
            con.execute(statement)

    def drop(self) -> None:
        """Drop the PostgreSQL database (a SQLite file goes with its directory); safe to call twice."""
        if self.pg_admin and self.name:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            self.name = ""

    def engine(self):
        """A new SQLAlchemy engine on it (the caller disposes of it)."""
        from sqlalchemy import create_engine

        from core.config import normalise_database_url

        return create_engine(normalise_database_url(self.url))

    def rows(self, sql: str, **params) -> list:
        """The rows of one statement (`:name` parameters), on a connection of its own."""
        from sqlalchemy import text

        engine = self.engine()
        try:
            with engine.connect() as con:
                return list(con.execute(text(sql), params))
        finally:
            engine.dispose()

    def scalar(self, sql: str, **params):
        """The first column of the first row of one statement (None: no row)."""
        found = self.rows(sql, **params)
        return found[0][0] if found else None
