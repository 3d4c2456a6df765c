"""Service statistics: what a department and the bureau read about applications, and the figures' exports.

The clock is fixed at 20 March 2026, so "the last 6 months" is October 2025
to March 2026, and the 2026 holiday calendar (Spring Festival 15-23 February,
make-up Saturdays 14 and 28 February; New Year 1-3 January) is loaded.
"""
from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from core.extensions import db
from core.privacy.crypto import lookup_hash
from core.services.models import Application, ApplicationEvent, Feedback, ServiceItem, ServiceMaterial, ServiceStep
from core.workdays.operations import load_year
from tenants.scoping import activate_tenant

NOW = datetime(2026, 3, 20, 10, 0)
GUIDE = dict(legal_basis="《中华人民共和国行政许可法》", conditions="具有完全民事行为能力", location="市民服务中心二楼",
             office="审批科", fee_standard="不收费", hours="工作日 9:00-17:00", phone="0316-2000000")


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr("core.services.views_stats.now", lambda: NOW)


@pytest.fixture
def calendar(app):
    with app.app_context():
        load_year(2025)
        load_year(2026)
        db.session.commit()


def add_item(app, site, name: str, *, code: str, online: bool = True, published: bool = True,
             kind: str = "licensing", complete: bool = True) -> int:
    with app.app_context(), activate_tenant(site.id):
        item = ServiceItem(code=code, name=name, kind=kind, online_level="online" if online else "in_person",
                           promised_days=10, published_guide=json.dumps({"name": name}) if published else None,
                           **(GUIDE if complete else {}))
        if complete:
            item.materials.append(ServiceMaterial(name="身份证", form="original"))
            item.steps.append(ServiceStep(title="受理"))
        db.session.add(item)
        db.session.commit()
        return item.id


def add_application(app, site, item_id: int, *, submitted: datetime, status: str, completed: datetime | None = None,
                    due: date | None = None, events=(), rating: tuple[int, datetime] | None = None,
                    name: str = "张三丰") -> int:
    """An application as the officers' steps leave it: `events` are (when, from, to)."""
    with app.app_context(), activate_tenant(site.id):
        application = Application(item_id=item_id, tracking_code=f"T{submitted:%m%d%H%M%S}{item_id}{status[:3]}",
                                  applicant_name=name, phone="13812345678",
                                  phone_hash=lookup_hash("13812345678", "application.phone"), status=status,
                                  submitted_at=submitted, completed_at=completed, due_on=due)
        db.session.add(application)
        db.session.flush()
        db.session.add(ApplicationEvent(application_id=application.id, at=submitted, to_status="submitted"))
        for at, before, after in events:
            db.session.add(ApplicationEvent(application_id=application.id, at=at, from_status=before, to_status=after))
        if rating:
            db.session.add(Feedback(application_id=application.id, rating=rating[0], rated_at=rating[1]))
        db.session.commit()
        return application.id


@pytest.fixture
def figures(app, two_sites, calendar):
    """rsj: two completed applications (one on time, one late), one accepted, one not accepted, one too old.

    czj: one, completed on time.
    """
    rsj, czj, _ = two_sites
    permit = add_item(app, rsj, "专业技术人员职称评审", code="RS-XK-001")
    add_item(app, rsj, "人事档案查询", code="RS-GG-002")  # online, nothing filed: listed with its zeros
    add_item(app, rsj, "公务员录用备案", code="RS-GG-003", online=False)  # not online, nothing filed: not listed
    # Thursday 12 February, returned on the 13th, resubmitted on the 25th, completed 4 March (due 6 March).
    add_application(app, rsj, permit, submitted=datetime(2026, 2, 12, 9), status="completed",
                    completed=datetime(2026, 3, 4, 16), due=date(2026, 3, 6), rating=(5, datetime(2026, 3, 5, 8)),
                    events=[(datetime(2026, 2, 13, 10), "submitted", "returned"),
                            (datetime(2026, 2, 25, 11), "returned", "submitted"),
                            (datetime(2026, 2, 26, 9), "submitted", "accepted"),
                            (datetime(2026, 3, 3, 9), "accepted", "approved"),
                            (datetime(2026, 3, 4, 16), "approved", "completed")])
    # Monday 5 January, completed Tuesday 20 January, five days after its due date.
    add_application(app, rsj, permit, submitted=datetime(2026, 1, 5, 9), status="completed",
                    completed=datetime(2026, 1, 20, 15), due=date(2026, 1, 15), rating=(2, datetime(2026, 1, 22, 9)))
    add_application(app, rsj, permit, submitted=datetime(2026, 3, 2, 9), status="accepted", due=date(2026, 3, 16))
    add_application(app, rsj, permit, submitted=datetime(2026, 3, 10, 9), status="not_accepted")
    add_application(app, rsj, permit, submitted=datetime(2025, 8, 1, 9), status="completed",
                    completed=datetime(2025, 8, 10, 9), due=date(2025, 8, 20), rating=(1, datetime(2025, 8, 11)))
    czj_item = add_item(app, czj, "专业技术人员职称评审", code="CZ-XK-001")
    add_application(app, czj, czj_item, submitted=datetime(2026, 3, 3, 9), status="completed",
                    completed=datetime(2026, 3, 5, 9), due=date(2026, 3, 17), rating=(4, datetime(2026, 3, 6, 9)))
    return rsj, czj


def rows_of(response) -> list[dict]:
    assert response.status_code == 200
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")  # spreadsheet programs read the Chinese right
    return list(csv.DictReader(io.StringIO(text[1:])))


@pytest.fixture
def officer(figures, signed_in):
    rsj, _ = figures
    client, _ = signed_in(rsj.host, "liu.officer", site=rsj, roles=["service_officer"])
    client.set_language("en")
    return client


def test_a_site_counts_its_applications_by_state_on_time_handling_days_and_satisfaction(officer):
    by_item = rows_of(officer.get("/admin/services/stats.csv?months=6"))
    assert [(r["Item code"], r["Item"]) for r in by_item] == [("RS-XK-001", "专业技术人员职称评审"),
                                                             ("RS-GG-002", "人事档案查询")]
    permit, quiet = by_item
    # Submitted October to March: four (August's is outside); by the state each is in now.
    assert (permit["Applications"], permit["Completed"], permit["Accepted, being handled"], permit["Not accepted"],
            permit["Waiting to be accepted"]) == ("4", "2", "1", "1", "0")
    # One of the two completed by its due date.
    assert (permit["Completed on time"], permit["On-time rate"]) == ("1", "50.0")
    # 12 Feb → 4 Mar is 10 working days (Saturdays 14 and 28 Feb worked, 15-23 off), 3 of them in correction
    # (13 → 25 Feb): 7; 5 → 20 Jan is 11. Average 9.0.
    assert permit["Average handling time (working days)"] == "9.0"
    assert (permit["Ratings"], permit["Satisfied (5 or 4)"], permit["Satisfaction"],
            permit["Average rating (out of 5)"]) == ("2", "1", "50.0", "3.5")
    assert (quiet["Applications"], quiet["On-time rate"], quiet["Satisfaction"]) == ("0", "", "")


def test_month_by_month_each_figure_falls_in_its_own_month(officer):
    months = {r["Month"]: r for r in rows_of(officer.get("/admin/services/stats.csv?months=6&table=months"))}
    assert list(months) == ["2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03"]
    assert (months["2026-01"]["Applications"], months["2026-01"]["Completed"], months["2026-01"]["On-time rate"],
            months["2026-01"]["Average handling time (working days)"], months["2026-01"]["Satisfaction"]) == \
        ("1", "1", "0.0", "11.0", "0.0")
    assert (months["2026-02"]["Applications"], months["2026-02"]["Completed"]) == ("1", "0")
    assert (months["2026-03"]["Applications"], months["2026-03"]["Completed"], months["2026-03"]["On-time rate"],
            months["2026-03"]["Average handling time (working days)"], months["2026-03"]["Average rating (out of 5)"]) \
        == ("2", "1", "100.0", "7.0", "5.0")
    assert months["2025-12"]["Applications"] == "0" and months["2025-12"]["On-time rate"] == ""


def test_a_longer_period_takes_in_older_applications(officer):
    by_item = rows_of(officer.get("/admin/services/stats.csv?months=12"))
    assert by_item[0]["Applications"] == "5" and by_item[0]["Ratings"] == "3"
    # A period the page does not offer is read as the default (6 months), never an error.
    assert rows_of(officer.get("/admin/services/stats.csv?months=7"))[0]["Applications"] == "4"
    assert rows_of(officer.get("/admin/services/stats.csv?months=%EF%BC%96"))[0]["Applications"] == "4"


def test_the_page_shows_the_figures_and_charts_that_need_no_script(officer):
    response = officer.get("/admin/services/stats")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script" not in html
    assert html.count('<svg role="img"') == 3
    for title in ("Applications month by month", "On time and satisfied, month by month (%)",
                  "Average handling time (working days)"):
        assert title in html
    main = html.split('id="main"')[1]
    assert "50.0%" in main and "9.0 working days" in main and "3.5 out of 5" in main
    assert "1 of 2" in main  # on time
    assert "专业技术人员职称评审" in main and "人事档案查询" in main and "公务员录用备案" not in main
    assert "张三丰" not in html and "13812345678" not in html  # no personal data on a statistics page
    assert '<option value="6" selected>' in html


def test_the_page_reads_in_chinese(figures, signed_in):
    rsj, _ = figures
    client, _ = signed_in(rsj.host, "liu.officer", site=rsj, roles=["service_officer"])
    html = client.get("/admin/services/stats").get_data(as_text=True)
    assert "办件统计" in html and "按期办结率" in html and "满意率" in html and "逐月" in html
    assert "个工作日" in html and "不予受理" in html and "待受理" in html


def test_the_excel_export_has_both_tables_shares_as_percentages_and_text_never_a_formula(app, officer, figures):
    rsj, _ = figures
    add_item(app, rsj, '=HYPERLINK("http://evil.example","x")', code="RS-GG-009")
    response = officer.get("/admin/services/stats.xlsx?months=6")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith('attachment; filename="service-stats-rsj-')
    workbook = load_workbook(io.BytesIO(response.get_data()))
    assert workbook.sheetnames == ["By item", "Month by month"]
    sheet = workbook["By item"]
    header = [c.value for c in sheet[1]]
    rows = {r[1]: dict(zip(header, r)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["专业技术人员职称评审"]["On-time rate"] == 0.5
    assert sheet.cell(row=2, column=header.index("On-time rate") + 1).number_format == "0.0%"
    evil = sheet.cell(row=4, column=2)
    assert evil.value == '=HYPERLINK("http://evil.example","x")' and evil.data_type == "s"
    # The CSV keeps it as text too.
    names = [r["Item"] for r in rows_of(officer.get("/admin/services/stats.csv"))]
    assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in names


def test_a_site_sees_only_its_own_applications(figures, signed_in):
    _, czj = figures
    client, _ = signed_in(czj.host, "zhou.officer", site=czj, roles=["service_officer"])
    client.set_language("en")
    rows = rows_of(client.get("/admin/services/stats.csv"))
    assert [(r["Item code"], r["Applications"], r["Completed on time"]) for r in rows] == [("CZ-XK-001", "1", "1")]


@pytest.mark.parametrize("roles, status", [(["site_admin"], 200), (["service_officer"], 200), (["editor"], 403),
                                           (["reviewer", "publisher"], 403)])
def test_who_reads_a_sites_statistics(figures, signed_in, roles, status):
    rsj, _ = figures
    client, _ = signed_in(rsj.host, "someone", site=rsj, roles=roles)
    for path in ("/admin/services/stats", "/admin/services/stats.csv", "/admin/services/stats.xlsx"):
        assert client.get(path).status_code == status
    menu = client.get("/admin/").get_data(as_text=True)
    assert ('href="/admin/services/stats"' in menu) == (status == 200)


def test_the_page_costs_the_same_queries_with_more_applications(app, officer, figures, count_queries):
    rsj, _ = figures
    officer.get("/admin/services/stats")
    with count_queries() as few:
        officer.get("/admin/services/stats")
    with app.app_context(), activate_tenant(rsj.id):
        item_id = db.session.query(ServiceItem.id).filter_by(code="RS-XK-001").scalar()
    for day in range(1, 20):
        add_application(app, rsj, item_id, submitted=datetime(2026, 3, day, 9), status="completed",
                        completed=datetime(2026, 3, day, 17), due=date(2026, 3, 31), rating=(5, datetime(2026, 3, 19)),
                        events=[(datetime(2026, 3, day, 10), "submitted", "returned"),
                                (datetime(2026, 3, day, 11), "returned", "submitted")])
    with count_queries() as many:
        officer.get("/admin/services/stats")
    assert many.count == few.count


# --- the city ---------------------------------------------------------------------------------


def test_the_bureau_reads_the_citys_figures_by_site_and_by_item(figures, admin):
    admin.set_language("en")
    page = admin.get("/platform/services/stats")
    assert page.status_code == 200 and page.get_data(as_text=True).count('<svg role="img"') == 3
    sites = {r["Address name"]: r for r in rows_of(admin.get("/platform/services/stats.csv"))}
    assert list(sites) == ["rsj", "czj"]  # the busiest first
    assert (sites["rsj"]["Applications"], sites["rsj"]["On-time rate"]) == ("4", "50.0")
    assert (sites["czj"]["Applications"], sites["czj"]["On-time rate"], sites["czj"]["Satisfaction"]) == \
        ("1", "100.0", "100.0")
    items = rows_of(admin.get("/platform/services/stats.csv?table=items"))
    assert [(r["Site"], r["Item code"], r["Applications"]) for r in items] == [
        ("Langfang Municipal Personnel Bureau", "RS-XK-001", "4"),
        ("Langfang Municipal Personnel Bureau", "RS-GG-002", "0"),
        ("Langfang Municipal Finance Bureau", "CZ-XK-001", "1")]
    march = {r["Month"]: r for r in rows_of(admin.get("/platform/services/stats.csv?table=months"))}["2026-03"]
    # rsj's 2 and czj's 1 submitted; rsj's and czj's completions; ratings 5 and 4.
    assert (march["Applications"], march["Completed"], march["On-time rate"], march["Satisfaction"]) == \
        ("3", "2", "100.0", "100.0")
    workbook = load_workbook(io.BytesIO(admin.get("/platform/services/stats.xlsx").get_data()))
    assert workbook.sheetnames == ["By site", "By item", "Month by month"]


def test_the_evaluator_reads_the_citys_figures_and_a_site_officer_cannot(figures, evaluator, client_for, signed_in):
    assert evaluator.get("/platform/services/stats").status_code == 200
    assert evaluator.get("/platform/services/coverage").status_code == 200
    rsj, _ = figures
    officer, _ = signed_in(rsj.host, "liu.officer", site=rsj, roles=["service_officer"])
    assert officer.get("/platform/services/stats").status_code == 404  # not a console host
    assert client_for("admin.localhost").get("/platform/services/stats").status_code == 302


# --- coverage ---------------------------------------------------------------------------------


@pytest.fixture
def catalogues(app, create_site):
    """A window department with one licensing item not online; one with all online; a department with forms only."""
    rsj = create_site("rsj", name_zh="廊坊市人事局", name_en="Langfang Municipal Personnel Bureau",
                      is_window_department=True)
    ldj = create_site("ldj", name_zh="廊坊市劳动和社会保障局", name_en="Langfang Labour Bureau", is_window_department=True)
    czj = create_site("czj", name_zh="廊坊市财政局", name_en="Langfang Municipal Finance Bureau")
    add_item(app, rsj, "专业技术人员职称评审", code="R1")
    add_item(app, rsj, "人才引进审批", code="R2", online=False)  # licensing, in person: flagged
    add_item(app, rsj, "人事档案查询", code="R3", kind="public_service", complete=False, published=False)
    add_item(app, ldj, "劳务派遣经营许可", code="L1")
    add_item(app, ldj, "失业保险金申领", code="L2", kind="public_service", online=False)
    add_item(app, czj, "代理记账机构设立审批", code="C1", online=False)
    with app.app_context(), activate_tenant(ldj.id):
        db.session.add(ServiceItem(code="L9", name="已撤销事项", kind="licensing", online_level="in_person",
                                   catalogue_status="removed"))
        db.session.commit()
    return rsj, ldj, czj


def test_coverage_flags_window_departments_whose_licensing_items_are_not_all_online(catalogues, admin):
    admin.set_language("en")
    rows = {r["Address name"]: r for r in rows_of(admin.get("/platform/services/coverage.csv"))}
    assert list(rows) == ["rsj", "ldj", "czj"]  # the flagged first, then window departments, then the others
    rsj, ldj, czj = rows["rsj"], rows["ldj"], rows["czj"]
    assert (rsj["Service items"], rsj["Complete guides"], rsj["Share complete"], rsj["Guides published"], rsj["Online"],
            rsj["Share online"], rsj["Licensing items"], rsj["Licensing items online"], rsj["Flagged"]) == \
        ("3", "2", "66.7", "2", "1", "33.3", "2", "1", "Yes")
    # The removed item is not counted; the public service item in person does not flag a window department.
    assert (ldj["Service items"], ldj["Online"], ldj["Licensing items online"], ldj["Flagged"]) == ("2", "1", "1", "")
    # A department that is not a window department is never flagged.
    assert (czj["Window department"], czj["Online"], czj["Flagged"]) == ("No", "0", "")
    flagged = rows_of(admin.get("/platform/services/coverage.csv?show=flagged"))
    assert [r["Address name"] for r in flagged] == ["rsj"]
    window = rows_of(admin.get("/platform/services/coverage.csv?show=window"))
    assert sorted(r["Address name"] for r in window) == ["ldj", "rsj"]


def test_the_coverage_page_and_the_console_home_card(catalogues, admin):
    admin.set_language("en")
    html = admin.get("/platform/services/coverage?show=flagged").get_data(as_text=True)
    main = html.split('id="main"')[1]
    assert "Langfang Municipal Personnel Bureau" in main and "Langfang Labour Bureau" not in main
    assert "Licensing items not online: 1" in main and "1 of 2" in main
    home = admin.get("/platform/").get_data(as_text=True)
    assert "Window departments that do not offer every licensing item online: 1." in home
    assert 'href="/platform/services/coverage?show=flagged"' in home
    workbook = load_workbook(io.BytesIO(admin.get("/platform/services/coverage.xlsx").get_data()))
    sheet = workbook.active
    assert sheet.title == "Service coverage" and sheet.max_row == 4
