"""The security checks' "backups older than two days" (issue 12, configuration), declared here, next to the backups.

Registered with core.security's registry (a module listed before this one), so
the daily run reports it on the console with the other platform findings, and
resolves it once a fresh backup exists.
"""
from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l

from core.backups.queries import backup_age
from core.security.registry import CheckContext, Found, check

#: Older than this, the newest good backup is a finding.
MAX_AGE = timedelta(days=2)


@check(key="config.backups_too_old", scope="platform", severity="high",
       title=_l("Backups older than two days"),
       fix=_l("Find out why the nightly backup did not run or failed (the job runs and the backups pages say why), "
              "then take one with “Back up now”."),
       details={"old": _l("The newest good backup was taken %(hours)s hours ago."),
                "none": _l("There is no good backup at all.")},
       link="/platform/backups")
def backups_too_old(ctx: CheckContext):
    """No complete backup (that a verify did not find damaged) taken in the last two days, or none at all."""
    age = backup_age(ctx.now)
    if age is None:
        yield Found("backup:newest", _l("The newest backup"), says="none")
    elif age > MAX_AGE:
        yield Found("backup:newest", _l("The newest backup"), says="old",
                    values={"hours": int(age.total_seconds() // 3600)})
