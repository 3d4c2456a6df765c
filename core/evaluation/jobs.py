"""The monthly snapshot of every site (`evaluation.monthly`, the 1st of each month at 05:00 city time)."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from core.evaluation.operations import take_snapshot
from core.evaluation.settings import current_settings
from core.evaluation.snapshots import monthly_taken
from jobs import cron, for_each_site, progress, scheduled


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
