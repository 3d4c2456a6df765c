"""Keeping a service guide: the department completes it, a reviewer publishes it, the public reads what was approved."""
from __future__ import annotations

import io
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.audit.models import AuditEntry
from core.content.files import sweep_unreferenced, upload_dir
from core.extensions import db
from core.services.guide import missing_elements, publication_problems, snapshot
from core.services.models import GUIDE_ELEMENTS, ServiceItem
from core.timeutil import now
from tenants.models import Tenant
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import csrf_token, post_form
from tests.fixtures.console import field_value, is_invalid
from tests.services.guide_fixtures import GUIDE, create_item, read_item  # noqa: F401

ADMIN = "/admin/services/items"


@pytest.fixture
def rsj(two_sites):
    return two_sites[0]


@pytest.fixture
def editor(signed_in, rsj):
    client, _ = signed_in("rsj.localhost", "wang.editor", site=rsj, roles=["editor"])
    return client


@pytest.fixture
def reviewer(signed_in, rsj):
    client, _ = signed_in("rsj.localhost", "li.reviewer", site=rsj, roles=["reviewer"])
    return client


def _actions(app, site) -> list[str]:
    with app.app_context(), activate_tenant(site.id):
        return list(db.session.execute(select(AuditEntry.action).where(AuditEntry.action.like("service.%"))
                                       .order_by(AuditEntry.id)).scalars())


def _guide_data(**changes) -> dict:
    data = {key: ("" if value is None else str(value)) for key, value in GUIDE.items()}
    data.update(changes)
    return data


def _post(client, path: str, data: dict, item_id: int, **kwargs):
    return post_form(client, path, data, form_path=f"{ADMIN}/{item_id}", **kwargs)


# --- completeness ------------------------------------------------------------------------------

def test_missing_elements_are_the_inspections_ten_in_its_order(app, rsj, create_item):
    empty = read_item(app, rsj, create_item(rsj, code="A1", complete=False))
    assert missing_elements(empty) == [e for e in GUIDE_ELEMENTS if e != "name"]  # the name comes from the catalogue
    full = read_item(app, rsj, create_item(rsj, code="A2"))
    assert missing_elements(full) == []
    blank = read_item(app, rsj, create_item(rsj, code="A3", location="   ", steps=()))
    assert missing_elements(blank) == ["location", "procedure"]


def test_the_promised_limit_is_needed_to_publish_besides_the_ten(app, rsj, create_item):
    item = read_item(app, rsj, create_item(rsj, promised_days=None))
    assert missing_elements(item) == []
    assert list(publication_problems(item)) == ["promised_days"]


def test_the_snapshot_holds_everything_the_public_page_shows(app, rsj, create_item):
    item = read_item(app, rsj, create_item(rsj))
    data = snapshot(item)
    assert (data["code"], data["name"], data["kind"]) == ("130100-XK-001", "人力资源服务许可", "licensing")
    assert data["promised_days"] == 10 and data["statutory_days"] == 20 and data["online_level"] == "online"
    assert [m["name"] for m in data["materials"]][:2] == ["人力资源服务许可申请书", "营业执照"]
    assert data["materials"][1]["form"] == "copy" and data["materials"][3]["required"] is False
    assert [s["title"] for s in data["steps"]] == ["申请", "受理", "审查", "决定", "送达"]
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


# --- the whole way: edit, complete, review, publish --------------------------------------------

def test_an_editor_completes_a_guide_and_a_reviewer_publishes_it(app, rsj, editor, reviewer, client_for,
                                                                 create_item):
    item_id = create_item(rsj, complete=False)
    page = editor.get(f"{ADMIN}/{item_id}").get_data(as_text=True)
    assert "设定依据" in page and "办理流程" in page and "发布前" in page
    public = client_for("rsj.localhost")
    assert public.get(f"/services/items/{item_id}").status_code == 404  # never published

    response = _post(editor, f"{ADMIN}/{item_id}", _guide_data(online_level="download"), item_id)
    assert response.status_code == 302
    item = read_item(app, rsj, item_id)
    assert item.conditions == GUIDE["conditions"] and item.promised_days == 10 and item.online_level == "download"

    # Sent for review too early: refused, naming what is missing.
    response = _post(editor, f"{ADMIN}/{item_id}/submit", {}, item_id, follow_redirects=True)
    assert "办理材料" in response.get_data(as_text=True) and "办理流程" in response.get_data(as_text=True)
    assert read_item(app, rsj, item_id).guide_status == "editing"

    assert _post(editor, f"{ADMIN}/{item_id}/materials", {"material-name": "居民身份证", "material-original_or_copy": "both",
                                                        "material-count": "2", "material-required": "y",
                                                        "material-note": "本人"}, item_id).status_code == 302
    assert _post(editor, f"{ADMIN}/{item_id}/steps", {"step-title": "受理", "step-description": "当场受理"},
                 item_id).status_code == 302
    assert _post(editor, f"{ADMIN}/{item_id}/forms", {"upload-title": "申请表",
                                                     "upload-file": (io.BytesIO(b"%PDF-1.4 form"), "申请表.pdf")},
                 item_id, content_type="multipart/form-data").status_code == 302
    item = read_item(app, rsj, item_id)
    assert [(m.name, m.form, m.count, m.required, m.note) for m in item.materials] == [("居民身份证", "both", 2, True, "本人")]
    assert [s.title for s in item.steps] == ["受理"] and [f.title for f in item.forms] == ["申请表"]
    assert missing_elements(item) == []

    assert _post(editor, f"{ADMIN}/{item_id}/submit", {}, item_id).status_code == 302
    assert read_item(app, rsj, item_id).guide_status == "reviewing"
    # Nobody edits it while it waits for review.
    response = _post(editor, f"{ADMIN}/{item_id}", _guide_data(hours="全天"), item_id)
    assert response.status_code == 200 and "等待审核" in response.get_data(as_text=True)
    assert read_item(app, rsj, item_id).hours == GUIDE["hours"]
    assert public.get(f"/services/items/{item_id}").status_code == 404  # still not published

    assert _post(reviewer, f"{ADMIN}/{item_id}/approve", {}, item_id).status_code == 302
    item = read_item(app, rsj, item_id)
    assert item.guide_status == "editing" and item.published_at is not None
    assert json.loads(item.published_guide)["materials"][0]["name"] == "居民身份证"
    page = public.get(f"/services/items/{item_id}").get_data(as_text=True)
    assert "居民身份证" in page and "当场受理" in page and "申请表" in page and "有5名以上专职工作人员" in page
    assert _actions(app, rsj) == ["service.guide_edit", "service.material_add", "service.step_add", "service.form_add",
                                  "service.guide_submit", "service.guide_approve"]


def test_approval_is_refused_while_an_element_is_missing(app, rsj, reviewer, client_for, create_item):
    """An item lacking a key element cannot be published, even once it reached a reviewer."""
    item_id = create_item(rsj, location="", guide_status="reviewing")
    response = _post(reviewer, f"{ADMIN}/{item_id}/approve", {}, item_id, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "不能发布" in page and "办理地点" in page
    item = read_item(app, rsj, item_id)
    assert item.published_guide is None and item.guide_status == "reviewing"
    assert client_for("rsj.localhost").get(f"/services/items/{item_id}").status_code == 404
    assert "service.guide_approve" not in _actions(app, rsj)


def test_a_reviewer_sends_the_guide_back_saying_what_to_change(app, rsj, editor, reviewer, create_item):
    item_id = create_item(rsj, guide_status="reviewing")
    response = _post(reviewer, f"{ADMIN}/{item_id}/return", {"return-comment": ""}, item_id)
    assert response.status_code == 200 and is_invalid(response.get_data(as_text=True), "return-comment")
    assert read_item(app, rsj, item_id).guide_status == "reviewing"
    assert _post(reviewer, f"{ADMIN}/{item_id}/return", {"return-comment": "办理时间请写明午休时段。"},
                 item_id).status_code == 302
    item = read_item(app, rsj, item_id)
    assert (item.guide_status, item.guide_note) == ("editing", "办理时间请写明午休时段。")
    assert "办理时间请写明午休时段。" in editor.get(f"{ADMIN}/{item_id}").get_data(as_text=True)
    # Sent again, the note is cleared.
    _post(editor, f"{ADMIN}/{item_id}/submit", {}, item_id)
    assert read_item(app, rsj, item_id).guide_note == ""


def test_nobody_approves_a_guide_they_sent_for_review(app, rsj, signed_in, reviewer, create_item):
    both, account = signed_in("rsj.localhost", "zhao.both", site=rsj, roles=["editor", "reviewer"])
    item_id = create_item(rsj)
    _post(both, f"{ADMIN}/{item_id}/submit", {}, item_id)
    page = both.get(f"{ADMIN}/{item_id}").get_data(as_text=True)
    assert f"{ADMIN}/{item_id}/approve" not in page and "其他审核人" in page
    assert _post(both, f"{ADMIN}/{item_id}/approve", {}, item_id).status_code == 403
    assert read_item(app, rsj, item_id).published_guide is None
    assert _post(reviewer, f"{ADMIN}/{item_id}/approve", {}, item_id).status_code == 302
    assert read_item(app, rsj, item_id).published_guide is not None


def test_a_site_that_allows_it_lets_the_sender_approve(app, rsj, signed_in, create_item):
    with app.app_context():
        db.session.get(Tenant, rsj.id).review_own_forbidden = False
        db.session.commit()
    both, _ = signed_in("rsj.localhost", "zhao.both", site=rsj, roles=["editor", "reviewer"])
    item_id = create_item(rsj)
    _post(both, f"{ADMIN}/{item_id}/submit", {}, item_id)
    assert _post(both, f"{ADMIN}/{item_id}/approve", {}, item_id).status_code == 302
    assert read_item(app, rsj, item_id).published_guide is not None


def test_the_public_reads_the_published_guide_while_a_correction_is_edited(app, rsj, editor, reviewer, client_for,
                                                                           create_item):
    item_id = create_item(rsj, published=True)
    public = client_for("rsj.localhost")
    assert GUIDE["hours"] in public.get(f"/services/items/{item_id}").get_data(as_text=True)
    assert _post(editor, f"{ADMIN}/{item_id}", _guide_data(hours="工作日 8:30-17:30"), item_id).status_code == 302
    assert GUIDE["hours"] in public.get(f"/services/items/{item_id}").get_data(as_text=True)
    preview = editor.get(f"{ADMIN}/{item_id}/preview").get_data(as_text=True)
    assert "工作日 8:30-17:30" in preview and "预览" in preview
    page = editor.get(f"{ADMIN}/{item_id}").get_data(as_text=True)
    assert re.search(r"与已发布的指南相比.*办理时间", page, re.S)
    # Nothing changed since publication: nothing to review. Changed: it goes through review.
    _post(editor, f"{ADMIN}/{item_id}/submit", {}, item_id)
    _post(reviewer, f"{ADMIN}/{item_id}/approve", {}, item_id)
    page = public.get(f"/services/items/{item_id}").get_data(as_text=True)
    assert "工作日 8:30-17:30" in page and GUIDE["hours"] not in page
    response = _post(editor, f"{ADMIN}/{item_id}/submit", {}, item_id, follow_redirects=True)
    assert "没有需要审核的内容" in response.get_data(as_text=True)


def test_a_save_made_meanwhile_is_not_overwritten(app, rsj, editor, signed_in, create_item):
    item_id = create_item(rsj)
    other, _ = signed_in("rsj.localhost", "zhou.editor", site=rsj, roles=["editor"])
    page = editor.get(f"{ADMIN}/{item_id}").get_data(as_text=True)
    version = field_value(page, "version")
    assert _post(other, f"{ADMIN}/{item_id}", _guide_data(phone="0316-2099999"), item_id).status_code == 302
    response = editor.post(f"{ADMIN}/{item_id}", data={**_guide_data(phone="0316-2088888"), "version": version,
                                                       "csrf_token": csrf_token(page)})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "0316-2099999" in html and field_value(html, "phone") == "0316-2088888"
    assert read_item(app, rsj, item_id).phone == "0316-2099999"
    # Saving again, knowingly, keeps what this editor typed.
    response = editor.post(f"{ADMIN}/{item_id}", data={**_guide_data(phone="0316-2088888"),
                                                       "version": field_value(html, "version"),
                                                       "csrf_token": csrf_token(html)})
    assert response.status_code == 302 and read_item(app, rsj, item_id).phone == "0316-2088888"


@pytest.mark.parametrize("changes, field", [
    ({"promised_days": "30", "statutory_days": "20"}, "promised_days"),
    ({"promised_days": "十个"}, "promised_days"),
    ({"statutory_days": "-3"}, "statutory_days"),
    ({"phone": "0316\x002011111"}, "phone"),
    ({"location": "地" * 301}, "location"),
    ({"conditions": "条" * 5001}, "conditions"),
])
def test_wrong_input_is_refused_under_its_field_with_what_was_typed_kept(app, rsj, editor, create_item, changes,
                                                                         field):
    item_id = create_item(rsj, complete=False)
    response = _post(editor, f"{ADMIN}/{item_id}", _guide_data(hours="上午九点", **changes), item_id)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and is_invalid(html, field)
    assert field_value(html, "hours") == "上午九点"
    item = read_item(app, rsj, item_id)
    assert (item.hours, item.promised_days) == ("", None)  # nothing half-written
    assert _actions(app, rsj) == []


def test_a_material_or_step_without_a_name_is_refused_and_the_rest_kept(app, rsj, editor, create_item):
    item_id = create_item(rsj, complete=False)
    response = _post(editor, f"{ADMIN}/{item_id}/materials", {"material-name": " ", "material-original_or_copy": "copy",
                                                             "material-count": "3", "material-note": "加盖公章"}, item_id)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and is_invalid(html, "material-name")
    assert field_value(html, "material-note") == "加盖公章" and field_value(html, "material-count") == "3"
    response = _post(editor, f"{ADMIN}/{item_id}/materials", {"material-name": "身份证", "material-count": "0",
                                                             "material-original_or_copy": "copy"}, item_id)
    assert response.status_code == 200 and is_invalid(response.get_data(as_text=True), "material-count")
    response = _post(editor, f"{ADMIN}/{item_id}/steps", {"step-title": "", "step-description": "当场办结"}, item_id)
    assert response.status_code == 200 and field_value(response.get_data(as_text=True), "step-description") == "当场办结"
    item = read_item(app, rsj, item_id)
    assert item.materials == [] and item.steps == []


def test_materials_and_steps_are_edited_moved_and_deleted(app, rsj, editor, create_item):
    item_id = create_item(rsj)
    item = read_item(app, rsj, item_id)
    first, second = item.materials[0].id, item.materials[1].id
    page = editor.get(f"{ADMIN}/{item_id}/materials/{first}").get_data(as_text=True)
    assert field_value(page, "material-name") == "人力资源服务许可申请书"
    assert post_form(editor, f"{ADMIN}/{item_id}/materials/{first}",
                     {"material-name": "申请书", "material-original_or_copy": "original", "material-count": "2",
                      "material-required": "y"}).status_code == 302
    assert _post(editor, f"{ADMIN}/{item_id}/materials/{second}/move", {"direction": "up"}, item_id).status_code == 302
    step = item.steps[2].id
    assert _post(editor, f"{ADMIN}/{item_id}/steps/{step}/delete", {}, item_id).status_code == 302
    item = read_item(app, rsj, item_id)
    assert [(m.name, m.count) for m in item.materials][:2] == [("营业执照", 1), ("申请书", 2)]
    assert [m.position for m in item.materials] == [0, 1, 2, 3]
    assert [s.title for s in item.steps] == ["申请", "受理", "决定", "送达"]
    assert _actions(app, rsj) == ["service.material_update", "service.material_move", "service.step_delete"]


# --- forms -------------------------------------------------------------------------------------

def _upload(editor, item_id: int, filename: str, data: bytes = b"%PDF-1.4", title: str = ""):
    return _post(editor, f"{ADMIN}/{item_id}/forms", {"upload-title": title, "upload-file": (io.BytesIO(data), filename)},
                 item_id, content_type="multipart/form-data")


def _files(app, site) -> set[str]:
    with app.app_context():
        folder = upload_dir(site.id)
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def test_a_form_must_be_a_document_of_an_accepted_type_and_size(app, rsj, editor, create_item):
    item_id = create_item(rsj)
    before = _files(app, rsj)
    response = _upload(editor, item_id, "setup.exe", b"MZ")
    assert response.status_code == 200 and "exe" in response.get_data(as_text=True)
    response = _upload(editor, item_id, "photo.jpg", b"\xff\xd8")
    assert response.status_code == 200 and "表格应为文档" in response.get_data(as_text=True)
    app.config["MAX_ATTACHMENT_BYTES"], limit = 1024, app.config["MAX_ATTACHMENT_BYTES"]
    try:
        response = _upload(editor, item_id, "big.pdf", b"x" * 2048, title="大表格")
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "big.pdf" in html and field_value(html, "upload-title") == "大表格"
    finally:
        app.config["MAX_ATTACHMENT_BYTES"] = limit
    assert read_item(app, rsj, item_id).forms == []
    assert _files(app, rsj) == before  # no file left behind by a refused upload


def test_a_published_forms_download_and_its_headers(app, rsj, editor, reviewer, client_for, create_item):
    item_id = create_item(rsj)
    assert _upload(editor, item_id, "人力资源服务许可申请表.docx", b"PK\x03\x04 form").status_code == 302
    form_id = read_item(app, rsj, item_id).forms[0].id
    link = f"/services/items/{item_id}/forms/{form_id}/人力资源服务许可申请表.docx"
    public = client_for("rsj.localhost")
    assert public.get(link).status_code == 404  # the item is not published yet
    _post(editor, f"{ADMIN}/{item_id}/submit", {}, item_id)
    _post(reviewer, f"{ADMIN}/{item_id}/approve", {}, item_id)
    with public.get(link) as download:
        assert download.status_code == 200 and download.data == b"PK\x03\x04 form"
        assert download.headers["Content-Type"].startswith(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        assert download.headers["X-Content-Type-Options"] == "nosniff"
        disposition = download.headers["Content-Disposition"]
        assert disposition.startswith(f'attachment; filename="form-{form_id}.docx"') and "filename*=UTF-8''" in disposition
    assert public.get(link.replace(".docx", ".pdf")).status_code == 404
    assert client_for("czj.localhost").get(link).status_code == 404  # another site's host
    # Taken off the working copy, the form stays downloadable until the change is approved.
    assert _post(editor, f"{ADMIN}/{item_id}/forms/{form_id}/delete", {}, item_id).status_code == 302
    with public.get(link) as download:
        assert download.status_code == 200
    _post(editor, f"{ADMIN}/{item_id}/submit", {}, item_id)
    _post(reviewer, f"{ADMIN}/{item_id}/approve", {}, item_id)
    assert public.get(link).status_code == 404


def test_the_file_sweep_keeps_the_forms_of_guides(app, rsj, editor, create_item):
    item_id = create_item(rsj, published=True)
    _upload(editor, item_id, "表.pdf")
    stored = read_item(app, rsj, item_id).forms[0].stored_name
    with app.app_context(), activate_tenant(rsj.id):
        assert stored not in sweep_unreferenced(now() + timedelta(days=1), grace=timedelta(0))
        assert (upload_dir(rsj.id) / stored).is_file()


# --- who may do what ---------------------------------------------------------------------------

def test_staff_without_the_role_read_and_cannot_change(app, rsj, signed_in, reviewer, create_item):
    item_id = create_item(rsj, complete=False)
    collector, _ = signed_in("rsj.localhost", "qian.collector", site=rsj, roles=["collector"])
    page = collector.get(f"{ADMIN}/{item_id}").get_data(as_text=True)
    assert "<fieldset disabled>" in page and f"{ADMIN}/{item_id}/submit" not in page
    assert _post(collector, f"{ADMIN}/{item_id}", _guide_data(), item_id).status_code == 403
    assert _post(reviewer, f"{ADMIN}/{item_id}", _guide_data(), item_id).status_code == 403  # reviewers review
    assert _post(reviewer, f"{ADMIN}/{item_id}/materials", {"material-name": "x"}, item_id).status_code == 403
    assert read_item(app, rsj, item_id).conditions == ""


def test_another_sites_items_are_not_found(app, two_sites, editor, create_item):
    czj = two_sites[1]
    theirs = create_item(czj, published=True)
    assert editor.get(f"{ADMIN}/{theirs}").status_code == 404
    assert post_form(editor, f"{ADMIN}/{theirs}", _guide_data(), form_path=ADMIN).status_code == 404
    with app.app_context(), activate_tenant(czj.id):
        assert db.session.get(ServiceItem, theirs).conditions == GUIDE["conditions"]


def test_the_list_shows_what_each_guide_lacks_and_the_home_counts_it(app, rsj, editor, create_item):
    create_item(rsj, code="A1", name="职业介绍许可", location="", steps=())
    create_item(rsj, code="A2", name="劳务派遣许可", published=True)
    page = editor.get(ADMIN).get_data(as_text=True)
    row = re.search(r"职业介绍许可.*?</tr>", page, re.S).group(0)
    assert "办理地点、办理流程" in row and "未发布" in row
    assert "办理地点" not in re.search(r"劳务派遣许可.*?</tr>", page, re.S).group(0)
    incomplete = editor.get(f"{ADMIN}?show=incomplete").get_data(as_text=True)
    assert "职业介绍许可" in incomplete and "劳务派遣许可" not in incomplete
    assert editor.get(f"{ADMIN}?show=nonsense").status_code == 404
    home = editor.get("/admin/").get_data(as_text=True)
    assert re.search(r"缺少要素</a>: <strong class=\"gap\">1</strong> / 2", home)


def test_the_trail_reads_as_sentences(app, rsj, editor, create_item):
    item_id = create_item(rsj)
    _post(editor, f"{ADMIN}/{item_id}", _guide_data(hours="工作日全天"), item_id)
    page = editor.get(f"{ADMIN}/{item_id}").get_data(as_text=True)
    assert "修改了办事指南" in page and "办理时间" in page.split("history-title")[-1]
    editor.set_language("en")
    page = editor.get(f"{ADMIN}/{item_id}").get_data(as_text=True)
    assert "Changed a service guide" in page and "Office hours" in page.split("history-title")[-1]
