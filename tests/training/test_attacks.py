"""What someone trying to misuse the training pages meets: files that are not what they say, names that hide
their type, requests without the form's token, numbers past the database's range, two acknowledgements at once,
material withdrawn or no longer for someone after it reached their inbox."""
from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import func, select

from core.auth.models import Membership, User
from core.extensions import db
from core.inbox.models import InboxMessage
from core.training import queries as training_queries
from core.training.files import training_folder
from core.training.models import GoodPractice, TrainingAcknowledgement, TrainingFile, TrainingMaterial
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import csrf_token, post_form
from tests.training.conftest import PDF, change_material, make_material, run

FORM = {"title": "网络安全培训", "description": "口令、钓鱼邮件与暗链。", "due_on": "2026-12-31",
        "role_scope": "all", "site_scope": "all", "group": ""}


def _count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _stored(app) -> list[str]:
    with app.app_context():
        folder = training_folder()
        return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def _post_new(client, data, files=()):
    page = client.get("/platform/training/new")
    payload = {**data, "csrf_token": csrf_token(page.get_data(as_text=True)),
               "files": [(io.BytesIO(content), name) for name, content in files]}
    return client.post("/platform/training/new", data=payload, content_type="multipart/form-data")


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return out.getvalue()


def _bomb(part: str) -> bytes:
    """A small package whose one part unpacks to 300 MB of zeros (written in slices, never held whole)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", b"<Types/>")
        with package.open(part, "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(300):
                member.write(chunk)
    return out.getvalue()


@pytest.mark.parametrize("name, content, reason", [
    ("../../etc/培训.pdf", PDF, "文件名无效"),
    ("培训\x00.pdf", PDF, "控制字符"),
    ("课件\u202efdp.exe", PDF, "改变文字方向"),
    ("课" * 300 + ".pdf", PDF, "255"),
    ("课件.pdf", b"<html><body onload=alert(1)>", "不是真正的 PDF 文件"),
    ("课件.pdf", b"MZ\x90\x00" + b"\0" * 64, "不是真正的 PDF 文件"),
    ("课件.pptx", _zip({"word/document.xml": b"<w/>"}), "不是真正的 PPTX 文件"),
    ("课件.docx", _zip({"evil.html": b"<script>"}), "不是真正的 DOCX 文件"),
    ("课件.docx", _bomb("word/document.xml"), "解压后超过"),
    ("课件.pptx", _bomb("ppt/presentation.xml"), "解压后超过"),
    ("课件.txt", b"line\x00\x01\x02", "不是真正的 TXT 文件"),
    ("课件.svg", b"<svg onload=alert(1)/>", "类型的文件"),
])
def test_a_bad_file_is_refused_with_its_reason_and_nothing_is_written(app, town, admin, name, content, reason):
    before = _stored(app)
    refused = _post_new(admin, FORM, [("要点.pdf", PDF), (name, content)])
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200 and reason in html, html[html.find("<main"):][:3000]
    assert _count(app, TrainingMaterial) == 0 and _count(app, TrainingFile) == 0
    assert _stored(app) == before


def test_an_oversize_file_is_refused_by_its_size(app, town, admin, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_ATTACHMENT_BYTES", 1024)
    before = _stored(app)
    html = _post_new(admin, FORM, [("大文件.pdf", PDF + b"0" * 2048)]).get_data(as_text=True)
    assert "“大文件.pdf”大小为" in html and "的限制" in html
    assert _count(app, TrainingMaterial) == 0 and _stored(app) == before


def test_a_refused_form_says_the_files_must_be_chosen_again(app, town, admin):
    html = _post_new(admin, {**FORM, "title": ""}, [("要点.pdf", PDF)]).get_data(as_text=True)
    assert "请重新选择文件" in html
    assert "请重新选择文件" not in admin.get("/platform/training/new").get_data(as_text=True)


def test_numbers_past_the_database_range_are_refused_not_an_error(app, town, admin):
    for group in ("99999999999999999999999", "2147483648", "-1", "１"):
        response = _post_new(admin, {**FORM, "site_scope": "group", "group": group}, [("要点.pdf", PDF)])
        assert response.status_code == 200 and "请选择站点分组" in response.get_data(as_text=True), group
    page = admin.get("/platform/training/examples")
    for site in ("99999999999999999999999", "2147483648"):
        response = admin.post("/platform/training/examples", data={
            "csrf_token": csrf_token(page.get_data(as_text=True)), "site": site, "note": "值得学习。"})
        assert response.status_code == 200, site
    for item in ("99999999999", "http://rsj.localhost/articles/99999999999"):
        response = post_form(admin, "/platform/training/examples", {"site": str(town.rsj.id), "item": item,
                                                                     "note": "值得学习。"})
        assert response.status_code == 200, item
    for path in ("/platform/training/99999999999", "/platform/training/files/99999999999999999999",
                 "/admin/inbox/99999999999999999999"):
        assert admin.get(path).status_code == 404, path
    assert _count(app, TrainingMaterial) == 0 and _count(app, GoodPractice) == 0


def test_every_change_needs_the_forms_token(app, town, admin, signed_in):
    material = make_material(app, town.bureau)
    draft = make_material(app, town.bureau, title="草稿", publish=False)
    with app.app_context():
        file_id = db.session.scalar(select(TrainingFile.id).where(TrainingFile.material_id == material))
    post_form(admin, "/platform/training/examples", {"site": str(town.rsj.id), "note": "值得学习。"})
    with app.app_context():
        example = db.session.scalar(select(GoodPractice.id))
    console = [("/platform/training/new", {**FORM}), (f"/platform/training/{material}/edit", {**FORM}),
               (f"/platform/training/{draft}/publish", {}), (f"/platform/training/{material}/withdraw", {}),
               (f"/platform/training/files/{file_id}/remove", {}), ("/platform/training/examples",
                                                                    {"site": str(town.rsj.id), "note": "x"}),
               (f"/platform/training/examples/{example}/remove", {})]
    for path, data in console:
        for token in ({}, {"csrf_token": "forged"}):
            assert admin.post(path, data={**data, **token}).status_code == 400, path
    client, me = signed_in(town.rsj.host, "wang.editor", site=town.rsj, roles=["editor"])
    run(app, "training.distribute")
    for path in (f"/admin/training/{material}/acknowledge", "/admin/inbox/read"):
        for token in ({}, {"csrf_token": "forged"}):
            assert client.post(path, data=token).status_code == 400, path
    with app.app_context():
        assert db.session.get(TrainingMaterial, material).status == "published"
        assert db.session.get(TrainingMaterial, draft).status == "draft"
        assert db.session.scalar(select(func.count()).select_from(TrainingFile)) == 2
        assert db.session.scalar(select(func.count()).select_from(GoodPractice)) == 1
        assert db.session.scalar(select(func.count()).select_from(TrainingAcknowledgement)) == 0
        assert db.session.scalar(select(func.count()).select_from(InboxMessage).where(
            InboxMessage.user_id == me.id, InboxMessage.read_at.is_not(None))) == 0


def test_markup_in_titles_notes_and_subjects_is_shown_as_text(app, town, admin, signed_in):
    evil = '<img src=x onerror=alert(1)><script>alert(2)</script>'
    material = make_material(app, town.bureau, title="培训" + evil)
    with app.app_context():
        db.session.get(TrainingMaterial, material).description = "说明" + evil
        db.session.commit()
    post_form(admin, "/platform/training/examples", {"site": str(town.rsj.id), "note": "借鉴" + evil})
    client, me = signed_in(town.rsj.host, "wang.editor", site=town.rsj, roles=["editor"])
    run(app, "training.distribute")
    with app.app_context():
        message = db.session.scalar(select(InboxMessage.id).where(InboxMessage.user_id == me.id))
    pages = [admin.get(p).get_data(as_text=True) for p in (
        "/platform/training/", f"/platform/training/{material}", f"/platform/training/{material}/edit",
        "/platform/training/examples")]
    pages += [client.get(p).get_data(as_text=True) for p in (
        "/admin/training/", f"/admin/training/{material}", "/admin/inbox/", f"/admin/inbox/{message}", "/admin/")]
    for html in pages:
        assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in pages[5]


def test_two_acknowledgements_at_once_record_one(app, town, signed_in, monkeypatch):
    """The second request read "not acknowledged yet" before the first had written: it must not fail."""
    material = make_material(app, town.bureau)
    client, me = signed_in(town.rsj.host, "wang.editor", site=town.rsj, roles=["editor"])
    page = f"/admin/training/{material}"
    assert post_form(client, f"{page}/acknowledge", {}, form_path=page).status_code == 302
    import core.training.operations as operations
    monkeypatch.setattr(operations, "acknowledgement_of", lambda *args: None)  # as if the first were not seen
    response = post_form(client, f"{page}/acknowledge", {}, form_path=page)
    assert response.status_code == 302
    assert "确认阅读" in client.get(page).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TrainingAcknowledgement)) == 1


def test_a_withdrawn_material_says_so_to_those_it_reached(app, town, admin, signed_in):
    material = make_material(app, town.bureau)
    with app.app_context():
        file_id = db.session.scalar(select(TrainingFile.id).where(TrainingFile.material_id == material))
    client, me = signed_in(town.rsj.host, "wang.editor", site=town.rsj, roles=["editor"])
    run(app, "training.distribute")
    stranger, _ = signed_in(town.rsj.host, "li.editor", site=town.rsj, roles=["editor"])  # joined since
    page = f"/platform/training/{material}"
    assert post_form(admin, f"{page}/withdraw", {}, form_path=page).status_code == 302
    gone = client.get(f"/admin/training/{material}")
    html = gone.get_data(as_text=True)
    assert gone.status_code == 410 and "信息产业局已撤回这份培训资料" in html and "我已阅读" not in html
    assert client.get(f"/admin/training/{material}/files/{file_id}").status_code == 404
    assert stranger.get(f"/admin/training/{material}").status_code == 404  # never had it: nothing to explain
    assert "培训资料" in client.get("/admin/inbox/").get_data(as_text=True)  # the message stays, its link explains


def test_someone_no_longer_in_the_audience_is_told_where_it_still_is(app, town, signed_in):
    material = make_material(app, town.bureau, all_roles=False, roles=["editor"])
    client, me = signed_in(town.rsj.host, "wang.editor", site=town.rsj, roles=["editor"])
    run(app, "training.distribute")
    change_material(app, town.bureau, material, roles=["site_admin"])
    html = client.get(f"/admin/training/{material}").get_data(as_text=True)
    assert "已不再面向您在本站点的角色" in html and "我已阅读" not in html


def test_a_locked_or_deleted_person_drops_out_and_their_messages_do_not_break_the_pages(app, town, admin):
    material = make_material(app, town.bureau)
    run(app, "training.distribute")
    with app.app_context():
        db.session.get(User, town.people["rsj.editor"]).is_locked = True
        user = db.session.get(User, town.people["czj.editor"])
        with activate_tenant(town.czj.id):
            db.session.execute(db.delete(Membership).where(Membership.user_id == user.id))
        db.session.delete(user)
        db.session.commit()
        people = training_queries.audience_people(db.session.get(TrainingMaterial, material))
    assert town.people["rsj.editor"] not in people and town.people["czj.editor"] not in people
    assert admin.get(f"/platform/training/{material}").status_code == 200
    assert run(app, "training.distribute")["people"] == 0


def test_a_published_material_keeps_its_last_file(app, town, admin):
    material = make_material(app, town.bureau)
    with app.app_context():
        file_id = db.session.scalar(select(TrainingFile.id).where(TrainingFile.material_id == material))
    edit = f"/platform/training/{material}/edit"
    response = post_form(admin, f"/platform/training/files/{file_id}/remove", {}, form_path=edit)
    assert response.status_code == 302
    assert "已发布的资料至少要保留一个文件" in admin.get(edit).get_data(as_text=True)
    assert _count(app, TrainingFile) == 1
