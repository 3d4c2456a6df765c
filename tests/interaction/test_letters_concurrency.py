"""Two requests taking a step on one letter at once make one step: the second read the letter before the first
committed, and is refused before it writes anything (a forward never makes two copies, two replies never both
land, two additions never both move the due date)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm.attributes import set_committed_value

from core.audit.models import AuditEntry
from core.auth.models import User
from core.extensions import db
from core.interaction import letters as ops
from core.interaction.models import Letter, LetterEvent, LetterOptions, PublishedLetter
from tenants.scoping import activate_tenant
from tests.interaction.letter_helpers import PHONE


def _letter(status: str = "new") -> Letter:
    letter, _ = ops.submit_letter("consultation", subject="关于社保补缴的咨询", body="请问如何补缴？",
                                  writer_name="王小明", phone=PHONE, may_publish=True)
    db.session.flush()
    return letter


def _counts(site_ids) -> dict:
    counts = {}
    for site_id in site_ids:
        with activate_tenant(site_id):
            counts[site_id] = tuple(db.session.execute(select(func.count()).select_from(model)).scalar()
                                    for model in (Letter, LetterEvent, PublishedLetter, AuditEntry))
    return counts


def _officers(site, officer_of) -> tuple[int, int]:
    return officer_of(site, "head").account.id, officer_of(site, "clerk").account.id


def _prepare(kind: str, one: User, two: User) -> Letter:
    """A letter in the state from which both racing steps start."""
    letter = _letter()
    if kind == "release":
        letter.status, letter.hold_reason = "held", "links"
    elif kind in ("approve", "send_back"):
        db.session.add(LetterOptions(review_replies=True))
        ops.reply(letter, actor=one, text="答复草稿。", office="办公室")
    elif kind == "add_info":
        ops.request_info(letter, actor=one, note="请补充材料。")
    elif kind in ("publish", "unpublish", "rate"):
        ops.reply(letter, actor=one, text="答复如下。", office="办公室")
        if kind == "unpublish":
            ops.publish_letter(letter, actor=one, subject="关于社保补缴的咨询", body="请问如何补缴？",
                               reply_text="答复如下。")
    return letter


#: Each race: the step that commits first, and the one that read the letter before it and comes second.
RACES = {
    "forward": (lambda l, one, two, czj: ops.forward_letter(l, actor=one, to_site_id=czj, note="请贵局办理"),
                lambda l, one, two, czj: ops.forward_letter(l, actor=two, to_site_id=czj, note="请贵局办理")),
    "reply": (lambda l, one, two, czj: ops.reply(l, actor=one, text="答复一。", office="办公室"),
              lambda l, one, two, czj: ops.reply(l, actor=two, text="答复二。", office="办公室")),
    "assign": (lambda l, one, two, czj: ops.assign(l, actor=one, officer_id=one.id),
               lambda l, one, two, czj: ops.assign(l, actor=two, officer_id=two.id)),
    "release": (lambda l, one, two, czj: ops.release(l, actor=one),
                lambda l, one, two, czj: ops.not_accept(l, actor=two, reason="abusive")),
    "request_info": (lambda l, one, two, czj: ops.request_info(l, actor=one, note="请补充。"),
                     lambda l, one, two, czj: ops.not_accept(l, actor=two, reason="duplicate")),
    "approve": (lambda l, one, two, czj: ops.approve_reply(l, actor=two),
                lambda l, one, two, czj: ops.send_back(l, actor=two, note="请修改。")),
    "send_back": (lambda l, one, two, czj: ops.send_back(l, actor=two, note="请修改。"),
                  lambda l, one, two, czj: ops.approve_reply(l, actor=two)),
    "add_info": (lambda l, one, two, czj: ops.add_info(l, text="补充一。"),
                 lambda l, one, two, czj: ops.add_info(l, text="补充二。")),
    "publish": (lambda l, one, two, czj: ops.publish_letter(l, actor=one, subject="甲", body="乙", reply_text="丙"),
                lambda l, one, two, czj: ops.publish_letter(l, actor=two, subject="甲", body="乙", reply_text="丁")),
    "unpublish": (lambda l, one, two, czj: ops.unpublish_letter(l, actor=one),
                  lambda l, one, two, czj: ops.unpublish_letter(l, actor=two)),
    "rate": (lambda l, one, two, czj: ops.rate(l, rating="satisfied"),
             lambda l, one, two, czj: ops.rate(l, rating="dissatisfied")),
}


@pytest.mark.parametrize("race", sorted(RACES))
def test_a_stale_step_is_refused_and_writes_nothing(app, two_sites, officer_of, race):
    rsj, czj = two_sites[0], two_sites[1]
    one_id, two_id = _officers(rsj, officer_of)
    first, second = RACES[race]
    with app.app_context(), activate_tenant(rsj.id):
        one, two = db.session.get(User, one_id), db.session.get(User, two_id)
        letter = _prepare(race, one, two)
        db.session.commit()
        read = {name: getattr(letter, name) for name in ("status", "version", "rating", "due_on", "reply")}
        first(letter, one, two, czj.id)
        db.session.commit()
        after_first = {name: getattr(letter, name) for name in ("status", "reply", "due_on", "rating")}
        counts = _counts((rsj.id, czj.id))
        for name, value in read.items():  # what the second request read, before the first committed
            set_committed_value(letter, name, value)
        # (a second unpublish finds no published row even before its claim: refused all the same)
        with pytest.raises(ops.LetterError, match="未公开" if race == "unpublish" else "刷新页面"):
            second(letter, one, two, czj.id)
        db.session.flush()
        assert _counts((rsj.id, czj.id)) == counts  # no event, copy, published row or audit entry
        db.session.rollback()
        stored = db.session.get(Letter, letter.id)
        assert {name: getattr(stored, name) for name in after_first} == after_first
        db.session.remove()


def test_the_stale_check_is_not_fooled_by_a_step_back_to_the_same_state(app, two_sites, officer_of):
    """Assigned → assigned again: the state is the same, the letter is not (its version moved on)."""
    rsj = two_sites[0]
    one_id, two_id = _officers(rsj, officer_of)
    with app.app_context(), activate_tenant(rsj.id):
        one, two = db.session.get(User, one_id), db.session.get(User, two_id)
        letter = _letter()
        ops.assign(letter, actor=one, officer_id=one.id)
        db.session.commit()
        read = letter.version
        ops.assign(letter, actor=one, officer_id=two.id)
        db.session.commit()
        set_committed_value(letter, "assigned_to_id", one.id)
        set_committed_value(letter, "version", read)
        with pytest.raises(ops.LetterError):
            ops.reply(letter, actor=one, text="答复。", office="办公室")
        db.session.rollback()
        assert db.session.get(Letter, letter.id).status == "assigned"
        db.session.remove()
