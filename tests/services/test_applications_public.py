"""The public's side of applications: the form, its errors, uploads, the receipt, the tracking query, its limits."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.audit.models import AuditEntry
from core.extensions import db, limiter
from core.services.models import Application, ApplicationEvent, ApplicationFile
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import csrf_token
from tests.services.application_helpers import (FIELDS, ID_NUMBER, OTHER_PHONE, PDF, PHONE, apply,  # noqa: F401
                                                form_values, good_answers, online_item, receipt_code, track)


def _counts(app, site) -> tuple[int, int, int]:
    with app.app_context(), activate_tenant(site.id):
        found = tuple(db.session.execute(select(func.count()).select_from(model)).scalar_one()
                      for model in (Application, ApplicationEvent, ApplicationFile))
        db.session.remove()
        return found


def _stored_files(app, site) -> list[str]:
    folder = Path(app.config["UPLOAD_FOLDER"]) / f"site-{site.id}" / "applications"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def _field_value(html: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html) or \
        re.search(rf'<input[^>]*value="([^"]*)"[^>]*name="{name}"', html)
    return match.group(1) if match else None


def test_the_form_is_built_from_the_items_fields(two_sites, online_item, client_for):
    item = online_item(two_sites[0])
    html = client_for("rsj.localhost").get(f"/services/items/{item.id}/apply").get_data(as_text=True)
    assert "专业技术人员职称评审申报" in html and "5 个工作日" in html
    for label in ("姓名", "居民身份证号码", "手机号码", "工作单位", "工作年限", "参加工作时间", "申报等级",
                  "代理人身份证号码", "学历证书"):
        assert label in html, label
    assert re.search(r'<input[^>]*type="date"[^>]*name="f_started"|<input[^>]*name="f_started"[^>]*type="date"', html)
    assert re.search(r'<select[^>]*name="f_level"', html) and ">高级</option>" in html
    assert 'accept=".pdf,.jpg,.png"' in html and "PDF, JPG, PNG 格式，不超过 1 MB" in html
    assert 'name="declaration"' in html and "本人承诺" in html
    assert 'enctype="multipart/form-data"' in html
    english = client_for("rsj.localhost")
    english.set_language("en")
    page = english.get(f"/services/items/{item.id}/apply").get_data(as_text=True)
    assert "Employer" in page and "Years worked" in page and ">Senior</option>" in page and "Apply online" in page


def test_errors_are_shown_by_field_with_what_was_typed_kept(app, two_sites, online_item, client_for):
    rsj = two_sites[0]
    item = online_item(rsj)
    before = _stored_files(app, rsj)
    client = client_for("rsj.localhost")
    # The ID number's last character does not add up (GB 11643 check digit), the employer is missing,
    # the years are out of range, the declaration is not ticked.
    response = apply(client, item.id, good_answers(id_number="110105194912310021", f_employer="", f_years="75",
                                                   declaration=None, f_agent_id="110105194912310020"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "请更正以下内容" in html  # the summary at the top, each problem a link to its field
    assert '<a href="#id_number">' in html and '<a href="#f_employer">' in html
    summary = re.search(r'<div class="svc-error-summary".*?</div>', html, re.S).group(0)
    assert re.findall(r'<a href="#(\w+)">', summary) == ["id_number", "f_employer", "f_years", "f_agent_id",
                                                         "declaration"]  # in the page's order
    assert "身份证号码校验不通过，请对照证件逐位核对" in html  # the check digit
    assert "请填写此项" in html and "请勾选承诺后再提交申请" in html
    assert "数值须在 0 至 60 之间" in html
    assert html.count('aria-invalid="true"') == 5  # ID, employer, years, agent's ID, declaration
    # What was typed is kept, the wrong ID number included, so it can be corrected rather than retyped.
    assert _field_value(html, "applicant_name") == "王小明" and _field_value(html, "phone") == PHONE
    assert _field_value(html, "id_number") == "110105194912310021"
    assert re.search(r'<option selected value="中级">', html) and _field_value(html, "f_years") == "75"
    assert "表单退回时不会保留已选择的文件" in html
    assert _counts(app, rsj) == (0, 0, 0) and _stored_files(app, rsj) == before


@pytest.mark.parametrize("name, content, message", [
    ("学历证书.exe", b"MZ\x90\x00", "此处不接受“exe”类型的文件，请选择 pdf, jpg, png 格式的文件。"),
    ("学历证书.docx", b"PK\x03\x04", "此处不接受“docx”类型的文件"),
    ("学历证书.pdf", b"%PDF-1.4\n" + b"0" * (400 * 1024), "大小为 0.4 MB，此项材料不能超过 0.3 MB。"),
    ("学历证书.pdf", b"<html><script>alert(1)</script></html>", "不是真正的 PDF 文件"),
    ("学历证书.jpg", b"", "是空文件"),
])
def test_a_refused_upload_says_why_and_keeps_the_other_fields(app, two_sites, online_item, client_for, name,
                                                              content, message):
    rsj = two_sites[0]
    # The diploma may be at most 0.3 MB here (the test client spools larger bodies to files it leaves open).
    item = online_item(rsj, fields=[{**f, "max_mb": 0.3} if f["key"] == "diploma" else f for f in FIELDS])
    before = _stored_files(app, rsj)
    client = client_for("rsj.localhost")
    response = apply(client, item.id, good_answers(), files={"diploma": (name, content)})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    assert '<a href="#f_diploma">' in html
    assert _field_value(html, "applicant_name") == "王小明" and _field_value(html, "id_number") == ID_NUMBER
    assert _field_value(html, "f_employer") == "廊坊市第一中学" and _field_value(html, "f_years") == "12"
    assert 'name="declaration" type="checkbox" value="y" checked' in html or 'checked id="declaration"' in html \
        or re.search(r'<input checked[^>]*name="declaration"', html)
    assert _counts(app, rsj) == (0, 0, 0) and _stored_files(app, rsj) == before


def test_a_missing_required_file_is_asked_for(app, two_sites, online_item, client_for):
    rsj = two_sites[0]
    item = online_item(rsj)
    response = apply(client_for("rsj.localhost"), item.id, good_answers(), files={})
    assert "请选择要上传的文件" in response.get_data(as_text=True)
    assert _counts(app, rsj) == (0, 0, 0)


def test_an_upload_far_over_every_limit_is_cut_off(app, two_sites, online_item, client_for, monkeypatch):
    """A request larger than any form may be (MAX_CONTENT_LENGTH) is refused before it is read: 413, in words."""
    from werkzeug.test import EnvironBuilder

    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 256 * 1024)
    before = _stored_files(app, two_sites[0])
    item = online_item(two_sites[0])
    client = client_for("rsj.localhost")
    page = client.get(f"/services/items/{item.id}/apply")
    huge = b"%PDF-" + b"0" * (300 * 1024)
    body = {**form_values(page.get_data(as_text=True)), **good_answers(), "f_diploma": (io.BytesIO(huge), "a.pdf")}
    builder = EnvironBuilder(path=f"/services/items/{item.id}/apply", method="POST", data=body,
                             environ_overrides={"HTTP_HOST": "rsj.localhost"})
    try:
        response = client.client.open(builder)
    finally:
        builder.close()
    assert response.status_code == 413 and "上传的文件过大" in response.get_data(as_text=True)
    assert _counts(app, two_sites[0]) == (0, 0, 0) and _stored_files(app, two_sites[0]) == before


def test_the_receipt_gives_a_random_code_and_nothing_personal(app, two_sites, online_item, client_for):
    rsj = two_sites[0]
    item = online_item(rsj)
    codes = []
    for _ in range(3):
        client = client_for("rsj.localhost")
        apply(client, item.id)
        codes.append(receipt_code(client))
        receipt = client.get("/services/receipt")
        html = receipt.get_data(as_text=True)
        assert receipt.headers["Cache-Control"] == "no-store"
        assert "王小明" not in html and "王**" not in html and ID_NUMBER not in html and PHONE not in html
        assert "查询码" in html and "接下来" in html
    assert all(re.fullmatch(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", c) for c in codes)
    assert len(set(codes)) == 3
    with app.app_context(), activate_tenant(rsj.id):
        ids = db.session.execute(select(Application.id, Application.tracking_code).order_by(Application.id)).all()
        db.session.remove()
    assert [c.replace("-", "") for c in codes] == [code for _id, code in ids]
    # Another browser has no receipt: it is sent to the query page.
    assert client_for("rsj.localhost").get("/services/receipt").headers["Location"] == "/services/track"


def test_posting_the_same_form_twice_files_one_application(app, two_sites, online_item, client_for):
    rsj = two_sites[0]
    item = online_item(rsj)
    before = _stored_files(app, rsj)
    client = client_for("rsj.localhost")
    page = client.get(f"/services/items/{item.id}/apply")
    first = apply(client, item.id, page=page)
    code = receipt_code(client)
    second = apply(client, item.id, page=page)  # the same form again: a double click, a reload of the post
    assert first.status_code == second.status_code == 302
    assert receipt_code(client) == code  # the receipt of the one application
    with app.app_context(), activate_tenant(rsj.id):
        actions = db.session.execute(select(AuditEntry.action).where(AuditEntry.action.like("application.%"))
                                     .order_by(AuditEntry.id)).scalars().all()
        db.session.remove()
    assert actions == ["application.submit", "application.submit_again"]
    assert _counts(app, rsj) == (1, 1, 1) and len(_stored_files(app, rsj)) == len(before) + 1
    # A fresh form is a new application.
    apply(client, item.id)
    assert _counts(app, rsj)[0] == 2
    # Someone who copied the first form's key into a post of their own does not get its receipt: theirs is new.
    other = client_for("rsj.localhost")
    values = form_values(other.get(f"/services/items/{item.id}/apply").get_data(as_text=True))
    other.post(f"/services/items/{item.id}/apply", content_type="multipart/form-data", data={
        **values, "submission": form_values(page.get_data(as_text=True))["submission"],
        **good_answers(phone=OTHER_PHONE, applicant_name="张三"), "f_diploma": (io.BytesIO(PDF), "a.pdf")})
    assert _counts(app, rsj)[0] == 3 and receipt_code(other) not in (code, receipt_code(client))


@pytest.mark.parametrize("change", [{"online_level": "download"}, {"published": False},
                                    {"catalogue_status": "removed"}, {"fields": [{"key": "x", "type": "script",
                                                                                 "label": "坏"}]}])
def test_only_published_online_items_take_applications(app, two_sites, online_item, client_for, change):
    item = online_item(two_sites[0], **change)
    client = client_for("rsj.localhost")
    assert client.get(f"/services/items/{item.id}/apply").status_code == 404
    token = csrf_token(client.get("/services/track").get_data(as_text=True))
    assert client.post(f"/services/items/{item.id}/apply", data={**good_answers(), "csrf_token": token}
                       ).status_code == 404
    assert _counts(app, two_sites[0]) == (0, 0, 0)


def test_another_sites_item_is_not_found_here(two_sites, online_item, client_for):
    czj_item = online_item(two_sites[1])
    assert client_for("rsj.localhost").get(f"/services/items/{czj_item.id}/apply").status_code == 404
    assert client_for("czj.localhost").get(f"/services/items/{czj_item.id}/apply").status_code == 200


def test_a_post_without_its_csrf_token_files_nothing(app, two_sites, online_item, client_for):
    item = online_item(two_sites[0])
    response = client_for("rsj.localhost").post(f"/services/items/{item.id}/apply",
                                                data={**good_answers(), "f_diploma": (io.BytesIO(PDF), "a.pdf")},
                                                content_type="multipart/form-data")
    assert response.status_code == 400 and "表单已过期" in response.get_data(as_text=True)
    assert _counts(app, two_sites[0]) == (0, 0, 0)


def test_a_wrong_code_or_phone_gets_one_uniform_answer(app, two_sites, online_item, client_for):
    rsj, czj, _ = two_sites
    mine = online_item(rsj)
    theirs = online_item(czj)
    citizen = client_for("rsj.localhost")
    apply(citizen, mine.id)
    code = receipt_code(citizen)
    other = client_for("czj.localhost")
    apply(other, theirs.id)
    other_code = receipt_code(other)

    def answer(code_typed: str, phone: str) -> str:
        response = track(client_for("rsj.localhost"), code_typed, phone)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        return re.sub(r'value="[^"]*"', "", html)  # what was typed and the token differ; the rest must not

    wrong_phone = answer(code, OTHER_PHONE)
    assert "没有找到与该查询码和手机号码相符的申请" in wrong_phone
    assert answer("ABCD-EFGH-JKMN", PHONE) == wrong_phone  # no such code
    assert answer(other_code, PHONE) == wrong_phone  # another site's code, with its right phone
    # The right code and phone, typed as people do (lower case, spaces), find it.
    found = track(citizen, code.lower().replace("-", " "), "+86 138-1234-5678")
    assert found.headers["Location"] == "/services/track/status"
    status = citizen.get("/services/track/status")
    assert status.status_code == 200 and status.headers["Cache-Control"] == "no-store"
    html = status.get_data(as_text=True)
    assert "待受理" in html and code in html
    # The query page itself starts over: the status is no longer open without asking again.
    citizen.get("/services/track")
    assert citizen.get("/services/track/status").headers["Location"] == "/services/track"


def test_a_malformed_code_is_told_so_without_touching_the_database(two_sites, client_for):
    response = track(client_for("rsj.localhost"), "12345", PHONE)
    html = response.get_data(as_text=True)
    assert "查询码是回执上的 12 位字母和数字" in html and "没有找到" not in html


def test_wrong_tries_are_rate_limited_and_right_ones_are_not(app, two_sites, online_item, client_for):
    from core import create_app

    limited = create_app({**{k: app.config[k] for k in ("DATABASE_URL", "SECRET_KEY", "UPLOAD_FOLDER",
                                                          "PERSONAL_DATA_KEYS", "PERSONAL_DATA_INDEX_KEY")},
                          "RATELIMIT_ENABLED": True, "SERVICES_TRACK_RATE_LIMIT": "3 per 10 minutes",
                          "SERVICES_TRACK_CODE_RATE_LIMIT": "7 per day", "SERVICES_APPLY_RATE_LIMIT": "2 per minute"})
    try:
        item = online_item(two_sites[0])
        client = limited.test_client()
        host = {"HTTP_HOST": "rsj.localhost"}

        def query(code: str, phone: str, address: str = "127.0.0.1"):
            at = {**host, "REMOTE_ADDR": address}
            page = client.get("/services/track", environ_overrides=at)
            return client.post("/services/track", environ_overrides=at,
                               data={"code": code, "phone": phone, "csrf_token": csrf_token(page.get_data(as_text=True))})

        # Two applications from one address: the third post is refused.
        page = client.get(f"/services/items/{item.id}/apply", environ_overrides=host)
        statuses = []
        for _ in range(3):
            values = form_values(page.get_data(as_text=True))
            statuses.append(client.post(f"/services/items/{item.id}/apply", environ_overrides=host,
                                        content_type="multipart/form-data",
                                        data={**values, **good_answers(), "f_diploma": (io.BytesIO(PDF), "a.pdf")}
                                        ).status_code)
            page = client.get(f"/services/items/{item.id}/apply", environ_overrides=host)
        assert statuses == [302, 302, 429]
        code = client.get("/services/receipt", environ_overrides=host).get_data(as_text=True)
        code = re.search(r'class="svc-code">([A-Z0-9-]+)<', code).group(1)
        # Right answers do not count; wrong ones do, and the fourth wrong try is refused.
        assert [query(code, PHONE).status_code for _ in range(4)] == [302] * 4
        assert [query(code, OTHER_PHONE).status_code for _ in range(4)] == [200, 200, 200, 429]
        refused = query(code, PHONE)
        assert refused.status_code == 429 and "尝试次数过多" in refused.get_data(as_text=True)
        # The page says how long to wait: the window of the limit that was hit, not "a minute".
        assert "请等待 10 分钟后再试" in refused.get_data(as_text=True)
        assert refused.headers["Retry-After"] == "600"
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


def test_the_public_pages_show_no_personal_data(app, two_sites, online_item, client_for):
    rsj = two_sites[0]
    item = online_item(rsj)
    citizen = client_for("rsj.localhost")
    apply(citizen, item.id, good_answers(f_agent_id="131002198506151236", email="wang@example.com"))
    code = receipt_code(citizen)
    track(citizen, code)
    pages = [citizen.get("/services/receipt"), citizen.get("/services/track/status")]
    for page in pages:
        html = page.get_data(as_text=True)
        for personal in ("王小明", ID_NUMBER, PHONE, "131002198506151236", "wang@example.com", "138****5678",
                         "学历证书.pdf"):
            assert personal not in html, personal


def test_two_posts_of_one_form_racing_file_one_application(app, two_sites, online_item, monkeypatch):
    """The second post did not see the first (both checked before either committed): the database's unique key
    on the form's submission refuses the second row, and the second post answers with the first application."""
    from core.content.files import Upload
    from core.services import applications
    from core.services.models import ServiceItem
    from core.services.queries_applications import apply_item

    rsj = two_sites[0]
    item = online_item(rsj)
    before = _stored_files(app, rsj)
    facts = dict(applicant_name="王小明", id_number=ID_NUMBER, phone=PHONE,
                 answers={"employer": "廊坊市第一中学", "level": "中级"}, submission_key="k" * 32)
    with app.app_context(), activate_tenant(rsj.id):
        target = apply_item(db.session.get(ServiceItem, item.id))
        first, created = applications.submit_application(target, uploads={"diploma": Upload("a.pdf", PDF)}, **facts)
        db.session.commit()
        assert created
        real_lookup = applications.by_submission_key
        calls = []
        # The second post's first look finds nothing, as it would while the first was not yet committed.
        monkeypatch.setattr(applications, "by_submission_key",
                            lambda key: None if not calls.append(key) and len(calls) == 1 else real_lookup(key))
        second, created = applications.submit_application(target, uploads={"diploma": Upload("a.pdf", PDF)},
                                                          **facts)
        db.session.commit()
        assert not created and second.id == first.id and len(calls) == 2
        db.session.remove()
    assert _counts(app, rsj) == (1, 1, 1) and len(_stored_files(app, rsj)) == len(before) + 1
