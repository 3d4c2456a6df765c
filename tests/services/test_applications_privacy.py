"""Applicants' personal data: encrypted at rest, in full only to the site's own service officers, masked in lists
and for anyone else, absent from logs and the audit log; another site's officers reach nothing, whatever they try."""
from __future__ import annotations

import logging
import re

from sqlalchemy import select, text

from core.audit.models import AuditEntry
from core.extensions import db
from core.services.models import ApplicationFile
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import csrf_token
from tests.services.application_helpers import (ID_NUMBER, PDF, PHONE, application_row, apply,  # noqa: F401
                                                good_answers, officer_of, online_item, receipt_code, step, track)

AGENT_ID = "131002198506151236"


def _file_id(app, site) -> int:
    with app.app_context(), activate_tenant(site.id):
        found = db.session.execute(select(ApplicationFile.id)).scalar_one()
        db.session.remove()
        return found


def test_encrypted_at_rest_and_found_by_a_keyed_hash(app, two_sites, online_item, client_for):
    rsj = two_sites[0]
    item = online_item(rsj)
    apply(client_for("rsj.localhost"), item.id, good_answers(f_agent_id=AGENT_ID))
    with app.app_context():
        raw = db.session.execute(text(
            "SELECT applicant_name, id_number, phone, phone_hash, email, answers FROM service_applications")).one()
        db.session.remove()
    stored = " ".join(raw)
    for personal in ("王小明", ID_NUMBER, PHONE, "5678", "wang@example.com", AGENT_ID, "廊坊市第一中学"):
        assert personal not in stored, personal
    assert all(value.startswith("gAAAAA") for value in (raw.applicant_name, raw.id_number, raw.phone, raw.email,
                                                         raw.answers))  # Fernet tokens
    assert re.fullmatch(r"[0-9a-f]{64}", raw.phone_hash)
    # Read through the model, the officer's code gets the values back.
    row = application_row(app, rsj)
    assert (row.applicant_name, row.id_number, row.phone) == ("王小明", ID_NUMBER, PHONE)


def test_the_officer_sees_it_in_full_the_list_masked(app, two_sites, online_item, client_for, officer_of):
    rsj = two_sites[0]
    item = online_item(rsj)
    citizen = client_for("rsj.localhost")
    apply(citizen, item.id, good_answers(f_agent_id=AGENT_ID))
    code = receipt_code(citizen)
    application = application_row(app, rsj)
    officer = officer_of(rsj)
    queue = officer.get("/admin/services/applications/").get_data(as_text=True)
    assert "王**" in queue and "138****5678" in queue and code in queue
    assert "王小明" not in queue and PHONE not in queue and ID_NUMBER not in queue
    page = officer.get(f"/admin/services/applications/{application.id}")
    html = page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    for personal in ("王小明", ID_NUMBER, PHONE, "wang@example.com", AGENT_ID, "廊坊市第一中学", "学历证书.pdf"):
        assert personal in html, personal
    # Searching by mobile number matches the stored hash; by code, the code.
    assert code in officer.get(f"/admin/services/applications/?q={PHONE}").get_data(as_text=True)
    assert code in officer.get(f"/admin/services/applications/?q={code.lower()}").get_data(as_text=True)
    assert "这里没有办件" in officer.get("/admin/services/applications/?q=13900000000").get_data(as_text=True)


def test_the_bureaus_administrator_sees_it_masked_and_cannot_open_the_materials(app, two_sites, online_item,
                                                                                 client_for, signed_in):
    """A platform administrator holds every permission of a site, but is not one of its service officers."""
    rsj = two_sites[0]
    item = online_item(rsj)
    apply(client_for("rsj.localhost"), item.id, good_answers(f_agent_id=AGENT_ID))
    application = application_row(app, rsj)
    admin, _ = signed_in("rsj.localhost", "chen.admin", platform_role="platform_admin", totp=True)
    html = admin.get(f"/admin/services/applications/{application.id}").get_data(as_text=True)
    assert "个人信息已脱敏显示" in html
    assert "王**" in html and "1101**********002X" in html and "138****5678" in html and "1310**********1236" in html
    for personal in ("王小明", ID_NUMBER, PHONE, "wang@example.com", AGENT_ID, "学历证书.pdf"):
        assert personal not in html, personal
    download = admin.get(f"/admin/services/applications/{application.id}/files/{_file_id(app, rsj)}")
    assert download.status_code == 403 and "只有本网站的办事专员可以打开" in download.get_data(as_text=True)
    # Nor does the administrator take a step in the department's place.
    assert "只有本网站的办事专员才能办理申请的各个环节" in html and 'name="step"' not in html
    token = csrf_token(html)
    refused = admin.post(f"/admin/services/applications/{application.id}",
                         data={"step": "accept", "accept-csrf_token": token})
    assert refused.status_code == 403 and "只有本网站的办事专员可以办理申请" in refused.get_data(as_text=True)
    assert application_row(app, rsj).status == "submitted"


def test_other_roles_of_the_site_reach_no_application(app, two_sites, online_item, client_for, signed_in):
    rsj = two_sites[0]
    item = online_item(rsj)
    apply(client_for("rsj.localhost"), item.id)
    application = application_row(app, rsj)
    admin, _ = signed_in("rsj.localhost", "site.admin", site=rsj, roles=["site_admin", "editor", "publisher"])
    for path in ("/admin/services/applications/", f"/admin/services/applications/{application.id}",
                 f"/admin/services/applications/{application.id}/files/{_file_id(app, rsj)}"):
        assert admin.get(path).status_code == 403, path
    assert "/admin/services/applications" not in admin.get("/admin/").get_data(as_text=True)  # no queue, no card


def test_materials_are_served_as_attachments_with_a_safe_type(app, two_sites, online_item, client_for, officer_of):
    rsj = two_sites[0]
    item = online_item(rsj)
    apply(client_for("rsj.localhost"), item.id)
    application = application_row(app, rsj)
    officer = officer_of(rsj)
    response = officer.get(f"/admin/services/applications/{application.id}/files/{_file_id(app, rsj)}")
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E5%AD%A6%E5%8E%86%E8%AF%81%E4%B9%A6.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    # Who opened it is kept: reading personal information leaves a trace.
    with app.app_context(), activate_tenant(rsj.id):
        entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "application.file_download")
                                   ).scalar_one()
        assert entry.username == "officer.rsj" and "学历证书" in entry.detail
        db.session.remove()


def test_another_sites_officer_cannot_see_or_act_by_id_code_or_file(app, two_sites, online_item, client_for,
                                                                    officer_of):
    rsj, czj, _ = two_sites
    item = online_item(rsj)
    citizen = client_for("rsj.localhost")
    apply(citizen, item.id)
    code = receipt_code(citizen)
    application = application_row(app, rsj)
    file_id = _file_id(app, rsj)
    # czj's officer, with an application and a file of czj's own.
    czj_item = online_item(czj)
    apply(client_for("czj.localhost"), czj_item.id)
    own = application_row(app, czj)
    intruder = officer_of(czj)
    base = f"/admin/services/applications/{application.id}"
    assert intruder.get(base).status_code == 404
    assert intruder.get(f"{base}/files/{file_id}").status_code == 404
    # rsj's file id under czj's own application: not that application's file.
    assert intruder.get(f"/admin/services/applications/{own.id}/files/{file_id}").status_code == 404
    page = intruder.get(f"/admin/services/applications/{own.id}").get_data(as_text=True)
    for key in ("accept", "return", "not_accept"):
        response = intruder.post(base, data={"step": key, f"{key}-csrf_token": csrf_token(page),
                                             f"{key}-note": "越权操作"})
        assert response.status_code == 404
    assert application_row(app, rsj).status == "submitted"
    # By tracking code: czj's queue search finds nothing, and czj's public query gives the uniform answer.
    assert "这里没有办件" in intruder.get(f"/admin/services/applications/?q={code}").get_data(as_text=True)
    answer = track(client_for("czj.localhost"), code, PHONE).get_data(as_text=True)
    assert "没有找到与该查询码和手机号码相符的申请" in answer
    # rsj's session cookie means nothing on czj's host, and the reverse.
    cookie = intruder.client.get_cookie("session", domain="czj.localhost").value
    stranger = client_for("rsj.localhost")
    stranger.client.set_cookie("session", cookie, domain="rsj.localhost")
    assert stranger.get(base).headers["Location"].startswith("/admin/login")


def test_a_tracking_session_is_bound_to_its_site(app, two_sites, online_item, client_for):
    """The application a query found on one site is not opened on another site's host by the same browser."""
    rsj = two_sites[0]
    item = online_item(rsj)
    citizen = client_for("rsj.localhost")
    apply(citizen, item.id)
    track(citizen, receipt_code(citizen))
    cookie = citizen.client.get_cookie("session", domain="rsj.localhost").value
    elsewhere = client_for("czj.localhost")
    elsewhere.client.set_cookie("session", cookie, domain="czj.localhost")
    assert elsewhere.get("/services/track/status").headers["Location"] == "/services/track"
    assert elsewhere.get("/services/receipt").headers["Location"] == "/services/track"


def test_no_personal_data_reaches_the_logs(app, two_sites, online_item, client_for, officer_of, caplog):
    rsj = two_sites[0]
    item = online_item(rsj)
    citizen = client_for("rsj.localhost")
    caplog.set_level(logging.DEBUG)
    apply(citizen, item.id, good_answers(f_agent_id=AGENT_ID))
    code = receipt_code(citizen)
    application = application_row(app, rsj)
    officer = officer_of(rsj)
    step(officer, application.id, "return", note=f"请核对身份证号码 {ID_NUMBER} 与手机 {PHONE}。")
    track(citizen, code)
    citizen.get("/services/track/status")
    # A log line that quotes personal data (a library's warning, a debug print) is masked as it is made.
    logging.getLogger("core.services").warning("applicant %s, phone %s", ID_NUMBER, PHONE)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "1101**********002X" in logged and "138****5678" in logged
    for personal in (ID_NUMBER, PHONE, AGENT_ID):
        assert personal not in logged
    # The audit log names the application by number, never the applicant.
    with app.app_context(), activate_tenant(rsj.id):
        details = " ".join(f"{e.target} {e.detail}" for e in db.session.execute(select(AuditEntry)).scalars())
        db.session.remove()
    for personal in ("王小明", ID_NUMBER, PHONE, AGENT_ID, code.replace("-", "")):
        assert personal not in details
    # The note the officer typed reaches the applicant's page masked.
    status = citizen.get("/services/track/status").get_data(as_text=True)
    assert "1101**********002X" in status and "138****5678" in status and ID_NUMBER not in status


def test_personal_data_typed_into_free_text_is_masked_for_anyone_but_the_officers(app, two_sites, online_item,
                                                                                 client_for, officer_of, signed_in):
    rsj = two_sites[0]
    item = online_item(rsj)
    apply(client_for("rsj.localhost"), item.id,
          good_answers(f_employer=f"第一中学（本人手机 139 1234 5678，配偶身份证 {AGENT_ID}）"))
    application = application_row(app, rsj)
    officer = officer_of(rsj)
    step(officer, application.id, "return", note="请联系经办人，手机(139)12345678。")
    html = officer.get(f"/admin/services/applications/{application.id}").get_data(as_text=True)
    assert "139 1234 5678" in html and AGENT_ID in html and "(139)12345678" in html
    admin, _ = signed_in("rsj.localhost", "chen.admin", platform_role="platform_admin", totp=True)
    html = admin.get(f"/admin/services/applications/{application.id}").get_data(as_text=True)
    assert "139****5678" in html and "1310**********1236" in html
    for personal in ("139 1234 5678", AGENT_ID, "(139)12345678", "12345678"):
        assert personal not in html, personal


def test_only_the_officers_search_by_mobile_number(app, two_sites, online_item, client_for, officer_of, signed_in):
    """A search by mobile number would tell someone who sees the data masked who applied for what."""
    rsj = two_sites[0]
    item = online_item(rsj)
    citizen = client_for("rsj.localhost")
    apply(citizen, item.id)
    code = receipt_code(citizen)
    assert code in officer_of(rsj).get(f"/admin/services/applications/?q={PHONE}").get_data(as_text=True)
    admin, _ = signed_in("rsj.localhost", "chen.admin", platform_role="platform_admin", totp=True)
    html = admin.get(f"/admin/services/applications/?q={PHONE}").get_data(as_text=True)
    assert code not in html and "这里没有办件" in html and ">查询码</label>" in html
    assert code in admin.get(f"/admin/services/applications/?q={code}").get_data(as_text=True)
