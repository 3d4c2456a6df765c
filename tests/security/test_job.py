"""The `security.daily` job: every site's checks and the platform's, one summary of new / open / resolved."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from core.extensions import db
from core.inbox.models import InboxMessage
from core.security.registry import CHECKS
from jobs.registry import JOBS
from jobs.runs import run_job
from jobs.summary import describe


@pytest.fixture
def isolated_manifest(app, tmp_path):
    """The tamper check reads a manifest of the test's own (none: one finding), never the checkout's."""
    saved = app.config["SECURITY_INTEGRITY_MANIFEST"]
    app.config["SECURITY_INTEGRITY_MANIFEST"] = str(tmp_path / "none.json")
    yield
    app.config["SECURITY_INTEGRITY_MANIFEST"] = saved


def _run(app, moment):
    with app.app_context():
        run = run_job("security.daily", now=moment)
        result = (run.outcome, json.loads(run.summary)["counts"], run.summary)
        db.session.remove()
    return result


def test_the_daily_run_checks_every_site_and_the_platform(app, two_sites, create_account, set_user, moment,
                                                           isolated_manifest):
    for site in two_sites[:2]:
        account = create_account(f"wang.{site.slug}", site=site, roles=["editor"])
        set_user(account.id, last_login_at=moment - timedelta(days=100))
    # Each site: the inactive editor and no site administrator at all. The platform: the tests' secret key
    # ("test-secret"), no baseline of the deployed files, and no backup at all (core.backups.checks).
    outcome, counts, summary = _run(app, moment)
    assert (outcome, counts) == ("success", {"new": 7, "open": 0, "resolved": 0, "failed": 0})
    outcome, counts, _ = _run(app, moment + timedelta(days=1))
    assert (outcome, counts) == ("success", {"new": 0, "open": 7, "resolved": 0, "failed": 0})
    with app.app_context(), force_locale("zh_CN"):
        assert describe("security.daily", summary) == "新发现 7 个，仍未解决 0 个，已解决 0 个；未能运行的检查 0 项"


def test_a_check_that_cannot_run_is_counted_and_told_to_the_platform_administrators(
        app, two_sites, create_account, moment, isolated_manifest):
    admin = create_account("chen.admin", platform_role="platform_admin", totp=True)
    original = CHECKS["files.oversize"]

    def broken(ctx):
        raise OSError("the upload volume is gone")

    CHECKS["files.oversize"] = type(original)(**{**original.__dict__, "fn": broken})
    try:
        outcome, counts, _ = _run(app, moment)
    finally:
        CHECKS["files.oversize"] = original
    assert outcome == "success" and counts["failed"] == 2  # on each of the two sites
    with app.app_context():
        [alert] = db.session.execute(select(InboxMessage).where(InboxMessage.kind == "alert")).scalars().all()
        assert alert.user_id == admin.id and alert.link.endswith("/platform/security")
        assert "rsj" in alert.body and "czj" in alert.body
        db.session.remove()


def test_the_job_is_declared_daily_with_words_in_both_languages(app):
    job = JOBS["security.daily"]
    assert str(job.trigger) == "cron 0 3 * * *"
    with app.app_context(), force_locale("zh_CN"):
        assert str(job.title) == "每日安全检查"
