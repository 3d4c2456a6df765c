"""Every run is recorded: success, failure with its traceback, partial with the failing site's slug."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.audit.models import AuditEntry
from core.audit.log import record
from core.extensions import db
from jobs import every, for_each_site, scheduled
from jobs.models import JobRun
from jobs.registry import ScheduleError
from jobs.runs import close_interrupted_runs, run_job
from tenants.models import Tenant
from tenants.provisioning import suspend_tenant
from tests.jobs.conftest import NOW, runs


def _site_actions(app) -> dict[str, list[str]]:
    """Audit actions per site slug: the rows a per-site job committed (the test jobs' actions start "test.")."""
    with app.app_context():
        rows = db.session.execute(select(Tenant.slug, AuditEntry.action).join(Tenant, Tenant.id == AuditEntry.tenant_id)
                                  .where(AuditEntry.action.startswith("test."))
                                  .order_by(AuditEntry.id).execution_options(all_tenants=True)).all()
        db.session.remove()
    found: dict[str, list[str]] = {}
    for slug, action in rows:
        found.setdefault(slug, []).append(action)
    return found


def test_a_successful_run_is_recorded_with_its_summary(app):
    with app.app_context():
        run_job("sessions.end_idle", now=NOW)
    [run] = runs(app)
    assert (run.job_id, run.outcome, run.summary, run.error, run.holder) == \
        ("sessions.end_idle", "success", "0 idle sessions ended", "", "manual")
    assert run.started_at == NOW and NOW <= run.finished_at < NOW + timedelta(seconds=5)


def test_the_job_gets_the_runs_clock_and_a_none_result_is_an_empty_summary(app, declare_job):
    seen = []

    @scheduled(id="test.clock", trigger=every(minutes=1))
    def remember(now):
        seen.append(now)

    with app.app_context():
        run_job("test.clock", now=NOW, holder="host:42:beef")
    [run] = runs(app)
    assert seen == [NOW]
    assert (run.outcome, run.summary, run.holder) == ("success", "", "host:42:beef")


def test_a_failing_run_is_recorded_with_the_error_and_its_work_rolled_back(app, declare_job, create_site):
    site = create_site("rsj")

    @scheduled(id="test.explode", trigger=every(minutes=1))
    def explode(now):
        from tenants.scoping import activate_tenant

        with activate_tenant(site.id):
            record("test.half_done", "")
            db.session.flush()
        raise RuntimeError("the mail server did not answer")

    with app.app_context():
        run = run_job("test.explode", now=NOW)
        assert run.outcome == "failure"
    [stored] = runs(app)
    assert stored.outcome == "failure" and stored.finished_at is not None
    assert "Traceback" in stored.error and "RuntimeError: the mail server did not answer" in stored.error
    assert _site_actions(app) == {}  # the job's own writes were rolled back, the run's row kept


def test_an_unknown_job_is_refused_and_nothing_recorded(app):
    with app.app_context(), pytest.raises(ScheduleError):
        run_job("no.such_job", now=NOW)
    assert runs(app) == []


def _per_site_job(failing: set[str], **loop_options):
    @scheduled(id="test.per_site", trigger=every(minutes=1))
    def per_site(now):
        def work(site):
            record("test.done", site.slug)  # on the active site: stamped with its tenant_id
            db.session.flush()
            if site.slug in failing:
                raise ValueError(f"bad data on {site.slug}")
            return f"{site.name_en} done"

        return for_each_site(work, **loop_options)

    return per_site


def test_a_site_that_fails_makes_the_run_partial_and_the_other_sites_work_is_kept(app, declare_job, two_sites):
    _per_site_job({"rsj"})
    with app.app_context():
        run_job("test.per_site", now=NOW)
    [run] = runs(app)
    assert run.outcome == "partial"
    assert run.summary.startswith("2 sites: 1 done, 1 failed (rsj)")
    assert "czj: Langfang Municipal Finance Bureau done" in run.summary
    assert run.error.startswith("[rsj]\n") and "ValueError: bad data on rsj" in run.error
    assert "czj" not in run.error
    assert _site_actions(app) == {"czj": ["test.done"]}  # rsj's write rolled back, czj's committed


def test_every_site_failing_is_a_failure(app, declare_job, two_sites):
    _per_site_job({"rsj", "czj"})
    with app.app_context():
        run_job("test.per_site", now=NOW)
    [run] = runs(app)
    assert run.outcome == "failure"
    assert "[czj]" in run.error and "[rsj]" in run.error
    assert _site_actions(app) == {}


def test_every_site_succeeding_is_a_success(app, declare_job, two_sites):
    _per_site_job(set())
    with app.app_context():
        run_job("test.per_site", now=NOW)
    [run] = runs(app)
    assert (run.outcome, run.error) == ("success", "")
    assert _site_actions(app) == {"czj": ["test.done"], "rsj": ["test.done"]}


@pytest.mark.parametrize("include_suspended, expected", [(False, {"czj"}), (True, {"czj", "rsj"})])
def test_suspended_sites_are_left_out_unless_asked_for(app, declare_job, two_sites, include_suspended, expected):
    with app.app_context():
        suspend_tenant(db.session.execute(select(Tenant).where(Tenant.slug == "rsj")).scalar_one(), reason="升级")
        db.session.commit()
    _per_site_job(set(), include_suspended=include_suspended)
    with app.app_context():
        run_job("test.per_site", now=NOW)
    assert set(_site_actions(app)) == expected
    assert runs(app)[0].summary.startswith(f"{len(expected)} sites: {len(expected)} done, 0 failed")


def test_each_site_runs_as_that_site(app, declare_job, two_sites):
    from tenants.scoping import current_tenant_id

    seen = {}

    @scheduled(id="test.which_site", trigger=every(minutes=1))
    def which(now):
        return for_each_site(lambda site: seen.setdefault(site.slug, current_tenant_id() == site.id))

    with app.app_context():
        run_job("test.which_site", now=NOW)
    assert seen == {"czj": True, "rsj": True}


def test_runs_another_scheduler_left_unfinished_are_closed_as_interrupted(app):
    with app.app_context():
        db.session.add_all([
            JobRun(job_id="sessions.end_idle", started_at=NOW, outcome="running", holder="dead:1:aaaa"),
            JobRun(job_id="sessions.end_idle", started_at=NOW, outcome="running", holder="manual"),
            JobRun(job_id="sessions.end_idle", started_at=NOW, outcome="running", holder="alive:2:bbbb"),
        ])
        db.session.commit()
        assert close_interrupted_runs(holder="alive:2:bbbb", now=NOW + timedelta(minutes=1)) == 1
    by_holder = {run.holder: run for run in runs(app)}
    assert by_holder["dead:1:aaaa"].outcome == "failure" and "Interrupted" in by_holder["dead:1:aaaa"].error
    assert by_holder["manual"].outcome == "running"  # a shell may still be running it
    assert by_holder["alive:2:bbbb"].outcome == "running"


def test_the_summary_counts_sites_with_the_same_result_and_names_the_others():
    from jobs.sites import SiteLoopResult

    result = SiteLoopResult(done={"a": "0 published", "b": "2 published", "c": "0 published", "d": "0 published",
                                  "e": "0 published", "f": None, "g": "2 published"},
                            failed={"h": "Traceback…"})
    assert result.summary == "8 sites: 7 done, 1 failed (h); 0 published (4 sites); b, g: 2 published"
    assert result.outcome == "partial"


def test_what_the_job_did_before_the_loop_is_not_the_first_sites_to_lose(app, declare_job, two_sites):
    from tenants.models import PlatformSetting

    @scheduled(id="test.before_loop", trigger=every(minutes=1))
    def before_loop(now):
        db.session.add(PlatformSetting(key="test.marker", value="kept"))

        def fail(site):
            raise ValueError(site.slug)

        return for_each_site(fail)

    with app.app_context():
        run_job("test.before_loop", now=NOW)
        assert db.session.get(PlatformSetting, "test.marker").value == "kept"
    assert runs(app)[0].outcome == "failure"
