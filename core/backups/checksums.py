"""Row counts and content checksums of every table, per table and per site, the same on SQLite and PostgreSQL.

A table's checksum is the SHA-256 of its rows, ordered by primary key, each
row written as one line of canonical text: the JSON list of its values in
column order (columns by name), where NULL is null, a boolean true/false, an
integer its digits, a date or time its ISO form (``2026-12-01 02:00:00.000000``),
bytes ``{"b": hex}``, anything else its text. The values come through
SQLAlchemy's types (reflected from the database itself, so a backup of an
older schema is read as it is), which is what makes a boolean stored as 0/1 by
SQLite and as true/false by PostgreSQL the same line. Strings in a primary key
are ordered byte by byte (SQLite's BINARY, PostgreSQL's "C" collation), so the
order does not depend on the server's locale.

A site's checksum of a table is the same over the rows with its tenant_id.
The backup computes these on its own snapshot (the SQLite copy, or the
PostgreSQL snapshot pg_dump reads), verify on the database restored from the
backup; equal figures mean every row came back as it was.

`site_checksums` folds a site's figures into one digest per site (its rows in
every table with a tenant_id, and its uploaded files under ``site-<id>/``), for
a backup drill (deploy/drill.py) to say "every site came back as it was at the
backup's moment" site by site; `fold_sites` does the same from a manifest.
"""
from __future__ import annotations

import hashlib
import json
import re
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import MetaData, String, Table, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import InvalidRequestError

from core.backups.layout import UPLOADS
from core.backups.uploads import file_entries
from jobs import progress
from tenants.scoping import crosses_tenants

#: Rows fetched at a time (a server-side cursor on PostgreSQL).
BATCH = 5000


def canonical(value: Any) -> Any:
    """A value as it is written into the row's line (see the module's docstring)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="microseconds")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"b": bytes(value).hex()}
    return str(value)


def row_line(row) -> bytes:
    return (json.dumps([canonical(v) for v in row], ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def _order(table: Table, dialect: str) -> list:
    """ORDER BY the primary key (every column when there is none), strings byte by byte, NULLs first."""
    columns = list(table.primary_key.columns) or sorted(table.columns, key=lambda c: c.name)
    order = []
    for column in columns:
        expression = column.collate("C") if dialect == "postgresql" and isinstance(column.type, String) else column
        order.append(expression.asc().nulls_first())
    return order


def reflect(connection: Connection) -> list[Table]:
    """Every table of the database, as it is there (not as the code's models say), by name."""
    metadata = MetaData()
    metadata.reflect(bind=connection)
    return sorted(metadata.tables.values(), key=lambda t: t.name)


@crosses_tenants("a full backup counts and checksums every site's rows together, read only, to prove a restore")
def table_checksums(connection: Connection) -> dict:
    """Count and checksum every table, and every site's rows in the tables with a tenant_id.

    Reads through `connection` (its transaction decides the snapshot read); writes nothing.

    :returns: ``{"tables": {name: {"rows": n, "sha256": hex}}, "sites": {tenant_id: {name: {…}}},
        "site_slugs": {tenant_id: slug}}`` with tenant ids as strings (JSON keys); a site appears under a
        table only when it has rows there.
    """
    dialect = connection.dialect.name
    tables_out: dict[str, dict] = {}
    sites_out: dict[str, dict[str, dict]] = {}
    tables = reflect(connection)
    for table in progress.track(tables, label=_l("Counting and checksumming the tables")):
        columns = sorted(table.columns, key=lambda c: c.name)
        tenant_index = next((i for i, c in enumerate(columns) if c.name == "tenant_id"), None)
        whole = hashlib.sha256()
        per_site: dict[str, Any] = {}
        counts: dict[str, int] = {}
        rows = 0
        result = connection.execution_options(stream_results=True, yield_per=BATCH).execute(
            select(*columns).order_by(*_order(table, dialect)))
        for row in result:
            line = row_line(row)
            whole.update(line)
            rows += 1
            if tenant_index is not None and row[tenant_index] is not None:
                key = str(row[tenant_index])
                site = per_site.get(key)
                if site is None:
                    site = per_site[key] = hashlib.sha256()
                    counts[key] = 0
                site.update(line)
                counts[key] += 1
        tables_out[table.name] = {"rows": rows, "sha256": whole.hexdigest()}
        for key, digest in per_site.items():
            sites_out.setdefault(key, {})[table.name] = {"rows": counts[key], "sha256": digest.hexdigest()}
    slugs = {}
    if "tenants" in {t.name for t in tables}:
        tenants = next(t for t in tables if t.name == "tenants")
        if "slug" in tenants.columns:
            slugs = {str(i): s for i, s in connection.execute(select(tenants.c.id, tenants.c.slug))}
    return {"tables": tables_out, "sites": sites_out, "site_slugs": slugs}


#: What pg_export_snapshot() returns ("00000003-0000001B-1"): checked before it is written into the statement.
SNAPSHOT_ID = re.compile(r"^[0-9A-Fa-f]+-[0-9A-Fa-f]+(-[0-9]+)?$")
#: An upload's key in a manifest's files: ``uploads/site-<tenant id>/<path>``.
SITE_FILE = re.compile(rf"^{UPLOADS}/site-(\d+)/")


def import_snapshot(connection: Connection, snapshot: str) -> None:
    """Make `connection`'s next transaction read the PostgreSQL snapshot another transaction exported.

    The snapshot is importable only while the transaction that exported it (``pg_export_snapshot()``) is open;
    once imported, it lasts as long as this transaction, so the reading may take its time.

    :param snapshot: the id pg_export_snapshot() returned.
    :raises ValueError: when `connection` is not PostgreSQL, already in a transaction, or the id is malformed.
    :raises sqlalchemy.exc.DBAPIError: when the server refuses the snapshot (its exporter has ended).
    """
    if connection.dialect.name != "postgresql":
        raise ValueError("only PostgreSQL exports snapshots")
    if connection.in_transaction():
        raise ValueError("the snapshot must be the first thing a transaction does")
    if not SNAPSHOT_ID.match(snapshot):
        raise ValueError(f"not a snapshot id: {snapshot!r}")
    connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    connection.exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{snapshot}'")


def fold_sites(checksums: dict, files: dict[str, dict] | None = None) -> dict[str, dict]:
    """One digest per site from per-site table figures (`table_checksums`' answer, or a backup's manifest).

    A site's row digest is the SHA-256 of one line per table it has rows in, by table name:
    ``<table> <rows> <sha256>``; its file digest the same over its uploads (`files` entries whose key is
    ``uploads/site-<id>/…``, by key): ``<key> <size> <sha256>``; its digest the SHA-256 of the two. Two
    databases (and upload folders) give a site the same digest exactly when every one of its rows (and
    files) is the same.

    :param checksums: ``{"sites": {tenant_id: {table: {"rows", "sha256"}}}, "site_slugs": {…}}``.
    :param files: ``{key: {"size", "sha256"}}`` (a manifest's "files", or `uploads.file_entries`), or None
        to leave files out (then every site's file digest is that of no files).
    :returns: ``{tenant_id: {"slug", "rows", "tables", "files", "rows_sha256", "files_sha256", "sha256"}}``,
        tenant ids as strings.
    """
    by_site: dict[str, dict[str, dict]] = {}
    for key, entry in (files or {}).items():
        found = SITE_FILE.match(key)
        if found:
            by_site.setdefault(found.group(1), {})[key] = entry
    slugs = checksums.get("site_slugs", {})
    sites = checksums.get("sites", {})
    folded = {}
    for site in sorted(set(sites) | set(by_site), key=lambda s: (len(s), s)):
        tables, uploads = sites.get(site, {}), by_site.get(site, {})
        rows = hashlib.sha256()
        for name in sorted(tables):
            rows.update(f"{name} {tables[name]['rows']} {tables[name]['sha256']}\n".encode())
        kept = hashlib.sha256()
        for key in sorted(uploads):
            kept.update(f"{key} {uploads[key]['size']} {uploads[key]['sha256']}\n".encode())
        folded[site] = {"slug": slugs.get(site, site), "rows": sum(t["rows"] for t in tables.values()),
                        "tables": len(tables), "files": len(uploads), "rows_sha256": rows.hexdigest(),
                        "files_sha256": kept.hexdigest(),
                        "sha256": hashlib.sha256(f"{rows.hexdigest()} {kept.hexdigest()}".encode()).hexdigest()}
    return folded


def site_checksums(connection: Connection, snapshot: str | None = None, *, upload_folder: Path | None = None,
                   files: dict[str, dict] | None = None) -> dict[str, dict]:
    """Count and checksum every site's rows (and uploaded files) into one digest per site (`fold_sites`).

    :param snapshot: a PostgreSQL snapshot id to read in (`import_snapshot`: `connection` must not be in a
        transaction yet); None reads through the connection's own transaction.
    :param upload_folder: an UPLOAD_FOLDER whose ``site-<id>/`` files are hashed into each site's digest
        (read now: files are not in any database snapshot); None leaves files out, unless `files` is given.
    :param files: a backup's list of files (its manifest's "files") to fold in instead of a folder's.
    :returns: ``{tenant_id: {"slug", "rows", "tables", "files", "rows_sha256", "files_sha256", "sha256"}}``.
    """
    if snapshot is not None:
        import_snapshot(connection, snapshot)
    if upload_folder is not None:
        files = file_entries(upload_folder)
    return fold_sites(table_checksums(connection), files)


def total_rows(checksums: dict) -> int:
    return sum(entry["rows"] for entry in checksums["tables"].values())


def schema_revision(connection: Connection) -> str:
    """The Alembic revision the database is at ("" when it has none)."""
    tables = {t.name: t for t in reflect_only(connection, "alembic_version")}
    if "alembic_version" not in tables:
        return ""
    return connection.execute(select(func.min(tables["alembic_version"].c.version_num))).scalar() or ""


def reflect_only(connection: Connection, name: str) -> list[Table]:
    metadata = MetaData()
    try:
        metadata.reflect(bind=connection, only=[name])
    except InvalidRequestError:  # the table is not there
        return []
    return list(metadata.tables.values())
