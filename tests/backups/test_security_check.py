"""The daily security checks report a deployment whose newest good backup is older than two days, or missing."""
from __future__ import annotations

from datetime import datetime, timedelta

from core.backups.models import Backup
from core.extensions import db
from tests.security.conftest import check_platform, moment, of  # noqa: F401  (fixtures)

NOW = datetime(2026, 12, 1, 3, 0)
RULE = "config.backups_too_old"


def _backup(app, started_at, status="good"):
    with app.app_context():
        db.session.add(Backup(name=f"b{started_at:%Y%m%d%H%M}", kind="sqlite", started_at=started_at,
                              finished_at=started_at + timedelta(minutes=1), status=status))
        db.session.commit()
        db.session.remove()


def test_no_backup_then_an_old_one_then_a_fresh_one(app, check_platform):  # noqa: F811
    [none] = of(check_platform(RULE, at=NOW), RULE)
    assert none.state == "new"
    _backup(app, NOW - timedelta(days=3))
    [old] = of(check_platform(RULE, at=NOW), RULE)
    assert old.state == "open" and old.id == none.id  # the same finding, still open
    _backup(app, NOW - timedelta(days=3, hours=-1), status="failed")  # a failed one does not count
    assert of(check_platform(RULE, at=NOW), RULE)[0].state == "open"
    _backup(app, NOW - timedelta(hours=20))
    assert of(check_platform(RULE, at=NOW), RULE)[0].state == "resolved"
