"""Database engine set-up that both SQLite and PostgreSQL need."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Enforce foreign keys and let readers and the writer work side by side."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def init_app(app: Flask) -> None:
    """Nothing to wire: models are found through the modules (`core.import_models`)."""


#: Tables a database trigger guards against changes (the audit log is append-only, evaluation snapshots are
#: immutable): table name -> (create_sql, drop_sql), each ``fn(table, dialect) -> [statements]``. Filled by the
#: modules that install them (`register_guard` from their init_app), so that the one operation allowed to remove a
#: site's rows wholesale (core.backups.archive_sites.delete_site) can lift each guard for its own transaction.
GUARDED_TABLES: dict[str, tuple] = {}


def register_guard(table: str, create_sql, drop_sql) -> None:
    """Declare that `table` carries triggers made by `create_sql(table, dialect)` and removed by `drop_sql`."""
    GUARDED_TABLES[table] = (create_sql, drop_sql)


#: Tables a migration makes beside a mapped one that the ORM does not map (the search's full-text index): their
#: names, which also name the shadow tables SQLite's FTS5 makes for them (``search_index_data``, ...). Comparing the
#: models with the database (`flask db migrate`, tests/test_migrations.py) leaves them out.
UNMAPPED_TABLES: set[str] = set()


def register_unmapped(*names: str) -> None:
    """Declare tables made by migrations and read without the ORM (called where the module defines them)."""
    UNMAPPED_TABLES.update(names)


def is_unmapped(name: str) -> bool:
    """Whether table `name` is one of the unmapped tables or a shadow table SQLite made for one."""
    return any(name == t or name.startswith(f"{t}_") for t in UNMAPPED_TABLES)


def include_object(_obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's filter: everything but the unmapped tables (and what belongs to them)."""
    if type_ == "table" and reflected and compare_to is None:
        return not is_unmapped(name)
    return True
