"""The console's calendar page: which days are off and which weekend days are worked, year by year."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import format_date, get_locale
from flask_babel import lazy_gettext as _l

from core.extensions import db
from core.forms import ActionForm, submitted
from core.timeutil import now
from core.web import add_menu_item, add_panel, route
from core.web.actions import attempt
from core.workdays.forms import DayForm
from core.workdays.operations import FIRST_YEAR, LAST_YEAR, confirm_year, load_year, set_day
from core.workdays.queries import calendar_panel, days_of_year, known_years
from core.workdays.sources import package_years
from themes import render_page

bp = Blueprint("workdays", __name__, template_folder="templates")


def _console(rule: str, methods=("GET",)):
    return route(bp, rule, permission="platform.view" if "GET" in methods else "platform.manage",
                 write="platform.manage", host="platform", methods=methods)


def _year_or_404(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        abort(404)
    return year


@_console("/platform/calendar")
def platform_calendar_now():
    """This year's calendar."""
    return _calendar_page(now().year, DayForm())


@_console("/platform/calendar/<int:year>", methods=("GET", "POST"))
def platform_calendar(year: int):
    year = _year_or_404(year)
    form = DayForm()
    if form.validate_on_submit():
        done, _ = attempt(set_day, form.day.data, form.kind.data, name_zh=form.name_zh.data or "",
                          name_en=form.name_en.data or "", form=form)
        if done:
            db.session.commit()
            flash(str(_l("%(day)s saved.", day=form.day.data.isoformat())), "success")
            return redirect(url_for("workdays.platform_calendar", year=form.day.data.year))
    return _calendar_page(year, form)


def _calendar_page(year: int, form: DayForm):
    return render_page("workdays/platform_calendar.html", year=year, days=days_of_year(year), form=form,
                       source=known_years().get(year), in_package=year in package_years(),
                       action_form=ActionForm(formdata=None), weekday=_weekday, localized_name=_name,
                       **calendar_panel())


def _weekday(day: date) -> str:
    return format_date(day, "EEEE")


def _name(day) -> str:
    """The holiday's name in the page's language (the Chinese one when no English was given)."""
    return day.name_en if get_locale().language == "en" and day.name_en else day.name_zh


@_console("/platform/calendar/<int:year>/load", methods=("POST",))
def platform_calendar_load(year: int):
    year = _year_or_404(year)
    submitted(ActionForm())
    done, result = attempt(load_year, year, replace=request.form.get("replace") == "1")
    if done:
        db.session.commit()
        flash(str(_l("%(n)s days of %(year)s entered from the State Council's schedule.", n=result, year=year)),
              "success")
    return redirect(url_for("workdays.platform_calendar", year=year))


@_console("/platform/calendar/<int:year>/confirm", methods=("POST",))
def platform_calendar_confirm(year: int):
    year = _year_or_404(year)
    submitted(ActionForm())
    done, _ = attempt(confirm_year, year)
    if done:
        db.session.commit()
        flash(str(_l("%(year)s is marked complete: deadlines in it now count with these days.", year=year)),
              "success")
    return redirect(url_for("workdays.platform_calendar", year=year))


@_console("/platform/calendar/day/<day>/clear", methods=("POST",))
def platform_calendar_clear(day: str):
    try:
        found = date.fromisoformat(day)
    except ValueError:
        abort(404)
    _year_or_404(found.year)
    submitted(ActionForm())
    done, _ = attempt(set_day, found, "normal")
    if done:
        db.session.commit()
        flash(str(_l("%(day)s is an ordinary day again.", day=found.isoformat())), "success")
    return redirect(url_for("workdays.platform_calendar", year=found.year))


def init_app(app) -> None:
    app.register_blueprint(bp)
    add_menu_item(app, "platform", "workdays.platform_calendar_now", _l("Holiday calendar"), "platform.view",
                  order=35)
    add_panel(app, "platform", "workdays/_home_panel.html", calendar_panel, "platform.view", order=40)
