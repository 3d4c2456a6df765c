"""The yearly disclosure report's form sent with a version that is no number (a hidden field nobody types, posted by
hand or by a broken client): a stale save the page explains, never a 500, nothing kept."""
from __future__ import annotations

import json

import pytest

from tests.disclosure.test_report import _figures, _report, prepare
from tests.fixtures.accounts import csrf_token


@pytest.mark.parametrize("version", ["²", "١", "abc", "1" * 23, ""])
def test_a_version_that_is_no_number_is_a_stale_save(app, two_sites, lists, staff, version):
    rsj = two_sites[0]
    editor, _ = staff(rsj, "editor")
    prepare(editor)
    found, _article = _report(app, rsj)
    page = editor.get(f"/admin/disclosure/reports/{found.id}").get_data(as_text=True)
    response = editor.post(f"/admin/disclosure/reports/{found.id}",
                           data={**_figures(licensing="77"), "version": version, "csrf_token": csrf_token(page)})
    assert response.status_code == 200
    assert "在您打开之后，有人修改了这份年度报告。" in response.get_data(as_text=True)
    assert json.loads(_report(app, rsj)[0].manual).get("licensing", 0) == 0
