"""Triggers, configuration overrides, and the `flask jobs` commands that show and run them."""
from __future__ import annotations

import pytest
from flask import Flask

from core.config import load_config
from jobs import cron, every, scheduled
from jobs.registry import Cron, Every, ScheduleError, effective_schedules, parse_trigger
from tests.jobs.conftest import runs


@pytest.mark.parametrize("text, trigger, shown", [
    ("every 30s", Every(30), "every 30s"),
    ("every 5m", Every(300), "every 5m"),
    ("every 1h30m", Every(5400), "every 1h30m"),
    ("every 90m", Every(5400), "every 1h30m"),
    ("every 1d", Every(86400), "every 1d"),
    ("  every 2h ", Every(7200), "every 2h"),
    ("cron 0 2 * * *", Cron("0 2 * * *"), "cron 0 2 * * *"),
    ("cron  */15  8-18 * * mon-fri", Cron("*/15 8-18 * * mon-fri"), "cron */15 8-18 * * mon-fri"),
])
def test_a_schedule_reads_as_it_is_written(text, trigger, shown):
    assert parse_trigger(text) == trigger
    assert str(trigger) == shown
    assert parse_trigger(shown) == trigger  # what `flask jobs list` prints can be pasted into JOB_SCHEDULES


@pytest.mark.parametrize("text", ["every", "every 0s", "every 5", "every 5 minutes", "hourly", "cron 0 2 * *",
                                  "cron 61 * * * *", "cron 0 2 * * * *", ""])
def test_a_bad_schedule_is_refused(text):
    with pytest.raises(ScheduleError):
        parse_trigger(text)


def test_code_spells_triggers_the_same_way():
    assert every(minutes=5) == parse_trigger("every 5m")
    assert cron("0 2 * * *") == parse_trigger("cron 0 2 * * *")
    with pytest.raises(ScheduleError):
        every()
    with pytest.raises(ScheduleError):
        scheduled(id="NoDots", trigger=every(minutes=1))


def test_a_job_id_is_declared_once(declare_job):
    @scheduled(id="test.twice", trigger=every(minutes=1))
    def first(now):
        pass

    with pytest.raises(ScheduleError):
        @scheduled(id="test.twice", trigger=every(minutes=1))
        def second(now):
            pass


def test_triggers_become_apscheduler_triggers_in_city_time():
    from datetime import datetime

    from core.timeutil import CITY_TZ

    fire = cron("0 2 * * *").to_apscheduler().get_next_fire_time(None, datetime(2026, 11, 27, 10, 0, tzinfo=CITY_TZ))
    assert fire == datetime(2026, 11, 28, 2, 0, tzinfo=CITY_TZ)
    assert every(seconds=30).to_apscheduler().interval.total_seconds() == 30


def test_the_environment_sets_overrides_and_disabled_jobs(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVSITES_JOB_SCHEDULES", "sessions.end_idle=every 30s")
    monkeypatch.setenv("GOVSITES_JOBS_DISABLED", "sessions.end_idle, other.job")
    monkeypatch.setenv("GOVSITES_SCHEDULER_LEASE_SECONDS", "3")
    app = Flask(__name__, instance_path=str(tmp_path))
    load_config(app, {"SECRET_KEY": "x"})
    assert app.config["JOB_SCHEDULES"] == "sessions.end_idle=every 30s"
    assert app.config["JOBS_DISABLED"] == ("sessions.end_idle", "other.job")
    assert app.config["SCHEDULER_LEASE_SECONDS"] == 3.0


def test_overrides_may_be_a_dict_in_instance_config(app):
    [schedule] = [s for s in effective_schedules({"JOB_SCHEDULES": {"sessions.end_idle": "cron 0 3 * * *"}})
                  if s.job.id == "sessions.end_idle"]
    assert schedule.trigger == Cron("0 3 * * *") and schedule.is_overridden


def _lines(output: str) -> dict[str, str]:
    return {line.split()[0]: line for line in output.splitlines() if line.strip()}


def test_list_shows_the_schedule_from_code(runner):
    result = runner.invoke(args=["jobs", "list"])
    assert result.exit_code == 0, result.output
    line = _lines(result.output)["sessions.end_idle"]
    assert line.split()[1:5] == ["every", "5m", "enabled", "never"]
    assert "no scheduler holds the lease" in result.output


def test_list_shows_overrides_and_disabled_jobs(app, runner, monkeypatch, declare_job):
    @scheduled(id="test.nightly", trigger=cron("0 2 * * *"))
    def nightly(now):
        return "done"

    monkeypatch.setitem(app.config, "JOB_SCHEDULES", "sessions.end_idle=every 30s; test.nightly = cron 30 1 * * *")
    monkeypatch.setitem(app.config, "JOBS_DISABLED", ("test.nightly",))
    result = runner.invoke(args=["jobs", "list"])
    assert result.exit_code == 0, result.output
    lines = _lines(result.output)
    assert "every 30s (configured)" in lines["sessions.end_idle"] and " enabled " in lines["sessions.end_idle"]
    assert "cron 30 1 * * * (configured)" in lines["test.nightly"] and " disabled " in lines["test.nightly"]


@pytest.mark.parametrize("key, value", [("JOB_SCHEDULES", "sesions.end_idle=every 1m"),
                                        ("JOBS_DISABLED", ("sesions.end_idle",)),
                                        ("JOB_SCHEDULES", "sessions.end_idle every 1m"),
                                        ("JOB_SCHEDULES", "sessions.end_idle=every now and then")])
def test_a_configuration_the_scheduler_cannot_follow_is_an_error(app, runner, monkeypatch, key, value):
    monkeypatch.setitem(app.config, key, value)
    for command in (["jobs", "list"], ["jobs", "run"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 2, (command, result.output)
        assert "sesions.end_idle" in result.output or "every" in result.output


def test_run_once_records_a_manual_run(app, runner):
    result = runner.invoke(args=["jobs", "run-once", "sessions.end_idle"])
    assert result.exit_code == 0, result.output
    assert "sessions.end_idle: success" in result.output and "0 idle logins ended" in result.output
    [run] = runs(app)
    assert (run.job_id, run.outcome, run.holder) == ("sessions.end_idle", "success", "manual")
    listed = runner.invoke(args=["jobs", "list"]).output
    assert "success at" in _lines(listed)["sessions.end_idle"]


def test_run_once_runs_a_disabled_job_and_says_so(app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_DISABLED", ("sessions.end_idle",))
    result = runner.invoke(args=["jobs", "run-once", "sessions.end_idle"])
    assert result.exit_code == 0 and "disabled" in result.output
    assert len(runs(app, holder="manual")) == 1


def test_run_once_of_a_failing_job_exits_1_and_records_the_failure(app, runner, declare_job):
    @scheduled(id="test.broken", trigger=every(minutes=1))
    def broken(now):
        raise LookupError("nothing to look up")

    result = runner.invoke(args=["jobs", "run-once", "test.broken"])
    assert result.exit_code == 1
    assert "LookupError: nothing to look up" in result.output
    [run] = runs(app)
    assert (run.outcome, run.holder) == ("failure", "manual")


def test_run_once_of_an_unknown_job_exits_2_and_records_nothing(app, runner):
    result = runner.invoke(args=["jobs", "run-once", "no.such_job"])
    assert result.exit_code == 2 and "no job 'no.such_job'" in result.output
    assert runs(app) == []


def test_a_scheduler_taking_over_makes_up_a_missed_run_once_and_keeps_the_cadence():
    from datetime import datetime, timedelta

    from jobs.registry import catch_up_time

    now = datetime(2026, 11, 27, 10, 0, 0)
    nightly, five = cron("0 2 * * *"), every(minutes=5)
    assert catch_up_time(nightly, None, now) is None  # never ran here: wait for 02:00
    assert catch_up_time(nightly, datetime(2026, 11, 27, 2, 0, 1), now) is None  # today's ran
    assert catch_up_time(nightly, datetime(2026, 11, 26, 2, 0, 0), now) == now  # today's was missed: now
    assert catch_up_time(nightly, datetime(2026, 11, 20, 2, 0, 0), now) == now  # a week missed: once, now
    assert catch_up_time(five, None, now) is None
    assert catch_up_time(five, now - timedelta(minutes=2), now) == now + timedelta(minutes=3)  # cadence kept
    assert catch_up_time(five, now - timedelta(hours=1), now) == now
