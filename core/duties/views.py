"""The site's duty assignments (岗位责任制), with gaps shown."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SubmitField

from core.auth.queries import site_members
from core.duties.models import DUTIES
from core.duties.operations import assign_duties
from core.duties.queries import DUTY_LABELS, duty_gaps, duty_table
from core.extensions import db
from core.forms import Form, choices
from core.web import add_menu_item, add_panel, route
from core.web.actions import attempt
from core.web.loading import parse_int
from themes import render_page

bp = Blueprint("duties", __name__, template_folder="templates")


def _coerce_person(value):
    """An option's value as a user id; "" is nobody; anything else refused (the field shows the error)."""
    if value in (None, "", "None"):
        return None
    found = value if isinstance(value, int) else parse_int(str(value), minimum=1)
    if found is None:
        raise ValueError("not a person of this list")
    return found


class DutiesForm(Form):
    submit = SubmitField(_l("Save duties"))


def _build_form(people) -> DutiesForm:
    options = choices([("", _l("— nobody —"))] + [(str(u.id), f"{u.display_name} ({u.username})") for u, _ in people])

    class Form(DutiesForm):
        pass

    for duty in DUTIES:
        setattr(Form, f"{duty}_responsible", SelectField(_l("Responsible"), choices=options, coerce=_coerce_person))
        setattr(Form, f"{duty}_deputy", SelectField(_l("Deputy"), choices=options, coerce=_coerce_person))
    return Form()


@route(bp, "/admin/duties/", permission="site.view", write="site.duties.manage", methods=("GET", "POST"))
def index():
    people = site_members()
    form = _build_form(people)
    rows = duty_table()
    if form.validate_on_submit():
        people_of = {duty: (form[f"{duty}_responsible"].data, form[f"{duty}_deputy"].data) for duty in DUTIES}
        fields = {f"{d}.{w}": f"{d}_{w}" for d in DUTIES for w in ("responsible", "deputy")}  # at the select
        done, _ = attempt(assign_duties, people_of, form=form, aliases=fields)
        if done:
            db.session.commit()
            flash(str(_l("Duties saved.")), "success")
            return redirect(url_for("duties.index"))
    elif request.method == "GET":
        for row in rows:
            form[f"{row.duty}_responsible"].data = row.responsible.id if row.responsible else None
            form[f"{row.duty}_deputy"].data = row.deputy.id if row.deputy else None
    return render_page("duties/index.html", form=form, rows=rows, labels=DUTY_LABELS)


def init_app(app) -> None:
    app.register_blueprint(bp)
    add_menu_item(app, "site", "duties.index", _l("Duties"), "site.view", order=40)
    add_panel(app, "site", "duties/_home_panel.html", duty_gaps, "admin.enter", order=30)
