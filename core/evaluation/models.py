"""The evaluation's tables: the bureau's changes to thresholds and weights, and each site's monthly snapshots.

A snapshot is what the evaluation said of a site at one moment: its score, grade, vetoes, warnings and every
rule's result with its evidence, as JSON. It is never changed or removed once taken: the ORM guard in
`core.evaluation.snapshots` refuses it with a clear error, and the database's triggers (installed by the
migration, `core.evaluation.triggers`) refuse it even to raw SQL.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

# The visit statistics' tables are in their own file, imported here so the app and Alembic see them.
from core.evaluation.visits_models import PortalVisitDay, VisitDay, VisitFlush, VisitItemDay  # noqa: F401
# And the yearly website report's.
from core.evaluation.yearly_models import WebsiteReport  # noqa: F401
from core.extensions import db
from core.timeutil import now
from tenants.scoping import TenantScoped

#: How a snapshot came to be taken: the scheduled job of the 1st, the bureau's button, the demo's history.
SNAPSHOT_TRIGGERS = ("monthly", "on_demand", "demo")
#: A site's grade: the guideline's three (优秀 / 较好 / 较差), and failed by a veto (单项否决).
GRADES = ("excellent", "good", "poor", "failed")


class EvaluationSetting(db.Model):
    """A threshold, weight or grade band the bureau changed; no row: the code's default (core.evaluation.settings).

    Platform data: one value for every site.
    """

    __tablename__ = "evaluation_settings"
    __table_args__ = {"info": {"platform_data": "the bureau's thresholds and weights, one for every site"}}

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now, onupdate=now)


class EvaluationSnapshot(TenantScoped, db.Model):
    """One site's evaluation at one moment, kept as it was: never updated, never deleted."""

    __tablename__ = "evaluation_snapshots"
    __table_args__ = (Index("ix_evaluation_snapshots_history", "tenant_id", "as_of"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The moment the site was evaluated as of (city time); a snapshot of a past month is computed as of then.
    as_of: Mapped[datetime] = mapped_column(DateTime)
    taken_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    trigger: Mapped[str] = mapped_column(String(16))
    #: Out of 100, after the deductions (a failed site keeps its score: the veto decides its grade).
    score: Mapped[float] = mapped_column(Float)
    grade: Mapped[str] = mapped_column(String(12))
    vetoes: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    #: Every rule's result with its evidence, as JSON (core.evaluation.engine.Evaluation.to_data).
    results: Mapped[str] = mapped_column(Text, info={"kept_as_written": "history: the ids of its evidence as they "
                                                                        "were when it was taken"})


class SnapshotRequest(db.Model):
    """The bureau's button: a snapshot of every site asked for now, taken by the scheduler within a minute.

    Evaluating a whole city takes longer than a page may wait (the time per site and the whole city's, measured by
    bench/evaluation.py, are in bench/README.md), so the button records the request and the job
    `evaluation.requested` takes it up, site by site, with its progress shown on the console's job page. Platform
    data: the bureau's, not a site's.
    """

    __tablename__ = "evaluation_requests"
    __table_args__ = {"info": {"platform_data": "the bureau's requests for a snapshot of every site now"}}

    id: Mapped[int] = mapped_column(primary_key=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(DateTime)
    #: When the scheduler took it up (None: still waiting), and when the last site's snapshot was kept.
    started_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
