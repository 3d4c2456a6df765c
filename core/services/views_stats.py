"""Figures of online services: per site for the department, per city and coverage for the bureau."""
from __future__ import annotations

from flask import Blueprint, Response, g, request
from flask_babel import lazy_gettext as _l

from core.services import charts
from core.services.stats import (PERIODS, STATE_LABELS, city_report, coverage, coverage_panel, coverage_table,
                                 month_label, report_tables, site_report, to_csv, to_xlsx)
from core.services.models import APPLICATION_STATES
from core.timeutil import now
from core.web import add_menu_item, add_panel, int_choice, route
from themes import render_page

bp = Blueprint("services_stats", __name__, template_folder="templates")

SITE_VIEW = "services.stats.view"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The coverage page's filters: every site, the window departments, the flagged ones.
COVERAGE_SHOWS = ("all", "window", "flagged")


def _months() -> int:
    """`?months=`: one of the periods offered; anything else is the default."""
    return int_choice("months", PERIODS)


def _download(data: bytes, filename: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


def _span(report) -> str:
    return f"{month_label(report.period.months[0])}_{month_label(report.period.months[-1])}"


def _page(template: str, report, **context) -> str:
    return render_page(template, report=report, months=len(report.period.months), periods=PERIODS,
                       states=APPLICATION_STATES, state_labels=STATE_LABELS, month_label=month_label,
                       charts=(charts.applications_chart(report), charts.rates_chart(report),
                               charts.handling_chart(report)), **context)


# --------------------------------------------------------------------------- a site's figures


@route(bp, "/admin/services/stats", permission=SITE_VIEW)
def site_stats():
    return _page("services/stats.html", site_report(_months(), now().date()))


@route(bp, "/admin/services/stats.csv", permission=SITE_VIEW)
def site_stats_csv():
    """One table as CSV: by item (the default) or month by month (`?table=months`)."""
    report = site_report(_months(), now().date())
    by_item, monthly = report_tables(report, city=False)
    table, name = (monthly, "months") if request.args.get("table") == "months" else (by_item, "items")
    return _download(to_csv(table), f"service-stats-{g.site.slug}-{name}-{_span(report)}.csv", "text/csv")


@route(bp, "/admin/services/stats.xlsx", permission=SITE_VIEW)
def site_stats_xlsx():
    report = site_report(_months(), now().date())
    return _download(to_xlsx(report_tables(report, city=False)), f"service-stats-{g.site.slug}-{_span(report)}.xlsx",
                     XLSX_TYPE)


# --------------------------------------------------------------------------- the city's figures


def _console(rule: str):
    return route(bp, rule, permission="platform.view", host="platform")


@_console("/platform/services/stats")
def platform_stats():
    return _page("services/stats_platform.html", city_report(_months(), now().date()))


@_console("/platform/services/stats.csv")
def platform_stats_csv():
    """One table as CSV: by site (the default), by item (`?table=items`) or month by month (`?table=months`)."""
    report = city_report(_months(), now().date())
    by_site, by_item, monthly = report_tables(report, city=True)
    name = request.args.get("table") if request.args.get("table") in ("items", "months") else "sites"
    table = {"sites": by_site, "items": by_item, "months": monthly}[name]
    return _download(to_csv(table), f"service-stats-city-{name}-{_span(report)}.csv", "text/csv")


@_console("/platform/services/stats.xlsx")
def platform_stats_xlsx():
    report = city_report(_months(), now().date())
    return _download(to_xlsx(report_tables(report, city=True)), f"service-stats-city-{_span(report)}.xlsx", XLSX_TYPE)


# --------------------------------------------------------------------------- coverage


def _coverage_rows() -> tuple[str, list, list]:
    """(the filter, the rows it shows, every row)."""
    show = request.args.get("show", "all")
    show = show if show in COVERAGE_SHOWS else "all"
    rows = coverage()
    shown = {"all": rows,
             "window": [r for r in rows if r.tenant.is_window_department],
             "flagged": [r for r in rows if r.flagged]}[show]
    return show, shown, rows


@_console("/platform/services/coverage")
def platform_coverage():
    show, shown, rows = _coverage_rows()
    totals = {"sites": len(rows), "all_items": sum(r.items for r in rows), "complete": sum(r.complete for r in rows),
              "published": sum(r.published for r in rows), "online": sum(r.online for r in rows),
              "window": sum(r.tenant.is_window_department for r in rows), "flagged": sum(r.flagged for r in rows)}
    return render_page("services/platform_coverage.html", rows=shown, show=show, shows=COVERAGE_SHOWS, totals=totals)


@_console("/platform/services/coverage.csv")
def platform_coverage_csv():
    show, shown, _rows = _coverage_rows()
    return _download(to_csv(coverage_table(shown)), f"service-coverage-{show}-{now():%Y-%m-%d}.csv", "text/csv")


@_console("/platform/services/coverage.xlsx")
def platform_coverage_xlsx():
    show, shown, _rows = _coverage_rows()
    return _download(to_xlsx([coverage_table(shown)]), f"service-coverage-{show}-{now():%Y-%m-%d}.xlsx", XLSX_TYPE)


def init_app(app) -> None:
    app.register_blueprint(bp)
    add_menu_item(app, "site", "services_stats.site_stats", _l("Service statistics"), SITE_VIEW, order=27)
    add_menu_item(app, "platform", "services_stats.platform_stats", _l("Service statistics"), "platform.view",
                  order=27)
    add_menu_item(app, "platform", "services_stats.platform_coverage", _l("Service coverage"), "platform.view",
                  order=28)
    add_panel(app, "platform", "services/platform_coverage_panel.html", coverage_panel, "platform.view", order=30)
