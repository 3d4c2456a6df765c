"""The mandatory section set: every change reaches every site in the same transaction, and is audited."""
from __future__ import annotations

import json

from sqlalchemy import select

from core.extensions import db
from core.sections.models import MandatorySection, Section
from core.sections.queries import site_sections
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import post_form
from tests.fixtures.console import field_value, is_invalid, last_platform_entry, snapshot


def _set(app) -> list[tuple]:
    with app.app_context():
        return [(r.key, r.name_zh, r.kind, r.position, r.homepage_priority, r.in_nav) for r in
                db.session.execute(select(MandatorySection).order_by(MandatorySection.position)).scalars()]


def _site(app, site) -> dict[str, Section]:
    with app.app_context(), activate_tenant(site.id):
        sections = {(s.mandatory_key or f"own:{s.slug}"): s for s in site_sections()}
        db.session.expunge_all()
        return sections


def _keys(app, site) -> list[str]:
    with app.app_context(), activate_tenant(site.id):
        return [s.mandatory_key for s in site_sections() if s.mandatory_key]


def test_the_list_shows_the_set_in_order(app, city, admin):
    html = admin.get("/platform/sections").get_data(as_text=True)
    keys = [key for key, *_ in _set(app)]
    positions = [html.index(f"/sections/{key}/") for key in keys]
    assert positions == sorted(positions)


def test_adding_a_section_reaches_every_site_at_its_place(app, city, admin):
    response = post_form(admin, "/platform/sections", {"key": "guide", "name_zh": "办事指引", "name_en": "Guide",
                                                       "kind": "article_list", "position": "2",
                                                       "homepage_priority": "7", "in_nav": "y"})
    assert response.status_code == 302
    assert [key for key, *_ in _set(app)][:3] == ["about", "guide", "disclosure"]
    for site in (city.rsj, city.czj):
        assert _keys(app, site)[:3] == ["about", "guide", "disclosure"]
        guide = _site(app, site)["guide"]
        assert guide.name_zh == "办事指引" and guide.homepage_priority == 7 and guide.in_nav
    entry = last_platform_entry(app)
    assert entry.action == "mandatory.add" and entry.target == "guide" and json.loads(entry.detail)["added"] == 2


def test_a_bad_or_taken_key_is_refused_at_its_field(app, city, admin):
    before = snapshot(app)
    for key in ("news", "Not OK!"):
        response = post_form(admin, "/platform/sections", {"key": key, "name_zh": "动态", "name_en": "News",
                                                           "kind": "article_list", "in_nav": "y"})
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and is_invalid(html, "key"), key
        assert field_value(html, "key") == key and field_value(html, "name_zh") == "动态"
    assert snapshot(app) == before


def test_editing_a_section_renames_it_on_every_site(app, city, admin):
    path = f"/platform/sections/{city.section_id}"
    page = admin.get(path).get_data(as_text=True)
    assert field_value(page, "name_zh") == "工作动态"
    response = post_form(admin, path, {"name_zh": "部门动态", "name_en": "Department news", "kind": "article_list",
                                       "homepage_priority": "", })
    assert response.status_code == 302
    for site in (city.rsj, city.czj):
        news = _site(app, site)["news"]
        assert news.name_zh == "部门动态" and news.homepage_priority is None and not news.in_nav
    entry = last_platform_entry(app)
    assert entry.action == "mandatory.update" and json.loads(entry.detail)["updated"] == 2


def test_an_edit_with_an_empty_name_changes_nothing(app, city, admin):
    before = snapshot(app)
    path = f"/platform/sections/{city.section_id}"
    response = post_form(admin, path, {"name_zh": "", "name_en": "Department news", "kind": "article_list"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and is_invalid(html, "name_zh")
    assert field_value(html, "name_en") == "Department news"
    assert snapshot(app) == before


def test_removing_a_section_hands_it_to_each_site_with_its_items(app, city, admin):
    response = post_form(admin, f"/platform/sections/{city.section_id}/delete", {"confirm": "y"})
    assert response.status_code == 302
    assert "news" not in [key for key, *_ in _set(app)]
    for site in (city.rsj, city.czj):
        sections = _site(app, site)
        assert "news" not in sections and "own:news" in sections  # kept, as the site's own
    assert [p for *_, p, _h, _n in _set(app)] == list(range(len(_set(app))))  # renumbered
    entry = last_platform_entry(app)
    assert entry.action == "mandatory.remove" and json.loads(entry.detail)["released"] == 2


def test_moving_a_section_changes_the_order_on_every_site(app, city, admin):
    keys = [key for key, *_ in _set(app)]
    index = keys.index("news")
    response = post_form(admin, f"/platform/sections/{city.section_id}/move", {"direction": "up"},
                         form_path="/platform/sections")
    assert response.status_code == 302
    moved = [key for key, *_ in _set(app)]
    assert moved[index - 1] == "news" and moved[index] == keys[index - 1]
    for site in (city.rsj, city.czj):
        assert _keys(app, site) == moved
    assert last_platform_entry(app).action == "mandatory.move"
    bad = post_form(admin, f"/platform/sections/{city.section_id}/move", {"direction": "sideways"},
                    form_path="/platform/sections")
    assert bad.status_code == 400


def test_the_default_set_can_be_restored_when_the_set_is_empty(app, city, admin):
    with app.app_context():
        for row in db.session.execute(select(MandatorySection)).scalars():
            db.session.delete(row)
        db.session.commit()
    assert "/platform/sections/defaults" in admin.get("/platform/sections").get_data(as_text=True)
    response = post_form(admin, "/platform/sections/defaults", {}, form_path="/platform/sections")
    assert response.status_code == 302
    assert "news" in [key for key, *_ in _set(app)]
    assert last_platform_entry(app).action == "mandatory.defaults"
