"""Visit statistics' pages: a site's visits for its staff, every site's for the bureau, a card on the admin home.

Who sees a site's visits (`visits.view`): its site administrator and the people who publish — editors,
reviewers, publishers — since what is read most is what they write for; and the evaluator. Collectors and the
officers who handle applications and letters do not need it. The console's page (`platform.view`) shows every
site's figures, the city portal's and the city's.
"""
from __future__ import annotations

from flask import Blueprint, request
from flask_babel import lazy_gettext as _l

from core.evaluation.visits import beacon_url, count_beacon
from core.evaluation.visits_charts import daily_chart
from core.evaluation.visits_queries import PERIODS, SITE_SORTS, city_report, site_panel, site_report
from core.timeutil import now
from core.web import add_menu_item, add_panel, int_choice, route
from themes import render_page, site_url

bp = Blueprint("visits", __name__, template_folder="templates")

VIEW = "visits.view"


def _days() -> int:
    """`?days=`: one of the periods offered; anything else is the default."""
    return int_choice("days", PERIODS)


@route(bp, "/_visit", permission=None, host="public")
def beacon():
    """The image a public page carries when page views are counted by beacon (core.evaluation.visits)."""
    return count_beacon()


@route(bp, "/admin/visits", permission=VIEW)
def site_visits():
    report = site_report(_days(), now().date())
    return render_page("evaluation/visits_site.html", report=report, chart=daily_chart(report), periods=PERIODS,
                       days=report.period.days)


@route(bp, "/platform/visits", permission="platform.view", host="platform")
def platform_visits():
    sort = request.args.get("sort", "")
    sort = sort if sort in SITE_SORTS else SITE_SORTS[0]
    report = city_report(_days(), now().date(), request.args.get("group") or None, sort)
    group = request.args.get("group") if any(g.key == request.args.get("group") for g in report.groups) else None
    return render_page("evaluation/visits_platform.html", report=report, chart=daily_chart(report, "chart-city"),
                       periods=PERIODS, days=report.period.days, sort=sort, sorts=SITE_SORTS, group=group,
                       site_url=site_url)


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["visit_beacon"] = beacon_url
    add_menu_item(app, "site", "visits.site_visits", _l("Visits"), VIEW, order=49)
    add_menu_item(app, "platform", "visits.platform_visits", _l("Visits"), "platform.view", order=57)
    add_panel(app, "site", "evaluation/visits_panel.html", site_panel, VIEW, order=19)
