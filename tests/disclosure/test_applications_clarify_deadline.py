"""Clarification runs out (Art. 30: 逾期不补正视为放弃申请): the applicant has a day to clarify by, read on the status
page and the officer's page; the nightly job closes what passed it as withdrawn, audited, counted under 其他处理.
And due dates follow the holiday calendar: a year missing is warned of, entering it moves the open due dates."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from core.audit.models import AuditEntry, PlatformAuditEntry
from core.disclosure.jobs import close_unclarified_applications
from core.disclosure.queries_applications import year_counts
from core.extensions import db
from core.workdays.operations import confirm_year, set_day
from tenants.scoping import activate_tenant
from tests.disclosure.applications_helpers import (ADMIN, ID_NUMBER, PHONE, apply, receipt_code, row, step,
                                                   track)
from tests.fixtures.accounts import csrf_token


def test_an_application_not_clarified_in_time_is_closed_as_withdrawn(app, two_sites, client_for, officer_of, clock,
                                                                     calendar_2026, signed_in):
    rsj = two_sites[0]
    citizen, officer = client_for("rsj.localhost"), officer_of(rsj)
    clock(datetime(2026, 2, 12, 10, 0))
    apply(citizen)
    code = receipt_code(citizen)
    found = row(app, rsj)
    step(officer, found.id, "register", received_on="2026-02-12")
    # Tuesday 24 February: clarification asked, with a phone in the note. 15 working days from the day after:
    # 25-27 February, Saturday 28 (a make-up working day), 2-6, 9-13 and 16 March.
    clock(datetime(2026, 2, 24, 9, 30))
    assert step(officer, found.id, "clarify", note=f"请写明地块名称，或致电{PHONE}。").status_code == 302
    assert row(app, rsj).clarify_due_on == date(2026, 3, 16)
    track(citizen, code)
    status = citizen.get("/disclosure/track/status").get_data(as_text=True)
    assert "2026-03-16" in status
    token = csrf_token(status)
    assert "2026-03-16" in officer.get(f"{ADMIN}/{found.id}").get_data(as_text=True)
    assert "2026-03-16" in officer.get(f"{ADMIN}/?state=clarifying").get_data(as_text=True)
    # Staff who see personal data masked see the officer's note masked too.
    admin, _ = signed_in("rsj.localhost", "chen.admin", platform_role="platform_admin", totp=True)
    masked = admin.get(f"{ADMIN}/{found.id}").get_data(as_text=True)
    assert "138****5678" in masked and PHONE not in masked
    # On its last day nothing is closed; the day after, the nightly job closes it.
    with app.app_context():
        assert close_unclarified_applications(datetime(2026, 3, 16, 0, 30)).done["rsj"] == {"closed": 0}
        db.session.commit()
    clock(datetime(2026, 3, 17, 0, 30))
    with app.app_context():
        result = close_unclarified_applications(datetime(2026, 3, 17, 0, 30))
        db.session.commit()
    assert result.done["rsj"] == {"closed": 1}
    found = row(app, rsj)
    assert found.status == "withdrawn" and found.answered_at == datetime(2026, 3, 17, 0, 30)
    with app.app_context(), activate_tenant(rsj.id):
        entries = db.session.execute(select(AuditEntry.action).where(
            AuditEntry.action == "disclosure_application.lapse")).scalars().all()
        counts = year_counts(2026)
        db.session.remove()
    assert entries == ["disclosure_application.lapse"]
    assert counts.count("no_clarification") == 1 and counts.count("answered") == 1 and counts.count("pending") == 0
    # The applicant reads why; a clarification sent now is refused.
    track(citizen, code)
    status = citizen.get("/disclosure/track/status").get_data(as_text=True)
    assert "视为放弃" in status or "deemed withdrawn" in status
    late = citizen.post("/disclosure/track/clarify", content_type="multipart/form-data",
                        data={"csrf_token": token, "text": "补正内容"})
    assert late.status_code == 302 and row(app, rsj).status == "withdrawn"
    # Closed again by a second run: nothing more.
    with app.app_context():
        assert close_unclarified_applications(datetime(2026, 3, 18, 0, 30)).done["rsj"] == {"closed": 0}


def test_the_applicant_reads_their_own_clarification_masked(app, two_sites, client_for, officer_of, clock,
                                                            calendar_2026):
    rsj = two_sites[0]
    citizen, officer = client_for("rsj.localhost"), officer_of(rsj)
    clock(datetime(2026, 3, 2, 10, 0))
    apply(citizen)
    code = receipt_code(citizen)
    found = row(app, rsj)
    step(officer, found.id, "register")
    step(officer, found.id, "clarify", note="请写明年份。")
    track(citizen, code)
    status = citizen.get("/disclosure/track/status").get_data(as_text=True)
    citizen.post("/disclosure/track/clarify", content_type="multipart/form-data",
                 data={"csrf_token": csrf_token(status), "text": f"2025年度的补偿方案。我是王小明，{ID_NUMBER}。"})
    status = citizen.get("/disclosure/track/status").get_data(as_text=True)
    assert "2025年度的补偿方案。" in status and "王小明" not in status and ID_NUMBER not in status


def test_a_missing_calendar_year_is_warned_of_and_entering_it_moves_open_due_dates(app, two_sites, client_for,
                                                                                    officer_of, clock, calendar_2026):
    rsj = two_sites[0]
    citizen, officer = client_for("rsj.localhost"), officer_of(rsj)
    # Monday 14 December 2026: 20 working days run into January 2027, which nobody has entered yet.
    clock(datetime(2026, 12, 14, 10, 0))
    apply(citizen)
    found = row(app, rsj)
    step(officer, found.id, "register", received_on="2026-12-14")
    assert row(app, rsj).due_on == date(2027, 1, 11)  # 1 January counted as a Friday at work
    assert "2027" in officer.get(f"{ADMIN}/").get_data(as_text=True).split("<ul class=\"flags\">")[0]
    assert "2027" in officer.get(f"{ADMIN}/{found.id}").get_data(as_text=True).split("<dl")[0]
    # The bureau enters New Year's Day 2027: the due date moves one working day on, and the entry says so.
    with app.app_context():
        set_day(date(2027, 1, 1), "holiday", name_zh="元旦", name_en="New Year's Day")
        db.session.commit()
        moved = db.session.execute(select(PlatformAuditEntry.detail).where(
            PlatformAuditEntry.action == "calendar.set_day")).scalar_one()
        confirm_year(2027)
        db.session.commit()
    assert '"deadlines_moved": 1' in moved or "'deadlines_moved': 1" in str(moved)
    assert row(app, rsj).due_on == date(2027, 1, 12)
    html = officer.get(f"{ADMIN}/").get_data(as_text=True)
    assert "2027-01-12" in html and "2027" not in html.split("<ul class=\"flags\">")[0].split("</h1>")[1]


def test_the_queue_stacks_on_a_phone_and_flags_a_clarification_asked_late(app, two_sites, client_for, officer_of,
                                                                           clock, calendar_2026):
    rsj = two_sites[0]
    citizen, officer = client_for("rsj.localhost"), officer_of(rsj)
    clock(datetime(2026, 3, 2, 10, 0))
    apply(citizen)
    found = row(app, rsj)
    step(officer, found.id, "register", received_on="2026-03-02")
    clock(datetime(2026, 3, 12, 10, 0))  # 8 working days after receipt: past the 7 of Art. 30
    step(officer, found.id, "clarify", note="请写明年份。")
    html = officer.get(f"{ADMIN}/").get_data(as_text=True)
    table = html[html.index("<table"):html.index("</table>")]
    assert "stacked-table" in table.split(">")[0]
    cells = table[table.index("<tbody>"):].count("<td")
    assert cells == table[table.index("<tbody>"):].count("<td data-label=") == 6
    assert "补正告知超时" in table or "Clarification asked late" in table
