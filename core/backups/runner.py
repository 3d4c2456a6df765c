"""Running a full backup, a verify and a restore: the work on disk, the record between its steps, the alerts.

These are what the jobs (core.backups.jobs) and `flask backup` call. They
commit after each step, so the console shows a backup as running while it
runs and a failure is on record even though the run's own transaction is
rolled back. The backup folder's lock keeps two of them from running at once
on one folder (a nightly backup waits for a requested one to finish).
"""
from __future__ import annotations

import os
import time
from contextvars import ContextVar
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.engine import make_url

from core.backups import alerts, engines, layout, manifest as manifests, operations, retention
from core.backups.checksums import table_checksums
from core.backups.errors import BackupError, unexpected
from core.backups.queries import backup_named, last_success, newest_good_backup, newest_verified_backup
from core.backups.uploads import check_files, copy_uploads, restore_uploads, sha256_of
from core.extensions import db
from jobs import progress
from jobs.lease import current_lease

#: Who starts the backup the nightly job makes: "schedule", or `flask backup create` ("hand"), or the console.
TRIGGER: ContextVar[str] = ContextVar("govsites_backup_trigger", default="schedule")
#: The backup a verify checks (`flask backup verify NAME`); None: the newest.
TARGET: ContextVar[str | None] = ContextVar("govsites_backup_target", default=None)
#: How long a backup or verify waits for another to finish before it gives up.
LOCK_WAIT_SECONDS = 3 * 3600.0


class VerifyFoundDifferences(Exception):
    """Raised after a verify that found differences was recorded and alerted: the run shows as failed."""


def _later(now: datetime, began: float) -> datetime:
    """`now` (the run's start) plus the time measured since `began` (time.monotonic())."""
    return now + timedelta(seconds=time.monotonic() - began)


def _kind() -> str:
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()


# --- backup -----------------------------------------------------------------------------------------------


def backup(now: datetime, *, trigger: str | None = None) -> dict:
    """Make a full backup now, copy it to the second location, apply retention in both; return its figures.

    :param now: the run's start, naive city time (the backup's name and record).
    :returns: ``{"name", "size", "tables", "rows", "files", "removed"}`` (size in words such as "12.3 MB").
    :raises BackupError: (after recording the failure and alerting the platform administrators).
    """
    began = time.monotonic()
    folder = Path(current_app.config["BACKUP_FOLDER"])
    name = layout.new_name(now, folder)
    record = operations.start_backup(name=name, kind=_kind(), trigger=trigger or TRIGGER.get(), now=now)
    db.session.commit()
    try:
        folder = layout.backup_folder()
        lock = locked(folder)
        lock.__enter__()
    except Exception as error:
        _backup_failed(record, folder, error, now, began)
        raise
    try:
        try:
            layout.remove_partials(folder)
            manifest, size = _write_backup(folder, name, now, began)
        except Exception as error:
            _backup_failed(record, folder, error, now, began)
            raise
        operations.finish_backup(record, manifest, size_bytes=size, now=_later(now, began))
        db.session.commit()
        copy_to_second_location(record, folder / name, manifest)
        operations.reconcile_records(folder, now=_later(now, began), copy_folder=second_or_none())
        removed = apply_retention(now)
        db.session.commit()
    finally:
        lock.__exit__(None, None, None)
    return {"name": name, "size": size_words(size), "tables": len(manifest["tables"]), "rows": record.rows,
            "files": manifest["sizes"]["upload_files"], "removed": len(removed)}


def _backup_failed(record, folder: Path, error: Exception, now: datetime, began: float) -> None:
    """Record why the backup failed, remove what it wrote, alert the platform administrators."""
    failure = unexpected(error)
    layout.remove(folder / f"{layout.PARTIAL}{record.name}")
    db.session.rollback()
    operations.fail_backup(record, failure, now=_later(now, began))
    db.session.commit()
    alerts.backup_failed(record.name, failure.as_json())
    db.session.commit()


def second_or_none() -> Path | None:
    try:
        return layout.copy_folder()
    except BackupError:
        return None


def _write_backup(folder: Path, name: str, now: datetime, began: float) -> tuple[dict, int]:
    """The backup's folder, written as .partial-<name> and renamed when whole; returns (manifest, bytes)."""
    database = engines.for_current_app()
    partial = folder / f"{layout.PARTIAL}{name}"
    partial.mkdir(mode=0o700)
    found = database.snapshot(partial)
    dump = partial / database.dump_name
    with progress.phase(_l("Checksumming the database copy"), total=dump.stat().st_size, unit="bytes") as bar:
        files = {database.dump_name: {"size": dump.stat().st_size, "sha256": sha256_of(dump, bar)}}
    files.update(copy_uploads(Path(current_app.config["UPLOAD_FOLDER"]), partial, _previous(folder)))
    manifest = manifests.build(name=name, started=now, finished=_later(now, began), found=found, files=files)
    manifests.write(partial, manifest)
    _sync_folder(partial)
    os.replace(partial, folder / name)
    _sync_folder(folder)
    return manifest, layout.folder_size(folder / name)


def _previous(folder: Path) -> tuple[Path, dict] | None:
    """The newest whole backup in `folder` and its files (to link unchanged uploads to), or None."""
    for name in reversed(layout.complete_backups(folder)):
        try:
            return folder / name, manifests.read(folder / name)["files"]
        except BackupError:
            continue
    return None


def _sync_folder(path: Path) -> None:
    """Make a rename in `path` durable (a crash after it leaves the backup under its name, whole)."""
    try:
        handle = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


class locked:
    """The backup folder's lock for a block, waiting up to LOCK_WAIT_SECONDS (`wait`) for another run."""

    def __init__(self, folder: Path, wait: float | None = None):
        self.folder, self.wait = folder, LOCK_WAIT_SECONDS if wait is None else wait
        self._held = None

    def __enter__(self):
        deadline = time.monotonic() + self.wait
        while True:
            held = layout.exclusive(self.folder)
            try:
                held.__enter__()
            except BackupError:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(min(5.0, max(0.1, deadline - time.monotonic())))
                continue
            self._held = held
            return self

    def __exit__(self, *exc):
        return self._held.__exit__(*exc)


def size_words(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if size < 1000 or unit == "TB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1000
    return str(size)


# --- the second location ----------------------------------------------------------------------------------


def copy_to_second_location(record, source: Path, manifest: dict) -> None:
    """Copy a new backup into BACKUP_COPY_FOLDER: aside, checked against the manifest, then renamed.

    Files equal to those of the newest earlier copy there (same path, size and SHA-256) are hard-linked to
    it, so the second location grows by what is new; every file written this time is read back and its
    SHA-256 compared with the manifest before the copy gets the backup's name. A failure is recorded on the
    backup and alerted; the backup itself stays good.
    """
    try:
        target_root = layout.copy_folder()
    except BackupError as error:
        _copy_failed(record, error)
        return
    if target_root is None:
        return
    partial = target_root / f"{layout.PARTIAL}{source.name}"
    try:
        layout.remove_partials(target_root)  # ours of this run, and any a crashed run left (we hold the lock)
        previous = _previous(target_root)
        written = _copy_tree(source, partial, manifest["files"], previous)
        problems = check_files(partial, {k: manifest["files"][k] for k in written},
                               label=_l("Checking the copy in the second location"))
        problems = [p for p in problems if p["what"] != "file_extra"]  # the linked ones are not re-read
        if manifests.read(partial)["files"] != manifest["files"]:
            problems.append({"what": "file_changed", "file": layout.MANIFEST})
        if problems:
            raise BackupError("copy_mismatch", files=", ".join(p["file"] for p in problems[:10]))
        os.replace(partial, target_root / source.name)
        _sync_folder(target_root)
    except Exception as error:  # noqa: BLE001 (any failure of the copy is recorded and alerted, never raised)
        layout.remove(partial)
        db.session.rollback()
        _copy_failed(record, unexpected(error))
        return
    operations.record_copy(record, state="copied", path=str(target_root / source.name))
    db.session.commit()


def _copy_failed(record, error: BackupError) -> None:
    operations.record_copy(record, state="failed", error=error)
    db.session.commit()
    alerts.copy_failed(record.name, error.as_json())
    db.session.commit()


def _copy_tree(source: Path, target: Path, files: dict[str, dict], previous) -> list[str]:
    """Copy the backup's files (and its manifest) into `target`; return the keys of those written, not linked."""
    import shutil

    target.mkdir(mode=0o700, parents=True)
    written = []
    with progress.phase(_l("Copying to the second location"), total=sum(e["size"] for e in files.values()),
                        unit="bytes") as bar:
        for key, entry in sorted(files.items()):
            destination = target / key
            destination.parent.mkdir(parents=True, exist_ok=True)
            before = previous[1].get(key) if previous else None
            if before and before.get("sha256") == entry["sha256"] and before.get("size") == entry["size"]:
                try:
                    os.link(previous[0] / key, destination)
                    bar.advance(entry["size"])
                    continue
                except OSError:
                    pass
            with (source / key).open("rb") as reader, destination.open("wb") as writer:
                while chunk := reader.read(1024 * 1024):
                    writer.write(chunk)
                    bar.advance(len(chunk))
                writer.flush()
                os.fsync(writer.fileno())
            shutil.copystat(source / key, destination)
            written.append(key)
    shutil.copy2(source / layout.MANIFEST, target / layout.MANIFEST)
    return written


# --- retention --------------------------------------------------------------------------------------------


def apply_retention(now: datetime) -> list[str]:
    """Delete the backups the retention rule does not keep, in the backup folder and the second location.

    The newest good backup and the newest verified one are always kept. :returns: the names deleted from the
    backup folder.
    """
    config = current_app.config
    rule = {"today": now.date(), "daily": int(config["BACKUP_KEEP_DAILY"]),
            "weekly": int(config["BACKUP_KEEP_WEEKLY"]), "monthly": int(config["BACKUP_KEEP_MONTHLY"])}
    protect = [b.name for b in (newest_good_backup(), newest_verified_backup()) if b is not None]
    removed = retention.apply(layout.backup_folder(), protect=protect, **rule)
    operations.mark_removed(removed, location="main", now=now)
    second = second_or_none()
    if second is not None:
        operations.mark_removed(retention.apply(second, protect=protect, **rule), location="copy", now=now)
    return removed


# --- verify -----------------------------------------------------------------------------------------------


def verify(now: datetime, *, name: str | None = None) -> dict:
    """Restore a backup (the newest good one, or `name`) into a scratch database and check it.

    Compares every file's SHA-256, and every table's and site's row count and checksum, with the manifest;
    stores the result on the backup's record, alerts the platform administrators when something differs,
    and also checks that a backup was made lately (`check_missing`).

    :returns: ``{"name", "differences"}``.
    :raises VerifyFoundDifferences: after recording, when something differs.
    :raises BackupError: when the verify itself could not run (no backup, a client program missing, …).
    """
    began = time.monotonic()
    folder = layout.backup_folder()
    name = name or TARGET.get()
    try:
        with locked(folder):
            present = layout.complete_backups(folder)
            operations.reconcile_records(folder, now=now, copy_folder=second_or_none())
            db.session.commit()
            if name is None:
                newest = newest_good_backup()
                name = newest.name if newest is not None and newest.name in present else \
                    (present[-1] if present else None)
            if name is None:
                raise BackupError("none_yet", path=str(folder))
            if name not in present:
                raise BackupError("not_found", name=name, path=str(folder))
            problems = check_backup(folder / name)
    except BackupError as error:
        db.session.rollback()
        alerts.verify_could_not_run(name or "—", error.as_json(), when=now)
        db.session.commit()
        raise
    record = backup_named(name)
    operations.record_verification(record, problems, now=_later(now, began))
    db.session.commit()
    if problems:
        alerts.verify_failed(name, problems, when=now)
        db.session.commit()
    check_missing(now)
    db.session.commit()
    if problems:
        raise VerifyFoundDifferences(f"the verify of {name} found {len(problems)} differences")
    return {"name": name, "differences": 0}


def check_backup(path: Path) -> list[dict]:
    """Every difference between the backup in `path` and its manifest (empty: it restores as it was made).

    :raises BackupError: only when the check cannot run here (e.g. a PostgreSQL backup on a SQLite
        deployment, or the PostgreSQL client missing); a damaged backup is a list of differences.
    """
    try:
        manifest = manifests.read(path)
    except BackupError as error:
        return [{"what": "database_unreadable", "detail": error.words()}]
    problems = check_files(path, manifest["files"])
    dump_name = manifest["database"]["file"]
    if any(p.get("file") == dump_name and p["what"] != "file_changed" for p in problems):
        return problems  # missing or cut short: nothing to restore
    try:
        with _scratch_engine(manifest["database"]["kind"], path / dump_name, path.parent) as engine:
            with engine.connect() as connection:
                found = table_checksums(connection)
    except BackupError as error:
        if error.code != "database_unreadable":
            raise
        problems.append({"what": "database_unreadable", "detail": error.params.get("detail", "")})
        return problems
    return problems + manifests.compare(manifest, found)


def _scratch_engine(kind: str, dump: Path, work: Path):
    if kind == "sqlite":
        return engines.SqliteDatabase.scratch(dump, work)  # a temporary file: needs no server
    database = engines.for_current_app()
    if database.kind != kind:
        raise BackupError("other_kind", backup=kind, configured=database.kind)
    return database.scratch(dump, work)


def check_missing(now: datetime) -> bool:
    """Alert the platform administrators (once a day) when no backup finished well in the last 26 hours."""
    last = last_success()
    if last is not None and now - last <= timedelta(hours=alerts.MISSING_AFTER_HOURS):
        return False
    alerts.backup_missing(now, last)
    return True


# --- the console's requests -------------------------------------------------------------------------------


def run_requests(now: datetime) -> dict | None:
    """Run what platform administrators asked for on the console, each as a run of its own job."""
    from jobs.runs import run_job

    actions = operations.take_requests(now=now)
    db.session.commit()
    if not actions:
        return None
    outcomes = {}
    token = TRIGGER.set("console")
    try:
        for action in actions:
            run = run_job("backups.nightly" if action == "backup" else "backups.verify")
            outcomes[action] = run.outcome
    finally:
        TRIGGER.reset(token)
    return {"backups": int("backup" in outcomes), "verifies": int("verify" in outcomes)}


# --- restore ----------------------------------------------------------------------------------------------


def code_revisions() -> tuple[set[str], str]:
    """Every schema revision this code knows, and its head."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(current_app.extensions["migrate"].directory)
    return {revision.revision for revision in script.walk_revisions()}, script.get_current_head()


def restore(name: str, *, now: datetime) -> dict:
    """Replace the database and the uploaded files with the backup `name`.

    Checks first, touching nothing: the backup exists and is whole (every file's SHA-256), its database is of
    the configured kind, its schema is not newer than the code, no scheduler holds the lease. SQLite: the
    restored file is checked row by row against the manifest, then swapped in (the previous file kept
    beside it). PostgreSQL: pg_restore --clean --if-exists in one transaction, then checked. The uploads
    are swapped the same way (the previous ones kept in UPLOAD_FOLDER/.before-restore-<time>).

    :returns: ``{"name", "revision", "head", "kept_database", "kept_uploads"}``; when the revision is older
        than the head, `flask db upgrade` must follow.
    :raises BackupError: with the reason, before anything was replaced (except "restored_differs").
    """
    folder = layout.backup_folder()
    with locked(folder, wait=0):
        if name not in layout.complete_backups(folder):
            raise BackupError("not_found", name=name, path=str(folder))
        path = folder / name
        manifest = manifests.read(path)
        database = engines.for_current_app()
        if manifest["database"]["kind"] != database.kind:
            raise BackupError("other_kind", backup=manifest["database"]["kind"], configured=database.kind)
        known, head = code_revisions()
        revision = manifest.get("schema_revision") or ""
        if revision not in known:
            raise BackupError("newer_schema", revision=revision or "?", head=head)
        lease = _lease_or_none()
        if lease is not None and lease.expires_at > now:
            raise BackupError("scheduler_running", holder=lease.holder, until=f"{lease.expires_at:%Y-%m-%d %H:%M:%S}")
        db.session.rollback()
        problems = check_files(path, manifest["files"])
        if problems:
            raise BackupError("damaged", files=", ".join(p["file"] for p in problems[:10]))

        def check(engine) -> None:
            with engine.connect() as connection:
                differences = manifests.compare(manifest, table_checksums(connection))
            if differences:
                tables, _files = _where(differences)
                raise BackupError("content_differs" if database.kind == "sqlite" else "restored_differs",
                                  tables=", ".join(tables[:10]))

        kept_database = database.restore(path / manifest["database"]["file"], manifest, check)
        kept_uploads = restore_uploads(path, Path(current_app.config["UPLOAD_FOLDER"]), manifest["files"])
        if revision == head:  # else the tables may not be those of this code until `flask db upgrade`
            operations.reconcile_records(folder, now=now, copy_folder=second_or_none())
            operations.record_restore(name, now=now)
            db.session.commit()
    return {"name": name, "revision": revision, "head": head,
            "kept_database": str(kept_database or ""), "kept_uploads": str(kept_uploads or "")}


def _lease_or_none():
    """The scheduler's lease, or None when the database has no lease table: a new, empty database (a restore
    onto a new server, or a drill's) has no scheduler running on it."""
    from sqlalchemy import inspect

    from jobs.models import SchedulerLease

    if not inspect(db.session.connection()).has_table(SchedulerLease.__tablename__):
        return None
    return current_lease()


def _where(differences: list[dict]) -> tuple[list[str], list[str]]:
    from core.backups.labels import where_differences

    return where_differences(differences)
