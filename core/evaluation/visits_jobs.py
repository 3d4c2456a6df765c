"""The job that writes counted page views to the database (core.evaluation.visits says how they are counted)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.evaluation.visits import visits
from jobs import every, scheduled


@scheduled(id="visits.flush", trigger=every(minutes=1), title=_l("Write the visit counts"),
           description=_l("Moves the page views and unique visitors counted in Redis into the database, each "
                          "batch exactly once. With the memory store each web worker writes its own counts every "
                          "minute, and this job writes only those of the process it runs in."),
           summary=_l("%(views)s page views written, of %(sites)s sites"))
def flush_visits(now):
    """Write what this process and (with the Redis store) Redis hold; idempotent: counts move, never copy."""
    counter = visits()
    if counter is None:  # VISITS_STORE is off
        return {"views": 0, "sites": 0}
    written = counter.flush(now)
    return {"views": written.views, "sites": len(written.sites)}
