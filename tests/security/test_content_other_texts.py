"""The content checks read every public text of a site, not only items and section pages: published consultations
(the draft, and the feedback summary once published), published service guides and published letters with their
replies. A problem planted in each is found, pointing to where the site fixes it, and resolved once fixed; what
the public does not see (a draft, a working copy, a summary not yet published) is not read."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import delete, update

from core.extensions import db
from core.interaction.models import Letter, PublishedLetter
from core.interaction.models_consultations import Consultation
from core.privacy.crypto import lookup_hash
from core.services.models import ServiceItem
from tenants.scoping import activate_tenant
from tests.security.conftest import lifecycle, of
from tests.services import guide_fixtures

create_item = guide_fixtures.create_item  # the services tests' fixture: an item of the catalogue, its guide published

DRAFT = "<p>第一条 为规范就业补贴资金管理，制定本办法。</p>"
CONTENT_RULES = ("content.broken_links", "content.external_links", "content.hidden_links", "content.forbidden_words",
                 "content.wrong_expressions", "content.unsanitised_html")



@pytest.fixture
def change(app):
    """change(site, Model, row_id, **columns): store columns as they are, past every operation (as an intruder)."""

    def run(site, model, row_id: int, **values) -> None:
        with app.app_context(), activate_tenant(site.id):
            db.session.execute(update(model).where(model.id == row_id).values(**values))
            db.session.commit()
            db.session.remove()

    return run


@pytest.fixture
def consultation(app):
    """consultation(site, **columns) -> id: a consultation as its operations leave it (published by default)."""

    def make(site, **values) -> int:
        fields = {"title": "廊坊市就业补贴管理办法（征求意见稿）", "body_html": DRAFT, "office": "就业促进科",
                  "open_on": date(2026, 3, 1), "close_on": date(2026, 3, 31), "status": "published",
                  "published_at": datetime(2026, 2, 20, 9, 0), **values}
        with app.app_context(), activate_tenant(site.id):
            row = Consultation(**fields)
            db.session.add(row)
            db.session.commit()
            made = row.id
            db.session.remove()
        return made

    return make


@pytest.fixture
def published_letter(app):
    """published_letter(site, reply=…, published=True) -> (letter id, published id): a replied letter, published
    as its officer confirmed it (or only replied)."""

    def make(site, *, subject="关于灵活就业人员社保补缴的咨询", reply="可以补缴，请携带身份证到窗口办理。",
             published=True) -> tuple[int, int | None]:
        received = datetime(2026, 3, 2, 9, 0)
        with app.app_context(), activate_tenant(site.id):
            letter = Letter(kind="consultation", query_code="K7M2Q9XW4RTP", subject=subject,
                            body="本人有三个月未缴社保，请问能否补缴？", writer_name="王小明", phone="13812345678",
                            phone_hash=lookup_hash("13812345678", "letter.phone"), text_hash="t1", may_publish=True,
                            status="replied", received_at=received, first_received_at=received,
                            due_on=(received + timedelta(days=7)).date(), reply_days=5,
                            replied_at=received + timedelta(days=2), reply=reply, reply_office="社会保险科")
            db.session.add(letter)
            db.session.flush()
            shown = None
            if published:
                shown = PublishedLetter(letter_id=letter.id, kind=letter.kind, subject=subject, body=letter.body,
                                        reply=reply, reply_office="社会保险科", received_on=received.date(),
                                        replied_on=letter.replied_at.date())
                db.session.add(shown)
                db.session.flush()
            db.session.commit()
            ids = (letter.id, shown.id if shown is not None else None)
            db.session.remove()
        return ids

    return make


def _guide(app, site, item_id: int) -> dict:
    with app.app_context(), activate_tenant(site.id):
        guide = json.loads(db.session.get(ServiceItem, item_id).published_guide)
        db.session.remove()
    return guide


def test_a_hidden_link_in_a_consultations_draft(two_sites, consultation, change, check_site):
    rsj = two_sites[0]
    made = consultation(rsj)
    change(rsj, Consultation, made, body_html=DRAFT + '<div style="display:none"><a href="http://bet.example/">娱乐城</a></div>')
    rule = "content.hidden_links"
    [found] = lifecycle(lambda: of(check_site(rsj, rule), rule),
                        lambda: change(rsj, Consultation, made, body_html=DRAFT))
    assert found.key == f"consultation:{made}" and found.name == "廊坊市就业补贴管理办法（征求意见稿）"
    assert found.link == f"/admin/consultations/{made}"
    assert found.details["values"]["links"] == ["http://bet.example/"]


def test_markup_the_sanitiser_would_remove_from_a_consultations_draft(two_sites, consultation, change, check_site):
    rsj = two_sites[0]
    made = consultation(rsj)
    rule = "content.unsanitised_html"
    assert of(check_site(rsj, rule), rule) == []  # the draft as the operation stored it passes
    change(rsj, Consultation, made, body_html='<p onclick="steal()">第一条</p><script>alert(1)</script>')
    [found] = lifecycle(lambda: of(check_site(rsj, rule), rule),
                        lambda: change(rsj, Consultation, made, body_html="<p>第一条</p>"))
    assert found.key == f"consultation:{made}" and found.details["values"]["removed"] == ["<script>", "onclick"]


def test_a_forbidden_word_in_a_consultations_published_feedback_summary(two_sites, consultation, change, check_site):
    rsj = two_sites[0]
    made = consultation(rsj, summary_text="共收到意见3条，采纳2条。另见网络博彩广告一则，未予采纳。",
                        summary_published_at=datetime(2026, 4, 3, 10, 0))
    rule = "content.forbidden_words"
    [found] = lifecycle(lambda: of(check_site(rsj, rule), rule),
                        lambda: change(rsj, Consultation, made, summary_text="共收到意见3条，采纳2条。"))
    assert found.key == f"consultation:{made}/summary/word:博彩"
    assert found.link == f"/admin/consultations/{made}/summary"
    assert "廊坊市就业补贴管理办法（征求意见稿）" in found.name
    assert "网络博彩广告" in found.details["excerpts"][0]


def test_a_wrong_expression_in_a_published_service_guide(app, two_sites, create_item, check_site):
    rsj = two_sites[0]
    item = create_item(rsj, published=True, legal_basis="《人力资源市场暂行条例》第十八条；国务院办公室有关通知")
    rule = "content.wrong_expressions"

    def approve_corrected():
        guide = _guide(app, rsj, item)
        guide["legal_basis"] = "《人力资源市场暂行条例》第十八条；国务院办公厅有关通知"
        with app.app_context(), activate_tenant(rsj.id):
            db.session.execute(update(ServiceItem).where(ServiceItem.id == item)
                               .values(published_guide=json.dumps(guide, ensure_ascii=False)))
            db.session.commit()
            db.session.remove()

    [found] = lifecycle(lambda: of(check_site(rsj, rule), rule), approve_corrected)
    assert found.key == f"service_item:{item}/wrong:国务院办公室" and found.name == "人力资源服务许可"
    assert found.link == f"/admin/services/items/{item}"
    assert found.details["values"] == {"wrong": "国务院办公室", "correct": "国务院办公厅"}


def test_a_forbidden_word_in_a_guides_materials_and_form_is_found_in_the_published_guide_only(
        app, two_sites, create_item, check_site):
    rsj = two_sites[0]
    item = create_item(rsj, published=True, materials=(("博彩经营许可证复印件", "copy", 1, True, ""),))
    draft = create_item(rsj, code="130100-XK-002", name="另一事项", conditions="网络博彩")  # never published
    rule = "content.forbidden_words"
    [found] = of(check_site(rsj, rule), rule)
    assert found.key == f"service_item:{item}/word:博彩"
    with app.app_context(), activate_tenant(rsj.id):  # the working copy changes; the public still reads the old
        db.session.execute(update(ServiceItem).where(ServiceItem.id.in_([item, draft])).values(conditions="无"))
        db.session.commit()
    assert [r.state for r in of(check_site(rsj, rule), rule)] == ["open"]


def test_a_forbidden_word_in_a_published_letters_reply(two_sites, published_letter, change, check_site):
    rsj = two_sites[0]
    letter, shown = published_letter(rsj, reply="经核查，该网站涉嫌网络博彩，已移交公安机关。")
    rule = "content.forbidden_words"
    [found] = lifecycle(lambda: of(check_site(rsj, rule), rule),
                        lambda: change(rsj, PublishedLetter, shown, reply="经核查，该网站涉嫌违法，已移交公安机关。"))
    assert found.key == f"letter:{letter}/word:博彩" and found.name == "关于灵活就业人员社保补缴的咨询"
    assert found.link == f"/admin/interaction/letters/{letter}"


def test_a_letter_taken_off_the_published_letters_is_resolved(app, two_sites, published_letter, check_site):
    rsj = two_sites[0]
    _letter, shown = published_letter(rsj, subject="举报私服游戏网站")
    rule = "content.forbidden_words"

    def unpublish():
        with app.app_context(), activate_tenant(rsj.id):
            db.session.execute(delete(PublishedLetter).where(PublishedLetter.id == shown))
            db.session.commit()
            db.session.remove()

    [found] = lifecycle(lambda: of(check_site(rsj, rule), rule), unpublish)
    assert found.details["values"]["word"] == "私服"


def test_what_the_public_does_not_see_is_not_read(two_sites, consultation, published_letter, check_site):
    rsj, czj, _ = two_sites
    consultation(rsj, status="draft", body_html='<p>博彩 <a href="https://evil.example/">x</a></p>')
    consultation(rsj, status="withdrawn", body_html="<p>国务院办公室</p>")
    consultation(rsj, summary_text="网络博彩", summary_published_at=None)  # written, not published yet
    published_letter(rsj, reply="涉嫌网络博彩", published=False)
    consultation(czj, body_html="<p>网络博彩</p>")  # another site's
    assert check_site(rsj, *CONTENT_RULES) == []
