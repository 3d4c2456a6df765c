"""The words of backups: states, reasons a run failed, differences a verify found, in the reader's language.

What is stored is data (codes and figures, core.backups.errors and .manifest);
these turn it into sentences when a page is drawn or an alert is written.
"""
from __future__ import annotations

import json

from flask_babel import lazy_gettext as _l, lazy_pgettext

from core.i18n import is_english

STATUS = {"running": lazy_pgettext("backup", "Running"), "good": lazy_pgettext("backup", "Complete"),
          "failed": lazy_pgettext("backup", "Failed"), "removed": lazy_pgettext("backup", "Deleted by retention")}
TRIGGER = {"schedule": _l("Nightly schedule"), "hand": _l("By hand on the server"),
           "console": _l("“Back up now” on the console")}
VERIFY = {"": _l("Not verified yet"), "passed": _l("Verified: everything matches"),
          "failed": _l("Verify found differences")}
COPY = {"": _l("No second location"), "copied": _l("Copied and checked"), "failed": _l("Copy failed"),
        "removed": _l("Copy deleted by retention")}
KIND = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}

#: Why a backup, verify, copy or restore could not go on: BackupError codes.
FAILURES = {
    "pg_client_missing": _l("The PostgreSQL client program %(program)s was not found (looked in %(where)s). Install "
                            "the client of the server's version %(server)s, or set BACKUP_PG_BIN_DIR to its folder "
                            "(e.g. /usr/lib/postgresql/%(server_major)s/bin)."),
    "pg_client_mismatch": _l("The PostgreSQL client %(program)s is version %(client)s but the database server is "
                             "version %(server)s: they must have the same major version. Install the version "
                             "%(server_major)s client, or set BACKUP_PG_BIN_DIR to its folder (e.g. "
                             "/usr/lib/postgresql/%(server_major)s/bin)."),
    "pg_tool_failed": _l("The PostgreSQL program %(program)s stopped with an error: %(detail)s"),
    "pg_no_createdb": _l("The database account %(user)s may not create databases, and a verify restores the "
                         "backup into a scratch database that this account creates and drops. Grant it CREATEDB (as "
                         "a superuser: ALTER ROLE %(user)s CREATEDB); the database %(database)s itself is not "
                         "touched."),
    "pg_scratch_failed": _l("The verify's scratch database %(name)s could not be created: %(detail)s"),
    "pg_scratch_not_dropped": _l("The verify's scratch database %(name)s could not be dropped (%(detail)s). Drop it "
                                 "by hand: DROP DATABASE \"%(name)s\""),
    "sqlite_memory": _l("The database is an in-memory SQLite database: there is no file to back up."),
    "sqlite_missing": _l("The SQLite database file %(path)s does not exist."),
    "unsupported": _l("Backups of a %(kind)s database are not supported; only SQLite and PostgreSQL."),
    "folder": _l("The folder %(path)s cannot be created or written: %(detail)s"),
    "disk": _l("Writing or reading %(path)s failed: %(detail)s"),
    "busy": _l("Another backup, verify or restore is running on this server (it holds the lock %(path)s). Try "
               "again when it has finished."),
    "database_unreadable": _l("The database in the backup cannot be read back: %(detail)s"),
    "manifest": _l("The backup's manifest %(path)s cannot be read: %(detail)s"),
    "format": _l("The backup's manifest has format %(found)s; this version of govsites reads format %(known)s."),
    "copy_mismatch": _l("The copy in the second location differs from the backup (%(files)s): it was deleted."),
    "not_found": _l("There is no backup named %(name)s in %(path)s."),
    "none_yet": _l("There is no complete backup in %(path)s yet."),
    "newer_schema": _l("This backup was made by a newer version of govsites: its database is at schema revision "
                       "%(revision)s, which this code does not know (the newest it knows is %(head)s). Restore it "
                       "with the version that made it, or a later one."),
    "other_kind": _l("This backup holds a %(backup)s database, but the configured database is %(configured)s. A "
                     "full backup goes back into the same kind of database."),
    "damaged": _l("The backup is damaged: %(files)s. Nothing was replaced; restore another backup."),
    "content_differs": _l("The database restored from the backup differs from its manifest (%(tables)s). Nothing "
                          "was replaced; restore another backup."),
    "restored_differs": _l("The database was restored, but it differs from the backup's manifest (%(tables)s). "
                           "Check the restore's messages; restore the backup again or another one."),
    "scheduler_running": _l("A scheduler is running (%(holder)s holds the lease until %(until)s). Stop the "
                            "scheduler and the web server before restoring."),
    "interrupted": _l("The run was interrupted: the process running it stopped before it finished."),
    "unexpected": _l("An unexpected error: %(detail)s"),
}

#: What a verify found: manifest.compare and uploads.check_files differences.
PROBLEMS = {
    "file_missing": _l("The file %(file)s is missing."),
    "file_size": _l("The file %(file)s is %(found)s bytes instead of %(expected)s (cut short or grown)."),
    "file_changed": _l("The file %(file)s has changed: its SHA-256 checksum is not the one in the manifest."),
    "file_extra": _l("The file %(file)s is in the backup but not in its manifest."),
    "database_unreadable": _l("The database in the backup cannot be read back: %(detail)s"),
    "table_missing": _l("The table %(table)s is missing."),
    "table_extra": _l("The table %(table)s is not in the manifest."),
    "table_rows": _l("The table %(table)s has %(found)s rows instead of %(expected)s."),
    "table_content": _l("The rows of the table %(table)s have changed: the same number, another checksum."),
    "site_rows": _l("Site %(site)s: the table %(table)s has %(found)s of its rows instead of %(expected)s."),
    "site_content": _l("Site %(site)s: its rows of the table %(table)s have changed."),
}
#: How many differences a verify keeps (the first ones; the count says how many there were).
KEEP_PROBLEMS = 200


def failure_words(stored: str) -> str:
    """A stored failure ({"code", "params"} JSON) as a sentence in the current locale ("" for none), ending with
    its full stop (a system's message such as "No space left on device" has none)."""
    if not stored:
        return ""
    try:
        data = json.loads(stored)
        words = str(FAILURES[data["code"]]) % data.get("params", {})
    except (ValueError, KeyError, TypeError):
        words = str(FAILURES["unexpected"]) % {"detail": stored[:300]}
    return _sentence(words)


def _sentence(words: str) -> str:
    words = words.rstrip()
    if words.endswith((".", "。", "!", "！", "?", "？")):
        return words
    return words + ("." if is_english() else "。")


def problem_words(problem: dict) -> str:
    """One difference a verify found, as a sentence in the current locale."""
    template = PROBLEMS.get(problem.get("what", ""))
    if template is None:
        return str(FAILURES["unexpected"]) % {"detail": json.dumps(problem, ensure_ascii=False)[:300]}
    try:
        return _sentence(str(template) % problem)
    except (KeyError, TypeError, ValueError):
        return str(template)


def stored_problems(stored: str) -> tuple[list[dict], int]:
    """The differences kept on a Backup row and how many there were in all."""
    if not stored:
        return [], 0
    try:
        data = json.loads(stored)
        return data["problems"], data["count"]
    except (ValueError, KeyError, TypeError):
        return [], 0


def where_differences(problems: list[dict]) -> tuple[list[str], list[str]]:
    """The tables and the files the differences are in (for an alert's one line), each sorted."""
    tables = sorted({p["table"] for p in problems if "table" in p})
    files = sorted({p["file"] for p in problems if "file" in p})
    return tables, files
