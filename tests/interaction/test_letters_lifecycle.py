"""A letter's whole life: written, assigned, replied through a second officer's review, read and rated; asked for
more information (the clock stands still); not accepted; forwarded to another department and answered there."""
from __future__ import annotations

import re
from datetime import date, datetime

from sqlalchemy import delete, select

from core.audit.models import AuditEntry
from core.extensions import db
from core.interaction.letters import set_review_replies
from core.interaction.models import LetterEvent, LetterOptions
from tenants.scoping import activate_tenant
from tests.interaction.letter_helpers import (PDF, PHONE, good_letter, letter_row, post_on_status, query,
                                              receipt_code, step, write)


def _review_on(app, site, admin_id):
    from core.auth.models import User

    with app.app_context(), activate_tenant(site.id):
        set_review_replies(actor=db.session.get(User, admin_id), on=True)
        db.session.commit()


def _actions(app, site) -> list[str]:
    with app.app_context(), activate_tenant(site.id):
        found = list(db.session.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars())
        db.session.remove()
        return found


def test_assigned_drafted_sent_back_approved_read_and_rated(app, two_sites, client_for, officer_of, create_account):
    rsj = two_sites[0]
    admin = create_account("admin.rsj", site=rsj, roles=["site_admin"])
    head, clerk = officer_of(rsj, "head"), officer_of(rsj, "clerk")
    _review_on(app, rsj, admin.id)
    citizen = client_for(rsj.host)
    assert write(citizen).status_code == 302
    code = receipt_code(citizen)
    letter = letter_row(app, rsj)
    assert letter.status == "new" and letter.reply_days == 5

    # The head of the office gives it to a colleague with the role.
    assert step(head, letter.id, "assign", officer=str(clerk.account.id), note="请三日内拟复").status_code == 302
    assert letter_row(app, rsj).assigned_to_id == clerk.account.id
    # The clerk drafts; the reply waits for review, the writer sees nothing of it yet.
    response = step(clerk, letter.id, "reply", reply="可以补缴，请携带身份证到社保大厅办理。", office="社会保险科")
    assert response.status_code == 302
    assert letter_row(app, rsj).status == "reviewing"
    own = clerk.get(f"/admin/interaction/letters/{letter.id}").get_data(as_text=True)
    assert 'name="approve-csrf_token"' not in own
    assert query(citizen, code).status_code == 302
    page = citizen.get("/interaction/query/letter").get_data(as_text=True)
    assert "社保大厅" not in page and "正在办理" in page
    # The drafter cannot approve their own reply, even by posting the step.
    forged = clerk.post(f"/admin/interaction/letters/{letter.id}", data={"step": "approve"})
    assert forged.status_code in (302, 400)
    assert letter_row(app, rsj).status == "reviewing"
    # Another officer sends it back; the drafter corrects it; the other approves it.
    assert step(head, letter.id, "send_back", note="请写明补缴期限。").status_code == 302
    letter_now = letter_row(app, rsj)
    assert letter_now.status == "assigned" and letter_now.review_note == "请写明补缴期限。"
    step(clerk, letter.id, "reply", reply="可以补缴，补缴期限为欠费之日起三年内，请携带身份证到社保大厅办理。",
         office="社会保险科")
    assert step(head, letter.id, "approve").status_code == 302
    letter_now = letter_row(app, rsj)
    assert letter_now.status == "replied" and letter_now.reviewed_by_id == head.account.id
    assert letter_now.replied_by_id == clerk.account.id and letter_now.replied_at is not None
    # The writer reads the reply with its office and date, and rates it once.
    query(citizen, code)
    page = citizen.get("/interaction/query/letter").get_data(as_text=True)
    assert "补缴期限为欠费之日起三年内" in page and "社会保险科" in page
    assert letter_now.replied_at.strftime("%Y") in page
    assert post_on_status(citizen, "/interaction/query/rating", {"rating": "satisfied"}).status_code == 302
    assert letter_row(app, rsj).rating == "satisfied"
    again = post_on_status(citizen, "/interaction/query/rating", {"rating": "dissatisfied"})
    assert again.status_code == 302 and letter_row(app, rsj).rating == "satisfied"
    # Every step is in the site's audit log.
    assert [a for a in _actions(app, rsj) if a.startswith("letter.")] == [
        "letter.submit", "letter.assign", "letter.draft", "letter.send_back", "letter.draft", "letter.approve",
        "letter.rate"]


def test_without_review_a_reply_goes_out_at_once(app, two_sites, client_for, officer_of):
    rsj = two_sites[0]
    citizen = client_for(rsj.host)
    write(citizen)
    letter = letter_row(app, rsj)
    officer = officer_of(rsj)
    step(officer, letter.id, "reply", reply="已收悉，答复如下。", office="办公室")
    assert letter_row(app, rsj).status == "replied"


def test_more_information_stops_the_clock_across_the_spring_festival(app, calendar_2026, two_sites, client_for,
                                                                     officer_of, clock):
    rsj = two_sites[0]
    citizen = client_for(rsj.host)
    # Written on Thursday 12 February 2026: Saturday the 14th is worked, 15-23 are the Spring Festival holiday,
    # so five working days end on Thursday 26 February.
    clock(datetime(2026, 2, 12, 10, 0))
    write(citizen)
    code = receipt_code(citizen)
    letter = letter_row(app, rsj)
    assert letter.due_on == date(2026, 2, 26)
    officer = officer_of(rsj)
    clock(datetime(2026, 2, 13, 9, 0))
    assert step(officer, letter.id, "request_info", note="请补充您的参保地和欠费月份。").status_code == 302
    assert letter_row(app, rsj).status == "info_requested"
    # While it waits, the queue shows the clock stopped, not the days running.
    queue = officer.get("/admin/interaction/letters/?state=info_requested").get_data(as_text=True)
    assert "计时暂停" in queue
    # The writer answers on Wednesday 25 February: the 14th, 24th and 25th were working days waited.
    clock(datetime(2026, 2, 25, 20, 0))
    query(citizen, code)
    page = citizen.get("/interaction/query/letter").get_data(as_text=True)
    assert "请补充您的参保地和欠费月份" in page
    assert post_on_status(citizen, "/interaction/query/info", {"text": "参保地为广阳区，欠费月份为2025年3至5月。"}
                          ).status_code == 302
    letter = letter_row(app, rsj)
    assert letter.status == "new" and letter.paused_days == 3
    # 26 February, Saturday 28 February (worked), Monday 2 March: the due date moved on by three working days.
    assert letter.due_on == date(2026, 3, 2)
    detail = officer.get(f"/admin/interaction/letters/{letter.id}").get_data(as_text=True)
    assert "参保地为广阳区" in detail


def test_not_accepted_with_its_reason(app, two_sites, client_for, officer_of):
    rsj = two_sites[0]
    citizen = client_for(rsj.host)
    write(citizen)
    code = receipt_code(citizen)
    letter = letter_row(app, rsj)
    officer = officer_of(rsj)
    refused = step(officer, letter.id, "not_accept", reason="out_of_scope", note="")
    assert refused.status_code == 200 and "请说明理由" in refused.get_data(as_text=True)  # the reason said in words
    assert letter_row(app, rsj).status == "new"
    step(officer, letter.id, "not_accept", reason="out_of_scope", note="此事项属市住房公积金中心职责，请致电12329咨询。")
    assert letter_row(app, rsj).status == "not_accepted"
    query(citizen, code)
    page = citizen.get("/interaction/query/letter").get_data(as_text=True)
    assert "不属于本部门职责" in page and "12329" in page
    # Nothing more can be done with it.
    html = officer.get(f"/admin/interaction/letters/{letter.id}").get_data(as_text=True)
    assert 'name="step" value="reply"' not in html


def test_forwarded_to_another_department_and_answered_there(app, two_sites, client_for, officer_of):
    rsj, czj, _ = two_sites
    citizen = client_for(rsj.host)
    write(citizen, attachment=("欠费证明.pdf", PDF))
    code = receipt_code(citizen)
    letter = letter_row(app, rsj)
    sender = officer_of(rsj)
    step(sender, letter.id, "assign", officer=str(sender.account.id))
    # No department chosen, or this one, or nonsense: said under the field, nothing forwarded.
    for wrong in ("", str(rsj.id), "abc", "99999"):
        response = step(sender, letter.id, "forward", site=wrong)
        assert response.status_code == 200 and 'id="forward-site-errors"' in response.get_data(as_text=True)
    assert letter_row(app, rsj).status == "assigned"
    assert step(sender, letter.id, "forward", site=str(czj.id), note="涉及财政补贴，请贵局答复。").status_code == 302
    # Here: a read-only trace that says where it went.
    trace = letter_row(app, rsj)
    assert trace.status == "forwarded" and trace.forwarded_to_id == czj.id
    html = sender.get(f"/admin/interaction/letters/{letter.id}").get_data(as_text=True)
    assert czj.name_zh in html and 'name="step"' not in html
    # There: a new letter in the queue, with the text, the writer, the attachment and the history.
    receiver = officer_of(czj)
    queue = receiver.get("/admin/interaction/letters/").get_data(as_text=True)
    assert "关于灵活就业人员社保补缴的咨询" in queue
    copy = letter_row(app, czj)
    assert copy.status == "new" and copy.forwarded_from_id == rsj.id and copy.forwarded_from_letter_id == letter.id
    assert copy.writer_name == "王小明" and copy.phone == PHONE and copy.query_code == trace.query_code
    page = receiver.get(f"/admin/interaction/letters/{copy.id}").get_data(as_text=True)
    assert f"转自{rsj.name_zh}" in page and "涉及财政补贴" in page and "王小明" in page
    assert receiver.get(f"/admin/interaction/letters/{copy.id}/attachment").data == PDF
    with app.app_context(), activate_tenant(czj.id):
        actions = [e.action for e in db.session.execute(select(LetterEvent).order_by(LetterEvent.id)).scalars()]
        db.session.remove()
    assert actions == ["submit", "assign", "forwarded_in"]
    # The citizen asks the first department with the original code: it says where the letter went.
    query(citizen, code)
    status = citizen.get("/interaction/query/letter").get_data(as_text=True)
    assert f"已转至{czj.name_zh}" in status and "正在办理" not in status.split("转至")[0][-20:]
    # The note was for the receiving department's staff: the writer reads only where the letter went.
    assert "涉及财政补贴" not in status
    assert "涉及财政补贴" in sender.get(f"/admin/interaction/letters/{letter.id}").get_data(as_text=True)
    there_first = client_for(czj.host)
    query(there_first, code)
    assert "涉及财政补贴" not in there_first.get("/interaction/query/letter").get_data(as_text=True)
    # The other department answers; the first department's query follows the letter there.
    step(receiver, copy.id, "reply", reply="经核实，您可申请灵活就业社保补贴，请到区人社局窗口申报。", office="社会保障科")
    query(citizen, code)
    status = citizen.get("/interaction/query/letter").get_data(as_text=True)
    assert "您可申请灵活就业社保补贴" in status and "社会保障科" in status
    # And the same code works on the other department's site, where the writer rates the reply.
    there = client_for(czj.host)
    assert query(there, code).status_code == 302
    assert post_on_status(there, "/interaction/query/rating", {"rating": "basically_satisfied"}).status_code == 302
    assert letter_row(app, czj).rating == "basically_satisfied"
    # Both audit logs hold it.
    assert "letter.forward" in _actions(app, rsj) and "letter.forwarded_in" in _actions(app, czj)


def _audit_details(app, site, action: str) -> list[dict]:
    import json

    with app.app_context(), activate_tenant(site.id):
        found = [json.loads(d or "{}") for d in db.session.execute(
            select(AuditEntry.detail).where(AuditEntry.action == action).order_by(AuditEntry.id)).scalars()]
        db.session.remove()
        return found


def test_review_needs_two_officers_and_never_leaves_a_reply_stuck(app, two_sites, client_for, officer_of, signed_in):
    """Review cannot be switched on with one officer; if officers leave afterwards, replies go out unreviewed (the
    audit log says so), a draft already waiting may be sent by its drafter, and the settings page warns."""
    from core.auth.models import Membership

    rsj = two_sites[0]
    head = officer_of(rsj, "head")
    admin, _ = signed_in(rsj.host, "admin.rsj", site=rsj, roles=["site_admin"])
    page = admin.get("/admin/interaction/mailboxes").get_data(as_text=True)
    refused = admin.post("/admin/interaction/mailboxes", data={
        "mailbox": "options", "options-review_replies": "y",
        "options-csrf_token": re.search(r'name="options-csrf_token" type="hidden" value="([^"]+)"', page).group(1)})
    assert refused.status_code == 200 and "至少需要两名互动专员" in refused.get_data(as_text=True)
    with app.app_context(), activate_tenant(rsj.id):
        assert not db.session.execute(select(LetterOptions.review_replies)).scalar()
        db.session.remove()
    # With a second officer it is switched on; a reply is drafted and waits for review.
    clerk = officer_of(rsj, "clerk")
    _review_on(app, rsj, admin_id(app, rsj, "admin.rsj"))
    citizen = client_for(rsj.host)
    write(citizen)
    waiting = letter_row(app, rsj)
    step(head, waiting.id, "reply", reply="答复草稿。", office="办公室")
    assert letter_row(app, rsj).status == "reviewing"
    assert "至少需要两名" not in admin.get("/admin/interaction/mailboxes").get_data(as_text=True)
    # The clerk loses the role: the page warns, the drafter may now send the waiting draft himself ...
    with app.app_context(), activate_tenant(rsj.id):
        db.session.execute(delete(Membership).where(Membership.user_id == clerk.account.id))
        db.session.commit()
    warning = admin.get("/admin/interaction/mailboxes").get_data(as_text=True)
    assert "未经审核直接发出" in warning
    assert step(head, waiting.id, "approve").status_code == 302
    assert letter_row(app, rsj, waiting.query_code).status == "replied"
    # ... and a new reply goes out at once instead of waiting for a reviewer who is not there.
    write(citizen, data=good_letter(subject="关于社保卡补办的咨询", body="社保卡丢了怎么补办？"))
    another = letter_row(app, rsj)
    assert another.id != waiting.id
    step(head, another.id, "reply", reply="直接答复。", office="办公室")
    assert letter_row(app, rsj, another.query_code).status == "replied"
    assert _audit_details(app, rsj, "letter.approve")[-1].get("unreviewed") is True
    assert _audit_details(app, rsj, "letter.reply")[-1].get("unreviewed") is True


def admin_id(app, site, username: str) -> int:
    from core.auth.models import User

    with app.app_context(), activate_tenant(site.id):
        found = db.session.execute(select(User.id).where(User.username == username)).scalar_one()
        db.session.remove()
        return found
