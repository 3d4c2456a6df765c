"""The department builds an item's online application form in the guide editor, and it goes through review."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from core.audit.models import AuditEntry
from core.extensions import db
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import post_form
from tests.fixtures.console import field_value, is_invalid
from tests.services.guide_fixtures import create_item, read_item  # noqa: F401

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


def _post(client, path: str, data: dict, item_id: int, **kwargs):
    return post_form(client, path, data, form_path=f"{ADMIN}/{item_id}", **kwargs)


def _field(**values) -> dict:
    data = {"field-label": "工作单位", "field-type": "text"}
    data.update({f"field-{key}": value for key, value in values.items()})
    return data


def _fields(app, site, item_id: int) -> list[dict]:
    return json.loads(read_item(app, site, item_id).application_fields)


def _actions(app, site) -> list[str]:
    with app.app_context(), activate_tenant(site.id):
        return list(db.session.execute(select(AuditEntry.action).where(AuditEntry.action.like("service.field%"))
                                       .order_by(AuditEntry.id)).scalars())


def test_an_editor_builds_the_form_and_the_public_gets_it_once_approved(app, rsj, editor, reviewer, client_for,
                                                                         create_item):
    item_id = create_item(rsj, published=True)
    public = client_for("rsj.localhost")
    assert "学历层次" not in public.get(f"/services/items/{item_id}/apply").get_data(as_text=True)
    assert _post(editor, f"{ADMIN}/{item_id}/fields", _field(label="工作单位", required="y", max_length="60",
                                                             help="与劳动合同一致"), item_id).status_code == 302
    assert _post(editor, f"{ADMIN}/{item_id}/fields", _field(label="学历层次", type="choice",
                                                             options="大专\n本科\n\n研究生\n"), item_id).status_code == 302
    assert _post(editor, f"{ADMIN}/{item_id}/fields",
                 _field(label="学历证书", type="file", extensions=["pdf", "png"], max_mb="2.5", required="y"),
                 item_id).status_code == 302
    fields = _fields(app, rsj, item_id)
    assert [(f["label"], f["type"]) for f in fields] == [("工作单位", "text"), ("学历层次", "choice"), ("学历证书", "file")]
    assert fields[0]["max_length"] == 60 and fields[0]["required"] is True and fields[0]["help"] == "与劳动合同一致"
    assert fields[1]["choices"] == ["大专", "本科", "研究生"] and "required" not in fields[1]
    assert fields[2]["extensions"] == ["pdf", "png"] and fields[2]["max_mb"] == 2.5
    assert len({f["key"] for f in fields}) == 3
    page = editor.get(f"{ADMIN}/{item_id}").get_data(as_text=True)
    assert "学历层次" in page and "PDF, PNG" in page
    # The public still files the approved form until the change is reviewed.
    apply_page = public.get(f"/services/items/{item_id}/apply").get_data(as_text=True)
    assert "学历层次" not in apply_page
    assert _post(editor, f"{ADMIN}/{item_id}/submit", {}, item_id).status_code == 302
    assert _post(reviewer, f"{ADMIN}/{item_id}/approve", {}, item_id).status_code == 302
    apply_page = public.get(f"/services/items/{item_id}/apply").get_data(as_text=True)
    assert "学历层次" in apply_page and "研究生" in apply_page and 'accept=".pdf,.png"' in apply_page
    assert _actions(app, rsj) == ["service.field_add"] * 3


@pytest.mark.parametrize("values, field", [
    ({"label": " "}, "field-label"),
    ({"label": "单位\u202e名称"}, "field-label"),
    ({"label": "地" * 201}, "field-label"),
    ({"type": "script"}, "field-type"),
    ({"type": "choice", "options": ""}, "field-options"),
    ({"type": "choice", "options": "本科\n本科"}, "field-options"),
    ({"type": "choice", "options": "\n".join(str(n) for n in range(51))}, "field-options"),
    ({"type": "number", "minimum": "10", "maximum": "2"}, "field-maximum"),
    ({"type": "number", "minimum": "十"}, "field-minimum"),
    ({"type": "text", "max_length": "0"}, "field-max_length"),
    ({"type": "text", "max_length": "６０"}, "field-max_length"),
    ({"type": "file", "extensions": []}, "field-extensions"),
    ({"type": "file", "extensions": ["exe"]}, "field-extensions"),
    ({"type": "file", "extensions": ["pdf"], "max_mb": "500"}, "field-max_mb"),
    ({"type": "file", "extensions": ["pdf"], "max_mb": "0"}, "field-max_mb"),
])
def test_a_wrong_setting_is_refused_under_its_field_and_nothing_is_saved(app, rsj, editor, create_item, values,
                                                                         field):
    item_id = create_item(rsj)
    data = _field(help="请如实填写", **{k: v for k, v in values.items()})
    response = _post(editor, f"{ADMIN}/{item_id}/fields", data, item_id)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert is_invalid(html, field) or f'id="{field}-errors"' in html  # a group of checkboxes: its error list
    assert "请如实填写" in html
    assert _fields(app, rsj, item_id) == [] and _actions(app, rsj) == []


def test_settings_of_another_kind_are_dropped_not_kept(app, rsj, editor, create_item):
    item_id = create_item(rsj)
    _post(editor, f"{ADMIN}/{item_id}/fields", _field(label="工作年限", type="number", minimum="0", maximum="60",
                                                      max_length="10", options="甲\n乙", max_mb="3"), item_id)
    assert _fields(app, rsj, item_id) == [{"key": _fields(app, rsj, item_id)[0]["key"], "label": "工作年限",
                                           "type": "number", "min": 0, "max": 60}]


def test_a_field_is_changed_moved_and_deleted_keeping_its_key(app, rsj, editor, create_item):
    item_id = create_item(rsj)
    for label in ("工作单位", "职务", "联系人"):
        _post(editor, f"{ADMIN}/{item_id}/fields", _field(label=label), item_id)
    first, second, third = (f["key"] for f in _fields(app, rsj, item_id))
    page = editor.get(f"{ADMIN}/{item_id}/fields/{second}").get_data(as_text=True)
    assert field_value(page, "field-label") == "职务"
    assert post_form(editor, f"{ADMIN}/{item_id}/fields/{second}",
                     _field(label="现任职务", required="y")).status_code == 302
    assert _post(editor, f"{ADMIN}/{item_id}/fields/{third}/move", {"direction": "up"}, item_id).status_code == 302
    assert _post(editor, f"{ADMIN}/{item_id}/fields/{first}/delete", {}, item_id).status_code == 302
    fields = _fields(app, rsj, item_id)
    assert [(f["key"], f["label"], f.get("required", False)) for f in fields] == [(third, "联系人", False),
                                                                                   (second, "现任职务", True)]
    # Saving without a change changes nothing (and records nothing).
    post_form(editor, f"{ADMIN}/{item_id}/fields/{second}", _field(label="现任职务", required="y"))
    assert _actions(app, rsj) == ["service.field_add"] * 3 + ["service.field_update", "service.field_move",
                                                              "service.field_delete"]
    # A key never comes back after its field was removed: old answers are not shown under a new label.
    _post(editor, f"{ADMIN}/{item_id}/fields", _field(label="工作单位"), item_id)
    assert first not in {f["key"] for f in _fields(app, rsj, item_id)}


@pytest.mark.parametrize("key", ["nosuch", "F1", "名称", "a" * 60, "１"])
def test_an_unknown_field_is_not_found(app, rsj, editor, create_item, key):
    item_id = create_item(rsj)
    _post(editor, f"{ADMIN}/{item_id}/fields", _field(), item_id)
    assert editor.get(f"{ADMIN}/{item_id}/fields/{key}").status_code == 404
    assert _post(editor, f"{ADMIN}/{item_id}/fields/{key}/delete", {}, item_id).status_code == 404


def test_the_form_cannot_be_changed_while_the_guide_waits_for_review(app, rsj, editor, create_item):
    item_id = create_item(rsj)
    _post(editor, f"{ADMIN}/{item_id}/fields", _field(), item_id)
    assert _post(editor, f"{ADMIN}/{item_id}/submit", {}, item_id).status_code == 302
    response = _post(editor, f"{ADMIN}/{item_id}/fields", _field(label="职务"), item_id, follow_redirects=True)
    assert "等待审核" in response.get_data(as_text=True)
    assert [f["label"] for f in _fields(app, rsj, item_id)] == ["工作单位"]


def test_another_sites_editor_cannot_reach_the_form(app, two_sites, signed_in, create_item):
    rsj, other, _ = two_sites
    item_id = create_item(rsj)
    client, _ = signed_in(f"{other.slug}.localhost", "zhao.editor", site=other, roles=["editor"])
    assert client.get(f"{ADMIN}/{item_id}").status_code == 404
    response = client.post(f"{ADMIN}/{item_id}/fields", data=_field())
    assert response.status_code in (400, 404)
    assert _fields(app, rsj, item_id) == []
