"""The yearly website report's pages (政府网站工作年度报表).

Site admin: the reports by year with their deadlines and preparing one (editors); a report's page with the
platform's figures, the form for the lines the office enters, and publishing or withdrawing it (publishers).
Public: the site's published reports, each in the template's table. The city portal lists every site's report of
a year and the sites without one; the console adds where each unpublished one stands.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core.disclosure.queries_catalogue import active_sites
from core.disclosure.report_queries import due_on, reporting_year, standing
from core.disclosure.views_report import standing_text
from core.evaluation.yearly import (FIRST_YEAR, STALE, city_reports, missing_required, prepare_report,
                                    publish_report, published_reports, report, report_for_year, report_years,
                                    save_report, site_reports, values_of, withdraw_report)
from core.evaluation.yearly_figures import compute_figures
from core.evaluation.yearly_forms import PrepareForm, PublishForm, ReportForm, WithdrawForm
from core.evaluation.yearly_layout import (GROUPS, LINES, MANUAL_LINES, YES_NO, chinese, group_label, line_label,
                                          site_kind_label)
from core.extensions import db
from core.forms import ActionForm, choices, submitted
from core.timeutil import now
from core.web import add_menu_item, add_panel, cached_page, int_arg, parse_int, route
from core.web.actions import attempt
from themes import render_page

bp = Blueprint("website_report", __name__, template_folder="templates")
ADMIN = "/admin/website-reports"


def _version(form) -> int:
    """The version the form was opened at; anything but a number (-1) is a stale save."""
    found = parse_int(form.version.data)
    return -1 if found is None else found


def shown_value(line, value) -> str:
    """A line's value as the report prints it: yes / no in words, a site's kind by its name, a number grouped in
    thousands with the template's unit on a Chinese page (1,200条), empty as a dash."""
    if value is None or value == "":
        return "—"
    if line.key == "site_kind":
        return site_kind_label(value)
    if line.kind == YES_NO:
        return _("Yes") if value else _("No")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    number = f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"
    return number + line.unit_zh if chinese() else number


def _table(found) -> list[tuple[str, list[tuple[str, str, bool]]]]:
    """The report as groups of (label, value shown, entered by the office) rows, in the template's order."""
    values = values_of(found)
    return [(group_label(zh, en), [(line_label(line), shown_value(line, values.get(line.key)), line.manual)
                                   for line in lines]) for zh, en, lines in GROUPS]


def _counted_table(values: dict) -> list[tuple[str, list[tuple[str, str, bool]]]]:
    """Only the lines the platform counts, as `_table` draws them (the groups that have none left out)."""
    groups = [(group_label(zh, en), [(line_label(line), shown_value(line, values.get(line.key)), False)
                                     for line in lines if not line.manual]) for zh, en, lines in GROUPS]
    return [(label, rows) for label, rows in groups if rows]


# --- a site's pages ----------------------------------------------------------------------------

# The report and this year's figures show visits, letters, applications and security findings: read by those
# who may read the visit statistics (editors, reviewers, publishers, the site administrator), not collectors.
@route(bp, f"{ADMIN}/", permission="visits.view", write="content.edit", methods=("GET", "POST"))
def index():
    """The site's reports by year, each with its state and deadline; preparing the report of a year."""
    form = PrepareForm()
    form.year.choices = choices((year, str(year)) for year in report_years())
    if not form.is_submitted():
        form.year.data = reporting_year()
    if form.validate_on_submit():
        done, found = attempt(prepare_report, form.year.data, actor=current_user, form=form)
        if done:
            db.session.commit()
            flash(_("The report for %(year)s is prepared with the platform's figures: enter the lines only the "
                    "office knows, then ask a publisher to publish it.", year=found.year), "success")
            return redirect(url_for("website_report.edit", website_report_id=found.id))
    reports = site_reports()
    this_year = now().year
    return render_page("evaluation/yearly_index.html", form=form, reports=reports, owed_year=reporting_year(),
                       owed_standing=dict((r.year, s) for r, s in reports).get(reporting_year()),
                       standing_text=standing_text, due_on=due_on(reporting_year()), this_year=this_year,
                       so_far=_counted_table(compute_figures(this_year)))


def _form_data(found) -> dict:
    values = values_of(found)
    data = {}
    for line in MANUAL_LINES:
        value = values.get(line.key)
        data[line.key] = ({True: "yes", False: "no"}.get(value, "") if line.kind == YES_NO else value)
    return data


def _edit_page(found, *, form=None, withdraw_form=None):
    """The report's page; a form posted and refused comes back as typed, with the version it was opened at (so a
    second try after "someone changed this report" is refused again, not saved over the other person's work)."""
    if form is None:
        form = ReportForm(formdata=None, data=_form_data(found))
        form.version.data = str(found.version)
    publish_form = PublishForm(formdata=None, data={"version": str(found.version)})
    if withdraw_form is None:
        withdraw_form = WithdrawForm(formdata=None)
        withdraw_form.version.data = str(found.version)
    standing = dict((r.year, s) for r, s in site_reports())[found.year]
    return render_page("evaluation/yearly_edit.html", report=found, form=form, publish_form=publish_form,
                       withdraw_form=withdraw_form, action_form=ActionForm(formdata=None), table=_table(found),
                       groups=[(group_label(zh, en), [line for line in lines if line.manual])
                               for zh, en, lines in GROUPS],
                       missing=[line_label(LINES[key]) for key in missing_required(found)],
                       standing=standing, standing_text=standing_text, line_label=line_label)


def _found_or_404(report_id: int):
    found = report(report_id)
    if found is None:
        abort(404)
    return found


@route(bp, f"{ADMIN}/<int:website_report_id>", permission="visits.view", write="content.edit", methods=("GET", "POST"))
def edit(website_report_id: int):
    """One report: the platform's figures, the lines the office enters, and publishing it."""
    found = _found_or_404(website_report_id)
    form = ReportForm()
    if form.validate_on_submit():
        done, _result = attempt(save_report, found, actor=current_user, manual=form.manual(),
                                expected_version=_version(form), form=form)
        if done:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("website_report.edit", website_report_id=found.id))
    elif form.is_submitted() and form.version.errors:  # a hidden field nobody typed: the page is not the one sent
        form.form_errors.append(STALE)
    return _edit_page(found, form=form if form.is_submitted() else None)


@route(bp, f"{ADMIN}/<int:website_report_id>/generate", permission="content.edit", methods=("POST",))
def regenerate(website_report_id: int):
    """Count the platform's figures again (a draft only); the lines the office entered stay."""
    found = _found_or_404(website_report_id)
    submitted(ActionForm())
    done, _result = attempt(prepare_report, found.year, actor=current_user)
    if done:
        db.session.commit()
        flash(_("The platform's figures were counted again; what the office entered stays."), "success")
    return redirect(url_for("website_report.edit", website_report_id=found.id))


@route(bp, f"{ADMIN}/<int:website_report_id>/publish", permission="content.publish", methods=("POST",))
def publish(website_report_id: int):
    found = _found_or_404(website_report_id)
    form = submitted(PublishForm())
    done, _result = attempt(publish_report, found, actor=current_user, expected_version=_version(form))
    if done:
        db.session.commit()
        flash(_("The report for %(year)s is published on the site.", year=found.year), "success")
    return redirect(url_for("website_report.edit", website_report_id=found.id))


@route(bp, f"{ADMIN}/<int:website_report_id>/withdraw", permission="content.publish", methods=("POST",))
def withdraw(website_report_id: int):
    found = _found_or_404(website_report_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        done, _result = attempt(withdraw_report, found, actor=current_user, reason=form.reason.data or "",
                                expected_version=_version(form), form=form)
        if done:
            db.session.commit()
            flash(_("The report is withdrawn: correct it, then publish it again."), "success")
            return redirect(url_for("website_report.edit", website_report_id=found.id))
    if form.version.errors:
        form.form_errors.append(STALE)
    return _edit_page(found, withdraw_form=form)


# --- the public: the site's reports, and the city's ----------------------------------------------

@route(bp, "/website-report/", permission=None)
@cached_page
def public_index():
    """The site's published yearly website reports."""
    return render_page("evaluation/yearly_public_index.html", reports=published_reports())


@route(bp, "/website-report/<int:year>", permission=None)
@cached_page
def public_report(year: int):
    """One published report, in the template's table."""
    found = report_for_year(year) if FIRST_YEAR <= year <= reporting_year() else None
    if found is None or found.status != "published":
        abort(404)
    return render_page("evaluation/yearly_public.html", report=found, table=_table(found))


def _year_arg() -> int:
    """`?year=`: a year a report may exist for; absent: the year owed now; anything else: 404."""
    year = int_arg("year", minimum=FIRST_YEAR)
    if year is None:
        return reporting_year()
    if year > reporting_year():
        abort(404)
    return year


def _city_rows(year: int) -> tuple[list, list]:
    """(published, missing) for the active sites: each [(site, CityEntry or None when not prepared, Standing)]."""
    found = city_reports(year)
    published, missing = [], []
    for site in active_sites():
        entry = found.get(site.id)
        row = (site, entry, entry.standing if entry is not None else standing(year, None))
        (published if entry is not None and entry.status == "published" else missing).append(row)
    return published, missing


@route(bp, "/website-reports", permission=None, host="portal")
@cached_page
def portal_reports():
    """Every site's report of a year (default: the year owed now) with a link, and the sites without one."""
    year = _year_arg()
    published, missing = _city_rows(year)
    return render_page("evaluation/yearly_portal.html", year=year, years=report_years(), published=published,
                       missing=missing, due_on=due_on(year), overdue=now().date() > due_on(year))


@route(bp, "/platform/website-reports", permission="platform.view", host="platform")
def platform_reports():
    """The bureau's list: every active site's report of a year, where it stands; the missing ones."""
    year = _year_arg()
    published, missing = _city_rows(year)
    return render_page("evaluation/yearly_platform.html", year=year, years=report_years(), published=published,
                       missing=missing, standing_text=standing_text, due_on=due_on(year))


def report_panel() -> dict:
    """The admin home's card: the report owed now (last year's), and where it stands."""
    year = reporting_year()
    found = report_for_year(year)
    owed = standing(year, found.published_at if found is not None else None)
    return {"website_standing": owed, "website_standing_text": standing_text(owed), "website_report": found}


def init_app(app) -> None:
    app.register_blueprint(bp)
    add_menu_item(app, "site", "website_report.index", _l("Yearly website report"), "visits.view", order=47)
    add_menu_item(app, "platform", "website_report.platform_reports", _l("Yearly website reports"),
                  "platform.view", order=35)
    add_panel(app, "site", "evaluation/yearly_panel.html", report_panel, "visits.view", order=19)
