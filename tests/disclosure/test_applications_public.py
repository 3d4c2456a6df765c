"""Applying for disclosure and following the application, as the public does: a citizen and an organisation,
their identity checked (GB 11643, GB 32100), a refused form that keeps what was typed, one application per form
page, a tracking query that answers a wrong code and a wrong phone alike and slows down guessing."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from core import create_app
from core.disclosure.models_applications import DisclosureApplication, DisclosureApplicationFile
from core.extensions import db, limiter
from tenants.scoping import activate_tenant
from tests.disclosure.applications_helpers import (CREDIT_CODE, OTHER_PHONE, PDF, PHONE, apply, organisation,
                                                   person, receipt_code, row, track)
from tests.fixtures.accounts import csrf_token


def _count(app, site) -> int:
    with app.app_context(), activate_tenant(site.id):
        found = db.session.execute(select(func.count()).select_from(DisclosureApplication)).scalar_one()
        db.session.remove()
        return found


def test_the_disclosure_page_leads_to_the_form_and_the_query(two_sites, client_for):
    page = client_for("rsj.localhost").get("/disclosure/request")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "依申请公开" in html
    assert 'href="/disclosure/apply"' in html and 'href="/disclosure/track"' in html
    assert "20 个工作日" in html and "第三十三条" in html


def test_a_citizen_applies_and_gets_a_receipt_with_the_due_date(app, two_sites, client_for):
    rsj = two_sites[0]
    citizen = client_for("rsj.localhost")
    response = apply(citizen, files=[("身份证.pdf", PDF)])
    assert response.status_code == 302
    code = receipt_code(citizen)
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", code)
    found = row(app, rsj)
    assert (found.applicant_kind, found.applicant_name, found.id_number, found.phone) == \
        ("person", "王小明", "11010519491231002X", PHONE)
    assert found.purpose is None and found.form == "electronic" and found.delivery == "online"
    assert found.due_on is not None and found.due_on.isoformat() in citizen.get("/disclosure/receipt").get_data(
        as_text=True)
    with app.app_context(), activate_tenant(rsj.id):
        assert db.session.execute(select(DisclosureApplicationFile.kind, DisclosureApplicationFile.filename)).all() \
            == [("applicant", "身份证.pdf")]
        db.session.remove()


def test_an_organisation_applies_with_its_credit_code(app, two_sites, client_for):
    rsj = two_sites[0]
    citizen = client_for("rsj.localhost")
    wrong = apply(citizen, organisation(credit_code=CREDIT_CODE[:-1] + "4", legal_representative=""))
    html = wrong.get_data(as_text=True)
    assert wrong.status_code == 200 and _count(app, rsj) == 0
    assert "统一社会信用代码校验不通过" in html and "请填写法定代表人或者负责人的姓名" in html
    assert "廊坊市安信物流有限公司" in html  # what was typed is kept
    assert apply(citizen, organisation()).status_code == 302
    found = row(app, rsj)
    assert (found.applicant_kind, found.organisation_type, found.applicant_name, found.credit_code,
            found.legal_representative, found.contact_name, found.id_number) == \
        ("organisation", "business", "廊坊市安信物流有限公司", CREDIT_CODE, "赵建国", "孙丽", None)


def test_a_refused_form_says_what_is_wrong_under_each_field(app, two_sites, client_for):
    rsj = two_sites[0]
    citizen = client_for("rsj.localhost")
    response = apply(citizen, person(id_number="110105194912310021", description="", delivery="post", address="",
                                     declaration=None), files=[("scan.pdf", b"not a pdf")])
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and _count(app, rsj) == 0
    for message in ("身份证号码", "请勾选承诺"):
        assert message in html, message
    # The form's own checks come first; with them met, the operation's own: what is wanted, the address, the file.
    response = apply(citizen, person(description="", delivery="post", address=""), files=[("scan.pdf", b"nope")])
    html = response.get_data(as_text=True)
    assert "请描述所需的政府信息" in html and "请填写接收答复的通信地址" in html and "不是真正的" in html
    assert "不会保留已选择的文件" in html
    assert apply(citizen, person(delivery="email", email="")).status_code == 200
    assert _count(app, rsj) == 0
    # The purpose is optional (the 2019 revision); a control character anywhere is refused, never a 500.
    assert apply(citizen, person(purpose="", document_number="廊政办\x00")).status_code == 200
    assert apply(citizen, person(purpose="")).status_code == 302


def test_the_same_form_sent_twice_files_one_application(app, two_sites, client_for):
    rsj = two_sites[0]
    citizen = client_for("rsj.localhost")
    page = citizen.get("/disclosure/apply")
    assert apply(citizen, page=page).status_code == 302
    assert apply(citizen, page=page).status_code == 302
    assert _count(app, rsj) == 1
    # The key with another phone is no way into the first: a second application, its own receipt.
    assert apply(citizen, person(phone=OTHER_PHONE), page=page).status_code == 302
    assert _count(app, rsj) == 2


def test_a_wrong_code_and_a_wrong_phone_get_the_same_answer(two_sites, client_for):
    citizen = client_for("rsj.localhost")
    apply(citizen)
    code = receipt_code(citizen)
    other = "2345-6789-ABCD" if code != "2345-6789-ABCD" else "3456-789A-BCDE"
    wrong_phone = track(client_for("rsj.localhost"), code, OTHER_PHONE)
    wrong_code = track(client_for("rsj.localhost"), other, PHONE)

    def body(response) -> str:
        return re.sub(r'value="[^"]*"', "", response.get_data(as_text=True))

    assert wrong_phone.status_code == wrong_code.status_code == 200
    assert "没有找到与该查询码和手机号码相符的申请" in body(wrong_phone)
    assert body(wrong_phone).replace(code, "") == body(wrong_code).replace(other, "")
    # The right pair finds it; on another site's host the same pair finds nothing.
    assert track(client_for("rsj.localhost"), code.lower().replace("-", " "), PHONE).status_code == 302
    assert track(client_for("czj.localhost"), code, PHONE).status_code == 200


def test_filing_and_wrong_tries_are_rate_limited(app, two_sites):
    limited = create_app({**{k: app.config[k] for k in ("DATABASE_URL", "SECRET_KEY", "UPLOAD_FOLDER",
                                                          "PERSONAL_DATA_KEYS", "PERSONAL_DATA_INDEX_KEY")},
                          "RATELIMIT_ENABLED": True, "DISCLOSURE_TRACK_RATE_LIMIT": "3 per 10 minutes",
                          "DISCLOSURE_TRACK_CODE_RATE_LIMIT": "7 per day",
                          "DISCLOSURE_APPLY_RATE_LIMIT": "2 per minute"})
    try:
        client = limited.test_client()
        host = {"HTTP_HOST": "rsj.localhost"}

        def send():
            page = client.get("/disclosure/apply", environ_overrides=host).get_data(as_text=True)
            return client.post("/disclosure/apply", environ_overrides=host, content_type="multipart/form-data",
                               data={**person(), "csrf_token": csrf_token(page),
                                     "submission": re.search(r'name="submission" type="hidden" value="([^"]*)"',
                                                             page).group(1)}).status_code

        def query(code: str, phone: str, address: str = "127.0.0.1"):
            at = {**host, "REMOTE_ADDR": address}
            page = client.get("/disclosure/track", environ_overrides=at)
            token = csrf_token(page.get_data(as_text=True))
            return client.post("/disclosure/track", environ_overrides=at,
                               data={"code": code, "phone": phone, "csrf_token": token})

        def refused():  # a form sent back with a problem (a wrong ID number) does not count against the limit
            page = client.get("/disclosure/apply", environ_overrides=host).get_data(as_text=True)
            return client.post("/disclosure/apply", environ_overrides=host, content_type="multipart/form-data",
                               data={**person(id_number="110105194912310021"), "csrf_token": csrf_token(page)}
                               ).status_code

        assert [refused() for _ in range(3)] == [200, 200, 200]
        assert [send() for _ in range(3)] == [302, 302, 429]
        html = client.get("/disclosure/receipt", environ_overrides=host).get_data(as_text=True)
        code = re.search(r'class="svc-code">([A-Z0-9-]+)<', html).group(1)
        assert [query(code, PHONE).status_code for _ in range(4)] == [302] * 4  # right answers do not count
        assert [query(code, OTHER_PHONE).status_code for _ in range(4)] == [200, 200, 200, 429]
        assert query(code, PHONE).status_code == 429
        # The stranger's wrong tries used up the stranger's bucket: the applicant, from another address, gets in.
        assert query(code, PHONE, "10.0.0.9").status_code == 302
        # Guessing spread over many addresses meets the looser limit of the code from all addresses (7 a day).
        assert [query(code, OTHER_PHONE, f"10.0.1.{i}").status_code for i in range(5)] == [200] * 4 + [429]
        assert query(code, OTHER_PHONE, "10.0.2.1").status_code == 429
    finally:
        limiter.reset()
        limiter.enabled = False
        with limited.app_context():
            db.engine.dispose()
