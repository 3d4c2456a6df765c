"""Database triggers that make the audit tables append-only, on SQLite and PostgreSQL.

The migration that creates the tables installs them. The ORM guard in
`core.audit.log` refuses changes earlier, with a clearer error; the
triggers hold even against raw SQL.
"""
from __future__ import annotations

APPEND_ONLY = ("audit_entries", "platform_audit_entries")


def create_sql(table: str, dialect: str) -> list[str]:
    if dialect == "postgresql":
        return [
            """CREATE OR REPLACE FUNCTION govsites_append_only() RETURNS trigger AS $$
               BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql""",
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION govsites_append_only()",
        ]
    return [
        f"CREATE TRIGGER {table}_no_{verb} BEFORE {verb.upper()} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
        for verb in ("update", "delete")
    ]


def drop_sql(table: str, dialect: str) -> list[str]:
    if dialect == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}"]
    return [f"DROP TRIGGER IF EXISTS {table}_no_{verb}" for verb in ("update", "delete")]
