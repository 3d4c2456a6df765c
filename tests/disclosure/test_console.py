"""The disclosure categories every site must publish: the regulation's 13 by default, editable by the bureau."""
from __future__ import annotations

from sqlalchemy import select

from core.extensions import db
from core.disclosure.models import DisclosureCategory
from core.disclosure.defaults import DEFAULT_CATEGORIES
from core.disclosure.operations import ensure_default_categories
from tests.fixtures.accounts import post_form
from tests.fixtures.console import field_value, is_invalid, last_platform_entry, snapshot


def _names(app) -> list[str]:
    with app.app_context():
        return list(db.session.execute(select(DisclosureCategory.name_zh)
                                       .order_by(DisclosureCategory.position)).scalars())


def test_the_defaults_are_the_regulations_thirteen_and_are_added_once(app):
    with app.app_context():
        assert ensure_default_categories() == 13
        assert ensure_default_categories() == 0
        db.session.commit()
        rows = db.session.execute(select(DisclosureCategory).order_by(DisclosureCategory.position)).scalars().all()
        assert len(rows) == 13 == len({r.name_zh for r in rows})
        assert all(r.name_zh and r.name_en for r in rows)
        assert [r.position for r in rows] == list(range(13))
        assert {"规范性文件", "财政预算决算", "行政许可事项", "政府采购"} <= {r.name_zh for r in rows}
    assert len(DEFAULT_CATEGORIES) == 13


def test_an_empty_list_offers_the_defaults(app, admin):
    assert "/platform/categories/defaults" in admin.get("/platform/categories").get_data(as_text=True)
    assert post_form(admin, "/platform/categories/defaults", {}, form_path="/platform/categories").status_code == 302
    assert len(_names(app)) == 13
    assert last_platform_entry(app).action == "category.defaults"


def test_the_list_shows_them_in_order(app, city, admin):
    html = admin.get("/platform/categories").get_data(as_text=True)
    positions = [html.index(name) for name in _names(app)]
    assert positions == sorted(positions)


def test_add_edit_move_and_delete(app, city, admin):
    assert post_form(admin, "/platform/categories", {"name_zh": "政策解读", "name_en": "Policy interpretation",
                                                     "description": "对规范性文件的解读。"}).status_code == 302
    assert _names(app)[-1] == "政策解读"
    assert last_platform_entry(app).action == "category.add"

    path = f"/platform/categories/{city.category_id}"
    assert field_value(admin.get(path).get_data(as_text=True), "name_zh") == "机构设置与职能"
    assert post_form(admin, path, {"name_zh": "机构职能", "name_en": "Functions"}).status_code == 302
    assert _names(app)[0] == "机构职能"
    assert last_platform_entry(app).action == "category.update"

    assert post_form(admin, f"{path}/move", {"direction": "down"}, form_path="/platform/categories").status_code == 302
    assert _names(app)[1] == "机构职能"
    assert last_platform_entry(app).action == "category.move"

    assert post_form(admin, f"{path}/delete", {}, form_path="/platform/categories").status_code == 302
    assert "机构职能" not in _names(app) and len(_names(app)) == 13
    with app.app_context():
        positions = list(db.session.execute(select(DisclosureCategory.position)
                                            .order_by(DisclosureCategory.position)).scalars())
        assert positions == list(range(13))
    assert last_platform_entry(app).action == "category.delete"


def test_a_missing_or_duplicate_name_is_refused_at_its_field(app, city, admin):
    before = snapshot(app)
    response = post_form(admin, "/platform/categories", {"name_zh": "规范性文件", "name_en": "Again"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and is_invalid(html, "name_zh") and field_value(html, "name_en") == "Again"
    response = post_form(admin, "/platform/categories", {"name_zh": "新类别", "name_en": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and is_invalid(html, "name_en") and field_value(html, "name_zh") == "新类别"
    path = f"/platform/categories/{city.category_id}"
    response = post_form(admin, path, {"name_zh": "统计信息", "name_en": "Statistics"})
    assert response.status_code == 200 and is_invalid(response.get_data(as_text=True), "name_zh")
    assert snapshot(app) == before


def test_unknown_categories_are_not_found(city, admin):
    assert admin.get("/platform/categories/9999").status_code == 404
    assert post_form(admin, "/platform/categories/9999/delete", {}, form_path="/platform/").status_code == 404
