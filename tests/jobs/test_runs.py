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
from jobs.summary import describe, store
from tests.jobs.conftest import NOW, runs


def words(app, run_or_id, text: str | None = None, lang: str = "en") -> str:
    """A stored summary as the console shows it, in `lang`."""
    job_id, stored = (run_or_id.job_id, run_or_id.summary) if text is None else (run_or_id, text)
    with app.test_request_context(headers={"Cookie": f"lang={lang}"}):
        return describe(job_id, stored)


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
    assert (run.job_id, run.outcome, run.error, run.holder) == ("sessions.end_idle", "success", "", "manual")
    assert run.summary == '{"counts": {"ended": 0}}'  # data: worded when shown, in the reader's language
    assert words(app, run) == "0 idle logins ended" and words(app, run, lang="zh_CN") == "结束闲置登录 0 个"
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
    assert words(app, run) == ("2 sites: 1 done, 1 failed (Langfang Municipal Personnel Bureau); "
                               "Langfang Municipal Finance Bureau: Langfang Municipal Finance Bureau done")  # sites by name
    assert words(app, run, lang="zh_CN").startswith("2 个站点：1 个完成，1 个失败（廊坊市人事局）；廊坊市财政局：")
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
    n = len(expected)
    assert words(app, runs(app)[0]).startswith(f"{n} site{'s' if n > 1 else ''}: {n} done, 0 failed")


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


def test_the_summary_counts_sites_with_the_same_result_and_names_the_others(app):
    from jobs.sites import SiteLoopResult

    none, two = {"published": 0, "expired": 0}, {"published": 2, "expired": 0}
    result = SiteLoopResult(done={"a": none, "b": two, "c": none, "d": none, "e": none, "f": None, "g": two},
                            failed={"h": "Traceback…"})
    assert result.outcome == "partial"
    stored = store(result)
    assert words(app, "publishing.publish_due", stored) == (
        "8 sites: 7 done, 1 failed (h); 0 published, 0 taken down at their expiry (4 sites); "
        "b, g: 2 published, 0 taken down at their expiry")
    assert words(app, "publishing.publish_due", stored, "zh_CN") == (
        "8 个站点：7 个完成，1 个失败（h）；发布 0 条，到期下线 0 条（4 个站点）；b、g：发布 2 条，到期下线 0 条")


def test_a_job_without_a_template_still_reads_as_pairs_and_a_summary_never_outgrows_its_column(app):
    from jobs.sites import SUMMARY_LIMIT, SiteLoopResult

    assert words(app, "gone.job", store({"rows_fixed": 3}), "zh_CN") == "rows fixed：3"
    many = SiteLoopResult(done={f"site{i:03d}": {"n": i} for i in range(400)},
                          failed={f"bad{i:03d}": "x" for i in range(100)})
    stored = store(many)
    assert len(stored) <= SUMMARY_LIMIT
    text = words(app, "gone.job", stored)
    assert text.startswith("500 sites: 400 done, 100 failed (bad000, bad001") and "and 60 more)" in text


@pytest.mark.parametrize("old, lang, shown", [
    ("2 idle sessions ended", "zh_CN", "结束闲置登录 2 个"),
    ("8 sites: 7 done, 1 failed (h); 0 published, 0 expired (4 sites); b, g: 2 published, 0 expired", "zh_CN",
     "8 个站点：7 个完成，1 个失败（h）；发布 0 条，到期下线 0 条（4 个站点）；b、g：发布 2 条，到期下线 0 条"),
    ("cleaned up by hand", "zh_CN", "cleaned up by hand"),
])
def test_runs_recorded_before_summaries_were_data_are_still_shown(app, old, lang, shown):
    job = "sessions.end_idle" if "idle" in old else "publishing.publish_due"
    assert words(app, job, old, lang) == shown


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
