"""A consultation's window, enforced on both ends in China time: the form is offered and an opinion accepted from
00:00 of the open day through 23:59:59 of the close day (both days included), and refused by the operation itself
before and after; the summary only after the close day, once every opinion has a decision."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from core.extensions import db
from core.interaction.consultations import ConsultationError, submit_opinion
from core.interaction.models_consultations import Consultation
from tenants.scoping import activate_tenant
from tests.interaction.consultation_helpers import (clock, comment, consultation, opinions_of,  # noqa: F401
                                                    post_with_token)

OPENS, CLOSES = date(2026, 3, 1), date(2026, 3, 31)
MOMENTS = [
    (datetime(2026, 2, 28, 23, 59, 59), False),  # the last second before the open day
    (datetime(2026, 3, 1, 0, 0, 0), True),       # the open day's first second
    (datetime(2026, 3, 31, 23, 59, 59), True),   # the close day's last second: the close day is included
    (datetime(2026, 4, 1, 0, 0, 0), False),      # the first second after it
]


@pytest.mark.parametrize("moment, is_open", MOMENTS, ids=[m.isoformat() for m, _ in MOMENTS])
def test_the_form_is_offered_and_an_opinion_taken_only_inside_the_window(two_sites, client_for, consultation, clock,
                                                                         app, moment, is_open):
    rsj = two_sites[0]
    made = consultation(rsj, open_on=OPENS, close_on=CLOSES)
    clock(moment)
    client = client_for("rsj.localhost")
    page = client.get(f"/consultations/{made.id}").get_data(as_text=True)
    assert ('name="body"' in page) is is_open
    response = comment(client, made.id)
    assert response.status_code == 302
    stored = opinions_of(app, rsj, made.id)
    assert len(stored) == (1 if is_open else 0)
    after = client.get(response.headers["Location"]).get_data(as_text=True)
    if is_open:
        assert "您的意见已收到" in after
    else:
        assert "目前不接受意见" in after


@pytest.mark.parametrize("moment, is_open", MOMENTS, ids=[m.isoformat() for m, _ in MOMENTS])
def test_the_operation_itself_refuses_outside_the_window(app, two_sites, consultation, clock, moment, is_open):
    rsj = two_sites[0]
    made = consultation(rsj, open_on=OPENS, close_on=CLOSES)
    clock(moment)
    with app.test_request_context(), activate_tenant(rsj.id):
        row = db.session.get(Consultation, made.id)
        if is_open:
            assert submit_opinion(row, body="建议增加公示环节。").id
        else:
            with pytest.raises(ConsultationError):
                submit_opinion(row, body="建议增加公示环节。")
        db.session.rollback()


def test_a_draft_and_a_withdrawn_consultation_take_nothing_and_are_not_public(two_sites, client_for, consultation,
                                                                             clock, app):
    rsj = two_sites[0]
    clock(datetime(2026, 3, 10, 10, 0))
    client = client_for("rsj.localhost")
    for status in ("draft", "withdrawn"):
        made = consultation(rsj, status=status)
        assert client.get(f"/consultations/{made.id}").status_code == 404
        assert comment(client, made.id).status_code == 404
        assert opinions_of(app, rsj, made.id) == []
        assert f"/consultations/{made.id}\"" not in client.get("/consultations/").get_data(as_text=True)


def test_the_summary_waits_for_the_close_and_for_every_decision_then_shows_the_whole_cycle(
        two_sites, client_for, consultation, clock, signed_in, app):
    rsj = two_sites[0]
    made = consultation(rsj, open_on=OPENS, close_on=CLOSES)
    public = client_for("rsj.localhost")
    clock(datetime(2026, 3, 5, 9, 0))
    for text, part in (("建议将补贴申请时限延长至60日。", "第五条"), ("建议明确灵活就业人员的申领条件。", "第三条"),
                       ("同意本办法。", ""), ("点击领取优惠券 http://spam.example", "")):
        assert comment(public, made.id, {"body": text, "part": part, "name": "", "phone": ""}).status_code == 302
    officer, _ = signed_in("rsj.localhost", "io.rsj", site=rsj, roles=["interaction_officer"])
    summary_page = f"/admin/consultations/{made.id}/summary"
    text = {"summary_text": "共收到意见3条。关于延长申请时限的意见予以采纳，已修改第五条。"}

    # The last second of the close day: still open, the summary is refused.
    clock(datetime(2026, 3, 31, 23, 59, 59))
    refused = post_with_token(officer, summary_page, summary_page, text)
    assert refused.status_code == 200 and "征集结束后" in refused.get_data(as_text=True)
    # Closed, but four opinions have no decision yet.
    clock(datetime(2026, 4, 1, 0, 0, 0))
    refused = post_with_token(officer, summary_page, summary_page, text)
    assert "4条意见尚未作出处理决定" in refused.get_data(as_text=True)

    ids = [o.id for o in opinions_of(app, rsj, made.id)]
    decisions = [("adopted", ""), ("partly_adopted", "条件中增加灵活就业人员，具体标准另行制定。"),
                 ("not_adopted", "本办法已有相关规定。"), ("set_aside", "广告信息，与征求意见稿无关。")]
    listing = f"/admin/consultations/{made.id}/opinions"
    # A decision other than "adopted" needs a reason: refused under the field, the choice kept.
    missing = post_with_token(officer, listing, f"{listing}/{ids[2]}", {f"o{ids[2]}-decision": "not_adopted"},
                              prefix=f"o{ids[2]}")
    assert missing.status_code == 200 and "请说明理由" in missing.get_data(as_text=True)
    for opinion_id, (decision, reason) in zip(ids, decisions):
        done = post_with_token(officer, listing, f"{listing}/{opinion_id}",
                               {f"o{opinion_id}-decision": decision, f"o{opinion_id}-reason": reason},
                               prefix=f"o{opinion_id}")
        assert done.status_code == 302, done.get_data(as_text=True)[:2000]
    assert [o.decision for o in opinions_of(app, rsj, made.id)] == [d for d, _ in decisions]

    empty = post_with_token(officer, summary_page, summary_page, {"summary_text": ""})
    assert empty.status_code == 200 and "请填写采纳情况说明" in empty.get_data(as_text=True)
    clock(datetime(2026, 4, 8, 10, 30))
    assert post_with_token(officer, summary_page, summary_page, text).status_code == 302

    page = public.get(f"/consultations/{made.id}").get_data(as_text=True)
    assert "意见采纳情况" in page and text["summary_text"] in page and "2026-04-08" in page
    counts = dict(__import__("re").findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td>', page))
    # The advertisement set aside is not an opinion on the draft: three received, one of each decision.
    assert counts == {"收到意见": "3", "采纳": "1", "部分采纳": "1", "未采纳": "1"}
    assert 'name="body"' not in page  # the form is gone for good
    # The whole cycle is on the page: the draft, the window, the count, the summary.
    assert "第一条 为规范就业补贴资金管理" in page and "2026-03-01" in page and "2026-03-31" in page
    # Decisions are final once the summary is out; a second summary is refused.
    late = post_with_token(officer, "/admin/account", f"{listing}/{ids[0]}", {f"o{ids[0]}-decision": "not_adopted",
                                                                     f"o{ids[0]}-reason": "改变主意"},
                           prefix=f"o{ids[0]}")
    assert "决定不能再更改" in late.get_data(as_text=True)
    assert opinions_of(app, rsj, made.id)[0].decision == "adopted"


def test_the_public_list_turns_at_midnight_even_from_the_page_cache(two_sites, client_for, consultation, clock):
    rsj = two_sites[0]
    made = consultation(rsj, open_on=OPENS, close_on=CLOSES)
    client = client_for("rsj.localhost")
    clock(datetime(2026, 3, 31, 23, 59, 59))
    before = client.get("/consultations/").get_data(as_text=True)
    assert "正在征集" in before.split("<h2>")[1] and f"/consultations/{made.id}" in before.split("<h2>")[1]
    clock(datetime(2026, 4, 1, 0, 0, 0))
    after = client.get("/consultations/").get_data(as_text=True)
    taking, closed = after.split("<h2>")[1:3]
    assert f"/consultations/{made.id}" not in taking and f"/consultations/{made.id}" in closed
