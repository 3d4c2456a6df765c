"""An application's whole life, from the outside: filed online, returned for correction, corrected, accepted,
refused or approved, completed and rated, each step by a service officer and audited, timed in working days."""
from __future__ import annotations

import io
import json
import re
from datetime import date, datetime

import pytest
from sqlalchemy import select

from core.audit.models import AuditEntry
from core.extensions import db
from core.services.models import Application, ApplicationEvent, ApplicationFile, Feedback
from core.workdays.operations import load_year
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import csrf_token
from tests.services.application_helpers import (PHONE, PNG, application_row, apply, clock, officer_of,  # noqa: F401
                                                online_item, receipt_code, step, track)


@pytest.fixture
def calendar_2026(app):
    with app.app_context():
        load_year(2026)
        db.session.commit()


def _events(app, site, application_id):
    with app.app_context(), activate_tenant(site.id):
        rows = db.session.execute(select(ApplicationEvent.from_status, ApplicationEvent.to_status,
                                         ApplicationEvent.note, ApplicationEvent.at)
                                  .where(ApplicationEvent.application_id == application_id)
                                  .order_by(ApplicationEvent.id)).all()
        db.session.remove()
        return rows


def _audit(app, site):
    with app.app_context(), activate_tenant(site.id):
        rows = db.session.execute(select(AuditEntry.action, AuditEntry.target, AuditEntry.username,
                                         AuditEntry.detail).where(AuditEntry.action.like("application.%"))
                                  .order_by(AuditEntry.id)).all()
        db.session.remove()
        return rows


def test_returned_corrected_accepted_refused_completed_rated_and_followed_up(
        app, two_sites, online_item, client_for, officer_of, clock, calendar_2026):
    """Across the 2026 Spring Festival: the due date counts working days only, the make-up Saturdays included,
    and stands still while the application is back with the applicant."""
    rsj = two_sites[0]
    item = online_item(rsj, promised_days=5)
    citizen = client_for("rsj.localhost")

    # Friday 13 February 2026, the last working day before the holiday (Saturday the 14th is worked).
    clock(datetime(2026, 2, 13, 16, 30))
    response = apply(citizen, item.id)
    assert response.status_code == 302 and response.headers["Location"] == "/services/receipt"
    code = receipt_code(citizen)
    receipt = citizen.get("/services/receipt").get_data(as_text=True)
    # 5 working days from the day after: Sat 14 Feb (make-up day), then 24, 25, 26, 27 February.
    assert "2026-02-27" in receipt and "5 个工作日" in receipt
    application = application_row(app, rsj)
    assert application.due_on == date(2026, 2, 27) and application.status == "submitted"

    # The officer returns it on Tuesday 24 February, saying what to add.
    officer = officer_of(rsj)
    clock(datetime(2026, 2, 24, 9, 0))
    queue = officer.get("/admin/services/applications/").get_data(as_text=True)
    assert code in queue and "待受理" in queue
    assert step(officer, application.id, "return", note="").status_code == 200  # the note is required
    assert application_row(app, rsj).status == "submitted"
    response = step(officer, application.id, "return", note="请补充学历证书的学信网认证报告。")
    assert response.status_code == 302
    assert application_row(app, rsj).status == "returned"

    # The applicant checks with code and phone, reads what to correct, and sends it back on Thursday 26th.
    clock(datetime(2026, 2, 26, 20, 0))
    assert track(citizen, code).headers["Location"] == "/services/track/status"
    status = citizen.get("/services/track/status").get_data(as_text=True)
    assert "待补正" in status and "请补充学历证书的学信网认证报告。" in status
    form_token = csrf_token(status)
    response = citizen.post("/services/track/resubmit", content_type="multipart/form-data", data={
        "csrf_token": form_token, "f_employer": "廊坊市第一中学", "f_years": "12", "f_level": "中级",
        "f_diploma": (io.BytesIO(PNG), "学信网认证报告.png"), "note": "已补充认证报告。"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    corrected = application_row(app, rsj)
    # Two working days with the applicant (25 and 26 February) move the due date on by two working days:
    # Saturday 28 February is a make-up working day, then Monday 2 March.
    assert corrected.status == "submitted" and corrected.due_on == date(2026, 3, 2)
    with app.app_context(), activate_tenant(rsj.id):
        files = db.session.execute(select(ApplicationFile.field_key, ApplicationFile.filename,
                                          ApplicationFile.superseded).order_by(ApplicationFile.id)).all()
        db.session.remove()
    assert files == [("diploma", "学历证书.pdf", True), ("diploma", "学信网认证报告.png", False)]
    assert "2026-03-02" in citizen.get("/services/track/status").get_data(as_text=True)

    # Accepted, then refused: a refusal needs its reason and its legal basis.
    clock(datetime(2026, 2, 27, 10, 0))
    assert step(officer, application.id, "accept").status_code == 302
    page = step(officer, application.id, "refuse", note="申报人工作年限不足。", legal_basis="")
    assert page.status_code == 200 and "请写明不予许可的法律依据" in page.get_data(as_text=True)
    assert application_row(app, rsj).status == "accepted"
    assert step(officer, application.id, "refuse", note="申报人工作年限不足。",
                legal_basis="《专业技术人员职称评审办法》第十五条").status_code == 302
    refused = citizen.get("/services/track/status").get_data(as_text=True)
    assert "不予批准" in refused and "申报人工作年限不足。" in refused and "第十五条" in refused
    assert "行政复议" in refused  # the applicant is told how to challenge the decision

    clock(datetime(2026, 3, 2, 15, 0))
    assert step(officer, application.id, "complete", note="决定书已邮寄。").status_code == 302
    done = application_row(app, rsj)
    assert done.status == "completed" and done.completed_at == datetime(2026, 3, 2, 15, 0)

    # A poor rating asks what went wrong and opens a follow-up, which the officer answers.
    status = citizen.get("/services/track/status").get_data(as_text=True)
    assert "非常满意" in status and "非常不满意" in status
    refused_rating = citizen.post("/services/track/feedback", data={"csrf_token": csrf_token(status), "rating": "2",
                                                                   "comment": "等待太久"})
    assert "请告诉我们哪里不满意" in refused_rating.get_data(as_text=True)
    response = citizen.post("/services/track/feedback", data={"csrf_token": csrf_token(status), "rating": "2",
                                                             "problems": ["slow", "repeated"], "comment": "等待太久"})
    assert response.status_code == 302
    assert "正在核实" in citizen.get("/services/track/status").get_data(as_text=True)
    queue = officer.get("/admin/services/applications/?flag=follow_up").get_data(as_text=True)
    assert code in queue
    page = officer.get(f"/admin/services/applications/{application.id}").get_data(as_text=True)
    assert "办理时间过长" in page and "多次提交材料" in page
    follow = officer.post(f"/admin/services/applications/{application.id}", data={
        "step": "follow_up", "follow-csrf_token": csrf_token(page), "follow-answer": "已核实，补正环节将一次性告知。"})
    assert follow.status_code == 302
    assert "已核实，补正环节将一次性告知。" in citizen.get("/services/track/status").get_data(as_text=True)
    assert code not in officer.get("/admin/services/applications/?flag=follow_up").get_data(as_text=True)

    # The history the applicant and the officers read, step by step, with its dates.
    events = _events(app, rsj, application.id)
    assert [(e.from_status, e.to_status) for e in events] == [
        (None, "submitted"), ("submitted", "returned"), ("returned", "submitted"), ("submitted", "accepted"),
        ("accepted", "refused"), ("refused", "completed")]
    assert [e.at.date() for e in events] == [date(2026, 2, 13), date(2026, 2, 24), date(2026, 2, 26),
                                             date(2026, 2, 27), date(2026, 2, 27), date(2026, 3, 2)]
    # Each step audited: by whom (the applicant's own steps anonymously), never with personal data.
    entries = _audit(app, rsj)
    assert [e.action for e in entries] == [
        "application.submit", "application.return", "application.resubmit", "application.accept",
        "application.refuse", "application.complete", "application.rate", "application.follow_up"]
    assert [e.username for e in entries] == ["", "officer.rsj", "", "officer.rsj", "officer.rsj", "officer.rsj",
                                             "", "officer.rsj"]
    assert all(e.target == f"#{application.id}" for e in entries)
    assert json.loads(entries[2].detail)["paused"] == 2
    for entry in entries:
        assert "王小明" not in entry.detail and PHONE not in entry.detail and code.replace("-", "") not in entry.detail


def test_not_accepted_at_the_door_with_the_reason(app, two_sites, online_item, client_for, officer_of):
    rsj = two_sites[0]
    item = online_item(rsj)
    citizen = client_for("rsj.localhost")
    apply(citizen, item.id)
    code = receipt_code(citizen)
    application = application_row(app, rsj)
    officer = officer_of(rsj)
    assert step(officer, application.id, "not_accept", note="").status_code == 200
    assert step(officer, application.id, "not_accept", note="该事项不属于本机关职权范围，请向市场监管局申请。").status_code == 302
    track(citizen, code)
    status = citizen.get("/services/track/status").get_data(as_text=True)
    assert "不予受理" in status and "请向市场监管局申请" in status
    # Closed: no step is offered, and a late post of an old form changes nothing.
    page = officer.get(f"/admin/services/applications/{application.id}").get_data(as_text=True)
    assert 'name="step" value="accept"' not in page
    response = officer.post(f"/admin/services/applications/{application.id}",
                            data={"step": "accept", "accept-csrf_token": csrf_token(page)})
    assert response.status_code == 302 and application_row(app, rsj).status == "not_accepted"


def test_a_step_taken_twice_at_once_is_recorded_once(app, two_sites, online_item, client_for, officer_of):
    """Two officers (or a double click) read the same state; the second to write finds it moved on."""
    from sqlalchemy.orm.attributes import set_committed_value

    from core.auth.models import User
    from core.services.applications import ApplicationError, accept, return_for_correction

    rsj = two_sites[0]
    apply(client_for("rsj.localhost"), online_item(rsj).id)
    officer_of(rsj)
    with app.app_context(), activate_tenant(rsj.id):
        officer = db.session.execute(select(User).where(User.username.like("%officer%"))).scalars().first()
        application = db.session.execute(select(Application)).scalar_one()
        accept(application, actor=officer)
        db.session.commit()
        set_committed_value(application, "status", "submitted")  # what the other request read before
        with pytest.raises(ApplicationError):
            return_for_correction(application, actor=officer, note="请补充材料。")
        db.session.rollback()
        events = db.session.execute(select(ApplicationEvent.to_status)).scalars().all()
        assert db.session.get(Application, application.id).status == "accepted"
        assert sorted(events) == ["accepted", "submitted"]
        db.session.remove()


def test_approved_and_completed_then_rated_well_without_a_follow_up(app, two_sites, online_item, client_for,
                                                                    officer_of):
    rsj = two_sites[0]
    item = online_item(rsj)
    citizen = client_for("rsj.localhost")
    apply(citizen, item.id)
    code = receipt_code(citizen)
    application = application_row(app, rsj)
    officer = officer_of(rsj)
    # A step that does not follow from the state is not offered, and refused if posted.
    page = officer.get(f"/admin/services/applications/{application.id}").get_data(as_text=True)
    assert 'value="approve"' not in page and 'value="accept"' in page
    for key in ("accept", "approve", "complete"):
        assert step(officer, application.id, key).status_code == 302, key
    assert application_row(app, rsj).status == "completed"
    track(citizen, code)
    status = citizen.get("/services/track/status").get_data(as_text=True)
    assert "已办结" in status
    token = csrf_token(status)
    response = citizen.post("/services/track/feedback", data={"csrf_token": token, "rating": "5",
                                                             "problems": ["slow"]})
    assert response.status_code == 302
    with app.app_context(), activate_tenant(rsj.id):
        feedback = db.session.execute(select(Feedback)).scalar_one()
        assert (feedback.rating, feedback.problems) == (5, "")  # problems belong to a poor rating only
        db.session.remove()
    status = citizen.get("/services/track/status").get_data(as_text=True)
    assert "非常满意" in status and "评价" in status and 'name="rating"' not in status
    # Rated once: a second post changes nothing.
    again = citizen.post("/services/track/feedback", data={"csrf_token": token, "rating": "1"})
    assert again.status_code == 302
    with app.app_context(), activate_tenant(rsj.id):
        assert db.session.execute(select(Feedback.rating)).scalars().all() == [5]
        db.session.remove()


def test_the_queue_counts_states_and_flags_overdue_and_due_soon(app, two_sites, online_item, client_for,
                                                                officer_of, clock, calendar_2026):
    rsj = two_sites[0]
    item = online_item(rsj, promised_days=3)
    for day in (2, 6):  # Monday 2 and Friday 6 March 2026
        clock(datetime(2026, 3, day, 10, 0))
        apply(client_for("rsj.localhost"), item.id)
    officer = officer_of(rsj)
    # Wednesday 11 March: the first (due Thursday 5th) is overdue by 4 working days; the second is due today.
    clock(datetime(2026, 3, 11, 9, 0))
    home = officer.get("/admin/").get_data(as_text=True)
    assert "网上办事申请" in home
    queue = officer.get("/admin/services/applications/").get_data(as_text=True)
    assert "已超期 4 个工作日" in queue and "今天到期" in queue
    overdue = officer.get("/admin/services/applications/?flag=overdue").get_data(as_text=True)
    assert _rows(overdue) == ["deadline-row-overdue"] and "已超期：1" in overdue
    due_soon = officer.get("/admin/services/applications/?flag=due_soon").get_data(as_text=True)
    assert _rows(due_soon) == ["deadline-row-due_soon"] and "今天到期" in due_soon
    # A returned application's clock stands still: neither overdue nor due soon.
    with app.app_context(), activate_tenant(rsj.id):
        first_id = db.session.execute(select(Application.id).order_by(Application.id)).scalars().first()
        db.session.remove()
    step(officer, first_id, "return", note="请补充材料。")
    returned = officer.get("/admin/services/applications/?state=returned").get_data(as_text=True)
    assert _rows(returned) == ["deadline-row-paused"] and "暂停计时" in returned
    assert _rows(officer.get("/admin/services/applications/?flag=overdue").get_data(as_text=True)) == []
    assert re.search(r"flag=overdue\">已超期</a>: <strong>0</strong>", officer.get("/admin/").get_data(as_text=True))


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr class="(deadline-row-\w+)">', html)


def test_the_admin_home_counts_the_decided_applications_waiting_to_be_completed(app, two_sites, online_item,
                                                                               client_for, officer_of):
    """待办结: an approved or refused application waits for the officer to hand the decision over; the admin home's
    card counts each, with a link to them in the queue, as the queue's "with the office" does."""
    rsj = two_sites[0]
    item = online_item(rsj)
    citizen = client_for("rsj.localhost")
    for _ in range(4):
        assert apply(citizen, item.id).status_code == 302
    with app.app_context(), activate_tenant(rsj.id):
        ids = list(db.session.execute(select(Application.id).order_by(Application.id)).scalars())
        db.session.remove()
    officer = officer_of(rsj)
    officer.set_language("en")
    for application_id in ids[:3]:
        assert step(officer, application_id, "accept").status_code == 302
    assert step(officer, ids[0], "approve").status_code == 302
    for application_id in ids[1:3]:
        assert step(officer, application_id, "refuse", note="申报人工作年限不足。",
                    legal_basis="《专业技术人员职称评审办法》第十五条").status_code == 302
    card = re.search(r'<section class="card" aria-labelledby="applications-card">.*?</section>',
                     officer.get("/admin/").get_data(as_text=True), re.S).group(0)
    lines = dict(re.findall(r'<a href="[^"]*state=(\w+)">[^<]*</a>: <strong>(\d+)</strong>', card))
    assert lines == {"submitted": "1", "accepted": "0", "approved": "1", "refused": "2", "returned": "0"}
    assert "Approved, to be completed" in card and "Refused, to be completed" in card
    waiting = officer.get("/admin/services/applications/?state=refused").get_data(as_text=True)
    assert waiting.count('<tr class="deadline-row') == 2
