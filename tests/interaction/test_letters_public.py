"""The public side of letters: the section and its mailboxes, the write form, the receipt, the query, spam held,
published letters masked, reports never published, rate limits."""
from __future__ import annotations

import re
from dataclasses import replace

import pytest
from sqlalchemy import select

from core.auth.models import User
from core.extensions import db, limiter
from core.interaction.letters import LetterError, publish_letter, update_mailbox
from core.interaction.models import Letter, PublishedLetter
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import csrf_token
from tests.interaction.letter_helpers import (
    EMAIL,
    ID_NUMBER,
    NAME,
    OTHER_PHONE,
    PDF,
    PHONE,
    good_letter,
    letter_row,
    query,
    receipt_code,
    step,
    write,
)


def test_the_interaction_section_lists_the_open_mailboxes_with_their_rules(app, two_sites, client_for,
                                                                           create_account):
    rsj = two_sites[0]
    page = client_for(rsj.host).get("/sections/interaction/").get_data(as_text=True)
    for name in ("咨询", "监督投诉", "举报", "建议", "局长信箱"):
        assert f"<h3>{name}</h3>" in page
    assert "请一信一事" in page and "5 个工作日内答复" in page
    admin = create_account("admin.rsj", site=rsj, roles=["site_admin"])
    with app.app_context(), activate_tenant(rsj.id):
        user = db.session.get(User, admin.id)
        update_mailbox("director", actor=user, enabled=False, rules="", reply_days=None)
        update_mailbox("consultation", actor=user, enabled=True, rules="咨询请先查阅办事指南。", reply_days=3)
        db.session.commit()
    page = client_for(rsj.host).get("/sections/interaction/").get_data(as_text=True)
    assert "<h3>局长信箱</h3>" not in page and "咨询请先查阅办事指南。" in page and "3 个工作日内答复" in page
    # The closed mailbox's link (bookmarked, printed) says it is closed and points to the open ones; posting to it
    # files nothing.
    closed = client_for(rsj.host).get("/interaction/write/director")
    html = closed.get_data(as_text=True)
    assert closed.status_code == 200 and "该信箱暂停受理来信" in html and 'name="subject"' not in html
    assert 'href="/interaction/write/consultation"' in html and 'href="/interaction/write/director"' not in html
    assert client_for(rsj.host).post("/interaction/write/director", data={"subject": "x"}).status_code in (200, 400)
    assert client_for(rsj.host).get("/interaction/write/nonsense").status_code == 404
    # A site may shorten its limit, never lengthen it beyond the platform's.
    with app.app_context(), activate_tenant(rsj.id):
        with pytest.raises(LetterError) as refused:
            update_mailbox("consultation", actor=db.session.get(User, admin.id), enabled=True, rules="",
                           reply_days=8)
        assert "reply_days" in refused.value.problems
        db.session.rollback()
    citizen = client_for(rsj.host)
    write(citizen)
    assert letter_row(app, rsj).reply_days == 3


def test_errors_are_shown_by_field_with_what_was_typed_kept(app, two_sites, client_for):
    rsj = two_sites[0]
    citizen = client_for(rsj.host)
    response = write(citizen, data=good_letter(phone="12345", subject="", declaration=None,
                                               body="我想问一下补缴的事。"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in html and "请填写来信标题" in html and "请勾选承诺" in html
    assert "手机号码为 11 位数字" in html or "11" in re.search(r'id="phone-errors".*?</ul>', html, re.DOTALL).group(0)
    assert "我想问一下补缴的事。" in html and NAME in html  # kept
    with app.app_context(), activate_tenant(rsj.id):
        assert db.session.execute(select(Letter)).first() is None
        db.session.remove()


@pytest.mark.parametrize("name, content, expected", [
    ("说明.exe", b"MZ\x90\x00", "exe"),
    ("说明.pdf", b"not really a pdf", "PDF"),
])
def test_a_refused_attachment_says_why_and_nothing_is_kept(app, two_sites, client_for, name, content, expected):
    rsj = two_sites[0]
    response = write(client_for(rsj.host), attachment=(name, content))
    assert response.status_code == 200
    assert expected in response.get_data(as_text=True)
    with app.app_context(), activate_tenant(rsj.id):
        assert db.session.execute(select(Letter)).first() is None
        db.session.remove()


def test_an_attachment_over_its_limit_is_refused(app, two_sites, client_for, monkeypatch):
    """Over the limit (5 MB; 0.3 MB here, as the test client spools larger bodies to files it leaves open)."""
    from core.interaction import letters

    monkeypatch.setattr(letters, "ATTACHMENT", replace(letters.ATTACHMENT, max_mb=0.3))
    rsj = two_sites[0]
    response = write(client_for(rsj.host), attachment=("大文件.pdf", b"%PDF-1.4\n" + b"0" * (400 * 1024)))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "0.3 MB" in html and 'id="attachment-errors"' in html
    assert "关于灵活就业人员社保补缴的咨询" in html  # what was typed is kept
    with app.app_context(), activate_tenant(rsj.id):
        assert db.session.execute(select(Letter)).first() is None
        db.session.remove()


def test_the_receipt_gives_a_random_code_and_the_due_date_and_nothing_personal(app, two_sites, client_for):
    rsj = two_sites[0]
    citizen = client_for(rsj.host)
    write(citizen, attachment=("说明.pdf", PDF))
    html = citizen.get("/interaction/receipt").get_data(as_text=True)
    code = receipt_code(citizen)
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", code)
    letter = letter_row(app, rsj)
    assert letter.due_on.isoformat() in html
    for personal in (NAME, PHONE, EMAIL):
        assert personal not in html
    # Two letters get unrelated codes.
    other = client_for(rsj.host)
    write(other, data=good_letter(subject="另一件事", phone=OTHER_PHONE))
    assert receipt_code(other) != code
    # Personal data is encrypted at rest; the phone is found by its keyed hash.
    with app.app_context():
        raw = db.session.execute(db.text("SELECT writer_name, phone, email, phone_hash FROM interaction_letters"))\
            .all()
        db.session.remove()
    for row in raw:
        assert NAME not in " ".join(row) and PHONE not in " ".join(row) and EMAIL not in " ".join(row)


def test_the_same_form_posted_twice_files_one_letter(app, two_sites, client_for):
    rsj = two_sites[0]
    citizen = client_for(rsj.host)
    page = citizen.get("/interaction/write/consultation").get_data(as_text=True)
    values = {"csrf_token": csrf_token(page),
              "submission": re.search(r'name="submission" type="hidden" value="([^"]*)"', page).group(1)}
    for _ in range(2):
        assert citizen.post("/interaction/write/consultation", data={**values, **good_letter()}).status_code == 302
    with app.app_context(), activate_tenant(rsj.id):
        assert len(db.session.execute(select(Letter)).all()) == 1
        db.session.remove()


def test_query_shows_only_that_letter_and_one_answer_otherwise(app, two_sites, client_for):
    rsj, czj, _ = two_sites
    mine, other = client_for(rsj.host), client_for(rsj.host)
    write(mine)
    code = receipt_code(mine)
    write(other, data=good_letter(subject="另一位群众的来信", body="别人的内容", phone=OTHER_PHONE))
    other_code = receipt_code(other)
    citizen = client_for(rsj.host)
    assert query(citizen, code).status_code == 302
    page = citizen.get("/interaction/query/letter").get_data(as_text=True)
    assert "关于灵活就业人员社保补缴的咨询" in page and "另一位群众的来信" not in page and "别人的内容" not in page
    answers = set()
    for tried_code, phone in ((code, OTHER_PHONE), (other_code, PHONE), ("ABCD-EFGH-JKMN", PHONE)):
        response = query(client_for(rsj.host), tried_code, phone)
        assert response.status_code == 200
        answers.add(re.search(r'<div class="svc-error-summary".*?</div>', response.get_data(as_text=True), re.DOTALL)
                    .group(0))
    assert len(answers) == 1 and "没有找到与该查询码和手机号码相符的来信" in answers.pop()
    # Another site does not know this site's code.
    assert query(client_for(czj.host), code).status_code == 200
    # The letter page without a query in this browser leads back to the query.
    assert client_for(rsj.host).get("/interaction/query/letter").status_code == 302


def test_repeated_and_link_stuffed_letters_are_held_not_lost(app, two_sites, client_for, officer_of):
    rsj = two_sites[0]
    citizen = client_for(rsj.host)
    write(citizen)
    # The same text again (spaces and full-width punctuation do not make it new), from the same mobile.
    again = good_letter(body="本人２０２５年有三个月未缴社保， 请问能否补缴，需要带哪些材料？")
    assert write(client_for(rsj.host), data=again).status_code == 302
    repeated = letter_row(app, rsj)
    assert repeated.status == "held" and repeated.hold_reason == "repeated"
    spam = client_for(rsj.host)
    links = " ".join(f"http://spam{i}.example.com/buy" for i in range(4))
    assert write(spam, data=good_letter(subject="优惠", body=f"点击领取 {links}", phone=OTHER_PHONE)
                 ).status_code == 302
    assert receipt_code(spam)  # the writer still gets a receipt
    stuffed = letter_row(app, rsj)
    assert stuffed.status == "held" and stuffed.hold_reason == "links"
    # The officer sees them held, releases one and does not accept the other.
    officer = officer_of(rsj)
    queue = officer.get("/admin/interaction/letters/?state=held").get_data(as_text=True)
    assert "待甄别 <span class=\"count\">2</span>" in queue
    step(officer, repeated.id, "release")
    assert letter_row(app, rsj, repeated.query_code).status == "new"
    step(officer, stuffed.id, "not_accept", reason="abusive")
    assert letter_row(app, rsj, stuffed.query_code).status == "not_accepted"


def test_published_letters_are_masked_and_show_no_personal_details(app, two_sites, client_for, officer_of):
    rsj = two_sites[0]
    citizen = client_for(rsj.host)
    body = (f"我叫{NAME}，身份证号{ID_NUMBER}，手机{PHONE}，邮箱{EMAIL}，家住广阳区。"
            "请问灵活就业人员如何补缴社保？")
    write(citizen, data=good_letter(body=body))
    letter = letter_row(app, rsj)
    officer = officer_of(rsj)
    step(officer, letter.id, "reply", reply=f"{NAME}您好：可以补缴，请致电0316-2011234咨询。", office="社会保险科")
    page = officer.get(f"/admin/interaction/letters/{letter.id}").get_data(as_text=True)
    # The officer sees the masked version before confirming it.
    form = re.search(r'<form method="post" class="card" aria-labelledby="step-publish">.*?</form>', page,
                     re.DOTALL).group(0)
    assert "王**" in form and "1101**********002X" in form and "138****5678" in form and "w*****@example.com" in form
    assert NAME not in form and ID_NUMBER not in form and PHONE not in form and EMAIL not in form
    assert "0316-*****34" in form
    refused = step(officer, letter.id, "publish", subject=letter.subject, body=body, reply="答复")
    assert "请确认已阅读脱敏后的内容" in refused.get_data(as_text=True)
    # Even the unmasked text, if the officer pasted it back, is masked when it is saved.
    step(officer, letter.id, "publish", subject=letter.subject, body=body, reply=f"{NAME}您好：可以补缴。", confirm="y")
    public = client_for(rsj.host)
    listing = public.get("/interaction/letters").get_data(as_text=True)
    assert "关于灵活就业人员社保补缴的咨询" in listing and "社会保险科" in listing
    published_id = re.search(r'href="/interaction/letters/(\d+)"', listing).group(1)
    shown = public.get(f"/interaction/letters/{published_id}").get_data(as_text=True)
    assert "王**您好：可以补缴。" in shown
    for page in (listing, shown, public.get("/sections/interaction/").get_data(as_text=True),
                 public.get("/interaction/letters?q=补缴").get_data(as_text=True)):
        for personal in (NAME, PHONE, ID_NUMBER, EMAIL, "2011234"):
            assert personal not in page
    # Search finds words of the letter or the reply; nothing else.
    assert "关于灵活就业人员社保补缴的咨询" in public.get("/interaction/letters?q=广阳区").get_data(as_text=True)
    assert "暂无" in public.get("/interaction/letters?q=公积金").get_data(as_text=True) or \
        "没有找到" in public.get("/interaction/letters?q=公积金").get_data(as_text=True)


def test_the_officer_edits_the_masked_text_and_is_told_to_look_for_other_people(app, two_sites, client_for,
                                                                              officer_of):
    rsj = two_sites[0]
    citizen = client_for(rsj.host)
    write(citizen, data=good_letter(body="我的邻居李建国住在新华路61号3单元，他也没有补缴。请问怎么办？"))
    letter = letter_row(app, rsj)
    officer = officer_of(rsj)
    step(officer, letter.id, "reply", reply="可以补缴。", office="社会保险科")
    page = officer.get(f"/admin/interaction/letters/{letter.id}").get_data(as_text=True)
    form = re.search(r'<form method="post" class="card" aria-labelledby="step-publish">.*?</form>', page,
                     re.DOTALL).group(0)
    # A third party's name and address are not found by any pattern: the page says to look for them ...
    assert "李建国" in form and "他人的姓名、住址" in form
    # ... and the three texts are ordinary editable fields.
    for name in ("publish-subject", "publish-body", "publish-reply"):
        tag = re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', form).group(0)
        assert "readonly" not in tag and "disabled" not in tag
    edited = "我的邻居李**住在某小区，他也没有补缴。请问怎么办？"
    assert step(officer, letter.id, "publish", subject=letter.subject, body=edited, reply="可以补缴。",
                confirm="y").status_code == 302
    public = client_for(rsj.host)
    published_id = re.search(r'href="/interaction/letters/(\d+)"',
                             public.get("/interaction/letters").get_data(as_text=True)).group(1)
    shown = public.get(f"/interaction/letters/{published_id}").get_data(as_text=True)
    assert edited in shown and "李建国" not in shown and "新华路61号" not in shown


def test_reports_are_never_published(app, two_sites, client_for, officer_of):
    rsj = two_sites[0]
    citizen = client_for(rsj.host)
    assert write(citizen, "report", good_letter(subject="举报某培训机构违规收费", may_publish="yes")).status_code == 302
    letter = letter_row(app, rsj)
    assert letter.kind == "report" and letter.may_publish is False
    officer = officer_of(rsj)
    step(officer, letter.id, "reply", reply="已转执法大队依法查处。", office="执法大队")
    page = officer.get(f"/admin/interaction/letters/{letter.id}").get_data(as_text=True)
    assert "举报件一律不予公开" in page and 'value="publish"' not in page
    # Refused by the operation itself, even with the writer's consent forced onto the row.
    with app.app_context(), activate_tenant(rsj.id):
        row = db.session.execute(select(Letter)).scalar_one()
        row.may_publish = True
        user = db.session.execute(select(User).where(User.username == f"officer.{rsj.slug}")).scalar_one()
        with pytest.raises(LetterError, match="举报件一律不予公开|never published"):
            publish_letter(row, actor=user, subject="s", body="b", reply_text="r")
        db.session.rollback()
        assert db.session.execute(select(PublishedLetter)).first() is None
        db.session.remove()


def test_a_post_without_its_csrf_token_files_nothing(app, two_sites, client_for):
    rsj = two_sites[0]
    response = client_for(rsj.host).post("/interaction/write/consultation", data=good_letter())
    assert response.status_code == 400
    with app.app_context(), activate_tenant(rsj.id):
        assert db.session.execute(select(Letter)).first() is None
        db.session.remove()


def test_writing_and_wrong_queries_are_rate_limited(app, two_sites, client_for):
    from core import create_app

    limited = create_app({**{k: app.config[k] for k in ("DATABASE_URL", "SECRET_KEY", "UPLOAD_FOLDER",
                                                          "PERSONAL_DATA_KEYS", "PERSONAL_DATA_INDEX_KEY")},
                          "RATELIMIT_ENABLED": True, "LETTERS_QUERY_RATE_LIMIT": "3 per minute",
                          "LETTERS_QUERY_CODE_RATE_LIMIT": "7 per day", "LETTERS_WRITE_RATE_LIMIT": "2 per minute"})
    try:
        client = limited.test_client()
        host = {"HTTP_HOST": "rsj.localhost"}

        def send(subject: str):
            page = client.get("/interaction/write/consultation", environ_overrides=host).get_data(as_text=True)
            return client.post("/interaction/write/consultation", environ_overrides=host,
                               data={**good_letter(subject=subject), "csrf_token": csrf_token(page)})

        def ask(code: str, phone: str, address: str = "127.0.0.1"):
            at = {**host, "REMOTE_ADDR": address}
            page = client.get("/interaction/query", environ_overrides=at)
            return client.post("/interaction/query", environ_overrides=at,
                               data={"code": code, "phone": phone,
                                     "csrf_token": csrf_token(page.get_data(as_text=True))})

        assert [send(f"第{i}封").status_code for i in range(3)] == [302, 302, 429]
        code = re.search(r'class="svc-code">([A-Z0-9-]+)<', client.get("/interaction/receipt", environ_overrides=host)
                         .get_data(as_text=True)).group(1)
        assert [ask(code, PHONE).status_code for _ in range(4)] == [302] * 4
        assert [ask(code, OTHER_PHONE).status_code for _ in range(4)] == [200, 200, 200, 429]
        # A stranger who knows the code does not lock its writer out: the writer, from another address, gets in.
        assert ask(code, PHONE, "10.0.0.9").status_code == 302
        # Guessing spread over many addresses meets the looser limit of the code from all addresses (7 a day).
        assert [ask(code, OTHER_PHONE, f"10.0.1.{i}").status_code for i in range(5)] == [200] * 4 + [429]
        assert ask(code, OTHER_PHONE, "10.0.2.1").status_code == 429
    finally:
        limiter.reset()
        limiter.enabled = False
        with limited.app_context():
            db.engine.dispose()


def test_the_platforms_limit_bounds_every_site_and_counts_for_the_sections(app, two_sites, client_for,
                                                                           create_account, officer_of):
    from core.interaction.letters import set_platform_reply_days
    from core.sections.queries import items_by_section, site_sections

    rsj = two_sites[0]
    bureau = create_account("chen.admin", platform_role="platform_admin")
    admin = create_account("admin.rsj", site=rsj, roles=["site_admin"])
    with app.app_context():
        set_platform_reply_days(10, actor=db.session.get(User, bureau.id))
        db.session.commit()
        with activate_tenant(rsj.id):
            update_mailbox("suggestion", actor=db.session.get(User, admin.id), enabled=True, rules="", reply_days=7)
            db.session.commit()
    page = client_for(rsj.host).get("/sections/interaction/").get_data(as_text=True)
    assert "10 个工作日内答复" in page and "7 个工作日内答复" in page
    with app.app_context():  # the bureau shortens the city's limit below the site's: the shorter one applies
        set_platform_reply_days(4, actor=db.session.get(User, bureau.id))
        db.session.commit()
    citizen = client_for(rsj.host)
    write(citizen, "suggestion")
    assert letter_row(app, rsj).reply_days == 4
    # A published letter makes the interaction section one that is not empty (虚设栏目).
    officer = officer_of(rsj)
    letter = letter_row(app, rsj)
    step(officer, letter.id, "reply", reply="感谢建议。", office="办公室")
    with app.app_context(), activate_tenant(rsj.id):
        section = next(s for s in site_sections() if s.kind == "interaction")
        assert items_by_section().get(section.id, 0) == 0
        db.session.remove()
    step(officer, letter.id, "publish", subject="建议", body="建议内容", reply="感谢建议。", confirm="y")
    with app.app_context(), activate_tenant(rsj.id):
        assert items_by_section().get(section.id) == 1
        db.session.remove()


@pytest.mark.parametrize("stored", ["²", "١٠", "abc", "0", "61", "99999999999", ""])
def test_a_reply_limit_stored_as_no_usable_number_gives_the_default(app, stored):
    from core.interaction.queries_letters import (DEFAULT_REPLY_DAYS, REPLY_DAYS_SETTING, platform_reply_days)
    from tenants.provisioning import set_setting

    with app.app_context():
        set_setting(REPLY_DAYS_SETTING, stored)
        assert platform_reply_days() == DEFAULT_REPLY_DAYS
        set_setting(REPLY_DAYS_SETTING, "12")
        assert platform_reply_days() == 12
        db.session.rollback()


@pytest.mark.parametrize("field, limit", [("subject", 200), ("body", 5000)])
def test_an_oversize_subject_or_body_is_refused_with_what_was_typed_kept(app, two_sites, client_for, field, limit):
    from core.interaction.letters import BODY_LIMIT, SUBJECT_LIMIT

    assert {"subject": SUBJECT_LIMIT, "body": BODY_LIMIT}[field] == limit
    rsj = two_sites[0]
    typed = ("关于社保补缴" * limit)[:limit + 1]  # one character over
    response = write(client_for(rsj.host), data=good_letter(**{field: typed}))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    errors = re.search(rf'id="{field}-errors".*?</ul>', html, re.DOTALL)
    assert errors and f"最多 {limit} 个字符" in errors.group(0)  # the problem, under its field
    assert typed in html and NAME in html  # what was typed is kept, that field's too
    with app.app_context(), activate_tenant(rsj.id):
        assert db.session.execute(select(Letter)).first() is None
        db.session.remove()
