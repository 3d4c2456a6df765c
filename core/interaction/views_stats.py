"""Figures of letters: per site for the department, per city for the bureau, and the public figures page.

Admin (`interaction.view`: the site's interaction officers, its administrator,
the evaluator): the site's figures, month by month, with exports. Console
(`platform.view`): the city's, with a table of every site sortable by overdue
letters or on-time share, and a home card naming the sites with letters
unanswered for two months. Public (every site): this year's figures, as city
sites publish them; counts only, never a letter or a person.
"""
from __future__ import annotations

from flask import Blueprint, Response, g, request
from flask_babel import lazy_gettext as _l

from core.interaction import charts
from core.interaction.labels import KIND_LABELS, RATING_LABELS, STATE_LABELS
from core.interaction.models import LETTER_STATES, MAILBOX_KINDS, RATINGS
from core.interaction.lines import letter_lines
from core.interaction.stats import (
    PERIODS,
    SITE_SORTS,
    city_report,
    month_label,
    report_tables,
    site_report,
    to_csv,
    to_xlsx,
    warnings_panel,
    year_report,
)
from core.sections.queries import request_sections
from core.timeutil import now
from core.web import add_menu_item, add_panel, cached_page, int_choice, route
from themes import render_page, site_url

bp = Blueprint("interaction_stats", __name__, template_folder="templates")

VIEW = "interaction.view"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _months() -> int:
    """`?months=`: one of the periods offered; anything else is the default."""
    return int_choice("months", PERIODS)


def _sort() -> str:
    raw = request.args.get("sort", "")
    return raw if raw in SITE_SORTS else SITE_SORTS[0]


def _download(data: bytes, filename: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


def _span(report) -> str:
    return f"{month_label(report.period.months[0])}_{month_label(report.period.months[-1])}"


def _labels() -> dict:
    return {"states": LETTER_STATES, "state_labels": STATE_LABELS, "kinds": MAILBOX_KINDS, "kind_labels": KIND_LABELS,
            "ratings": RATINGS, "rating_labels": RATING_LABELS, "month_label": month_label}


def _lines() -> dict:
    """The early-warning and veto lines the alerts are counted by: the bureau's (core.interaction.lines)."""
    lines = letter_lines()
    return {"warning_months": lines.warning_months, "veto_months": lines.veto_months,
            "window_months": lines.window_months}


def _page(template: str, report, **context) -> str:
    return render_page(template, report=report, months=len(report.period.months), periods=PERIODS,
                       charts=charts.all_charts(report), **_labels(), **_lines(), **context)


# --------------------------------------------------------------------------- a site's figures


@route(bp, "/admin/interaction/stats", permission=VIEW)
def site_stats():
    return _page("interaction/stats.html", site_report(_months(), now().date()))


@route(bp, "/admin/interaction/stats.csv", permission=VIEW)
def site_stats_csv():
    """One table as CSV: by mailbox (the default) or month by month (`?table=months`)."""
    report = site_report(_months(), now().date())
    by_kind, monthly = report_tables(report, city=False)
    table, name = (monthly, "months") if request.args.get("table") == "months" else (by_kind, "mailboxes")
    return _download(to_csv(table), f"letter-stats-{g.site.slug}-{name}-{_span(report)}.csv", "text/csv")


@route(bp, "/admin/interaction/stats.xlsx", permission=VIEW)
def site_stats_xlsx():
    report = site_report(_months(), now().date())
    return _download(to_xlsx(report_tables(report, city=False)),
                     f"letter-stats-{g.site.slug}-{_span(report)}.xlsx", XLSX_TYPE)


# --------------------------------------------------------------------------- the city's figures


def _console(rule: str):
    return route(bp, rule, permission="platform.view", host="platform")


@_console("/platform/interaction/stats")
def platform_stats():
    sort = _sort()
    return _page("interaction/stats_platform.html", city_report(_months(), now().date(), sort), sort=sort,
                 sorts=SITE_SORTS, site_url=site_url)


@_console("/platform/interaction/stats.csv")
def platform_stats_csv():
    """One table as CSV: by site (the default), by mailbox (`?table=mailboxes`) or month by month (`?table=months`)."""
    report = city_report(_months(), now().date(), _sort())
    by_site, by_kind, monthly = report_tables(report, city=True)
    name = request.args.get("table") if request.args.get("table") in ("mailboxes", "months") else "sites"
    table = {"sites": by_site, "mailboxes": by_kind, "months": monthly}[name]
    return _download(to_csv(table), f"letter-stats-city-{name}-{_span(report)}.csv", "text/csv")


@_console("/platform/interaction/stats.xlsx")
def platform_stats_xlsx():
    report = city_report(_months(), now().date(), _sort())
    return _download(to_xlsx(report_tables(report, city=True)), f"letter-stats-city-{_span(report)}.xlsx",
                     XLSX_TYPE)


# --------------------------------------------------------------------------- the public figures


@route(bp, "/interaction/figures", permission=None)
@cached_page
def figures():
    """This year's letters in figures (received, answered, reply time, on time, satisfaction): counts only."""
    today = now().date()
    section = next((s for s in request_sections() if s.kind == "interaction"), None)
    return render_page("interaction/stats_public.html", report=year_report(today), today=today, section=section,
                       **_labels())


def site_panel() -> dict:
    """For the admin home's card: this year's figures and the letters in trouble now."""
    return {"letter_report": year_report(now().date())}


def init_app(app) -> None:
    app.register_blueprint(bp)
    add_menu_item(app, "site", "interaction_stats.site_stats", _l("Letter statistics"), VIEW, order=48)
    add_menu_item(app, "platform", "interaction_stats.platform_stats", _l("Letter statistics"), "platform.view",
                  order=56)
    add_panel(app, "site", "interaction/stats_panel.html", site_panel, VIEW, order=17)
    add_panel(app, "platform", "interaction/platform_warnings_panel.html", warnings_panel, "platform.view",
              order=32)
