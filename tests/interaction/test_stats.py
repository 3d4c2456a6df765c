"""Letter statistics: a department's figures, the city's, the public figures page, the two-month warning and its job.

The clock is fixed at Friday 20 March 2026, so "the last 6 months" is October
2025 to March 2026, with the 2026 holiday calendar (Spring Festival 15-23
February off, Saturdays 14 and 28 February worked; New Year 1-3 January).
"""
from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from core.audit.models import AuditEntry
from core.extensions import db
from core.interaction.models import Letter
from core.interaction.queries_letters import flag_counts, months_before, warning_cutoff
from core.interaction.stats import city_alerts, overdue_letters, unanswered_over, veto_letters
from core.privacy.crypto import lookup_hash
from core.workdays.operations import load_year
from tenants.scoping import activate_tenant

NOW = datetime(2026, 3, 20, 10, 0)
NAME, PHONE = "欧阳明月", "13912345678"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    set_clock(monkeypatch, NOW)


def set_clock(monkeypatch, moment: datetime) -> None:
    for module in ("core.interaction.views_stats", "core.interaction.stats", "core.interaction.queries_letters"):
        monkeypatch.setattr(f"{module}.now", lambda: moment)


@pytest.fixture
def calendar(app):
    with app.app_context():
        load_year(2025)
        load_year(2026)
        db.session.commit()


def add_letter(site, *, kind: str = "consultation", status: str, received: datetime, due: date,
               replied: datetime | None = None, closed: datetime | None = None, paused: int = 0,
               rating: str | None = None, rated: datetime | None = None, subject: str = "关于社保补缴的咨询",
               forwarded_from: int | None = None, forwarded_to: int | None = None) -> int:
    """A letter as the officers' steps leave it (rows written directly: the steps have their own tests)."""
    letter = Letter(kind=kind, query_code=f"Q{received:%y%m%d%H%M}{kind[:1].upper()}", subject=subject,
                    body="本人有三个月未缴社保，请问如何补缴？", writer_name=NAME, phone=PHONE,
                    phone_hash=lookup_hash(PHONE, "letter.phone"), text_hash=f"{received:%Y%m%d%H%M}{kind}",
                    status=status, received_at=received, first_received_at=received, due_on=due, reply_days=5,
                    replied_at=replied, closed_at=closed or replied, paused_days=paused, rating=rating,
                    rated_at=rated, forwarded_from_id=forwarded_from, forwarded_to_id=forwarded_to,
                    reply="您好，可携带身份证到窗口办理。" if replied else "")
    with activate_tenant(site.id):
        db.session.add(letter)
        db.session.commit()
        return letter.id


@pytest.fixture
def letters(app, two_sites, calendar):
    """rsj: three answered (on time across the Spring Festival with a pause, late, the same day), one forwarded to
    czj, one overdue and two months unanswered (and past three), one waiting for the writer since 20 January, one
    overdue since 21 January, one held, and two old ones (one vetoed, one not accepted). czj: the forwarded copy."""
    rsj, czj, _ = two_sites
    with app.app_context():
        # 12 Feb → 4 Mar is 10 working days (14 and 28 Feb worked, 15-23 off); 2 waiting for the writer: 8.
        add_letter(rsj, status="replied", received=datetime(2026, 2, 12, 9), replied=datetime(2026, 3, 4, 16),
                   due=date(2026, 3, 6), paused=2, rating="satisfied", rated=datetime(2026, 3, 5, 8))
        # 5 → 20 Jan is 11 working days, after its due date.
        add_letter(rsj, kind="supervision", status="replied", received=datetime(2026, 1, 5, 9),
                   replied=datetime(2026, 1, 20, 15), due=date(2026, 1, 12), rating="dissatisfied",
                   rated=datetime(2026, 1, 22, 9))
        # Replied the day it came: 0 working days.
        add_letter(rsj, status="replied", received=datetime(2026, 3, 18, 9), replied=datetime(2026, 3, 18, 17),
                   due=date(2026, 3, 25))
        original = add_letter(rsj, status="forwarded", received=datetime(2026, 3, 2, 9),
                              closed=datetime(2026, 3, 3, 10), due=date(2026, 3, 9), forwarded_to=czj.id)
        add_letter(czj, status="replied", received=datetime(2026, 3, 3, 10), replied=datetime(2026, 3, 5, 11),
                   due=date(2026, 3, 10), rating="basically_satisfied", rated=datetime(2026, 3, 6, 9),
                   forwarded_from=rsj.id)
        add_letter(rsj, kind="report", status="assigned", received=datetime(2025, 12, 15, 9), due=date(2025, 12, 22))
        add_letter(rsj, kind="suggestion", status="info_requested", received=datetime(2026, 1, 20, 10),
                   due=date(2026, 1, 27))
        add_letter(rsj, status="new", received=datetime(2026, 1, 21, 9), due=date(2026, 1, 28))
        add_letter(rsj, status="held", received=datetime(2026, 3, 19, 22), due=date(2026, 3, 26))
        # Answered after four and a half months, last August: the veto, outside the period.
        add_letter(rsj, status="replied", received=datetime(2025, 4, 1, 9), replied=datetime(2025, 8, 15, 9),
                   due=date(2025, 4, 8))
        # Not accepted after four months: not a valid letter, no veto.
        add_letter(rsj, status="not_accepted", received=datetime(2025, 5, 6, 9), closed=datetime(2025, 9, 8, 9),
                   due=date(2025, 5, 13))
    return rsj, czj, original


def rows_of(response) -> list[dict]:
    assert response.status_code == 200
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


@pytest.fixture
def officer(letters, signed_in):
    rsj, _, _ = letters
    client, _ = signed_in(rsj.host, "liu.officer", site=rsj, roles=["interaction_officer"])
    client.set_language("en")
    return client


# --- a site's figures --------------------------------------------------------------------------


def test_a_site_counts_received_answered_reply_time_on_time_and_satisfaction(officer):
    by_kind = {r["Mailbox"]: r for r in rows_of(officer.get("/admin/interaction/stats.csv?months=6"))}
    assert list(by_kind) == ["Consultation", "Supervision and complaints", "Reports", "Suggestions",
                             "Director's mailbox"]
    consultation = by_kind["Consultation"]
    # Received October to March: three replied or forwarded, one new, one held (the old ones are outside).
    assert (consultation["Letters received"], consultation["Replied"], consultation["Forwarded"],
            consultation["Received"], consultation["Held for checking"]) == ("5", "2", "1", "1", "1")
    # Reply times 8 (the pause left out) and 0; both by their due date.
    assert (consultation["Answered letters"], consultation["Answered on time"], consultation["On-time share"],
            consultation["Median reply time (working days)"], consultation["Average reply time (working days)"]) == \
        ("2", "2", "100.0", "4.0", "4.0")
    assert (consultation["Ratings"], consultation["Satisfied"], consultation["Satisfaction"]) == ("1", "1", "100.0")
    complaint = by_kind["Supervision and complaints"]
    assert (complaint["Answered on time"], complaint["Average reply time (working days)"], complaint["Satisfaction"],
            complaint["Dissatisfied"]) == ("0", "11.0", "0.0", "1")
    assert by_kind["Director's mailbox"]["Letters received"] == "0"


def test_the_page_shows_the_totals_the_warning_and_charts_that_need_no_script(officer):
    response = officer.get("/admin/interaction/stats")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<script" not in html
    assert html.count('<svg role="img"') == 3
    main = html.split('id="main"')[1]
    # 8 received; 3 answered, 2 on time; reply times 8, 11, 0: median 8, average 6.3; 1 of 2 ratings satisfied.
    assert "66.7%" in main and "2 of 3" in main
    assert "8.0 working days" in main and "6.3 working days" in main and "1 of 2 ratings" in main
    assert "Early warning: 2 letters have had no answer for 2 months or more." in main
    assert "2 letters went unanswered for more than 3 months in the last 12 months" in main
    assert 'href="/admin/interaction/letters/?flag=two_months"' in main
    assert NAME not in html and PHONE not in html and "关于社保补缴的咨询" not in html


def test_month_by_month_each_figure_falls_in_its_own_month(officer):
    rows = {r["Month"]: r for r in rows_of(officer.get("/admin/interaction/stats.csv?table=months"))}
    assert list(rows) == ["2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03"]
    months = {m: (r["Letters received"], r["Answered letters"], r["On-time share"], r["Satisfaction"],
                  r["Median reply time (working days)"]) for m, r in rows.items()}
    assert months["2025-11"] == ("0", "0", "", "", "")
    assert months["2025-12"] == ("1", "0", "", "", "")
    assert months["2026-01"] == ("3", "1", "0.0", "0.0", "11.0")
    assert months["2026-02"] == ("1", "0", "", "", "")
    assert months["2026-03"] == ("3", "2", "100.0", "100.0", "4.0")


def test_the_excel_export_has_both_tables_and_keeps_shares_as_percentages(officer):
    response = officer.get("/admin/interaction/stats.xlsx?months=12")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith('attachment; filename="letter-stats-rsj-')
    workbook = load_workbook(io.BytesIO(response.get_data()))
    assert workbook.sheetnames == ["By mailbox", "Month by month"]
    sheet = workbook["By mailbox"]
    header = [c.value for c in sheet[1]]
    rows = {r[0]: dict(zip(header, r)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    # Twelve months take in last August's reply, after four and a half months (late).
    consultation = rows["Consultation"]
    assert consultation["Answered letters"] == 3 and consultation["On-time share"] == pytest.approx(2 / 3)
    assert sheet.cell(row=2, column=header.index("On-time share") + 1).number_format == "0.0%"


def test_the_forwarded_letter_counts_as_forwarded_at_the_sender_and_answered_at_the_receiver(letters, signed_in):
    _, czj, _ = letters
    client, _ = signed_in(czj.host, "zhou.officer", site=czj, roles=["interaction_officer"])
    client.set_language("en")
    consultation = rows_of(client.get("/admin/interaction/stats.csv"))[0]
    # Came 3 March, replied 5 March: 2 working days, on time, counted here.
    assert (consultation["Letters received"], consultation["Answered letters"], consultation["Answered on time"],
            consultation["Average reply time (working days)"], consultation["Basically satisfied"]) == \
        ("1", "1", "1", "2.0", "1")
    html = client.get("/admin/interaction/stats").get_data(as_text=True)
    assert "1 forwarded from other sites" in html


@pytest.mark.parametrize("roles, status", [(["site_admin"], 200), (["interaction_officer"], 200), (["editor"], 403),
                                           (["service_officer"], 403)])
def test_who_reads_a_sites_letter_statistics(letters, signed_in, roles, status):
    rsj, _, _ = letters
    client, _ = signed_in(rsj.host, "someone", site=rsj, roles=roles)
    for path in ("/admin/interaction/stats", "/admin/interaction/stats.csv", "/admin/interaction/stats.xlsx"):
        assert client.get(path).status_code == status
    home = client.get("/admin/").get_data(as_text=True)
    assert ('href="/admin/interaction/stats"' in home) == (status == 200)


def test_the_admin_home_card_shows_the_year_and_the_early_warning(officer):
    home = officer.get("/admin/").get_data(as_text=True)
    assert "Letters this year" in home
    assert "Early warning: 2 letters have had no answer for 2 months or more." in home
    assert "Unanswered for 2 months or more" in home  # the queue's card too, for the officers


def test_the_page_costs_the_same_queries_with_more_letters(app, officer, letters, count_queries):
    rsj, _, _ = letters
    officer.get("/admin/interaction/stats")
    with count_queries() as few:
        officer.get("/admin/interaction/stats")
    with app.app_context():
        for day in range(2, 20):
            add_letter(rsj, status="replied", received=datetime(2026, 3, day, 8), replied=datetime(2026, 3, day, 17),
                       due=date(2026, 3, 31), paused=1, rating="satisfied", rated=datetime(2026, 3, 19))
    with count_queries() as many:
        officer.get("/admin/interaction/stats")
    assert many.count == few.count


# --- the early warning ---------------------------------------------------------------------------


def test_months_before_keeps_the_day_or_takes_the_months_last(app):
    assert months_before(date(2026, 3, 20), 2) == date(2026, 1, 20)
    assert months_before(date(2026, 5, 31), 3) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 10), 2) == date(2025, 11, 10)
    assert warning_cutoff(date(2026, 3, 20), 2) == datetime(2026, 1, 21)
    with app.app_context():  # the bureau's line (core.interaction.lines): two months unless changed
        assert warning_cutoff(date(2026, 3, 20)) == datetime(2026, 1, 21)


def test_a_letter_is_warned_at_two_months_and_not_before(app, letters, officer, monkeypatch):
    rsj, _, _ = letters
    # 19 March: the letter waiting since 20 January is not two months old yet; the one from December is.
    set_clock(monkeypatch, datetime(2026, 3, 19, 10))
    with app.app_context(), activate_tenant(rsj.id):
        assert flag_counts()["two_months"] == 1
    set_clock(monkeypatch, NOW)  # 20 March: the one of 20 January (waiting for the writer) joins it
    with app.app_context(), activate_tenant(rsj.id):
        assert flag_counts()["two_months"] == 2
    html = officer.get("/admin/interaction/letters/?flag=two_months").get_data(as_text=True)
    assert html.count("No answer for 2 months") == 2
    assert "Unanswered for 2 months or more: 2" in html
    set_clock(monkeypatch, datetime(2026, 3, 21, 10))  # 21 March: the one of 21 January too
    with app.app_context(), activate_tenant(rsj.id):
        assert flag_counts()["two_months"] == 3
        # More than 58 days: 21 January's too; more than 59 (21 January is 59 days back): not yet.
        assert unanswered_over(58, date(2026, 3, 21)) == 3 and unanswered_over(59, date(2026, 3, 21)) == 2


def test_the_figures_the_evaluation_reads(app, letters):
    rsj, czj, _ = letters
    with app.app_context():
        with activate_tenant(rsj.id):
            # Overdue: December's report and January's new letter (the paused one is not).
            assert overdue_letters(NOW.date()) == 2
            # The veto: December's report (unanswered since 15 December) and last year's reply after four and a
            # half months; not the one not accepted, nor anything answered within three months.
            assert veto_letters(NOW.date()) == 2
            # On 16 August last year's wait ended more than twelve months before: it drops out, while the
            # letters of 20 and 21 January and the one held since 19 March, still unanswered, have passed three months.
            assert veto_letters(date(2026, 8, 16)) == 4
        with activate_tenant(czj.id):
            assert (overdue_letters(NOW.date()), veto_letters(NOW.date())) == (0, 0)
        alerts = {site.slug: a for site, a in city_alerts(NOW.date())}
        assert list(alerts) == ["rsj"] and (alerts["rsj"].warned, alerts["rsj"].overdue, alerts["rsj"].veto) == \
            (2, 2, 2)


def test_the_daily_job_records_each_sites_warning_and_names_the_site(app, letters):
    from jobs.runs import run_job
    from jobs.summary import describe

    rsj, _, _ = letters

    def early_warnings() -> list[dict]:
        with app.app_context(), activate_tenant(rsj.id):
            return [json.loads(e.detail) for e in db.session.execute(
                select(AuditEntry).where(AuditEntry.action == "letter.early_warning")).scalars()]

    with app.app_context():
        run = run_job("interaction.warn_unanswered", now=NOW)
        assert run.outcome == "success"
        job_id, summary = run.job_id, run.summary
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        words = describe(job_id, summary)
    assert "Langfang Municipal Personnel Bureau: letters unanswered for 2 months or more: 2; for more than 3 " \
           "months: 2" in words
    assert "Finance" not in words
    assert early_warnings() == [{"warned": 2, "overdue": 2, "veto": 2, "warning_months": 2, "veto_months": 3}]
    with app.app_context():  # on a holiday (the Spring Festival) nothing is checked, nothing recorded
        holiday = run_job("interaction.warn_unanswered", now=datetime(2026, 2, 17, 9))
        assert (holiday.outcome, holiday.summary) == ("success", "")
    assert len(early_warnings()) == 1


def test_the_bureaus_lines_are_the_queues_the_statistics_and_the_daily_jobs(app, letters, officer):
    """The early-warning and veto lines are the bureau's (the evaluation's settings, core.interaction.lines): moved
    to one month, two and a window of six, the queue, the statistics, the job's record and the evaluation apply them."""
    from core.evaluation.engine import evaluate_site
    from core.evaluation.operations import update_settings
    from core.interaction.stats import late_letters
    from jobs.runs import run_job

    rsj, _, _ = letters
    with app.app_context():
        # Open since 10 January: more than two months, not three.
        letter_id = add_letter(rsj, status="assigned", received=datetime(2026, 1, 10, 9), due=date(2026, 1, 16))
        with activate_tenant(rsj.id):
            assert veto_letters(NOW.date()) == 2  # 15 December's, and last August's reply after four months
            assert [(a.id, a.veto) for a in late_letters(NOW.date()) if a.id == letter_id] == [(letter_id, False)]
        update_settings({"letter_warning_months": 1, "letter_veto_months": 2, "letter_window_months": 6})
        db.session.commit()
        with activate_tenant(rsj.id):
            # Open since 15 December, 10, 20 and 21 January: all a month old. Past two months: 15 December's and
            # 10 January's; last August's reply ended more than six months ago.
            assert flag_counts()["two_months"] == 4
            assert warning_cutoff(NOW.date()) == datetime(2026, 2, 21)
            assert veto_letters(NOW.date()) == 2
            assert [a.veto for a in late_letters(NOW.date())] == [True, True, False, False]
            result = evaluate_site(NOW).result("late_letters")
            assert (result.measures["count"], result.measures["warned"], result.measures["months"]) == (2, 2, 2)
        assert run_job("interaction.warn_unanswered", now=NOW).outcome == "success"
        with activate_tenant(rsj.id):
            entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "letter.early_warning")) \
                .scalar_one()
            assert json.loads(entry.detail) == {"warned": 4, "overdue": 3, "veto": 2, "warning_months": 1,
                                                "veto_months": 2}
    main = officer.get("/admin/interaction/stats").get_data(as_text=True).split('id="main"')[1]
    assert "Early warning: 4 letters have had no answer for 1 months or more." in main
    assert "2 letters went unanswered for more than 2 months in the last 6 months" in main
    queue = officer.get("/admin/interaction/letters/?flag=two_months").get_data(as_text=True)
    assert queue.count("No answer for 1 months") == 4 and "Unanswered for 1 months or more: 4" in queue


# --- the city ----------------------------------------------------------------------------------


def test_the_bureau_reads_the_citys_figures_each_letter_once(letters, admin):
    admin.set_language("en")
    page = admin.get("/platform/interaction/stats")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and html.count('<svg role="img"') == 3
    main = html.split('id="main"')[1]
    # 9 received on the two sites, the copy forwarded in left out: 8 letters; 4 answered, 3 on time.
    facts = main.split('class="facts stats-facts"')[1].split("</dl>")[0]
    assert "<dt>Letters written</dt><dd>8</dd>" in facts and "<dt>Forwarded between sites</dt><dd>1</dd>" in facts
    assert "75.0%" in facts and "3 of 4" in facts and "2 of 3 ratings" in facts
    sites = {r["Address name"]: r for r in rows_of(admin.get("/platform/interaction/stats.csv"))}
    assert list(sites) == ["rsj", "czj"]  # the most overdue first
    assert (sites["rsj"]["Letters received"], sites["rsj"]["Forwarded"], sites["rsj"]["Answered letters"],
            sites["rsj"]["Overdue now"], sites["rsj"]["Unanswered for 2 months or more"],
            sites["rsj"]["Unanswered for more than 3 months in the last 12 months"]) == ("8", "1", "3", "2", "2", "2")
    czj = sites["czj"]
    assert (czj["Letters received"], czj["Forwarded in from other sites"], czj["Answered letters"],
            czj["On-time share"]) == ("1", "1", "1", "100.0")
    by_on_time = rows_of(admin.get("/platform/interaction/stats.csv?sort=on_time"))
    assert [r["Address name"] for r in by_on_time] == ["rsj", "czj"]  # 66.7% before 100%
    by_name = rows_of(admin.get("/platform/interaction/stats.csv?sort=name"))
    assert [r["Address name"] for r in by_name] == ["czj", "rsj"]
    workbook = load_workbook(io.BytesIO(admin.get("/platform/interaction/stats.xlsx").get_data()))
    assert workbook.sheetnames == ["By site", "By mailbox", "Month by month"]


def test_the_console_home_names_the_sites_with_letters_unanswered_for_two_months(letters, admin):
    admin.set_language("en")
    home = admin.get("/platform/").get_data(as_text=True)
    card = home.split('id="letter-warnings-card"')[1].split("</section>")[0]
    assert "Sites with letters unanswered for 2 months or more: 1; letters: 2." in card
    assert "Langfang Municipal Personnel Bureau" in card and "Finance" not in card
    assert 'href="/platform/interaction/stats?sort=warned#by-site"' in card


def test_the_evaluator_reads_the_citys_figures_and_a_site_officer_cannot(letters, evaluator, signed_in):
    rsj, _, _ = letters
    assert evaluator.get("/platform/interaction/stats").status_code == 200
    officer, _ = signed_in(rsj.host, "liu.officer", site=rsj, roles=["interaction_officer"])
    assert officer.get("/platform/interaction/stats").status_code == 404  # not a console host


# --- the public figures --------------------------------------------------------------------------


def test_the_public_figures_page_shows_this_years_counts_and_nothing_personal(letters, client_for):
    rsj, _, _ = letters
    client = client_for(rsj.host)
    client.set_language("en")
    response = client.get("/interaction/figures")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    main = html.split('id="main"')[1]
    cards = main.split('class="figure-cards"')[1].split("</ul>")[0]
    # This year: 7 received (December's report is last year's), 3 answered, 2 on time, reply times 8, 11, 0.
    assert '<span class="figure-value">7</span>' in cards and '<span class="figure-value">3</span>' in cards
    assert '<span class="figure-value">6.3</span>' in cards and '<span class="figure-value">66.7%</span>' in cards
    assert '<span class="figure-value">50.0%</span>' in cards
    for personal in (NAME, PHONE, "关于社保补缴的咨询", "本人有三个月", "您好，可携带"):
        assert personal not in html
    section = client.get("/interaction/figures").get_data(as_text=True)
    assert section == html  # served again as it was (cached)


def test_the_public_figures_page_reads_in_chinese(letters, client_for):
    rsj, _, _ = letters
    html = client_for(rsj.host).get("/interaction/figures").get_data(as_text=True)
    assert "来信办理统计" in html and "件已答复" in html and "按时答复率" in html and "平均答复用时（工作日）" in html
