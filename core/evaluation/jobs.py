"""The monthly snapshot of every site (`evaluation.monthly`, the 1st of each month at 05:00 city time), and the
snapshot the bureau asks for with the dashboard's button (`evaluation.requested`, within a minute)."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from core.evaluation.operations import finish_requests, take_requests, take_snapshot
from core.evaluation.settings import current_settings
from core.evaluation.snapshots import monthly_taken
from jobs import cron, every, for_each_site, progress, scheduled


@scheduled(id="evaluation.monthly", trigger=cron("0 5 1 * *"), title=_l("Monthly evaluation of every site"),
           description=_l("Evaluates every site by the inspection rules and keeps the result as the month's "
                          "snapshot, which nobody can change afterwards. A site that already has this month's "
                          "snapshot is left as it is."),
           summary=_l("%(taken)s snapshot taken, %(kept)s already taken this month"))
def monthly(now: datetime):
    """Snapshot every active site as of `now`, once a month (idempotent: a site with this month's is skipped)."""
    settings = current_settings()
    with progress.phase(_l("Evaluating the sites"), total=None) as bar:
        def one(_site):
            bar.advance(1)
            if monthly_taken(now):
                return {"taken": 0, "kept": 1}
            take_snapshot(moment=now, trigger="monthly", settings=settings)
            return {"taken": 1, "kept": 0}

        return for_each_site(one)


@scheduled(id="evaluation.requested", trigger=every(minutes=1), title=_l("Snapshots asked for on the console"),
           description=_l("Takes, within a minute, the snapshot of every site a platform administrator asked for "
                          "with the evaluation dashboard's button."),
           summary=_l("snapshots taken: %(taken)s"))
def requested(now: datetime):
    """Snapshot every active site as of `now` when the bureau asked for it; nothing to do otherwise."""
    requests = take_requests(now=now)
    if not requests:
        return {"taken": 0}
    settings = current_settings()
    with progress.phase(_l("Evaluating the sites"), total=None) as bar:
        def one(_site):
            bar.advance(1)
            take_snapshot(moment=now, trigger="on_demand", settings=settings)
            return {"taken": 1}

        result = for_each_site(one)
    finish_requests(requests, now=now, sites=len(result.done))
    return result
