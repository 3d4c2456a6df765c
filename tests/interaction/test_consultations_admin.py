"""The department's side: editors draft (text and/or a document), publishers publish and withdraw, the draft is
locked once the window opens, interaction officers export the opinions; every step is in the audit log in words;
and nobody reaches another site's consultation by its number."""
from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import pytest
from markupsafe import escape
from openpyxl import load_workbook

from tests.fixtures.accounts import csrf_token
from tests.interaction.consultation_helpers import (NAME, PHONE, clock, comment, consultation,  # noqa: F401
                                                    consultation_row, post_with_token)



def _package(*parts: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for part in parts:
            package.writestr(part, "<x/>")
    return buffer.getvalue()


DOCX = _package("[Content_Types].xml", "word/document.xml")
FIELDS = {"title": "廊坊市城区停车收费管理办法（征求意见稿）", "office": "价格管理科", "open_on": "2026-05-01",
          "close_on": "2026-05-31", "body_html": "", "how_to": "信函请寄：廊坊市新华路1号 发展改革局价格管理科"}


@pytest.fixture
def staff(two_sites, signed_in):
    rsj = two_sites[0]
    return {role: signed_in("rsj.localhost", f"{role}.rsj", site=rsj, roles=[role])[0]
            for role in ("editor", "publisher", "interaction_officer", "collector", "site_admin")}


def _new(client, fields: dict, document=None):
    page = client.get("/admin/consultations/new")
    data = {"csrf_token": csrf_token(page.get_data(as_text=True)), **fields}
    if document is not None:
        data["document"] = (io.BytesIO(document[1]), document[0])
    return client.post("/admin/consultations/new", data=data, content_type="multipart/form-data")


def test_a_draft_goes_from_editor_to_publisher_to_the_public_and_is_locked_once_open(app, two_sites, staff, clock,
                                                                                   client_for):
    rsj = two_sites[0]
    editor, publisher = staff["editor"], staff["publisher"]
    clock(datetime(2026, 4, 20, 10, 0))
    # Neither text nor document; the last day before the first: refused under the fields, the title kept.
    refused = _new(editor, {**FIELDS, "close_on": "2026-04-30"}).get_data(as_text=True)
    assert "截止日期须晚于起始日期" in refused and "请填写征求意见稿正文，或在下方上传征求意见稿文件" in refused
    assert FIELDS["title"] in refused
    # An image is no draft document.
    refused = _new(editor, FIELDS, ("草案.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)).get_data(as_text=True)
    assert "征求意见稿应为文档" in refused
    created = _new(editor, FIELDS, ("停车收费管理办法（征求意见稿）.docx", DOCX))
    assert created.status_code == 302
    consultation_id = int(created.headers["Location"].rsplit("/", 1)[1])
    public = client_for("rsj.localhost")
    assert public.get(f"/consultations/{consultation_id}").status_code == 404  # a draft is not public

    detail = f"/admin/consultations/{consultation_id}"
    assert post_with_token(editor, detail, f"{detail}/publish", {}).status_code == 403  # editors do not publish
    assert post_with_token(publisher, detail, f"{detail}/publish", {}).status_code == 302
    page = public.get(f"/consultations/{consultation_id}").get_data(as_text=True)
    assert FIELDS["title"] in page and "尚未开始" in page and 'name="body"' not in page
    assert "2026-05-01 至 2026-05-31" in page and "信函请寄" in page
    document = public.get(f"/consultations/{consultation_id}/document")
    assert document.status_code == 200 and document.data == DOCX
    assert "attachment" in document.headers["Content-Disposition"]
    document.close()

    # Before it opens, the editor may still correct it, and the publisher withdraw it with a reason (not without
    # one): off the public site.
    fields = {**FIELDS, "title": FIELDS["title"].replace("办法", "规定")}
    assert post_with_token(editor, detail, detail, fields).status_code == 302
    assert consultation_row(app, rsj, consultation_id).title == fields["title"]
    withdraw = f"{detail}/withdraw"
    assert "请说明撤回原因" in post_with_token(publisher, detail, withdraw, {"withdraw-reason": ""},
                                             prefix="withdraw").get_data(as_text=True)
    assert post_with_token(publisher, detail, withdraw, {"withdraw-reason": "上位法修订，需重新起草"},
                           prefix="withdraw").status_code == 302
    assert public.get(f"/consultations/{consultation_id}").status_code == 404
    assert public.get(f"/consultations/{consultation_id}/document").status_code == 404
    # Published again; once it is open, its draft is locked and it can no longer be withdrawn.
    assert post_with_token(publisher, detail, f"{detail}/publish", {}).status_code == 302
    clock(datetime(2026, 5, 1, 0, 0))
    html = editor.get(detail).get_data(as_text=True)
    assert "征求意见稿不能再修改" in html and "<form method=\"post\" enctype" not in html
    locked = post_with_token(editor, "/admin/account", detail, {**fields, "title": "改名"})
    assert locked.status_code == 200 and consultation_row(app, rsj, consultation_id).title == fields["title"]
    assert 'name="withdraw-reason"' not in publisher.get(detail).get_data(as_text=True)
    refused = post_with_token(publisher, "/admin/account", withdraw, {"withdraw-reason": "不想要了"},
                              prefix="withdraw")
    assert refused.status_code == 200 and "征求意见已开始" in refused.get_data(as_text=True)
    assert public.get(f"/consultations/{consultation_id}").status_code == 200

    log = staff["site_admin"].get("/admin/audit/").get_data(as_text=True)
    for words in ("起草了意见征集", "修改了意见征集的征求意见稿", "发布了意见征集", "从网站撤回了意见征集",
                  "上位法修订，需重新起草"):
        assert words in log, words


def test_a_consultation_whose_last_day_has_passed_is_not_published(app, two_sites, staff, consultation, clock):
    made = consultation(two_sites[0], status="draft", open_on=date(2026, 3, 1), close_on=date(2026, 3, 31))
    clock(datetime(2026, 4, 1, 8, 0))
    detail = f"/admin/consultations/{made.id}"
    response = post_with_token(staff["publisher"], detail, f"{detail}/publish", {})
    assert response.status_code == 302
    assert "截止日期（2026-03-31）已过" in staff["publisher"].get(detail).get_data(as_text=True)
    assert consultation_row(app, two_sites[0], made.id).status == "draft"


def test_who_reaches_which_page(two_sites, staff, consultation):
    made = consultation(two_sites[0])
    detail = f"/admin/consultations/{made.id}"
    assert staff["collector"].get("/admin/consultations/").status_code == 403
    assert staff["publisher"].get("/admin/consultations/new").status_code == 403
    assert staff["editor"].get(f"{detail}/opinions").status_code == 403
    assert staff["site_admin"].get(f"{detail}/summary").status_code == 403
    for role in ("editor", "publisher", "interaction_officer", "site_admin"):
        assert staff[role].get(detail).status_code == 200, role
    # The menu entry is there for those who work on consultations, not for the others.
    assert "/admin/consultations/" in staff["editor"].get("/admin/").get_data(as_text=True)
    assert "/admin/consultations/" not in staff["collector"].get("/admin/").get_data(as_text=True)


def test_another_sites_staff_cannot_see_or_act_on_a_consultation_by_its_number(two_sites, consultation, clock,
                                                                              client_for, signed_in, app):
    rsj, czj, _ = two_sites
    made = consultation(rsj)
    clock(datetime(2026, 3, 10, 9, 0))
    assert comment(client_for("rsj.localhost"), made.id).status_code == 302
    from tests.interaction.consultation_helpers import opinions_of
    opinion_id = opinions_of(app, rsj, made.id)[0].id
    # The other site's public host does not know it either.
    assert client_for("czj.localhost").get(f"/consultations/{made.id}").status_code == 404
    officer, _ = signed_in("czj.localhost", "io.czj", site=czj,
                           roles=["interaction_officer", "editor", "publisher"])
    base = f"/admin/consultations/{made.id}"
    for path in (base, f"{base}/opinions", f"{base}/summary", f"{base}/opinions.csv", f"{base}/opinions.xlsx"):
        assert officer.get(path).status_code == 404, path
    token = csrf_token(officer.get("/admin/account").get_data(as_text=True))
    for path, data in ((f"{base}/opinions/{opinion_id}", {f"o{opinion_id}-decision": "adopted"}),
                       (f"{base}/publish", {}), (f"{base}/withdraw", {"withdraw-reason": "x"}),
                       (f"{base}/summary", {"summary_text": "x"}), (base, {"title": "x"})):
        assert officer.post(path, data={"csrf_token": token, **data}).status_code == 404, path
    assert opinions_of(app, rsj, made.id)[0].decision is None


def test_officers_export_every_opinion_and_the_export_is_logged(two_sites, staff, consultation, clock, client_for):
    made = consultation(two_sites[0])
    clock(datetime(2026, 3, 10, 9, 0))
    public = client_for("rsj.localhost")
    comment(public, made.id)
    comment(public, made.id, {"body": "=HYPERLINK(\"http://x\")", "part": "", "name": "", "phone": ""})
    officer = staff["interaction_officer"]
    csv_response = officer.get(f"/admin/consultations/{made.id}/opinions.csv")
    assert csv_response.status_code == 200 and csv_response.headers["Cache-Control"] == "no-store"
    text = csv_response.data.decode("utf-8-sig")
    assert "建议将补贴申请时限由30日延长至60日" in text and PHONE in text and NAME in text
    assert "'=HYPERLINK" in text  # a formula typed by the public stays text in a spreadsheet
    assert text.splitlines()[0].startswith("序号,提交时间,")  # the headings in words of a list, not "数字"
    workbook = load_workbook(io.BytesIO(officer.get(f"/admin/consultations/{made.id}/opinions.xlsx").data))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][0] == "序号" and len(rows) == 3 and rows[1][3] == "建议将补贴申请时限由30日延长至60日。" and rows[1][5] == PHONE
    log = staff["site_admin"].get("/admin/audit/").get_data(as_text=True)
    assert "导出了意见征集收到的意见" in log and "公众对意见征集提交了意见" in log
    assert PHONE not in log and NAME not in log


@pytest.mark.parametrize("name, content, expected", [
    ("草案.pdf", b"MZ\x90\x00" + b"\x00" * 100, "不是真正的 PDF 文件"),
    ("草案.doc", b"<html><script>alert(1)</script></html>", "不是真正的 DOC 文件"),
    ("草案.ofd", _package("payload.exe"), "不是真正的 OFD 文件"),
    ("草案.docx", _package("[Content_Types].xml", "xl/workbook.xml"), "不是真正的 DOCX 文件"),
    ("草案.docx", b"PK\x03\x04" + b"\x00" * 60, "不是真正的 DOCX 文件"),
])
def test_a_draft_document_must_be_what_its_name_says(two_sites, staff, clock, name, content, expected):
    clock(datetime(2026, 4, 20, 10, 0))
    refused = _new(staff["editor"], FIELDS, (name, content))
    assert refused.status_code == 200 and expected in refused.get_data(as_text=True)


def test_real_documents_are_taken(two_sites, staff, clock):
    clock(datetime(2026, 4, 20, 10, 0))
    for name, content in (("草案.ofd", _package("OFD.xml", "Doc_0/Document.xml")), ("草案.docx", DOCX),
                          ("草案.pdf", b"%PDF-1.7\n%%EOF\n"),
                          ("草案.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)):
        assert _new(staff["editor"], FIELDS, (name, content)).status_code == 302, name


@pytest.mark.parametrize("open_on, close_on, expected", [
    ("9999-12-30", "9999-12-31", "请填写2025-01-01至2028-12-31之间的日期"),
    ("0001-01-01", "0001-01-02", "请填写2025-01-01至2028-12-31之间的日期"),
    ("2026-05-01", "2029-01-01", "请填写2025-01-01至2028-12-31之间的日期"),
    ("2026-05-01", "2026-12-31", "征求意见期最长180天"),
])
def test_consultation_days_must_be_sensible(two_sites, staff, clock, open_on, close_on, expected):
    clock(datetime(2026, 4, 20, 10, 0))
    refused = _new(staff["editor"], {**FIELDS, "open_on": open_on, "close_on": close_on, "body_html": "<p>正文</p>"})
    assert refused.status_code == 200 and expected in refused.get_data(as_text=True)
    ok = _new(staff["editor"], {**FIELDS, "open_on": "2026-05-01", "close_on": "2026-10-27",
                                "body_html": "<p>正文</p>"})
    assert ok.status_code == 302  # 180 days, both ends included


def test_a_republished_consultation_carries_no_opinions_on_another_draft(app, two_sites, staff, consultation, clock):
    """Opinions come only once it is open, and once open it cannot be withdrawn: so a consultation withdrawn,
    changed and published again has no opinion sent on its earlier draft."""
    from sqlalchemy import func, select

    from core.auth.models import User
    from core.extensions import db
    from core.interaction.consultations import (ConsultationError, publish_consultation, submit_opinion,
                                                update_consultation, withdraw_consultation)
    from core.interaction.models_consultations import Consultation, Opinion
    from tenants.scoping import activate_tenant

    rsj = two_sites[0]
    opened = consultation(rsj, open_on=date(2026, 3, 1), close_on=date(2026, 3, 31))
    upcoming = consultation(rsj, open_on=date(2026, 4, 10), close_on=date(2026, 4, 30))

    def opinions(consultation_id: int) -> int:
        return db.session.execute(select(func.count()).select_from(Opinion)
                                  .where(Opinion.consultation_id == consultation_id)).scalar()

    with app.app_context(), activate_tenant(rsj.id):
        actor = db.session.execute(select(User).where(User.username == "publisher.rsj")).scalar_one()
        clock(datetime(2026, 3, 2, 9, 0))
        row = db.session.get(Consultation, opened.id)
        submit_opinion(row, body="第五条的补贴标准偏低。")
        db.session.commit()
        with pytest.raises(ConsultationError, match="征求意见已开始"):
            withdraw_consultation(row, actor=actor, reason="草案要大改")
        db.session.rollback()
        assert db.session.get(Consultation, opened.id).status == "published" and opinions(opened.id) == 1
        # Withdrawn before its first day instead: nothing was sent on it, and its new draft starts with none.
        row = db.session.get(Consultation, upcoming.id)
        with pytest.raises(ConsultationError):
            submit_opinion(row, body="提前提交的意见")
        withdraw_consultation(row, actor=actor, reason="草案要大改")
        update_consultation(row, actor=staff_editor(db, User), title="廊坊市就业补贴管理办法（修订征求意见稿）",
                            office="就业促进科", open_on=date(2026, 4, 10), close_on=date(2026, 5, 10),
                            body_html="<p>新草案</p>")
        publish_consultation(row, actor=actor)
        db.session.commit()
        assert opinions(upcoming.id) == 0
        db.session.remove()


def staff_editor(db, user_model):
    from sqlalchemy import select

    return db.session.execute(select(user_model).where(user_model.username == "editor.rsj")).scalar_one()


@pytest.mark.parametrize("search, found", [
    ("_", ["附件a_b.pdf第二页有误"]),  # an underscore, not "any one character"
    ("%", ["补贴标准提高50%"]),  # a percent sign, not "anything"
    ("50%", ["补贴标准提高50%"]),  # not "50" followed by anything
    ("\\", ["路径写成了C:\\data"]),
    ("补贴", ["补贴标准提高50%", "补贴标准提高50元"]),
])
def test_the_officers_search_of_opinions_takes_wildcards_as_typed(app, two_sites, staff, consultation, search, found):
    from core.extensions import db
    from core.interaction.models_consultations import Opinion
    from tenants.scoping import activate_tenant

    rsj = two_sites[0]
    made = consultation(rsj)
    bodies = ["补贴标准提高50%", "补贴标准提高50元", "附件a_b.pdf第二页有误", "路径写成了C:\\data", "ab"]
    with app.app_context(), activate_tenant(rsj.id):
        db.session.add_all([Opinion(consultation_id=made.id, body=body, submitted_at=datetime(2026, 3, 2 + n, 9))
                            for n, body in enumerate(bodies)])
        db.session.commit()
    html = staff["interaction_officer"].get(f"/admin/consultations/{made.id}/opinions",
                                            query_string={"q": search}).get_data(as_text=True)
    assert [body for body in bodies if f'<p class="opinion-text">{escape(body)}</p>' in html] == found
