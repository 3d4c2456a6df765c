"""The daily security checks: every site's checks, site by site, then the platform's once."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.extensions import db
from core.inbox.operations import alert_platform_admins
from core.security.operations import run_checks
from core.security.registry import CHECKS, checks_of
from jobs import cron, for_each_site, progress, scheduled
from tenants.models import Tenant


def run_everything(now: datetime) -> dict[str, int]:
    """Run the site checks on every site that is not suspended (each in its own transaction), then the
    platform checks; returns the counts of the whole run: new, open, resolved, failed (checks or sites that
    could not run). A failure is told to the platform's administrators; what did run is kept."""
    sites = db.session.execute(select(func.count()).select_from(Tenant).where(Tenant.status != "suspended")
                               ).scalar_one()
    totals = {"new": 0, "open": 0, "resolved": 0, "failed": 0}
    failed: list[tuple[str | None, str | None]] = []  # (site's slug or None for the platform, check or None)
    with progress.phase(_l("Checking each site"), total=sites) as bar:
        def one(site):
            try:
                result = run_checks(now, site=site)
            finally:
                bar.advance()
            failed.extend((site.slug, key) for key in result.failed)
            return result.counts()

        loop = for_each_site(one)
    for counts in loop.done.values():
        for key in totals:
            totals[key] += counts[key]
    failed.extend((slug, None) for slug in loop.failed)
    totals["failed"] += len(loop.failed)
    with progress.phase(_l("Checking the platform"), total=len(checks_of("platform"))) as bar:
        result = run_checks(now)
        bar.advance(len(checks_of("platform")))
    for key, value in result.counts().items():
        totals[key] += value
    failed.extend((None, key) for key in result.failed)
    if failed:
        started = now.strftime("%Y-%m-%d %H:%M")
        alert_platform_admins(
            key=f"security-run:{now:%Y%m%d%H%M}",
            subject=_l("Some security checks could not run"),
            body=lambda user: _l("The run of %(started)s could not run these checks (their findings were left as "
                                 "they were): %(checks)s. The error is in the application's log.",
                                 started=started, checks=_failures(failed)),
            path="/platform/security")
    return totals


def _failures(failed: list[tuple[str | None, str | None]]) -> str:
    """What could not run, in the reader's language: "rsj: Forbidden words; the platform: …"."""
    named = []
    for slug, key in failed[:20]:
        what = str(CHECKS[key].title) if key in CHECKS else str(_l("every check"))
        where = slug or str(_l("the platform"))
        named.append(f"{where}: {what}")
    return "; ".join(named)


@scheduled(id="security.daily", trigger=cron("0 3 * * *"), title=_l("Daily security checks"),
           description=_l("Checks every site's accounts, published content and uploaded files, and the platform's "
                          "configuration and deployed files; keeps each finding from run to run (new, still open, "
                          "resolved, accepted) and tells the administrators of new serious ones."),
           summary=_l("%(new)s new findings, %(open)s still open, %(resolved)s resolved; %(failed)s checks could "
                      "not run"))
def daily(now):
    return run_everything(now)
