"""Database triggers that make the audit tables append-only, on SQLite and PostgreSQL.

The migrations install them (0003: a row's UPDATE or DELETE refused; 0033 on
PostgreSQL: TRUNCATE refused too, which row triggers do not see). The ORM guard
in `core.audit.log` refuses changes earlier, with a clearer error; the triggers
hold even against raw SQL sent on the app's own connection.

What they do not hold against: the tables' owner dropping them. The app's
database role owns the tables it migrates, and the one application path that
removes audit entries uses exactly that (`core.backups.archive_sites.delete_site`:
a site deleted takes its own log with it, inside its transaction, while the
platform's log, which records the deletion, is never touched). A deployment
that wants more runs the migrations as an owner role and the app as a role
granted SELECT and INSERT only on these tables (then deleting a whole site is
refused by the database, by design).
"""
from __future__ import annotations

APPEND_ONLY = ("audit_entries", "platform_audit_entries")

_FUNCTION = """CREATE OR REPLACE FUNCTION govsites_append_only() RETURNS trigger AS $$
               BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql"""


def create_sql(table: str, dialect: str, *, truncate: bool = True) -> list[str]:
    """The statements that guard `table`: its rows' UPDATE and DELETE refused, and on PostgreSQL (`truncate`) a
    TRUNCATE too. Migration 0003 made the row triggers alone (`truncate=False`); 0033 adds the TRUNCATE one."""
    if dialect == "postgresql":
        return [
            _FUNCTION,
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION govsites_append_only()",
            *(truncate_sql(table) if truncate else []),
        ]
    return [
        f"CREATE TRIGGER {table}_no_{verb} BEFORE {verb.upper()} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
        for verb in ("update", "delete")
    ]


def truncate_sql(table: str) -> list[str]:
    """PostgreSQL only: refuse TRUNCATE on `table` (a statement trigger; SQLite has no TRUNCATE)."""
    return [_FUNCTION, f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION govsites_append_only()"]


def drop_sql(table: str, dialect: str) -> list[str]:
    """Every guard `create_sql` may have made on `table` (those missing are skipped)."""
    if dialect == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
                f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}"]
    return [f"DROP TRIGGER IF EXISTS {table}_no_{verb}" for verb in ("update", "delete")]
