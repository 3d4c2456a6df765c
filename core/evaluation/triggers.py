"""Database triggers that make the evaluation's snapshots immutable, on SQLite and PostgreSQL.

The migration that creates the table installs them; the ORM guard in `core.evaluation.snapshots` refuses a change
earlier, with a clearer error. The triggers hold even against raw SQL (only TRUNCATE, which the test suite uses to
empty the database, passes them).
"""
from __future__ import annotations

IMMUTABLE = ("evaluation_snapshots",)
MESSAGE = "an evaluation snapshot cannot be changed or deleted"


def create_sql(table: str, dialect: str) -> list[str]:
    if dialect == "postgresql":
        return [
            f"""CREATE OR REPLACE FUNCTION govsites_snapshot_immutable() RETURNS trigger AS $$
               BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql""",
            f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION govsites_snapshot_immutable()",
        ]
    return [
        f"CREATE TRIGGER {table}_no_{verb} BEFORE {verb.upper()} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        for verb in ("update", "delete")
    ]


def drop_sql(table: str, dialect: str) -> list[str]:
    if dialect == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}"]
    return [f"DROP TRIGGER IF EXISTS {table}_no_{verb}" for verb in ("update", "delete")]
