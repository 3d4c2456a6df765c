"""The yearly government information disclosure report (政府信息公开工作年度报告): preparing it on a site, and every
site's report of a year on the city portal and in the console.

Site admin pages: the reports by year with their deadlines, preparing a year's report, and one report's page (the
figures the platform counted, the form for the figures and paragraphs the site enters, generating again). The
report's own item goes through the publishing pages (sent for review, approved, published) like any other, and
the public reads it as an item of the annual reports column. The portal's page lists every site's published
report of a year and the sites without one; the console's adds where each unpublished report stands.
"""
from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from core.disclosure.forms_report import PrepareForm, ReportForm, entered_applications
from core.disclosure.queries_catalogue import active_sites
from core.disclosure.report import (generate_report, report_cells, report_html, save_report, settle_report,
                                    unbalanced_columns, unbalanced_message)
from core.disclosure.report_layout import (AMOUNT_FIGURES, COLUMN_NAMES, COUNTED_ROWS, ENTERED_COLUMNS,
                                           ENTERED_ROWS, MANUAL_FIGURES, MANUAL_LABELS, ROW_NAMES, entered_field)
from core.disclosure.report_queries import (FIRST_YEAR, Standing, city_reports, due_on, figures_of, report,
                                            report_article, report_years, reporting_year, reports_section,
                                            site_reports, site_standing)
from core.extensions import db
from core.forms import ActionForm, choices, submitted
from core.publishing.workflow import STATUS_LABELS
from core.timeutil import now
from core.web import add_menu_item, add_panel, cached_page, int_arg, parse_int, route
from core.web.actions import attempt
from themes import render_page

bp = Blueprint("disclosure_report", __name__, template_folder="templates")
ADMIN = "/admin/disclosure/reports"


def standing_text(found: Standing) -> str:
    """Where a report stands against its deadline, in words."""
    if found.kind == "published":
        day = found.published_at.date().isoformat()
        return _("Published on %(day)s, after the deadline", day=day) if found.late else \
            _("Published on %(day)s", day=day)
    if found.kind == "not_due":
        return _("Due by %(day)s", day=found.due_on.isoformat())
    if found.kind == "due":
        return _("Due today") if found.days_left == 0 else \
            _("Due by %(day)s: %(n)s days left", day=found.due_on.isoformat(), n=found.days_left)
    return _("Overdue: due by %(day)s, %(n)s days ago", day=found.due_on.isoformat(), n=found.days_over)


def _year_arg() -> int:
    """`?year=`: a year a report may exist for; absent: the year whose report is owed now; anything else: 404."""
    year = int_arg("year", minimum=FIRST_YEAR)
    if year is None:
        return reporting_year()
    if year > reporting_year():
        abort(404)
    return year


# --- a site's pages ----------------------------------------------------------------------------

@route(bp, f"{ADMIN}/", permission="content.work", write="content.edit", methods=("GET", "POST"))
def index():
    """The site's reports by year, each with its state and deadline; preparing the report of a year."""
    form = PrepareForm()
    form.year.choices = choices((year, str(year)) for year in report_years())
    if not form.is_submitted():
        form.year.data = reporting_year()
    if form.validate_on_submit():
        done, found = attempt(generate_report, form.year.data, actor=current_user, form=form)
        if done:
            db.session.commit()
            flash(_("The report for %(year)s is prepared: enter the figures only the office knows and the "
                    "paragraphs, then send it for review.", year=found.year), "success")
            return redirect(url_for("disclosure_report.edit", report_id=found.id))
    owed, owed_report, _article = site_standing()
    return render_page("disclosure/report_index.html", form=form, reports=site_reports(), owed=owed,
                       owed_report=owed_report, section=reports_section(), standing_text=standing_text,
                       status_labels=STATUS_LABELS)


def _form_data(found) -> dict:
    _computed, manual = figures_of(found)
    data = {key: manual.get(key) for key in MANUAL_FIGURES}
    for key in AMOUNT_FIGURES:
        data[key] = Decimal(str(manual[key])) if manual.get(key) not in (None, "") else None
    entered = manual.get("applications", {})
    data.update({entered_field(row, column): entered.get(row, {}).get(column) for row in ENTERED_ROWS
                 for column in ENTERED_COLUMNS})
    data.update(overview=found.overview, problems=found.problems, other=found.other)
    return data


@route(bp, f"{ADMIN}/<int:report_id>", permission="content.work", write="content.edit", methods=("GET", "POST"))
def edit(report_id: int):
    """One report: the counted figures, the form for the rest, and the way to its item in the workflow."""
    found = report(report_id)
    if found is None:
        abort(404)
    if request.method == "GET":
        done, restored = attempt(settle_report, found, actor=current_user)
        if done and restored:
            db.session.commit()
            flash(_("The correction was discarded: the figures and text below are the published report's again."),
                  "success")
    article = report_article(found)
    form = ReportForm(data=None if ReportForm().is_submitted() else _form_data(found))
    if not form.is_submitted():
        form.version.data = str(article.version)
    if form.validate_on_submit():
        manual = {key: getattr(form, key).data for key in MANUAL_FIGURES}
        version = parse_int(form.version.data)
        version = -1 if version is None else version  # anything but a number is a stale save, never a 500
        done, _result = attempt(save_report, found, actor=current_user, manual=manual,
                                applications=entered_applications(form), overview=form.overview.data or "",
                                problems=form.problems.data or "", other=form.other.data or "",
                                expected_version=version, form=form)
        if done:
            db.session.commit()
            flash(_("Saved; the report's text is generated again with these figures."), "success")
            return redirect(url_for("disclosure_report.edit", report_id=found.id))
    standing, _found, _article = site_standing(found.year)
    cells = report_cells(found)
    return render_page("disclosure/report_edit.html", report=found, article=article, form=form,
                       cells=cells, preview_html=Markup(report_html(found)), standing=standing,
                       standing_text=standing_text,
                       status_labels=STATUS_LABELS, manual_labels=MANUAL_LABELS,
                       entered_rows=ENTERED_ROWS, entered_columns=ENTERED_COLUMNS, counted_rows=COUNTED_ROWS,
                       row_names=ROW_NAMES, column_names=COLUMN_NAMES, entered_field=entered_field,
                       unbalanced=[unbalanced_message(column, n) for column, n in unbalanced_columns(cells["rows"])],
                       action_form=ActionForm(formdata=None))


@route(bp, f"{ADMIN}/<int:report_id>/generate", permission="content.edit", methods=("POST",))
def regenerate(report_id: int):
    """Count the platform's figures again and generate the text; the hand-entered figures stay."""
    found = report(report_id)
    if found is None:
        abort(404)
    submitted(ActionForm())
    done, _result = attempt(generate_report, found.year, actor=current_user)
    if done:
        db.session.commit()
        flash(_("The figures were counted again and the text generated anew; what the office entered stays."),
              "success")
    return redirect(url_for("disclosure_report.edit", report_id=found.id))


def report_panel() -> dict:
    """The admin home's card: the report owed now, and where it stands."""
    owed, found, article = site_standing()
    return {"report_standing": owed, "report_standing_text": standing_text(owed), "owed_report": found,
            "owed_state": str(STATUS_LABELS.get(article.status, article.status)) if article is not None else ""}


# --- the city: the portal and the console ------------------------------------------------------

def _city_rows(year: int) -> tuple[list, list]:
    """(published: [(site, CityReport)], missing: [(site, CityReport or None)]) for the active sites."""
    found = city_reports(year)
    published, missing = [], []
    for site in active_sites():
        entry = found.get(site.id)
        if entry is not None and entry.standing.kind == "published":
            published.append((site, entry))
        else:
            missing.append((site, entry))
    return published, missing


@route(bp, "/disclosure-reports", permission=None, host="portal")
@cached_page
def portal_reports():
    """Every site's report of a year (default: the year owed now) with a link, and the sites without one."""
    year = _year_arg()
    published, missing = _city_rows(year)
    return render_page("disclosure/report_portal.html", year=year, years=report_years(), published=published,
                       missing=missing, due_on=due_on(year),
                       overdue=now().date() > due_on(year))


@route(bp, "/platform/disclosure/reports", permission="platform.view", host="platform")
def platform_reports():
    """The bureau's list: every active site's report of a year, its state and its deadline; the missing ones."""
    year = _year_arg()
    published, missing = _city_rows(year)
    return render_page("disclosure/report_platform.html", year=year, years=report_years(), published=published,
                       missing=missing, standing_text=standing_text, status_labels=STATUS_LABELS,
                       due_on=due_on(year), today=now().date())


def init_app(app) -> None:
    app.register_blueprint(bp)
    add_menu_item(app, "site", "disclosure_report.index", _l("Yearly disclosure report"), "content.work", order=46)
    add_menu_item(app, "platform", "disclosure_report.platform_reports", _l("Yearly disclosure reports"),
                  "platform.view", order=34)
    add_panel(app, "site", "disclosure/report_panel.html", report_panel, "admin.enter", order=18)
