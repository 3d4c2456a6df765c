"""An application for disclosure's whole life, from the outside: filed online, registered, sent back for
clarification (the clock starts again from the clarification), extended once, answered with each reply type;
each step by a disclosure officer and audited, timed in working days across the 2026 Spring Festival."""
from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import select

from core.audit.models import AuditEntry
from core.extensions import db
from tenants.scoping import activate_tenant
from tests.disclosure.applications_helpers import ADMIN, PDF, apply, person, receipt_code, row, step, steps, track
from tests.fixtures.accounts import csrf_token


def _audit(app, site):
    with app.app_context(), activate_tenant(site.id):
        rows = db.session.execute(select(AuditEntry.action, AuditEntry.username, AuditEntry.detail)
                                  .where(AuditEntry.action.like("disclosure_application.%"))
                                  .order_by(AuditEntry.id)).all()
        db.session.remove()
        return rows


def test_registered_clarified_extended_and_answered_across_the_spring_festival(
        app, two_sites, client_for, officer_of, clock, calendar_2026):
    """20 working days count the make-up Saturdays and skip the holiday; the clarification restarts the count."""
    rsj = two_sites[0]
    citizen = client_for("rsj.localhost")

    # Thursday 12 February 2026: the citizen applies. 20 working days from the day after: Fri 13, Sat 14 (a
    # make-up working day), then 24 February on (15-23 are the holiday), Sat 28 worked too: 18 March.
    clock(datetime(2026, 2, 12, 10, 0))
    response = apply(citizen)
    assert response.status_code == 302 and response.headers["Location"] == "/disclosure/receipt"
    code = receipt_code(citizen)
    assert "2026-03-18" in citizen.get("/disclosure/receipt").get_data(as_text=True)
    found = row(app, rsj)
    assert found.status == "submitted" and found.due_on == date(2026, 3, 18) and found.received_on is None

    # Friday 13 February: the officer registers it as received on the 12th (the day it was sent).
    officer = officer_of(rsj)
    clock(datetime(2026, 2, 13, 9, 0))
    queue = officer.get(f"{ADMIN}/").get_data(as_text=True)
    assert code in queue and "待登记" in queue
    bad = step(officer, found.id, "register", received_on="2026-02-11")  # before it was sent
    assert bad.status_code == 200 and "收到申请日期应在" in bad.get_data(as_text=True)
    assert step(officer, found.id, "register", received_on="2026-02-12").status_code == 302
    found = row(app, rsj)
    assert (found.status, found.received_on, found.clock_from, found.due_on) == \
        ("registered", date(2026, 2, 12), date(2026, 2, 12), date(2026, 3, 18))

    # Tuesday 24 February, the first working day after the holiday: the officer asks for clarification.
    clock(datetime(2026, 2, 24, 9, 30))
    assert step(officer, found.id, "clarify", note="").status_code == 200  # what to clarify is required
    assert row(app, rsj).status == "registered"
    assert step(officer, found.id, "clarify", note="请写明地块的具体名称及补偿方案的年份。").status_code == 302
    assert row(app, rsj).status == "clarifying"
    queue = officer.get(f"{ADMIN}/?state=clarifying").get_data(as_text=True)
    assert code in queue and "计时暂停" in queue

    # Thursday 26 February, evening: the applicant reads the request and answers it on the tracking page.
    clock(datetime(2026, 2, 26, 20, 0))
    assert track(citizen, code).headers["Location"] == "/disclosure/track/status"
    status = citizen.get("/disclosure/track/status").get_data(as_text=True)
    assert "待补正" in status and "请写明地块的具体名称及补偿方案的年份。" in status
    empty = citizen.post("/disclosure/track/clarify", data={"csrf_token": csrf_token(status), "text": ""},
                         content_type="multipart/form-data")
    assert empty.status_code == 200 and row(app, rsj).status == "clarifying"
    sent = citizen.post("/disclosure/track/clarify", content_type="multipart/form-data",
                        data={"csrf_token": csrf_token(status), "text": "万庄新城二期（北旺乡段）2025年补偿方案。"})
    assert sent.status_code == 302
    # The limit counts again, in full, from 26 February: 27, Sat 28, 2-6, 9-13, 16-20, 23-25 March.
    found = row(app, rsj)
    assert (found.status, found.clock_from, found.due_on) == ("registered", date(2026, 2, 26), date(2026, 3, 25))
    assert found.clarification == "万庄新城二期（北旺乡段）2025年补偿方案。"
    assert "2026-03-25" in citizen.get("/disclosure/track/status").get_data(as_text=True)
    # Clarification is asked once (Art. 30): the step is not offered again, and refused if posted.
    page = officer.get(f"{ADMIN}/{found.id}").get_data(as_text=True)
    assert 'value="clarify"' not in page
    assert step(officer, found.id, "clarify", note="再补正").status_code == 302
    assert row(app, rsj).status == "registered"

    # Wednesday 4 March: extended by 10 working days, with its reason; once only, at most 20. From 25 March:
    # 26, 27, 30, 31 March, 1-3 April, then Monday 6 April is the Qingming holiday: 7, 8, 9 April.
    clock(datetime(2026, 3, 4, 11, 0))
    assert "1 至 20 个工作日" in step(officer, found.id, "extend", days="21", reason="需征求第三方意见").get_data(
        as_text=True)
    assert step(officer, found.id, "extend", days="10", reason="").status_code == 200
    assert step(officer, found.id, "extend", days="10", reason="需书面征求第三方意见。").status_code == 302
    found = row(app, rsj)
    assert (found.extended_days, found.due_on) == (10, date(2026, 4, 9))
    assert 'value="extend"' not in officer.get(f"{ADMIN}/{found.id}").get_data(as_text=True)
    status = citizen.get("/disclosure/track/status").get_data(as_text=True)
    assert "需书面征求第三方意见。" in status and "2026-04-09" in status

    # Monday 30 March: answered, the information attached.
    clock(datetime(2026, 3, 30, 15, 0))
    refused = step(officer, found.id, "answer", reply_type="disclosed", text="")
    assert refused.status_code == 200 and row(app, rsj).status == "registered"  # neither a file nor a word
    response = step(officer, found.id, "answer", reply_type="disclosed", text="所申请信息见附件。",
                    files=[("征收补偿方案.pdf", PDF)])
    assert response.status_code == 302
    found = row(app, rsj)
    assert found.status == "answered" and found.reply_type == "disclosed"

    # The applicant reads the reply and downloads its file; the deadline was met.
    status = citizen.get("/disclosure/track/status").get_data(as_text=True)
    assert "予以公开" in status and "所申请信息见附件。" in status and "征收补偿方案.pdf" in status
    link = next(part.split('"')[0] for part in status.split('href="')[1:] if "/disclosure/track/files/" in part)
    download = citizen.get(link)
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert client_for("rsj.localhost").get(link).status_code == 404  # not without the tracking query
    queue = officer.get(f"{ADMIN}/?state=answered").get_data(as_text=True)
    assert "按期答复" in queue

    assert [s for s, _at in steps(app, rsj, found.id)] == ["submit", "register", "clarify", "clarified", "extend",
                                                          "answer"]
    entries = _audit(app, rsj)
    assert [e.action.split(".")[1] for e in entries] == ["submit", "register", "clarify", "clarified", "extend",
                                                         "answer"]
    assert [e.username for e in entries] == ["", "officer.rsj", "officer.rsj", "", "officer.rsj", "officer.rsj"]
    details = [json.loads(e.detail) if isinstance(e.detail, str) else e.detail for e in entries]
    assert details[3]["restarted_on"] == "2026-02-26"
    assert details[-1]["reply"] == "disclosed" and details[-1]["on_time"] is True


def _registered(app, rsj, citizen, officer, clock) -> int:
    clock(datetime(2026, 3, 2, 10, 0))
    assert apply(citizen).status_code == 302
    found = row(app, rsj)
    assert step(officer, found.id, "register").status_code == 302
    return found.id


@pytest.mark.parametrize("reply_type, fields, missing, shown", [
    ("partly_disclosed", {"text": "涉及第三方个人信息的部分不予公开。", "ground": "third_party"}, "text",
     ["部分公开", "涉及第三方个人信息的部分不予公开。", "第十五条"]),
    ("not_disclosed", {"text": "该信息为内部讨论记录。", "ground": "process_info"}, "ground",
     ["不予公开", "该信息为内部讨论记录。", "过程性信息", "行政复议"]),
    ("not_exist", {"text": "经检索，本机关未制作该信息。"}, "text", ["政府信息不存在", "经检索，本机关未制作该信息。"]),
    ("not_held", {"other_body": "廊坊市自然资源和规划局（电话0316-2213456）"}, "other_body",
     ["非本机关负责公开", "廊坊市自然资源和规划局"]),
    ("repeat", {"text": "您已于2026年1月提出同一申请，本机关已答复。"}, "text", ["重复申请", "本机关已答复"]),
    ("not_disclosure_request", {"text": "请通过12345热线反映。"}, "text", ["不属于政府信息公开申请", "12345热线"]),
])
def test_each_reply_type_needs_its_own_facts_and_tells_the_applicant(app, two_sites, client_for, officer_of, clock,
                                                                     calendar_2026, reply_type, fields, missing,
                                                                     shown):
    rsj = two_sites[0]
    citizen, officer = client_for("rsj.localhost"), officer_of(rsj)
    application_id = _registered(app, rsj, citizen, officer, clock)
    code = receipt_code(citizen)
    clock(datetime(2026, 3, 10, 10, 0))
    incomplete = step(officer, application_id, "answer", reply_type=reply_type,
                      **{k: v for k, v in fields.items() if k != missing})
    assert incomplete.status_code == 200 and row(app, rsj).status == "registered"
    assert 'class="errors"' in incomplete.get_data(as_text=True)
    assert step(officer, application_id, "answer", reply_type=reply_type, **fields,
                files=[("答复书.pdf", PDF)]).status_code == 302
    found = row(app, rsj)
    assert found.status == "answered" and found.reply_type == reply_type
    assert found.reply_ground == fields.get("ground")
    track(citizen, code)
    status = citizen.get("/disclosure/track/status").get_data(as_text=True)
    for words in shown:
        assert words in status, words
    assert "答复书.pdf" in status
    # Answered is final: no step is offered, and one posted anyway changes nothing.
    assert step(officer, application_id, "answer", reply_type="disclosed", text="再答复").status_code == 302
    assert row(app, rsj).reply_type == reply_type


def test_overdue_and_due_soon_are_counted_and_highlighted(app, two_sites, client_for, officer_of, clock,
                                                          calendar_2026, signed_in):
    rsj = two_sites[0]
    citizen, officer = client_for("rsj.localhost"), officer_of(rsj)
    clock(datetime(2026, 3, 2, 10, 0))
    apply(citizen)
    late_code = receipt_code(citizen)
    late = row(app, rsj, late_code)
    step(officer, late.id, "register")  # due 30 March
    clock(datetime(2026, 3, 23, 10, 0))
    apply(citizen, person(description="2025年度部门预算执行情况"))
    soon_code = receipt_code(citizen)  # not registered: due provisionally 21 April (6 April is Qingming)
    clock(datetime(2026, 3, 31, 9, 0))
    queue = officer.get(f"{ADMIN}/").get_data(as_text=True)
    assert "已超期：1" in queue and "已超期 1 个工作日" in queue and "deadline-row-overdue" in queue
    overdue = officer.get(f"{ADMIN}/?flag=overdue").get_data(as_text=True)
    assert late_code in overdue and soon_code not in overdue
    clock(datetime(2026, 4, 16, 9, 0))  # three working days left: 17, 20, 21 April
    soon = officer.get(f"{ADMIN}/?flag=due_soon").get_data(as_text=True)
    assert soon_code in soon and late_code not in soon
    home = officer.get("/admin/").get_data(as_text=True)
    assert "政府信息公开申请" in home and "deadline-overdue" in home


def test_an_extension_is_decided_within_the_time_limit_and_a_late_reply_counts_late(
        app, two_sites, client_for, officer_of, clock, calendar_2026):
    """Art. 33: the limit is extended while it runs. Registered on 2 March, due 30 March: on the last day an
    extension is taken; still open on 8 April, overdue, it is refused with the reason, the due date and the
    overdue flag stay, and the reply then given counts as late, in the queue, the audit log and the yearly report."""
    from core.disclosure.report import draft_overview
    from core.disclosure.report_queries import compute_figures

    rsj = two_sites[0]
    citizen, officer = client_for("rsj.localhost"), officer_of(rsj)
    officer.set_language("en")
    clock(datetime(2026, 3, 2, 10, 0))
    codes = []
    for description in (REQUEST_ONE, REQUEST_TWO):
        assert apply(citizen, person(description=description)).status_code == 302
        codes.append(receipt_code(citizen))
    late, extended = (row(app, rsj, code) for code in codes)
    for found in (late, extended):
        assert step(officer, found.id, "register").status_code == 302
    assert row(app, rsj, codes[0]).due_on == date(2026, 3, 30)

    # Monday 30 March, the last day of the limit: still within it, the extension is taken.
    clock(datetime(2026, 3, 30, 16, 0))
    assert step(officer, extended.id, "extend", days="5", reason="需书面征求第三方意见。").status_code == 302
    assert row(app, rsj, codes[1]).extended_days == 5

    # Wednesday 8 April: the other is overdue. The page says why it cannot be extended; a posted extension (a page
    # opened before the due date) is refused with the same reason, and nothing moves.
    clock(datetime(2026, 4, 8, 10, 0))
    page = officer.get(f"{ADMIN}/{late.id}").get_data(as_text=True)
    assert 'name="extend-days"' not in page and "can no longer be extended" in page and "2026-03-30" in page
    refused = step(officer, late.id, "extend", days="20", reason="需书面征求第三方意见。")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "The time limit ended on 2026-03-30" in html and "can no longer be extended" in html
    found = row(app, rsj, codes[0])
    assert (found.status, found.extended_days, found.due_on) == ("registered", None, date(2026, 3, 30))
    overdue = officer.get(f"{ADMIN}/?flag=overdue").get_data(as_text=True)
    assert codes[0] in overdue and "Overdue by 6 working days" in overdue

    # Answered that day: after the time limit, whatever the office does now.
    assert step(officer, late.id, "answer", reply_type="disclosed", text="所申请信息见附件。",
                files=[("答复.pdf", PDF)]).status_code == 302
    answered = officer.get(f"{ADMIN}/?state=answered").get_data(as_text=True)
    assert codes[0] in answered and "Answered after the time limit" in answered
    entries = _audit(app, rsj)
    assert [e.action for e in entries].count("disclosure_application.extend") == 1
    reply = json.loads(entries[-1].detail) if isinstance(entries[-1].detail, str) else entries[-1].detail
    assert entries[-1].action == "disclosure_application.answer" and reply["on_time"] is False
    with app.app_context(), activate_tenant(rsj.id):
        figures = compute_figures(2026)
        db.session.remove()
    assert figures["applications"]["answered"]["total"] == 1 and figures["late_replies"] == 1
    assert "本年度办结1件（其中超过答复期限1件）" in draft_overview(2026, figures)


REQUEST_ONE = "2025年度部门预算执行情况"
REQUEST_TWO = "广阳区万庄新城二期地块征收补偿方案"


def test_steps_are_the_disclosure_officers_own(app, two_sites, client_for, signed_in, clock, calendar_2026):
    """A holder of every other role, and the bureau's administrator, cannot take a step."""
    rsj = two_sites[0]
    clock(datetime(2026, 3, 2, 10, 0))
    apply(client_for("rsj.localhost"))
    found = row(app, rsj)
    editor, _ = signed_in("rsj.localhost", "ed.rsj", site=rsj, roles=["editor", "service_officer", "site_admin"])
    assert editor.get(f"{ADMIN}/{found.id}").status_code == 403
    admin, _ = signed_in("rsj.localhost", "chen.admin", platform_role="platform_admin", totp=True)
    page = admin.get(f"{ADMIN}/{found.id}")
    assert page.status_code == 200 and "只有本网站的信息公开专员" in page.get_data(as_text=True)
    assert step(admin, found.id, "register").status_code == 403
    assert row(app, rsj).status == "submitted"
