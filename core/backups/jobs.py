"""The backup jobs: nightly backup, weekly verify, the daily look for a missing backup, the console's requests."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.backups import runner
from jobs import cron, every, scheduled


@scheduled(id="backups.nightly", trigger=cron("0 2 * * *"), title=_l("Back up the platform"),
           description=_l("Makes a full backup: a consistent copy of the database taken while the sites go on "
                          "working, and the uploaded files, with a manifest of row counts and checksums. Copies it "
                          "to the second location when one is configured, then deletes the backups the retention "
                          "settings no longer keep. A failure alerts the platform administrators."),
           summary=_l("backup %(name)s: %(size)s, %(tables)s tables, %(files)s uploaded files; %(removed)s old "
                      "backups deleted"))
def nightly(now):
    return runner.backup(now)


@scheduled(id="backups.verify", trigger=cron("0 4 * * 0"), title=_l("Verify the newest backup"),
           description=_l("Restores the newest backup into a scratch database and compares every table's and every "
                          "site's rows, and every file, with its manifest; the result is on the backup page. "
                          "Differences alert the platform administrators."),
           summary=_l("backup %(name)s verified: %(differences)s differences"))
def verify(now):
    return runner.verify(now)


@scheduled(id="backups.check", trigger=cron("0 8 * * *"), title=_l("Look for a missing backup"),
           description=_l("Alerts the platform administrators, once a day, when no backup has finished "
                          "successfully in the last 26 hours."),
           summary=_l("alerts sent about a missing backup: %(missing)s"))
def check(now):
    return {"missing": int(runner.check_missing(now))}


@scheduled(id="backups.requested", trigger=every(minutes=1), title=_l("Run the backups asked for on the console"),
           description=_l("Starts, within a minute, the backup or verify a platform administrator asked for with "
                          "the buttons of the console's backup page; each is recorded as a run of its own job."),
           summary=_l("backups started: %(backups)s; verifies started: %(verifies)s"))
def requested(now):
    return runner.run_requests(now)
