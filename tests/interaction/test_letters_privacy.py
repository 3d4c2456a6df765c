"""Letters and personal data: in full only for the site's interaction officers, masked for the site's administrator
and the bureau, out of reach of another site's people by id, by code or by file; never in the logs."""
from __future__ import annotations

import logging

from sqlalchemy import select

from core.audit.models import AuditEntry
from core.extensions import db
from tenants.scoping import activate_tenant
from tests.interaction.letter_helpers import EMAIL, NAME, PDF, PHONE, letter_row, query, receipt_code, step, write


def test_the_officer_sees_the_writer_in_full_the_site_administrator_masked(app, two_sites, client_for, officer_of,
                                                                            signed_in):
    rsj = two_sites[0]
    write(client_for(rsj.host), attachment=("证明.pdf", PDF))
    letter = letter_row(app, rsj)
    officer = officer_of(rsj)
    page = officer.get(f"/admin/interaction/letters/{letter.id}").get_data(as_text=True)
    assert NAME in page and PHONE in page and EMAIL in page
    queue = officer.get("/admin/interaction/letters/").get_data(as_text=True)
    assert "王**" in queue and "138****5678" in queue and NAME not in queue and PHONE not in queue
    # A letter just come is "已收到" (its state), not "提交时间" (the column heading that shares the English word).
    assert "已收到 <span" in queue and "提交时间" not in queue
    admin, _ = signed_in(rsj.host, "admin.rsj", site=rsj, roles=["site_admin"])
    page = admin.get(f"/admin/interaction/letters/{letter.id}").get_data(as_text=True)
    assert "王**" in page and NAME not in page and PHONE not in page and EMAIL not in page
    assert 'name="step"' not in page  # reads, does not handle
    assert admin.get(f"/admin/interaction/letters/{letter.id}/attachment").status_code == 403
    # The administrator neither sees query codes nor finds a letter by mobile or code (trying mobile numbers one
    # by one would unmask who wrote it); the officer does.
    code = letter.query_code
    shown = f"{code[:4]}-{code[4:8]}-{code[8:]}"
    assert shown in officer.get("/admin/interaction/letters/").get_data(as_text=True)
    assert shown not in admin.get("/admin/interaction/letters/").get_data(as_text=True) and shown not in page
    for search in (PHONE, "138 1234 5678", shown):
        assert letter.subject not in admin.get("/admin/interaction/letters/", query_string={"q": search}) \
            .get_data(as_text=True)
        assert letter.subject in officer.get("/admin/interaction/letters/", query_string={"q": search}) \
            .get_data(as_text=True)
    assert letter.subject in admin.get("/admin/interaction/letters/", query_string={"q": "社保"}).get_data(as_text=True)
    # Other roles of the site do not reach letters at all.
    editor, _ = signed_in(rsj.host, "editor.rsj", site=rsj, roles=["editor"])
    assert editor.get(f"/admin/interaction/letters/{letter.id}").status_code == 403


def test_the_bureaus_administrator_sees_it_masked_and_cannot_handle_it(app, two_sites, client_for, signed_in):
    rsj = two_sites[0]
    write(client_for(rsj.host), attachment=("证明.pdf", PDF))
    letter = letter_row(app, rsj)
    bureau, _ = signed_in(rsj.host, "chen.admin", platform_role="platform_admin", totp=True)
    page = bureau.get(f"/admin/interaction/letters/{letter.id}").get_data(as_text=True)
    assert NAME not in page and PHONE not in page
    assert bureau.get(f"/admin/interaction/letters/{letter.id}/attachment").status_code == 403
    from tests.fixtures.accounts import csrf_token
    token = csrf_token(bureau.get("/admin/account").get_data(as_text=True))
    assert bureau.post(f"/admin/interaction/letters/{letter.id}", data={"step": "reply", "csrf_token": token}
                       ).status_code == 403


def test_another_sites_officer_cannot_read_by_id_code_or_file(app, two_sites, client_for, officer_of):
    rsj, czj, _ = two_sites
    citizen = client_for(rsj.host)
    write(citizen, attachment=("证明.pdf", PDF))
    code = receipt_code(citizen)
    letter = letter_row(app, rsj)
    intruder = officer_of(czj)
    assert intruder.get(f"/admin/interaction/letters/{letter.id}").status_code == 404
    assert intruder.get(f"/admin/interaction/letters/{letter.id}/attachment").status_code == 404
    assert "关于灵活就业" not in intruder.get(f"/admin/interaction/letters/?q={code}").get_data(as_text=True)
    assert "关于灵活就业" not in intruder.get(f"/admin/interaction/letters/?q={PHONE}").get_data(as_text=True)
    assert query(client_for(czj.host), code).status_code == 200  # no such letter there
    # Its own officers open the attachment: a download, with a safe type.
    response = officer_of(rsj).get(f"/admin/interaction/letters/{letter.id}/attachment")
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_no_personal_data_reaches_the_logs_or_the_audit_log(app, two_sites, client_for, officer_of, caplog):
    rsj = two_sites[0]
    caplog.set_level(logging.DEBUG)
    citizen = client_for(rsj.host)
    write(citizen)
    code = receipt_code(citizen)
    letter = letter_row(app, rsj)
    officer = officer_of(rsj)
    step(officer, letter.id, "request_info", note=f"请核对手机 {PHONE} 是否正确。")
    query(citizen, code)
    logging.getLogger("core.interaction").warning("writer phone %s", PHONE)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert PHONE not in logged and "138****5678" in logged
    with app.app_context(), activate_tenant(rsj.id):
        details = " ".join(f"{e.target} {e.detail}" for e in db.session.execute(select(AuditEntry)).scalars())
        db.session.remove()
    for personal in (NAME, PHONE, EMAIL, code.replace("-", "")):
        assert personal not in details
    # What the officer wrote reaches the writer's page masked.
    page = citizen.get("/interaction/query/letter").get_data(as_text=True)
    assert "138****5678" in page and PHONE not in page
