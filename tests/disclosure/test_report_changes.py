"""What a review of the yearly report found: a discarded correction's figures never come back, two changes at once
make one, a report covers a finished year, an amount of nothing is 0.00."""
from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy.orm.attributes import set_committed_value

from core.auth.models import User
from core.disclosure.models_report import DisclosureReport
from core.disclosure.report import ReportError, generate_report, save_report
from core.extensions import db
from tenants.scoping import activate_tenant
from tests.disclosure.report_helpers import row_cells
from tests.disclosure.test_report import _figures, _report, _save, prepare
from tests.disclosure.test_report_workflow import publish_report
from tests.fixtures.accounts import post_form


def test_a_discarded_correction_gives_the_published_figures_back(app, two_sites, lists, staff, client_for):
    rsj = two_sites[0]
    found, article = publish_report(app, rsj, staff)
    editor, _ = staff(rsj, "editor", "second.editor")
    assert _save(editor, found.id, _figures(licensing="999", overview="更正后的总体情况。")).status_code == 302
    assert post_form(editor, f"/admin/articles/{article.id}/step", {"action": "change_discard"},
                     form_path=f"/admin/articles/{article.id}").status_code == 302
    page = editor.get(f"/admin/disclosure/reports/{found.id}").get_data(as_text=True)
    assert "更正后的总体情况" not in page and 'name="licensing" type="number" value=""' in page
    restored, _article = _report(app, rsj)
    assert json.loads(restored.manual).get("licensing", 0) == 0 and "更正后" not in restored.overview
    # Generating again now opens a correction with the published figures, not the discarded ones.
    assert post_form(editor, f"/admin/disclosure/reports/{found.id}/generate", {},
                     form_path=f"/admin/disclosure/reports/{found.id}").status_code == 302
    _found, corrected = _report(app, rsj)
    assert corrected.change_status == "editing"
    public = client_for(rsj.host).get(f"/articles/{article.id}").get_data(as_text=True)
    assert row_cells(public, "行政许可") == ["0"]


def test_a_published_correction_keeps_its_figures(app, two_sites, lists, staff):
    rsj = two_sites[0]
    found, article = publish_report(app, rsj, staff)
    editor, _ = staff(rsj, "editor", "second.editor")
    assert _save(editor, found.id, _figures(licensing="88")).status_code == 302
    reviewer, _ = staff(rsj, "reviewer", "second.reviewer")
    publisher, _ = staff(rsj, "publisher", "second.publisher")
    for client, action in ((editor, "change_submit"), (reviewer, "change_approve"), (publisher, "change_publish")):
        assert post_form(client, f"/admin/articles/{article.id}/step", {"action": action},
                         form_path=f"/admin/articles/{article.id}").status_code == 302
    page = editor.get(f"/admin/disclosure/reports/{found.id}").get_data(as_text=True)
    assert 'name="licensing" type="number" value="88"' in page
    assert json.loads(_report(app, rsj)[0].manual)["licensing"] == 88


def test_of_two_saves_at_once_the_second_is_refused_and_nothing_of_it_is_kept(app, two_sites, lists, staff):
    rsj = two_sites[0]
    editor, account = staff(rsj, "editor")
    prepare(editor)
    with app.test_request_context(), activate_tenant(rsj.id):
        actor = db.session.get(User, account.id)
        found = db.session.query(DisclosureReport).one()
        version, article_version = found.version, _report(app, rsj)[1].version
        manual = {"licensing": 100}
        save_report(found, actor=actor, manual=manual, overview="一", problems="", other="",
                    expected_version=article_version)
        db.session.commit()
        # The other request read the report before this save: same version in its hands.
        set_committed_value(found, "version", version)
        with pytest.raises(ReportError):
            save_report(found, actor=actor, manual={"licensing": 101}, overview="二", problems="", other="",
                        expected_version=found_article_version(found))
        db.session.rollback()
        db.session.remove()
    kept, _article = _report(app, rsj)
    assert json.loads(kept.manual)["licensing"] == 100 and kept.overview == "一"


def found_article_version(found) -> int:
    from core.disclosure.report_queries import report_article

    return report_article(found).version


def test_two_preparing_the_same_year_at_once_are_told_instead_of_an_error(app, two_sites, lists, staff,
                                                                          monkeypatch):
    rsj = two_sites[0]
    editor, account = staff(rsj, "editor")
    prepare(editor)
    # The second request looked before the first one's row was there.
    monkeypatch.setattr("core.disclosure.report.report_for_year", lambda year: None)
    with app.test_request_context(), activate_tenant(rsj.id):
        actor = db.session.get(User, account.id)
        with pytest.raises(ReportError, match="由他人编制"):
            generate_report(2025, actor=actor)
        db.session.rollback()
        assert db.session.query(DisclosureReport).count() == 1
        db.session.remove()


def test_a_report_covers_a_finished_year(app, two_sites, lists, staff, monkeypatch):
    rsj = two_sites[0]
    editor, _ = staff(rsj, "editor")
    page = editor.get("/admin/disclosure/reports/").get_data(as_text=True)
    years = page[page.find('<select id="year"'):page.find('</select>')]
    this_year = datetime.now().year
    assert f'value="{this_year}"' not in years and f'value="{this_year - 1}"' in years
    refused = prepare(editor, this_year)
    assert refused.status_code == 200 and 'class="errors"' in refused.get_data(as_text=True)


def test_an_amount_of_nothing_is_kept_as_0_00(app, two_sites, lists, staff):
    rsj = two_sites[0]
    editor, _ = staff(rsj, "editor")
    prepare(editor)
    found, _article = _report(app, rsj)
    assert _save(editor, found.id, _figures(fees="-0")).status_code == 302
    assert json.loads(_report(app, rsj)[0].manual)["fees"] == "0.00"
    refused = _save(editor, found.id, _figures(fees="sNaN"))
    assert refused.status_code == 200 and "请用数字 0 至 9 填写" in refused.get_data(as_text=True)
