"""The console's job-run page: who reaches it, and what it shows."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from core.extensions import db
from core.timeutil import now
from jobs.models import SchedulerLease
from tests.jobs.conftest import NOW, add_run

PLATFORM = "admin.localhost"


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr class="job-run job-run-(\w+)">', html)


def test_anonymous_visitors_are_sent_to_the_login(client_for):
    response = client_for(PLATFORM).get("/platform/jobs")
    assert response.status_code == 302 and response.headers["Location"].startswith("/admin/login")


@pytest.mark.parametrize("host", ["rsj.localhost", "localhost"])
def test_the_page_does_not_exist_on_a_site_or_the_portal(app, create_site, signed_in, client_for, host):
    site = create_site("rsj")
    add_run(app, "sessions.end_idle", "failure", error="Traceback: the-secret-failure")
    if host == "rsj.localhost":
        client, _ = signed_in(host, "zhou.siteadmin", site=site, roles=["site_admin"])
    else:
        client = client_for(host)
    response = client.get("/platform/jobs")
    assert response.status_code == 404
    assert "the-secret-failure" not in response.get_data(as_text=True)


def test_the_evaluator_reads_runs_newest_first_with_failures_highlighted(app, evaluator):
    add_run(app, "sessions.end_idle", "success", started_at=NOW, summary='{"counts": {"ended": 2}}')
    add_run(app, "publishing.publish_due", "failure", started_at=NOW + timedelta(minutes=1),
            summary="", error="Traceback (most recent call last):\nRuntimeError: the disk is full",
            holder="web-2:4242:cafe")
    add_run(app, "publishing.publish_due", "partial", started_at=NOW + timedelta(minutes=2),
            summary="2 sites: 1 done, 1 failed (rsj)", error="[rsj]\nValueError: bad")
    response = evaluator.get("/platform/jobs")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _rows(html) == ["partial", "failure", "success"]
    assert "RuntimeError: the disk is full" in html and "web-2:4242:cafe" in html
    assert "2 个站点：1 个完成，1 个失败（rsj）" in html and "结束闲置登录 2 个" in html
    failure_row = html[html.index('job-run-failure">'):]
    failure_row = failure_row[:failure_row.index("</tr>")]
    assert 'class="tag gap"' in failure_row  # highlighted
    success_row = html[html.index('job-run-success">'):]
    assert 'class="tag gap"' not in success_row[:success_row.index("</tr>")]
    assert 'action="/platform/' not in html  # nothing to change here
    assert "结束闲置登录" in html and "每 5 分钟" in html  # the schedule, in words


def test_runs_filter_by_job_and_outcome(app, evaluator):
    add_run(app, "sessions.end_idle", "success")
    add_run(app, "sessions.end_idle", "failure", error="KeyError: first-error")
    add_run(app, "publishing.publish_due", "failure", error="KeyError: second-error")
    html = evaluator.get("/platform/jobs?outcome=failure").get_data(as_text=True)
    assert _rows(html) == ["failure", "failure"]
    html = evaluator.get("/platform/jobs?job=sessions.end_idle&outcome=failure").get_data(as_text=True)
    assert _rows(html) == ["failure"] and "first-error" in html and "second-error" not in html
    html = evaluator.get("/platform/jobs?job=sessions.end_idle").get_data(as_text=True)
    assert _rows(html) == ["failure", "success"]
    html = evaluator.get("/platform/jobs?outcome=nonsense").get_data(as_text=True)
    assert len(_rows(html)) == 3  # an unknown outcome filters nothing


def test_runs_are_paginated_and_the_pager_keeps_the_filters(app, evaluator):
    for minute in range(51):
        add_run(app, "sessions.end_idle", "failure", started_at=NOW + timedelta(minutes=minute),
                summary=f"run {minute}")
    html = evaluator.get("/platform/jobs?outcome=failure").get_data(as_text=True)
    assert len(_rows(html)) == 50 and "run 50" in html and ">run 0<" not in html
    assert 'href="/platform/jobs?page=2&amp;outcome=failure"' in html
    html = evaluator.get("/platform/jobs?page=2&outcome=failure").get_data(as_text=True)
    assert _rows(html) == ["failure"] and "run 0" in html
    assert evaluator.get("/platform/jobs?page=x").status_code == 404


def test_the_page_says_who_holds_the_lease_or_that_nobody_does(app, evaluator):
    evaluator.set_language("en")
    html = evaluator.get("/platform/jobs").get_data(as_text=True)
    assert "No scheduler holds the lease" in html
    with app.app_context():
        db.session.add(SchedulerLease(name="scheduler", holder="web-1:77:feed", acquired_at=now(),
                                      expires_at=now() + timedelta(seconds=30)))
        db.session.commit()
    html = evaluator.get("/platform/jobs").get_data(as_text=True)
    assert "web-1:77:feed" in html and "No scheduler holds the lease" not in html


def test_a_bad_job_configuration_is_shown_not_a_crash(app, evaluator, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_DISABLED", ("no.such_job",))
    response = evaluator.get("/platform/jobs")
    assert response.status_code == 200 and "no.such_job" in response.get_data(as_text=True)


def test_the_menu_links_the_page(admin):
    html = admin.get("/platform/").get_data(as_text=True)
    assert 'href="/platform/jobs"' in html


def test_jobs_their_schedules_and_runs_read_in_chinese(app, evaluator, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_SCHEDULES", "publishing.publish_due=cron 30 2 * * *")
    add_run(app, "publishing.publish_due", "success",
            summary='{"sites": {"total": 70, "done": 70, "failed": 0, "failed_sites": []}, '
                    '"results": [{"value": {"published": 0, "expired": 0}, "sites": [], "count": 69}, '
                    '{"value": {"published": 2, "expired": 1}, "sites": ["rsj"], "count": 1}]}')
    add_run(app, "sessions.end_idle", "success", summary="3 idle sessions ended")  # recorded as a sentence, long ago
    html = evaluator.get("/platform/jobs").get_data(as_text=True)
    schedule = html[html.index("<h2>计划</h2>"):html.index("<h2>运行记录</h2>")]
    assert "定时发布稿件" in schedule and "结束闲置登录" in schedule  # the jobs' names
    assert "到时的定时稿件" in schedule  # what a job does
    assert "每天 02:30" in schedule and "每 5 分钟" in schedule and "配置文件设定" in schedule
    assert "70 个站点：70 个完成，0 个失败；发布 0 条，到期下线 0 条（69 个站点）；rsj：发布 2 条，到期下线 1 条" in html
    assert "结束闲置登录 3 个" in html
    for english in ("every ", "published", "expired", "idle sessions", "sites:", "publish_due<", "configured<"):
        assert english not in html, english
    evaluator.set_language("en")
    html = evaluator.get("/platform/jobs").get_data(as_text=True)
    assert "every day at 02:30" in html and "every 5 minutes" in html and "Publish scheduled items" in html
    assert "70 sites: 70 done, 0 failed; 0 published, 0 taken down at their expiry (69 sites)" in html


@pytest.mark.parametrize("spec, zh, en", [
    ("every 90m", "每 1 小时 30 分钟", "every 1 hour 30 minutes"),
    ("every 1d", "每天", "every day"),
    ("every 60s", "每分钟", "every minute"),
    ("every 2h", "每 2 小时", "every 2 hours"),
    ("cron */10 * * * *", "每 10 分钟", "every 10 minutes"),
    ("cron 15 * * * *", "每小时第 15 分钟", "every hour, at minute 15"),
    ("cron 0 9 * * 1-5", "周一至周五 09:00", "Monday to Friday at 09:00"),
    ("cron 0 3 * * 0", "每周日 03:00", "every Sunday at 03:00"),
    ("cron 0 1 1 * *", "每月 1 日 01:00", "on day 1 of every month at 01:00"),
    ("cron 0 8-20/2 * * *", "按 crontab 计划“0 8-20/2 * * *”运行（分 时 日 月 周，城市时间）",
     "on the crontab schedule “0 8-20/2 * * *” (minute, hour, day, month, weekday; city time)"),
])
def test_schedules_are_said_in_words(app, spec, zh, en):
    from jobs.registry import parse_trigger

    trigger = parse_trigger(spec)
    for lang, expected in (("zh_CN", zh), ("en", en)):
        with app.test_request_context(headers={"Cookie": f"lang={lang}"}):
            assert trigger.words() == expected


def test_every_job_has_a_name_a_description_and_a_summary_in_both_languages(app):
    from jobs.registry import load_jobs

    jobs = load_jobs()
    assert {"publishing.publish_due", "sessions.end_idle"} <= set(jobs)
    for job in jobs.values():
        if job.id.startswith("test."):
            continue
        for lang in ("zh_CN", "en"):
            with app.test_request_context(headers={"Cookie": f"lang={lang}"}):
                for text in (job.title, job.description, job.summary):
                    assert text is not None and str(text).strip(), (job.id, lang)
                    if lang == "zh_CN":
                        words = re.sub(r"%\(\w+\)s", "", str(text))
                        assert not re.search(r"[A-Za-z]{3,}", words), text
