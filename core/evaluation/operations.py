"""What changes in the evaluation: the bureau's settings, and the snapshots taken of each site.

Functions flush but never commit, and each records its audit entry: a change of settings on the platform's log
(what changed, from what to what); a snapshot on the site's log (its score and grade).
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.audit.log import record
from core.evaluation.engine import evaluate_site
from core.evaluation.models import SNAPSHOT_TRIGGERS, EvaluationSetting, EvaluationSnapshot, SnapshotRequest
from core.evaluation.settings import DEFAULTS, current_settings, settings_problems
from core.evaluation.snapshots import ABANDONED_AFTER
from core.extensions import db
from core.operations import OperationError, audited


class EvaluationError(OperationError):
    """A change to the evaluation refused, with a message for the user."""


@audited
def update_settings(values: dict[str, int]) -> dict[str, list[int]]:
    """Set the thresholds, weights and bands given (key -> whole number); return what changed: {key: [old, new]}.

    A value equal to the default removes the bureau's row (the code's default applies again, and follows it if
    the code changes). Nothing changes when one value is refused.

    :raises EvaluationError: under the key of each value out of its range, or "good_from" for bands out of order.
    """
    problems = settings_problems(values)
    if problems:
        raise EvaluationError(problems)
    before = current_settings()
    changed = {key: [before[key], value] for key, value in values.items() if before[key] != value}
    rows = {row.key: row for row in db.session.execute(
        select(EvaluationSetting).where(EvaluationSetting.key.in_(list(changed)))).scalars()}
    for key, (_old, new) in changed.items():
        row = rows.get(key)
        if new == DEFAULTS[key]:
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(EvaluationSetting(key=key, value=new))
        else:
            row.value = new
    if changed:
        db.session.flush()
        record("evaluation.settings", "", platform=True, settings_changed=changed)
    return changed


@audited
def take_snapshot(*, moment: datetime, trigger: str, settings: dict | None = None) -> EvaluationSnapshot:
    """Evaluate the active site as of `moment` and keep the result as a snapshot (immutable from then on).

    :raises EvaluationError: an unknown trigger.
    """
    if trigger not in SNAPSHOT_TRIGGERS:
        raise EvaluationError(_l("Unknown reason for a snapshot."))
    evaluation = evaluate_site(moment, settings)
    snapshot = EvaluationSnapshot(as_of=moment, trigger=trigger, score=evaluation.score, grade=evaluation.grade,
                                  vetoes=len(evaluation.vetoes), warnings=len(evaluation.warnings),
                                  results=evaluation.to_json())
    db.session.add(snapshot)
    db.session.flush()
    record("evaluation.snapshot", f"snapshot:{snapshot.id}", platform=False, score=snapshot.score,
           grade=snapshot.grade, snapshot_trigger=trigger, as_of=moment.isoformat(timespec="minutes"))
    return snapshot


@audited
def request_snapshots(*, user, now: datetime) -> SnapshotRequest:
    """Ask the scheduler to take a snapshot of every active site within a minute (the bureau's button); return the
    request. A request still waiting is returned as it is, not repeated: two clicks take one snapshot."""
    waiting = db.session.execute(select(SnapshotRequest).where(SnapshotRequest.started_at.is_(None))).scalars().first()
    if waiting is not None:
        return waiting
    request = SnapshotRequest(requested_by_id=user.id if user is not None else None, requested_at=now)
    db.session.add(request)
    db.session.flush()
    record("evaluation.snapshot_request", "", platform=True)
    return request


@audited
def take_requests(*, now: datetime) -> list[SnapshotRequest]:
    """The waiting requests, oldest first, each marked as taken up now (the job then snapshots every site once for
    all of them); a request taken up more than `snapshots.ABANDONED_AFTER` ago and never finished (the scheduler
    stopped mid-way) is taken up again."""
    waiting = db.session.execute(select(SnapshotRequest).where(
        SnapshotRequest.started_at.is_(None)
        | (SnapshotRequest.finished_at.is_(None) & (SnapshotRequest.started_at < now - ABANDONED_AFTER)))
        .order_by(SnapshotRequest.id)).scalars().all()
    for request in waiting:
        request.started_at = now
    if waiting:
        db.session.flush()
        record("evaluation.snapshot_start", "", platform=True, requests=len(waiting))
    return list(waiting)


@audited
def finish_requests(requests: list[SnapshotRequest], *, now: datetime, sites: int) -> None:
    """Mark the requests done, and record on the platform's log how many sites were snapshot."""
    for request in requests:
        request.finished_at = now
    db.session.flush()
    record("evaluation.snapshot_all", "", platform=True, sites=sites)
