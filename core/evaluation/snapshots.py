"""Snapshots: the guard that keeps them as they were taken, and the reads of the dashboard and the history.

A site reads its own snapshots (the tenant scope); the bureau's dashboard reads every site's latest two through
the one function marked `@crosses_tenants` here, in two queries whatever the number of sites.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, defer, selectinload

from core.evaluation.engine import Evaluation
from core.evaluation.models import EvaluationSnapshot, SnapshotRequest
from core.extensions import db
from core.timeutil import now
from tenants.models import Tenant
from tenants.scoping import crosses_tenants


class SnapshotIsImmutable(RuntimeError):
    """Something tried to change or delete a snapshot once taken."""


@event.listens_for(Session, "before_flush")
def _refuse_changes(session, _ctx, _instances) -> None:
    """Refuse any change to a snapshot, or its removal, whatever code tries it (the database refuses too)."""
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, EvaluationSnapshot) and (obj in session.deleted or session.is_modified(obj)):
            raise SnapshotIsImmutable("an evaluation snapshot cannot be changed or deleted")


def history(limit: int = 24) -> list[EvaluationSnapshot]:
    """The active site's snapshots, oldest first: the latest one of each month, the last `limit` months (one query;
    the results JSON is not loaded)."""
    rows = db.session.execute(select(EvaluationSnapshot).options(defer(EvaluationSnapshot.results))
                              .order_by(EvaluationSnapshot.as_of.desc(), EvaluationSnapshot.id.desc())).scalars()
    by_month: dict[tuple[int, int], EvaluationSnapshot] = {}
    for row in rows:
        by_month.setdefault((row.as_of.year, row.as_of.month), row)
        if len(by_month) >= limit:
            break
    return sorted(by_month.values(), key=lambda r: r.as_of)


def latest_snapshot() -> EvaluationSnapshot | None:
    """The active site's newest snapshot, or None."""
    return db.session.execute(select(EvaluationSnapshot).order_by(EvaluationSnapshot.as_of.desc(),
                                                                  EvaluationSnapshot.id.desc()).limit(1)).scalar()


def monthly_taken(moment: datetime) -> bool:
    """Whether the active site already has the scheduled snapshot of `moment`'s month (the job is idempotent)."""
    start = moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return db.session.execute(select(EvaluationSnapshot.id).where(
        EvaluationSnapshot.trigger == "monthly", EvaluationSnapshot.as_of >= start,
        EvaluationSnapshot.as_of <= moment).limit(1)).first() is not None


@dataclass
class CityRow:
    """One site on the bureau's dashboard: its latest snapshot and the one before (the trend)."""

    site: Tenant
    latest: EvaluationSnapshot | None
    previous: EvaluationSnapshot | None
    rank: int = 0

    @property
    def trend(self) -> float | None:
        """Points gained (+) or lost (-) since the snapshot before; None without two."""
        if self.latest is None or self.previous is None:
            return None
        return round(self.latest.score - self.previous.score, 1)

    @property
    def evaluation(self) -> Evaluation | None:
        import json

        return None if self.latest is None else Evaluation.from_data(json.loads(self.latest.results))


@crosses_tenants("the bureau's dashboard ranks every site by its latest evaluation snapshot")
def city_rows(group_key: str = "", *, with_results: bool = False) -> list[CityRow]:
    """Every active site (in the group `group_key`: a group of the portal, or "department" / "county", when given)
    with its latest two snapshots, ranked by the latest score, a failed grade after every other (three queries).

    `with_results` also loads each snapshot's rule results (the exports name the vetoes); the page does without.
    """
    query = select(Tenant).where(Tenant.status == "active").options(selectinload(Tenant.group))
    sites = list(db.session.execute(query).scalars())
    if group_key:
        sites = [s for s in sites if (s.group.key if s.group else "") == group_key or s.kind == group_key]
    ranked = (select(EvaluationSnapshot.id,
                     func.row_number().over(partition_by=EvaluationSnapshot.tenant_id,
                                            order_by=(EvaluationSnapshot.as_of.desc(),
                                                      EvaluationSnapshot.id.desc())).label("n"))
              .execution_options(all_tenants=True).subquery())
    latest: dict[int, list[EvaluationSnapshot]] = {}
    for snapshot in db.session.execute(
            select(EvaluationSnapshot).join(ranked, ranked.c.id == EvaluationSnapshot.id).where(ranked.c.n <= 2)
            .options(*(() if with_results else (defer(EvaluationSnapshot.results),)))
            .where(EvaluationSnapshot.tenant_id.in_([s.id for s in sites]))
            .order_by(EvaluationSnapshot.tenant_id, ranked.c.n).execution_options(all_tenants=True)).scalars():
        latest.setdefault(snapshot.tenant_id, []).append(snapshot)
    rows = [CityRow(site, *(latest.get(site.id, []) + [None, None])[:2]) for site in sites]
    rows.sort(key=lambda r: (r.latest is None, r.latest is not None and r.latest.grade == "failed",
                             -(r.latest.score if r.latest else 0), r.site.slug))
    for rank, row in enumerate(rows, start=1):
        row.rank = rank
    return rows


@crosses_tenants("the bureau's drill-down shows one site's snapshot history")
def site_history(tenant_id: int, limit: int = 24) -> list[EvaluationSnapshot]:
    """`history` of the site `tenant_id`."""
    from tenants.scoping import activate_tenant

    with activate_tenant(tenant_id):
        return history(limit)


#: A request taken up this long ago and not finished was cut short (the scheduler stopped mid-way): the dashboard
#: offers the button again, and the next run of `evaluation.requested` takes it up again.
ABANDONED_AFTER = timedelta(hours=1)


def waiting_request() -> SnapshotRequest | None:
    """The bureau's request for a snapshot of every site not finished yet, if any (the dashboard says it is on its
    way instead of offering the button again); one taken up more than ABANDONED_AFTER ago does not count."""
    return db.session.execute(select(SnapshotRequest).where(
        SnapshotRequest.finished_at.is_(None),
        SnapshotRequest.started_at.is_(None) | (SnapshotRequest.started_at > now() - ABANDONED_AFTER))
        .order_by(SnapshotRequest.id)).scalars().first()
