"""The bureau keeps the holiday calendar on the console: a year from the package, or day by day from the notice."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core.extensions import db
from core.workdays.models import CalendarDay, CalendarYear
from tests.fixtures.accounts import post_form
from tests.fixtures.console import is_invalid, last_platform_entry


def _day(app, day: date) -> CalendarDay | None:
    with app.app_context():
        found = db.session.get(CalendarDay, day)
        if found is not None:
            db.session.expunge(found)
        return found


def test_a_year_the_package_knows_is_entered_in_one_step(app, admin):
    page = admin.get("/platform/calendar/2026").get_data(as_text=True)
    assert "/platform/calendar/2026/load" in page
    assert post_form(admin, "/platform/calendar/2026/load", {}, form_path="/platform/calendar/2026").status_code == 302
    page = admin.get("/platform/calendar/2026").get_data(as_text=True)
    assert "春节" in page and "2026-02-14" in page and "调休" not in page.split("<main")[0]
    assert last_platform_entry(app).action == "calendar.load_year"
    with app.app_context():
        assert db.session.get(CalendarYear, 2026).source == "package"


def test_a_year_it_does_not_know_is_entered_day_by_day_then_marked_complete(app, admin):
    page = admin.get("/platform/calendar/2027").get_data(as_text=True)
    assert "/platform/calendar/2027/load" not in page
    assert post_form(admin, "/platform/calendar/2027", {"day": "2027-02-08", "kind": "holiday", "name_zh": "春节",
                                                        "name_en": "Spring Festival"}).status_code == 302
    assert _day(app, date(2027, 2, 8)).working is False
    assert last_platform_entry(app).action == "calendar.set_day"
    with app.app_context():
        assert db.session.get(CalendarYear, 2027) is None  # one day is not a year
    assert post_form(admin, "/platform/calendar/2027/confirm", {}, form_path="/platform/calendar/2027").status_code == 302
    with app.app_context():
        assert db.session.get(CalendarYear, 2027).source == "bureau"


def test_a_wrong_day_is_refused_with_the_reason_and_what_was_typed_kept(app, admin):
    # A Tuesday cannot be a make-up working day: it is one already.
    response = post_form(admin, "/platform/calendar/2027", {"day": "2027-02-09", "kind": "workday", "name_zh": "春节"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and is_invalid(page, "day") and "2027-02-09" in page
    response = post_form(admin, "/platform/calendar/2027", {"day": "2027-02-10", "kind": "holiday", "name_zh": ""})
    assert response.status_code == 200 and is_invalid(response.get_data(as_text=True), "name_zh")
    response = post_form(admin, "/platform/calendar/2027", {"day": "2027-02-31", "kind": "holiday", "name_zh": "春节"})
    assert response.status_code == 200 and is_invalid(response.get_data(as_text=True), "day")
    with app.app_context():
        assert db.session.execute(select(CalendarDay)).first() is None


def test_a_day_made_ordinary_again(app, admin):
    post_form(admin, "/platform/calendar/2026/load", {}, form_path="/platform/calendar/2026")
    assert post_form(admin, "/platform/calendar/day/2026-02-14/clear", {},
                     form_path="/platform/calendar/2026").status_code == 302
    assert _day(app, date(2026, 2, 14)).kind == "normal"  # remembered over the package's schedule
    assert admin.post("/platform/calendar/day/2026-02-30/clear").status_code in (400, 404)


def test_the_calendar_page_offers_the_package_year(app, admin):
    home = admin.get("/platform/calendar/2026").get_data(as_text=True)
    assert "2026" in home and "/platform/calendar/2026/load" in home


def test_only_the_bureau_changes_it(app, two_sites, signed_in, evaluator):
    assert evaluator.get("/platform/calendar/2026").status_code == 200
    assert post_form(evaluator, "/platform/calendar/2026/load", {},
                     form_path="/platform/calendar/2026").status_code == 403
    client, _ = signed_in("rsj.localhost", "zhang.admin", site=two_sites[0], roles=["site_admin"])
    assert client.get("/platform/calendar/2026").status_code == 404


def test_the_console_home_warns_while_a_year_deadlines_need_is_missing(app, admin):
    from core.timeutil import now

    home = admin.get("/platform/").get_data(as_text=True)
    assert f"/platform/calendar/{now().year}" in home  # nothing entered yet: this year is missing
    post_form(admin, f"/platform/calendar/{now().year}/load", {}, form_path="/platform/calendar")
    home = admin.get("/platform/").get_data(as_text=True)
    if now().month >= 10:  # from October the next year is needed too, and the package does not know it yet
        assert f"/platform/calendar/{now().year + 1}" in home
    else:
        assert 'id="calendar-missing"' not in home


def test_the_shell_counts_and_warns_about_years_not_entered(app, runner):
    from core.workdays.operations import load_year

    with app.app_context():
        load_year(2026)
        db.session.commit()
    result = runner.invoke(args=["workdays", "add", "2026-02-13", "20"])
    assert result.exit_code == 0 and result.output.strip() == "2026-03-19"
    crossing = runner.invoke(args=["workdays", "add", "2026-12-25", "20"])
    assert crossing.exit_code == 0 and "2027" in crossing.output and "not entered" in crossing.output
    assert runner.invoke(args=["workdays", "add", "9999-12-20", "20"]).exit_code == 2  # a clear refusal


def test_weekend_days_of_a_holiday_are_days_off(app, admin):
    from core.workdays.operations import load_year, set_day

    with app.app_context():
        load_year(2026)
        set_day(date(2027, 2, 6), "holiday", name_zh="春节")  # a Saturday the bureau enters
        db.session.commit()
        assert db.session.get(CalendarDay, date(2026, 2, 15)).kind == "holiday"  # a Sunday of the Spring Festival
        assert db.session.get(CalendarDay, date(2027, 2, 6)).kind == "holiday"
    page = admin.get("/platform/calendar/2026").get_data(as_text=True)
    assert "已撤销" not in page


def test_an_impossible_date_says_so_and_a_day_out_of_range_is_not_found(app, admin):
    response = post_form(admin, "/platform/calendar/2027", {"day": "2027-02-30", "kind": "holiday", "name_zh": "春节"})
    assert "日期格式不正确" in response.get_data(as_text=True)
    response = post_form(admin, "/platform/calendar/day/1999-01-01/clear", {}, form_path="/platform/calendar/2026")
    assert response.status_code == 404
