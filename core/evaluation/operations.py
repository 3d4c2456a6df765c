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
from core.evaluation.models import SNAPSHOT_TRIGGERS, EvaluationSetting, EvaluationSnapshot
from core.evaluation.settings import DEFAULTS, current_settings, settings_problems
from core.extensions import db
from core.operations import OperationError, audited
from tenants.models import Tenant
from tenants.scoping import activate_tenant, crosses_tenants


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
@crosses_tenants("the bureau's button takes a snapshot of every active site, one site at a time")
def snapshot_every_site(*, moment: datetime) -> int:
    """Take a snapshot of every active site now, in this transaction (the bureau's button); return how many.

    The scheduled job does the same site by site, each in its own transaction (core.evaluation.jobs).
    """
    settings = current_settings()
    sites = db.session.execute(select(Tenant.id).where(Tenant.status == "active").order_by(Tenant.slug)).scalars()
    taken = 0
    for tenant_id in list(sites):
        with activate_tenant(tenant_id):
            take_snapshot(moment=moment, trigger="on_demand", settings=settings)
        taken += 1
    record("evaluation.snapshot_all", "", platform=True, sites=taken)
    return taken
