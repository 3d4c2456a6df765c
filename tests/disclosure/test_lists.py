"""The bureau's lists: the subject classification like the categories, and no entry deleted while items use it."""
from __future__ import annotations

from sqlalchemy import select

from core.disclosure.defaults import DEFAULT_SUBJECTS
from core.disclosure.models import DisclosureCategory, DisclosureSubject
from core.extensions import db
from tests.fixtures.accounts import csrf_token, post_form
from tests.fixtures.console import last_platform_entry


def _subjects(app) -> list[str]:
    with app.app_context():
        return list(db.session.execute(select(DisclosureSubject.name_zh).order_by(DisclosureSubject.position))
                    .scalars())


def test_the_subjects_start_from_the_national_list_and_the_bureau_edits_them(app, city, admin):
    assert _subjects(app)[:3] == [name for name, _ in DEFAULT_SUBJECTS[:3]] and "其他" in _subjects(app)
    assert post_form(admin, "/platform/subjects", {"name_zh": "政务督查", "name_en": "Inspection"}).status_code == 302
    assert _subjects(app)[-1] == "政务督查" and last_platform_entry(app).action == "subject.add"
    taken = post_form(admin, "/platform/subjects", {"name_zh": "综合政务", "name_en": "Again"})
    assert taken.status_code == 200 and "已有主题分类" in taken.get_data(as_text=True)
    path = f"/platform/subjects/{city.subject_id}"
    assert post_form(admin, path, {"name_zh": "综合政务类", "name_en": "General"}).status_code == 302
    assert _subjects(app)[0] == "综合政务类"
    assert post_form(admin, f"{path}/move", {"direction": "down"}, form_path="/platform/subjects").status_code == 302
    assert _subjects(app)[1] == "综合政务类" and last_platform_entry(app).action == "subject.move"


def test_an_entry_with_items_filed_under_it_is_not_deleted(app, city, admin, lists, publish_filed):
    publish_filed(city.rsj, "部门预算", category="财政预算决算", subject="财政、金融、审计")
    category, subject = lists.categories["财政预算决算"], lists.subjects["财政、金融、审计"]
    page = admin.get("/platform/categories").get_data(as_text=True)
    refused = admin.post(f"/platform/categories/{category}/delete", data={"csrf_token": csrf_token(page)},
                         follow_redirects=True)
    assert "不能删除" in refused.get_data(as_text=True)
    refused = admin.post(f"/platform/subjects/{subject}/delete", data={"csrf_token": csrf_token(page)},
                         follow_redirects=True)
    assert "不能删除" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(DisclosureCategory, category) and db.session.get(DisclosureSubject, subject)
    unused = lists.subjects["其他"]
    assert admin.post(f"/platform/subjects/{unused}/delete", data={"csrf_token": csrf_token(page)}).status_code == 302
    assert "其他" not in _subjects(app) and last_platform_entry(app).action == "subject.delete"


def test_names_that_look_the_same_are_the_same_and_invisible_text_is_empty(app, city, admin):
    """"综合\u3000政务" and "综合政务\u200b" read as "综合政务": duplicates; a name of zero-width characters is
    empty."""
    for lookalike in ("综合\u3000政务", "综合政务\u200b", "\ufeff综合 政务", "综合\u2060政务"):
        taken = post_form(admin, "/platform/subjects", {"name_zh": lookalike, "name_en": "Again"})
        assert taken.status_code == 200 and "已有主题分类" in taken.get_data(as_text=True), repr(lookalike)
    empty = post_form(admin, "/platform/categories", {"name_zh": "\u200b\u200d", "name_en": "\u2060"})
    html = empty.get_data(as_text=True)
    assert empty.status_code == 200 and 'id="name_zh-errors"' in html and 'id="name_en-errors"' in html
    assert post_form(admin, "/platform/subjects", {"name_zh": "\u200b政务督查\ufeff", "name_en": "Inspection\u200b"}
                     ).status_code == 302
    assert _subjects(app)[-1] == "政务督查"
