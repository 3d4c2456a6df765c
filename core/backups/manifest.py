"""A backup's manifest (manifest.json): what it holds, to check it and to restore it.

::

    {"format": 1, "name": "govsites-20261201-020000", "created_at": "2026-12-01T02:00:00",
     "finished_at": "…", "schema_revision": "0026",
     "database": {"kind": "sqlite", "file": "database.sqlite3.gz", "raw_bytes": …, …},
     "sizes": {"database_bytes": …, "uploads_bytes": …, "upload_files": …, "total_bytes": …},
     "tables": {"articles": {"rows": 1234, "sha256": "…"}, …},
     "sites": {"3": {"articles": {"rows": 120, "sha256": "…"}, …}, …}, "site_slugs": {"3": "rsj", …},
     "files": {"database.sqlite3.gz": {"size": …, "sha256": "…"}, "uploads/site-3/….pdf": {…}, …}}

Checksums are those of core.backups.checksums (rows) and SHA-256 of each
file's bytes. `compare` lists the differences between the manifest and what a
verify found, as data the console words (core.backups.labels).
"""
from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

from core.backups.errors import BackupError
from core.backups.layout import MANIFEST

#: The manifest's format; a newer one is refused with a clear message.
FORMAT = 1


def build(*, name: str, started: datetime, finished: datetime, found: dict, files: dict[str, dict]) -> dict:
    """The manifest of a backup from its snapshot's figures (`found`) and its files' entries."""
    database = found["database"]
    database_bytes = files[database["file"]]["size"]
    uploads = {k: v for k, v in files.items() if k != database["file"]}
    return {
        "format": FORMAT, "name": name,
        "created_at": started.isoformat(timespec="seconds"), "finished_at": finished.isoformat(timespec="seconds"),
        "schema_revision": found["schema_revision"], "database": database,
        "sizes": {"database_bytes": database_bytes, "uploads_bytes": sum(v["size"] for v in uploads.values()),
                  "upload_files": len(uploads), "total_bytes": sum(v["size"] for v in files.values())},
        "tables": found["tables"], "sites": found["sites"], "site_slugs": found["site_slugs"],
        "files": files,
    }


def write(folder: Path, manifest: dict) -> None:
    """Write manifest.json into `folder` (aside, then renamed: a manifest is never half-written)."""
    partial = folder / f".{MANIFEST}.part"
    with partial.open("w", encoding="utf-8") as handle:
        json.dump(manifest, handle, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, folder / MANIFEST)


def read(folder: Path) -> dict:
    """The manifest of the backup in `folder`.

    :raises BackupError: "manifest" when it is missing or not JSON, "format" when newer than this code reads.
    """
    try:
        manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
        found = manifest["format"]
        manifest["tables"], manifest["files"], manifest["database"]  # noqa: B018 (present)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BackupError("manifest", path=str(folder / MANIFEST), detail=str(error)[:300]) from error
    if not isinstance(found, int) or found > FORMAT:
        raise BackupError("format", found=found, known=FORMAT)
    return manifest


def compare(manifest: dict, found: dict) -> list[dict]:
    """The differences between the manifest's row counts and checksums and those `found` in a restored copy.

    :returns: ``[{"what": "table_missing"|"table_extra"|"table_rows"|"table_content"|"site_rows"|"site_content",
        "table": …, "site": slug, "expected": n, "found": n}, …]`` (empty: every table and site matches).
    """
    problems: list[dict] = []
    expected_tables, found_tables = manifest["tables"], found["tables"]
    for table in sorted(set(expected_tables) | set(found_tables)):
        want, got = expected_tables.get(table), found_tables.get(table)
        if got is None:
            problems.append({"what": "table_missing", "table": table})
        elif want is None:
            problems.append({"what": "table_extra", "table": table})
        elif want["rows"] != got["rows"]:
            problems.append({"what": "table_rows", "table": table, "expected": want["rows"], "found": got["rows"]})
        elif want["sha256"] != got["sha256"]:
            problems.append({"what": "table_content", "table": table})
    slugs = {**found.get("site_slugs", {}), **manifest.get("site_slugs", {})}
    expected_sites, found_sites = manifest.get("sites", {}), found.get("sites", {})
    for site in sorted(set(expected_sites) | set(found_sites), key=lambda s: int(s) if s.isdigit() else 0):
        want_site, got_site = expected_sites.get(site, {}), found_sites.get(site, {})
        for table in sorted(set(want_site) | set(got_site)):
            want, got = want_site.get(table), got_site.get(table)
            rows = (want or {}).get("rows", 0), (got or {}).get("rows", 0)
            entry = {"site": slugs.get(site, site), "table": table}
            if rows[0] != rows[1]:
                problems.append({"what": "site_rows", **entry, "expected": rows[0], "found": rows[1]})
            elif want["sha256"] != got["sha256"]:
                problems.append({"what": "site_content", **entry})
    return problems
