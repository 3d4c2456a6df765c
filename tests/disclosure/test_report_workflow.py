"""The yearly disclosure report goes the way of every item: prepared by an editor, reviewed, published in the annual
reports column, corrected after publication; the deadline on the admin home; another site's staff cannot reach it."""
from __future__ import annotations

import re
from datetime import date, datetime

from sqlalchemy import select

from core.content.models import Article
from core.disclosure.models_report import DisclosureReport
from core.disclosure.report_queries import standing
from core.extensions import db
from tenants.scoping import activate_tenant
from tests.disclosure.report_helpers import row_cells
from tests.disclosure.test_report import _figures, _report, _save, prepare
from tests.fixtures.accounts import post_form


def _step(client, article_id: int, action: str):
    location = f"/admin/articles/{article_id}"
    return post_form(client, f"{location}/step", {"action": action}, form_path=location)


def publish_report(app, site, staff_of, year: int = 2025) -> tuple[DisclosureReport, Article]:
    """An editor prepares the site's report, a reviewer approves it, a publisher publishes it (`staff_of`: the
    `staff` fixture)."""
    editor, _ = staff_of(site, "editor")
    prepare(editor, year)
    found, article = _report(app, site, year)
    assert _step(editor, article.id, "submit").status_code == 302
    reviewer, _ = staff_of(site, "reviewer")
    assert _step(reviewer, article.id, "approve").status_code == 302
    publisher, _ = staff_of(site, "publisher")
    assert _step(publisher, article.id, "publish").status_code == 302
    return _report(app, site, year)


def test_the_report_is_reviewed_and_published_in_the_annual_reports_column(app, two_sites, lists, staff,
                                                                             client_for):
    rsj, _czj, _ = two_sites
    editor, _ = staff(rsj, "editor")
    prepare(editor)
    found, article = _report(app, rsj)
    public = client_for(rsj.host)
    assert public.get(f"/articles/{article.id}").status_code == 404  # being edited: not public
    assert _step(editor, article.id, "submit").status_code == 302
    # Sent for review, its figures are fixed: the editor's save is refused, nothing changes.
    refused = _save(editor, found.id, _figures(licensing="7"))
    assert refused.status_code == 200 and 'class="errors"' in refused.get_data(as_text=True)
    _again, unchanged = _report(app, rsj)
    assert unchanged.body_html == article.body_html and unchanged.status == "reviewing"
    # The collector cannot prepare it, nor change it.
    collector, _ = staff(rsj, "collector")
    assert prepare(collector).status_code == 403
    assert post_form(collector, f"/admin/disclosure/reports/{found.id}/generate", {},
                     form_path=f"/admin/disclosure/reports/{found.id}").status_code == 403
    reviewer, _ = staff(rsj, "reviewer")
    assert _step(reviewer, article.id, "approve").status_code == 302
    publisher, _ = staff(rsj, "publisher")
    assert _step(publisher, article.id, "publish").status_code == 302

    page = public.get(f"/articles/{article.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "廊坊市人事局2025年政府信息公开工作年度报告" in html
    assert "<h2>三、收到和处理政府信息公开申请情况</h2>" in html
    assert row_cells(html, "（七）总计") == ["0"] * 7
    listing = public.get("/sections/disclosure-reports/").get_data(as_text=True)
    assert f'href="/articles/{article.id}"' in listing

    # Published, a change of its figures is a correction: the public keeps the published text until it is
    # reviewed and published in turn.
    assert _save(editor, found.id, _figures(licensing="88")).status_code == 302
    _found, corrected = _report(app, rsj)
    assert corrected.status == "published" and corrected.change_status == "editing"
    assert row_cells(public.get(f"/articles/{article.id}").get_data(as_text=True), "行政许可") == ["0"]
    assert post_form(editor, f"/admin/articles/{article.id}/step", {"action": "change_submit"},
                     form_path=f"/admin/articles/{article.id}").status_code == 302
    assert post_form(reviewer, f"/admin/articles/{article.id}/step", {"action": "change_approve"},
                     form_path=f"/admin/articles/{article.id}").status_code == 302
    assert post_form(publisher, f"/admin/articles/{article.id}/step", {"action": "change_publish"},
                     form_path=f"/admin/articles/{article.id}").status_code == 302
    assert row_cells(public.get(f"/articles/{article.id}").get_data(as_text=True), "行政许可") == ["88"]


def test_another_sites_staff_cannot_see_or_act_on_the_report(app, two_sites, lists, staff):
    rsj, czj, _ = two_sites
    editor, _ = staff(rsj, "editor")
    prepare(editor)
    found, article = _report(app, rsj)
    intruder, _ = staff(czj, "editor")
    assert intruder.get(f"/admin/disclosure/reports/{found.id}").status_code == 404
    assert post_form(intruder, f"/admin/disclosure/reports/{found.id}/generate", {},
                     form_path="/admin/disclosure/reports/").status_code == 404
    assert post_form(intruder, f"/admin/disclosure/reports/{found.id}", _figures(version="1"),
                     form_path="/admin/disclosure/reports/").status_code == 404
    assert article.title not in intruder.get("/admin/disclosure/reports/").get_data(as_text=True)
    # Preparing its own report of the same year makes czj's, not a second one of rsj's.
    prepare(intruder)
    with app.app_context():
        with activate_tenant(czj.id):
            own = db.session.execute(select(DisclosureReport.id)).scalars().all()
            assert len(own) == 1 and own != [found.id]
        with activate_tenant(rsj.id):
            assert db.session.execute(select(DisclosureReport.id)).scalars().all() == [found.id]


def test_the_deadline_is_31_january_of_the_next_year():
    assert standing(2025, None, date(2025, 12, 31)).kind == "not_due"
    assert (standing(2025, None, date(2026, 1, 1)).kind, standing(2025, None, date(2026, 1, 1)).days_left) == \
        ("due", 30)
    assert standing(2025, None, date(2026, 1, 31)).days_left == 0
    late = standing(2025, None, date(2026, 2, 1))
    assert (late.kind, late.days_over) == ("overdue", 1)
    assert not standing(2025, datetime(2026, 1, 31, 18), date(2026, 3, 1)).late
    assert standing(2025, datetime(2026, 2, 1, 9), date(2026, 3, 1)).late


def test_the_admin_home_shows_the_report_due_then_overdue(app, two_sites, lists, staff, monkeypatch):
    rsj, _czj, _ = two_sites
    editor, _ = staff(rsj, "editor")
    admin, _ = staff(rsj, "site_admin")
    monkeypatch.setattr("core.disclosure.report_queries.now", lambda: datetime(2026, 1, 25, 9))
    card = _card(editor.get("/admin/").get_data(as_text=True))
    assert "2025年政府信息公开工作年度报告" in card and 'class="deadline-due_soon"' in card
    assert "应于 2026-01-31 前发布，还剩 6 天" in card and "尚未编制。" in card  # in the site's language (zh)
    assert 'href="/admin/disclosure/reports/"' in card
    assert "2025" in _card(admin.get("/admin/").get_data(as_text=True))  # the site admin sees it too
    monkeypatch.setattr("core.disclosure.report_queries.now", lambda: datetime(2026, 2, 3, 9))
    card = _card(editor.get("/admin/").get_data(as_text=True))
    assert 'class="deadline-overdue"' in card and "已逾期：应于 2026-01-31 前发布，已过 3 天" in card
    prepare(editor)
    found, _article = _report(app, rsj)
    card = _card(editor.get("/admin/").get_data(as_text=True))
    assert f'href="/admin/disclosure/reports/{found.id}"' in card and 'class="deadline-overdue"' in card
    assert "已编制，报告信息状态为“编辑中”。" in card


def _card(html: str) -> str:
    return re.search(r'<section class="card" aria-labelledby="disclosure-report-card">.*?</section>', html,
                     re.S).group(0)
