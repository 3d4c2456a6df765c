"""Applicants' personal data: encrypted at rest, in full only to the site's own disclosure officers, masked for
anyone else and in lists, absent from public pages, logs and the audit log; another site's staff reach nothing."""
from __future__ import annotations

import logging
import re
from datetime import datetime

from sqlalchemy import select, text

from core.audit.models import AuditEntry
from core.disclosure.models_applications import DisclosureApplicationFile
from core.extensions import db
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import csrf_token
from tests.disclosure.applications_helpers import (ADMIN, ID_NUMBER, PDF, PHONE, apply, person, receipt_code, row,
                                                   step, track)

NAME, EMAIL, ADDRESS, PURPOSE = "王小明", "wang@example.com", "廊坊市广阳区新华路12号", "本人房屋在征收范围内"
PERSONAL = (NAME, ID_NUMBER, PHONE, EMAIL, ADDRESS, PURPOSE)


def _file_ids(app, site) -> dict[str, int]:
    with app.app_context(), activate_tenant(site.id):
        found = dict(db.session.execute(select(DisclosureApplicationFile.kind, DisclosureApplicationFile.id)).all())
        db.session.remove()
        return found


def test_encrypted_at_rest_and_found_by_a_keyed_hash(app, two_sites, client_for):
    rsj = two_sites[0]
    apply(client_for("rsj.localhost"), person(purpose=PURPOSE))
    with app.app_context():
        raw = db.session.execute(text(
            "SELECT applicant_name, id_number, phone, phone_hash, email, address, description, purpose "
            "FROM disclosure_applications")).one()
        db.session.remove()
    stored = " ".join(raw)
    for personal in (*PERSONAL, "5678", "万庄新城"):
        assert personal not in stored, personal
    assert all(value.startswith("gAAAAA") for value in (raw.applicant_name, raw.id_number, raw.phone, raw.email,
                                                         raw.address, raw.description, raw.purpose))
    assert re.fullmatch(r"[0-9a-f]{64}", raw.phone_hash)
    assert row(app, rsj).applicant_name == NAME


def test_the_officer_sees_it_in_full_the_queue_and_everyone_else_masked(app, two_sites, client_for, officer_of,
                                                                         signed_in):
    rsj = two_sites[0]
    citizen = client_for("rsj.localhost")
    apply(citizen, person(purpose=PURPOSE), files=[("身份证.pdf", PDF)])
    code = receipt_code(citizen)
    found = row(app, rsj)
    officer = officer_of(rsj)
    queue = officer.get(f"{ADMIN}/").get_data(as_text=True)
    assert code in queue and "王**" in queue and "138****5678" in queue
    assert NAME not in queue and PHONE not in queue and ID_NUMBER not in queue
    page = officer.get(f"{ADMIN}/{found.id}")
    assert page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    for personal in (*PERSONAL, "身份证.pdf"):
        assert personal in html, personal
    assert code in officer.get(f"{ADMIN}/?q={PHONE}").get_data(as_text=True)
    file_id = _file_ids(app, rsj)["applicant"]
    download = officer.get(f"{ADMIN}/{found.id}/files/{file_id}")
    assert download.status_code == 200 and download.data == PDF
    # The bureau's administrator holds the permission but is not a disclosure officer: masked, no files.
    admin, _ = signed_in("rsj.localhost", "chen.admin", platform_role="platform_admin", totp=True)
    html = admin.get(f"{ADMIN}/{found.id}").get_data(as_text=True)
    assert "个人信息已脱敏显示" in html and "王**" in html and "1101**********002X" in html
    for personal in (NAME, ID_NUMBER, PHONE, EMAIL, "身份证.pdf"):
        assert personal not in html, personal
    assert admin.get(f"{ADMIN}/{found.id}/files/{file_id}").status_code == 403
    assert code not in admin.get(f"{ADMIN}/?q={PHONE}").get_data(as_text=True)  # no search by phone either
    with app.app_context(), activate_tenant(rsj.id):
        opened = db.session.execute(select(AuditEntry.username).where(
            AuditEntry.action == "disclosure_application.file_download")).scalars().all()
        db.session.remove()
    assert opened == ["officer.rsj"]


def test_public_pages_logs_and_the_audit_log_carry_no_personal_data(app, two_sites, client_for, officer_of, clock,
                                                                    calendar_2026, caplog):
    rsj = two_sites[0]
    caplog.set_level(logging.DEBUG)
    citizen = client_for("rsj.localhost")
    clock(datetime(2026, 3, 2, 10, 0))
    apply(citizen, person(purpose=PURPOSE))
    code = receipt_code(citizen)
    pages = [citizen.get("/disclosure/receipt").get_data(as_text=True)]
    officer = officer_of(rsj)
    found = row(app, rsj)
    step(officer, found.id, "register")
    step(officer, found.id, "clarify", note=f"请补正，或致电联系人{PHONE}说明。")
    track(citizen, code)
    pages.append(citizen.get("/disclosure/track/status").get_data(as_text=True))
    assert citizen.post("/disclosure/track/clarify", content_type="multipart/form-data",
                        data={"csrf_token": csrf_token(pages[-1]), "text": f"我是{NAME}，电话{PHONE}。"}
                        ).status_code == 302
    assert step(officer, found.id, "answer", reply_type="not_exist",
                text=f"申请人身份证号码{ID_NUMBER}，经检索信息不存在。").status_code == 302
    pages.append(citizen.get("/disclosure/track/status").get_data(as_text=True))
    for html in pages:
        for personal in PERSONAL:
            assert personal not in html, personal
    assert "138****5678" in pages[1]
    assert "1101**********002X" in pages[2]  # notes are shown masked
    for personal in PERSONAL:
        assert personal not in caplog.text, personal
    with app.app_context(), activate_tenant(rsj.id):
        details = " ".join(str(d) for d in db.session.execute(select(AuditEntry.target, AuditEntry.detail)).all())
        db.session.remove()
    for personal in (*PERSONAL, code, code.replace("-", "")):
        assert personal not in details, personal


def test_another_sites_staff_reach_nothing(app, two_sites, client_for, officer_of, signed_in):
    rsj, czj = two_sites[0], two_sites[1]
    citizen = client_for("rsj.localhost")
    apply(citizen, files=[("身份证.pdf", PDF)])
    code = receipt_code(citizen)
    found = row(app, rsj)
    file_id = _file_ids(app, rsj)["applicant"]
    intruder = officer_of(czj, "spy")
    assert intruder.get(f"{ADMIN}/{found.id}").status_code == 404
    assert intruder.get(f"{ADMIN}/{found.id}/files/{file_id}").status_code == 404
    assert f"class=\"code\">{code}" not in intruder.get(f"{ADMIN}/?q={code}").get_data(as_text=True)
    assert code not in intruder.get(f"{ADMIN}/?q={PHONE}").get_data(as_text=True)
    assert track(client_for("czj.localhost"), code, PHONE).status_code == 200  # not found there
    # czj's officer on rsj's host is not signed in there at all.
    cookie = intruder.client.get_cookie("session", domain="czj.localhost").value
    crossing = client_for("rsj.localhost")
    crossing.client.set_cookie("session", cookie, domain="rsj.localhost")
    response = crossing.get(f"{ADMIN}/{found.id}")
    assert response.status_code == 302 and response.headers["Location"].startswith("/admin/login")
