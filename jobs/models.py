"""The scheduler's own tables: who may run jobs now, and what every run did.

Platform data, never tenant-scoped: one lease for the whole deployment, and
runs whose per-site detail lives in their summary and error text.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db

#: A run is "running" from its start until it finishes with one of the others.
OUTCOMES = ("running", "success", "failure", "partial")
#: The holder recorded for a run started by hand (`flask jobs run-once`).
MANUAL = "manual"


class SchedulerLease(db.Model):
    """The right to run scheduled jobs, held by one scheduler process at a time.

    The holder renews `expires_at` while it lives; any other scheduler may
    take the row over once that moment has passed (the holder died or hung).
    """

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    #: host:pid:random, so a restarted process never mistakes an old lease for its own.
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class JobRun(db.Model):
    """One run of one job, scheduled or by hand; written at its start and at its end."""

    __tablename__ = "job_runs"
    __table_args__ = (Index("ix_job_runs_job_id_started_at", "job_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    outcome: Mapped[str] = mapped_column(String(16), default="running", index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    #: Tracebacks: the job's, or one per failed site headed by the site's slug.
    error: Mapped[str] = mapped_column(Text, default="")
    #: The scheduler holder that ran it, or "manual".
    holder: Mapped[str] = mapped_column(String(200), default=MANUAL)
    #: How far a long run has got (jobs.progress): the stage's English label, units done and the total (None:
    #: not known), in items or bytes. Written while the run goes on, left at the last stage's figures.
    progress_label: Mapped[str] = mapped_column(String(200), default="", server_default="")
    progress_done: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    progress_total: Mapped[int | None] = mapped_column(BigInteger)
    progress_unit: Mapped[str] = mapped_column(String(8), default="items", server_default="items")

    @property
    def percent(self) -> int | None:
        """The current stage's share done, 0-100, or None when its total is not known."""
        if not self.progress_total:
            return None
        return min(100, self.progress_done * 100 // self.progress_total)

    @property
    def seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()
