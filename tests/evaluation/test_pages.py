"""The evaluation's pages: a department's self-check (its own evaluation only), the rules, the admin home's card;
the bureau's dashboard, drill-down, exports (CSV, Excel, PDF) and settings (audited, applied)."""
from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import func, select

from core.audit.models import PlatformAuditEntry
from core.evaluation.engine import evaluate_site
from core.evaluation.models import EvaluationSetting, EvaluationSnapshot, SnapshotRequest
from core.evaluation.operations import request_snapshots
from core.evaluation.settings import current_settings
from core.extensions import db
from core.sections.operations import add_section
from jobs.runs import run_job
from tenants.scoping import activate_tenant
from tests.evaluation.planting import NOW, letter, plant
from tests.fixtures.accounts import csrf_token, post_form


def _empty_sections(app, site, names):
    with app.app_context(), activate_tenant(site.id):
        for n, name in enumerate(names):
            add_section(name_zh=name, name_en=f"Section {n}", slug=f"own{n}")
        db.session.commit()


def test_a_department_sees_its_own_evaluation_only(app, two_sites, signed_in):
    rsj, czj, _ = two_sites
    _empty_sections(app, rsj, ["人事专栏甲", "人事专栏乙", "人事专栏丙"])
    _empty_sections(app, czj, ["财政专栏"])
    client, _ = signed_in(rsj.host, "li.siteadmin", site=rsj, roles=["site_admin"])
    html = client.get("/admin/evaluation/").get_data(as_text=True)
    assert "人事专栏甲" in html and "财政专栏" not in html
    assert 'href="/admin/sections/' in html  # evidence links to the page that fixes it
    other, _ = signed_in(czj.host, "zhao.siteadmin", site=czj, roles=["site_admin"])
    html = other.get("/admin/evaluation/").get_data(as_text=True)
    assert "财政专栏" in html and "人事专栏甲" not in html
    # The bureau's pages are not on a site's host; a site's session means nothing on another site.
    assert client.get(f"/platform/evaluation/sites/{czj.id}").status_code == 404
    assert client.get("/platform/evaluation").status_code == 404


def test_the_self_check_needs_the_site_view_permission(two_sites, signed_in):
    rsj, _, _ = two_sites
    editor, _ = signed_in(rsj.host, "wang.editor", site=rsj, roles=["editor"])
    assert editor.get("/admin/evaluation/").status_code == 403
    assert editor.get("/admin/evaluation/rules").status_code == 200  # every member reads the rules


def test_the_admin_home_shows_the_three_things_to_do(app, two_sites, signed_in):
    rsj, _, _ = two_sites
    client, _ = signed_in(rsj.host, "li.siteadmin", site=rsj, roles=["site_admin"])
    html = client.get("/admin/").get_data(as_text=True)
    assert 'id="evaluation-card"' in html and html.count('<ol class="todo">') == 1
    card = html.split('id="evaluation-card"')[1].split("</section>")[0]
    assert card.count("<li>") == 3


def test_the_rules_page_documents_every_rule_with_its_threshold_weight_and_source(two_sites, signed_in):
    from core.evaluation.rules import RULES

    rsj, _, _ = two_sites
    client, _ = signed_in(rsj.host, "li.siteadmin", site=rsj, roles=["site_admin"])
    html = client.get("/admin/evaluation/rules").get_data(as_text=True)
    assert html.count('<th scope="row">') == len(RULES)
    assert "国办秘函〔2019〕19号" in html and html.count("<strong>14</strong>") == 2  # homepage days, news sections
    assert html.count('<td class="n">5</td>') >= 5  # the weights of five points


def _city(app, two_sites):
    rsj, czj, _ = two_sites
    plant(app, rsj)
    plant(app, czj, homepage_days=30)
    with app.app_context():
        run_job("evaluation.requested", now=NOW)  # nothing asked for: nothing taken
        request_snapshots(user=None, now=NOW)
        db.session.commit()
        assert run_job("evaluation.requested", now=NOW).outcome == "success"
    return rsj, czj


def test_the_dashboard_ranks_every_site_with_its_grade(app, two_sites, admin):
    rsj, czj = _city(app, two_sites)
    html = admin.get("/platform/evaluation").get_data(as_text=True)
    assert html.index("廊坊市人事局") < html.index("廊坊市财政局")  # the failed site after the others
    assert 'aria-labelledby="chart-grades-title"' in html
    assert 'class="grade grade-failed"' in html and 'class="grade grade-excellent"' in html
    drill = admin.get(f"/platform/evaluation/sites/{czj.id}").get_data(as_text=True)
    assert "http://czj.localhost/admin/articles/new" in drill  # the evidence links to the site's own page
    assert admin.get("/platform/evaluation?group=county").get_data(as_text=True).count("grade-") == 0


def test_the_drill_down_counts_overdue_letters_and_links_to_them(app, two_sites, admin):
    from core.timeutil import now

    rsj, _, _ = two_sites
    with app.app_context(), activate_tenant(rsj.id):  # both due a week after they came: past due today
        db.session.add_all([letter(now() - timedelta(days=20)), letter(now() - timedelta(days=15))])
        db.session.commit()
    admin.set_language("en")
    html = admin.get(f"/platform/evaluation/sites/{rsj.id}").get_data(as_text=True)
    assert "0 of 2 letters due answered on time; 2 past their due date unanswered." in html
    assert "2 letters past their due date are still unanswered." in html
    assert 'href="http://rsj.localhost/admin/interaction/letters/?flag=overdue"' in html


def test_the_exports_open_and_name_every_site(app, two_sites, admin):
    _city(app, two_sites)
    rows = list(csv.reader(io.StringIO(admin.get("/platform/evaluation.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert [row[1] for row in rows[1:]] == ["廊坊市人事局", "廊坊市财政局"]
    book = load_workbook(io.BytesIO(admin.get("/platform/evaluation.xlsx").data))
    assert len(book.sheetnames) == 2 and book.worksheets[0]["B3"].value == "廊坊市财政局"
    response = admin.get("/platform/evaluation.pdf")
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "廊坊市人事局" in text and "廊坊市财政局" in text


def test_the_bureau_changes_a_threshold_audited_and_applied(app, two_sites, admin, evaluator):
    rsj, _, _ = two_sites
    plant(app, rsj, homepage_days=12)
    with app.app_context(), activate_tenant(rsj.id):
        assert not evaluate_site(NOW).result("homepage").vetoed
    with app.app_context():
        values = {key: str(value) for key, value in current_settings().items()}
    refused = post_form(admin, "/platform/evaluation/settings", {**values, "good_from": "90"})
    assert refused.status_code == 200 and "较好的最低分必须低于优秀的最低分。" in \
        refused.get_data(as_text=True)
    assert post_form(evaluator, "/platform/evaluation/settings", {**values, "homepage_days": "10"}).status_code == 403
    response = post_form(admin, "/platform/evaluation/settings", {**values, "homepage_days": "10"})
    assert response.status_code == 302
    with app.app_context():
        entry = db.session.execute(select(PlatformAuditEntry).where(
            PlatformAuditEntry.action == "evaluation.settings")).scalar_one()
        assert json.loads(entry.detail) == {"settings_changed": {"homepage_days": [14, 10]}}
        assert current_settings()["homepage_days"] == 10
        with activate_tenant(rsj.id):
            assert evaluate_site(NOW).result("homepage").vetoed  # twelve days: past the new line of ten
    # Back to the default: the row goes, the default applies.
    post_form(admin, "/platform/evaluation/settings", values)
    with app.app_context():
        assert db.session.execute(select(EvaluationSetting)).first() is None


def test_the_snapshot_button_is_the_administrators_and_the_scheduler_takes_it(app, two_sites, admin, evaluator):
    rsj, czj = _city(app, two_sites)
    assert post_form(evaluator, "/platform/evaluation/snapshot", {}, form_path="/platform/").status_code == 403
    admin.set_language("en")
    page = admin.get("/platform/evaluation").get_data(as_text=True)
    for _click in range(2):  # a second click before the scheduler came asks for nothing more
        assert admin.post("/platform/evaluation/snapshot", data={"csrf_token": csrf_token(page)}).status_code == 302
    assert "the scheduler takes it within a minute" in admin.get("/platform/evaluation").get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(SnapshotRequest)
                                  .where(SnapshotRequest.finished_at.is_(None))).scalar_one() == 1
        run_job("evaluation.requested", now=NOW + timedelta(minutes=1))
        taken = db.session.execute(select(EvaluationSnapshot.tenant_id).where(
            EvaluationSnapshot.as_of == NOW + timedelta(minutes=1)).execution_options(all_tenants=True)).scalars()
        assert sorted(taken) == sorted([rsj.id, czj.id])
        assert db.session.execute(select(PlatformAuditEntry.action).where(PlatformAuditEntry.action.in_(
            ("evaluation.snapshot_all", "evaluation.snapshot_request"))).order_by(PlatformAuditEntry.id)
        ).scalars().all() == ["evaluation.snapshot_request", "evaluation.snapshot_all"] * 2  # _city's and the button's
    assert "Take a snapshot of every site now" in admin.get("/platform/evaluation").get_data(as_text=True)


def test_a_snapshot_cut_short_gives_the_button_back_after_an_hour(app, two_sites, admin):
    from core.evaluation.snapshots import ABANDONED_AFTER, waiting_request
    from core.timeutil import now

    with app.app_context():
        request_snapshots(user=None, now=now())
        db.session.commit()
        request = waiting_request()
        request.started_at = now() - ABANDONED_AFTER + timedelta(minutes=5)  # taken up, still going
        db.session.commit()
        assert waiting_request() is not None
        request.started_at = now() - ABANDONED_AFTER - timedelta(minutes=5)  # the scheduler stopped mid-way
        db.session.commit()
        assert waiting_request() is None
    admin.set_language("en")
    assert "Take a snapshot of every site now" in admin.get("/platform/evaluation").get_data(as_text=True)
