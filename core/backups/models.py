"""The record of every full backup, and the console's requests for one.

Platform data, never tenant-scoped: a full backup holds every site at once.
The backup itself is a folder on disk (`core.backups.layout`); the row says
how it went, how big it is, what the last verify found and where its copy is.
A restore brings back the rows of the moment the backup was taken, so the list
is brought in step with the backup folder (`operations.reconcile_records`)
after each backup and by `flask backup list`.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db

#: running → good (complete, in the backup folder) or failed (nothing kept); good → removed (by retention).
STATUSES = ("running", "good", "failed", "removed")
#: Who started it: the nightly schedule, a person at the terminal (`flask backup create`), the console's button.
TRIGGERS = ("schedule", "hand", "console")
#: The last verify: not yet (""), everything matched, or differences found.
VERIFY_RESULTS = ("", "passed", "failed")
#: The copy to BACKUP_COPY_FOLDER: none configured (""), written and checked, failed, removed by retention.
COPY_STATES = ("", "copied", "failed", "removed")
#: What the console asks the scheduler to do within a minute.
REQUEST_ACTIONS = ("backup", "verify")


class Backup(db.Model):
    __tablename__ = "backups"
    __table_args__ = {"info": {"platform_data": "the record of the deployment's full backups"}}

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The folder's name in BACKUP_FOLDER: govsites-YYYYMMDD-HHMMSS (city time of the start).
    name: Mapped[str] = mapped_column(String(100), unique=True)
    #: The database it holds: "sqlite" or "postgresql".
    kind: Mapped[str] = mapped_column(String(16))
    trigger: Mapped[str] = mapped_column(String(16), default="schedule")
    started_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(16), default="running", index=True)
    #: Bytes on disk: the whole folder, the database file in it, the uploaded files in it.
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    database_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    uploads_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    upload_files: Mapped[int] = mapped_column(Integer, default=0)
    tables: Mapped[int] = mapped_column(Integer, default=0)
    rows: Mapped[int] = mapped_column(BigInteger, default=0)
    #: Why it failed, as data ({"code": …, "params": {…}}, JSON) worded on the page in the reader's language.
    failure: Mapped[str] = mapped_column(Text, default="")
    verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    verify_result: Mapped[str] = mapped_column(String(16), default="")
    #: The differences the last verify found, as data (a JSON list, core.backups.labels words each).
    verify_problems: Mapped[str] = mapped_column(Text, default="")
    copy_state: Mapped[str] = mapped_column(String(16), default="")
    #: Where the copy is (a folder in BACKUP_COPY_FOLDER), or "".
    copy_path: Mapped[str] = mapped_column(String(500), default="")
    #: Why the copy failed, as data like `failure`.
    copy_failure: Mapped[str] = mapped_column(Text, default="")
    #: When retention deleted the folder (the row stays, so the history is complete).
    removed_at: Mapped[datetime | None] = mapped_column(DateTime)


class BackupRequest(db.Model):
    """A platform administrator pressed "Back up now" or "Verify now": the scheduler starts it within a minute.

    The work runs on the scheduler's host, not in the web request (see core.backups.views).
    """

    __tablename__ = "backup_requests"
    __table_args__ = {"info": {"platform_data": "the bureau's requests for a backup or a verify now"}}

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(16))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(DateTime)
    #: When the scheduler took it up (None: still waiting).
    started_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
