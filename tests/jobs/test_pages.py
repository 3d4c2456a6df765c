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
    add_run(app, "sessions.end_idle", "success", started_at=NOW, summary="2 idle sessions ended")
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
    assert "2 sites: 1 done, 1 failed (rsj)" in html
    failure_row = html[html.index('job-run-failure">'):]
    failure_row = failure_row[:failure_row.index("</tr>")]
    assert 'class="tag gap"' in failure_row  # highlighted
    success_row = html[html.index('job-run-success">'):]
    assert 'class="tag gap"' not in success_row[:success_row.index("</tr>")]
    assert 'action="/platform/' not in html  # nothing to change here
    assert "sessions.end_idle" in html and "every 5m" in html  # the schedule


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
