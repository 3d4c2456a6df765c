"""The changes to the record of backups: each run's row, its verification, retention, the console's requests.

The work on disk (the copy, the checks, the restore) is in core.backups.runner,
which calls these between its steps and commits after each, so the console
sees a backup as running while it runs. Each function flushes, never commits,
and records its audit entry on the platform's log.
"""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from core.audit.log import record
from core.backups import manifest as manifests
from core.backups.errors import BackupError
from core.backups.labels import KEEP_PROBLEMS
from core.backups.layout import complete_backups, folder_size, started_at
from core.backups.models import REQUEST_ACTIONS, TRIGGERS, Backup, BackupRequest
from core.extensions import db
from core.operations import audited


@audited
def start_backup(*, name: str, kind: str, trigger: str, now: datetime) -> Backup:
    """The row of a backup that starts now ("running" until finished or failed)."""
    if trigger not in TRIGGERS:
        raise ValueError(f"unknown trigger {trigger!r}")
    backup = Backup(name=name, kind=kind, trigger=trigger, started_at=now, status="running")
    db.session.add(backup)
    db.session.flush()
    record("backups.start", name, platform=True, backup_trigger=trigger)
    return backup


def _take_figures(backup: Backup, manifest: dict, size_bytes: int) -> None:
    sizes = manifest["sizes"]
    backup.size_bytes = size_bytes
    backup.database_bytes = sizes["database_bytes"]
    backup.uploads_bytes = sizes["uploads_bytes"]
    backup.upload_files = sizes["upload_files"]
    backup.tables = len(manifest["tables"])
    backup.rows = sum(entry["rows"] for entry in manifest["tables"].values())


@audited
def finish_backup(backup: Backup, manifest: dict, *, size_bytes: int, now: datetime) -> None:
    """A backup complete in its folder: its figures from the manifest, its state "good"."""
    _take_figures(backup, manifest, size_bytes)
    backup.status, backup.finished_at, backup.failure = "good", now, ""
    db.session.flush()
    record("backups.finish", backup.name, platform=True, backup_bytes=size_bytes, backup_rows=backup.rows)


@audited
def fail_backup(backup: Backup, error: BackupError, *, now: datetime) -> None:
    """A backup that stopped: nothing of it is kept; the reason is stored as data (labels.FAILURES words it)."""
    backup.status, backup.finished_at, backup.failure = "failed", now, error.as_json()
    db.session.flush()
    record("backups.fail", backup.name, platform=True, backup_failure=error.code)


@audited
def record_copy(backup: Backup, *, state: str, path: str = "", error: BackupError | None = None) -> None:
    """Where the second location's copy is ("copied": written and checked), or why it failed."""
    backup.copy_state, backup.copy_path = state, path[:500]
    backup.copy_failure = error.as_json() if error is not None else ""
    db.session.flush()
    record("backups.copy", backup.name, platform=True, copy_state=state)


@audited
def record_verification(backup: Backup, problems: list[dict], *, now: datetime) -> None:
    """What a verify of `backup` found: "passed" with no differences, else "failed" and the first ones."""
    backup.verified_at = now
    backup.verify_result = "failed" if problems else "passed"
    backup.verify_problems = json.dumps({"count": len(problems), "problems": problems[:KEEP_PROBLEMS]},
                                        ensure_ascii=False) if problems else ""
    db.session.flush()
    record("backups.verify", backup.name, platform=True, verify_result=backup.verify_result,
           differences=len(problems))


@audited
def mark_removed(names: list[str], *, location: str, now: datetime) -> int:
    """Retention deleted these backups from the backup folder ("main") or from the second location ("copy")."""
    if not names:
        return 0
    rows = db.session.execute(select(Backup).where(Backup.name.in_(names))).scalars().all()
    for backup in rows:
        if location == "main":
            backup.status, backup.removed_at = "removed", now
        else:
            backup.copy_state = "removed"
    db.session.flush()
    record("backups.remove", ", ".join(names)[:200], platform=True, location=location, backups=len(names))
    return len(rows)


@audited
def request_run(action: str, *, user, now: datetime) -> BackupRequest:
    """Ask the scheduler to back up (or verify) within a minute; a request still waiting is not repeated.

    :raises ValueError: on an unknown action (a programming error).
    """
    if action not in REQUEST_ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    waiting = db.session.execute(select(BackupRequest).where(
        BackupRequest.action == action, BackupRequest.started_at.is_(None))).scalars().first()
    if waiting is not None:
        return waiting
    request = BackupRequest(action=action, requested_by_id=user.id if user is not None else None, requested_at=now)
    db.session.add(request)
    db.session.flush()
    record("backups.request", action, platform=True, requested=action)
    return request


@audited
def take_requests(*, now: datetime) -> list[str]:
    """The waiting requests' actions, oldest first, each marked as taken up now (the scheduler runs them)."""
    waiting = db.session.execute(select(BackupRequest).where(BackupRequest.started_at.is_(None))
                                 .order_by(BackupRequest.id)).scalars().all()
    actions = []
    for request in waiting:
        request.started_at = now
        if request.action not in actions:
            actions.append(request.action)
    if waiting:
        db.session.flush()
        record("backups.take_requests", ", ".join(actions), platform=True, requests=len(waiting))
    return actions


@audited
def reconcile_records(folder: Path, *, now: datetime, copy_folder: Path | None = None,
                      close_running: bool = True) -> int:
    """Bring the list of backups in step with the backup folder (and the second location); return rows changed.

    A backup folder without a row (the rows came back from an older backup by a restore, or the folder was
    copied in) gets one from its manifest; a "running" row whose folder is complete had finished when its
    row was copied (a restore brings back the row of the backup being made) and becomes "good"; any other
    "running" row belongs to a run whose process died and becomes "failed" when `close_running` (the caller
    holds the backup folder's lock, so no backup is running). A "good" row
    whose folder is gone becomes "removed"; a copy found in `copy_folder` is noted on its row.
    """
    present = set(complete_backups(folder))
    copies = set(complete_backups(copy_folder)) if copy_folder is not None else set()
    rows = {b.name: b for b in db.session.execute(select(Backup)).scalars()}
    changed = 0
    for name in sorted(present - set(rows)):
        try:
            manifest = manifests.read(folder / name)
        except BackupError:
            continue
        backup = Backup(name=name, kind=manifest["database"]["kind"], trigger="schedule", status="running",
                        started_at=started_at(name))
        db.session.add(backup)
        rows[name] = backup
    for name, backup in rows.items():
        if backup.status == "running":
            if name in present:
                try:
                    manifest = manifests.read(folder / name)
                except BackupError:
                    continue
                _take_figures(backup, manifest, folder_size(folder / name))
                backup.status = "good"
                backup.finished_at = datetime.fromisoformat(manifest.get("finished_at") or manifest["created_at"])
            elif close_running:
                backup.status, backup.finished_at = "failed", backup.finished_at or now
                backup.failure = BackupError("interrupted").as_json()
            else:
                continue
            changed += 1
        elif backup.status == "good" and name not in present:
            backup.status, backup.removed_at = "removed", now
            changed += 1
        if name in copies and backup.copy_state in ("", "failed") and copy_folder is not None:
            backup.copy_state, backup.copy_path, backup.copy_failure = "copied", str(copy_folder / name), ""
            changed += 1
    if changed:
        db.session.flush()
        record("backups.reconcile", "", platform=True, backups=changed)
    return changed


@audited
def record_restore(name: str, *, now: datetime) -> None:
    """The audit entry of a restore, written into the restored database (the one before it is gone).

    Job runs the backup caught while they ran (its own among them) are closed as failed: they did not go on
    in this database.
    """
    from sqlalchemy import update

    from jobs.models import JobRun

    db.session.execute(update(JobRun).where(JobRun.finished_at.is_(None)).values(
        finished_at=now, outcome="failure",
        error="Interrupted: the database was restored from a backup taken while this run was going on."))
    record("backups.restore", name, platform=True, restored_at=now.isoformat(sep=" ", timespec="seconds"))
