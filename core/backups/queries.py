"""Reads of the record of backups: the newest good one and its age (the security checks use these), the lists."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from core.backups.models import Backup, BackupRequest
from core.extensions import db
from jobs.models import JobRun

#: The jobs of this module, whose runs the console's backup page shows.
JOB_IDS = ("backups.nightly", "backups.verify", "backups.requested", "backups.check")


def newest_good_backup() -> Backup | None:
    """The newest backup that is complete, still on disk and not found damaged by a verify (None: there is none)."""
    return db.session.execute(
        select(Backup).where(Backup.status == "good", Backup.verify_result != "failed")
        .order_by(Backup.started_at.desc(), Backup.id.desc()).limit(1)).scalars().first()


def newest_verified_backup() -> Backup | None:
    """The newest backup still on disk whose last verify passed (None: none was verified yet)."""
    return db.session.execute(
        select(Backup).where(Backup.status == "good", Backup.verify_result == "passed")
        .order_by(Backup.started_at.desc(), Backup.id.desc()).limit(1)).scalars().first()


def backup_age(now: datetime) -> timedelta | None:
    """How old the newest good backup's data is at `now` (from when it started: the moment of its snapshot).

    :param now: naive city time.
    :returns: None when there is no good backup at all.
    """
    newest = newest_good_backup()
    return None if newest is None else now - newest.started_at


def last_success(kind: str | None = None) -> datetime | None:
    """When the newest backup that ended well finished (any kind of database unless `kind`)."""
    query = select(func.max(Backup.finished_at)).where(Backup.status.in_(("good", "removed")))
    if kind:
        query = query.where(Backup.kind == kind)
    return db.session.execute(query).scalar()


def backup_named(name: str) -> Backup | None:
    return db.session.execute(select(Backup).where(Backup.name == name)).scalars().first()


def backups_page(limit: int = 60) -> list[Backup]:
    """The newest backups, newest first (deleted and failed ones included: the history)."""
    return list(db.session.execute(select(Backup).order_by(Backup.started_at.desc(), Backup.id.desc())
                                   .limit(limit)).scalars())


def waiting_requests() -> list[BackupRequest]:
    return list(db.session.execute(select(BackupRequest).where(BackupRequest.started_at.is_(None))
                                   .order_by(BackupRequest.id)).scalars())


def last_runs(limit: int = 10) -> list[JobRun]:
    """The latest runs of the nightly backup, the verify and the daily check, newest first (a requested backup
    or verify is recorded as a run of the nightly or the verify job)."""
    shown = [job for job in JOB_IDS if job != "backups.requested"]
    return list(db.session.execute(select(JobRun).where(JobRun.job_id.in_(shown))
                                   .order_by(JobRun.id.desc()).limit(limit)).scalars())
