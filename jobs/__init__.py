"""Scheduled jobs and the scheduler process (`flask jobs run`).

Declaring a job
---------------
Put the function in the `jobs.py` of the module whose work it does (e.g.
`core/publishing/jobs.py`), import that file from the module's `init_app`,
and declare the job's id and default schedule next to the function::

    from jobs import cron, every, for_each_site, scheduled

    @scheduled(id="sessions.end_idle", trigger=every(minutes=5), title=_l("End idle logins"),
               description=_l("Ends the logins ..."), summary=_l("%(ended)s idle logins ended"))
    def end_idle_sessions(now):
        "End the logins idle for longer than SESSION_IDLE_MINUTES."
        ...
        return {"ended": 3}                     # the run's counts (optional), worded by `summary`

    @scheduled(id="publishing.publish_due", trigger=every(minutes=1), title=..., description=..., summary=...)
    def publish_due(now):
        return for_each_site(lambda site: publish_due_articles(now))   # each site's counts

- ``id``: lower-case dotted words, ``<area>.<verb>``; unique.
- ``title``, ``description``, ``summary``: lazy strings (``_l``) the console shows
  in the reader's language; ``summary`` words one result, its counts as parameters.
- ``trigger``: ``every(days=, hours=, minutes=, seconds=)`` or
  ``cron("m h dom mon dow")`` (city time, Asia/Shanghai).
- The function is called as ``fn(now=<the run's start, naive city time>)``:
  use that ``now``, never the clock, so tests call it with a fixed one. It
  must be idempotent (a run may be repeated by hand, or after a takeover).
- It returns None, its counts (a dict), or the `SiteLoopResult` of
  `for_each_site` (whose sites return counts). The run stores them as data
  (`jobs.summary`), never as a sentence, so each reader sees them in their
  language. Returning normally commits its work and records "success";
  raising rolls it back and records "failure" with the traceback.

Per-site work
-------------
``for_each_site(fn, include_suspended=False) -> SiteLoopResult`` calls
``fn(site)`` for every site (a `Tenant`, by slug), each inside
``activate_tenant(site.id)`` and its own transaction: committed when fn
returns, rolled back when it raises, the failure kept with the site's slug
while the loop goes on. Returned from a job, the result makes the run
"success", "partial" (some sites failed; the summary names them and the error
text holds each traceback under ``[slug]``) or "failure" (every site failed).

Configuration (core/config.py)
------------------------------
- ``JOB_SCHEDULES``: overrides, ``"sessions.end_idle=every 30s; other.id=cron 0 2 * * *"``
  (environment: ``GOVSITES_JOB_SCHEDULES``); in instance/config.py a dict works too.
- ``JOBS_DISABLED``: ids the scheduler leaves out (``run-once`` still runs them).
- ``SCHEDULER_LEASE_SECONDS`` / ``SCHEDULER_RENEW_SECONDS``: the lease (30 / 10).
An unknown id in either job key stops `flask jobs run` and `list` with an error.

Progress
--------
A long run reports how far it has got with ``progress.track(items, label=_l(…))``
or ``with progress.phase(_l(…), total=n, unit="bytes") as bar: bar.advance(k)``
(`jobs.progress`): a bar on the terminal when started from one, the same
figures on the console's runs page while it runs.

Only one scheduler in the deployment runs jobs (a lease in the database);
a run that fell due while none did is made up once by the one that takes over.

Commands
--------
``flask jobs run`` (the process; scripts/serve starts it beside gunicorn),
``flask jobs list`` (effective schedules, disabled jobs, last runs, the lease
holder), ``flask jobs run-once ID`` (recorded with holder "manual").
Every run is a `JobRun` row, listed on the console at /platform/jobs.
"""
from __future__ import annotations

from jobs import progress
from jobs.registry import Cron, Every, ScheduleError, cron, every, scheduled
from jobs.sites import SiteLoopResult, for_each_site

__all__ = ["Cron", "progress", "Every", "ScheduleError", "SiteLoopResult", "cron", "every", "for_each_site", "init_app",
           "scheduled"]


def init_app(app) -> None:
    """Add `flask jobs` and the console's runs page; never starts the scheduler (only `flask jobs run` does)."""
    from jobs import cli, views

    views.init_app(app)
    cli.init_app(app)
