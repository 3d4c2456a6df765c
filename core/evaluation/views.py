"""The evaluation's pages: a department's self-check and the rules, the bureau's dashboard, drill-down, exports
and settings; the card of things to do on the admin home.

A department reads only its own evaluation: its pages are on its own host and read the active site (the tenant
scope); the console's pages are the bureau's (platform.view), and name a site by its id.
"""
from __future__ import annotations

from collections import Counter

from flask import Blueprint, Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.routing import BuildError
from wtforms import IntegerField, SubmitField
from wtforms.validators import InputRequired, NumberRange

from core.evaluation import charts, exports
from core.evaluation.engine import evaluate_site, evaluate_site_of
from core.evaluation.labels import (GRADE_LABELS, KIND_LABELS, RULE_ADVICE, RULE_DESCRIPTIONS, RULE_TITLES,
                                    SOURCE_LABELS, STATUS_LABELS, TRIGGER_LABELS, evidence_text, todo_text, verdict)
from core.evaluation.models import GRADES
from core.evaluation.operations import request_snapshots, update_settings
from core.evaluation.rules import RULES, RULES_BY_KEY
from core.evaluation.settings import DEFAULTS, GROUPS, SETTINGS, current_settings
from core.evaluation.snapshots import city_rows, history, site_history, waiting_request
from core.extensions import db
from core.forms import ActionForm, Form, submitted
from core.inbox.links import site_url
from core.sites.queries import site_groups
from core.timeutil import now
from core.web import add_menu_item, add_panel, get_or_404, route
from core.web.actions import attempt
from tenants.models import Tenant
from themes import render_page

bp = Blueprint("evaluation", __name__, template_folder="templates")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _link(evidence, site: Tenant | None = None) -> str | None:
    """The admin page that fixes a piece of evidence: on this host, or (the console) on the site's own host."""
    if not evidence or not evidence.endpoint:
        return None
    try:
        path = url_for(evidence.endpoint, **evidence.values)
    except BuildError:
        return None
    return site_url(site, path) if site is not None else path


def _helpers(site: Tenant | None = None) -> dict:
    """What the templates use to put results into words and links."""
    return dict(rules=RULES, rule_kind=lambda key: RULES_BY_KEY[key].kind, titles=RULE_TITLES,
                descriptions=RULE_DESCRIPTIONS, advice=RULE_ADVICE, sources=SOURCE_LABELS, kinds=KIND_LABELS,
                statuses=STATUS_LABELS, grades=GRADE_LABELS, triggers=TRIGGER_LABELS, verdict=verdict,
                evidence_text=evidence_text, todo_text=todo_text, fix_link=lambda e: _link(e, site),
                rule_source=lambda key: SOURCE_LABELS[RULES_BY_KEY[key].source])


# --------------------------------------------------------------------------------------------- a department's


@route(bp, "/admin/evaluation/", permission="site.view")
def self_check():
    """The site's evaluation now, by the same rules as the bureau's; its early warnings; its months so far."""
    evaluation = evaluate_site(now())
    snapshots = history(12)
    return render_page("evaluation/self_check.html", evaluation=evaluation, snapshots=snapshots,
                       chart=charts.history_chart(snapshots) if snapshots else None, **_helpers())


@route(bp, "/admin/evaluation/rules", permission="admin.enter")
def rules_page():
    """Every rule: what it checks, its thresholds and weight as set now, and its source."""
    return render_page("evaluation/rules.html", settings=current_settings(), setting_labels=SETTINGS, **_helpers())


def _todo_panel() -> dict:
    evaluation = evaluate_site(now())
    return dict(evaluation=evaluation, todo=evaluation.todo(), **_helpers())


# --------------------------------------------------------------------------------------------- the bureau's


def _group() -> str:
    """`?group=`: a group of the portal, "department" or "county"; anything else is every site."""
    raw = request.args.get("group", "")
    known = {"department", "county"} | {group.key for group in site_groups()}
    return raw if raw in known else ""


@route(bp, "/platform/evaluation", permission="platform.view", host="platform")
def dashboard():
    """Every site ranked by its latest snapshot: score, grade, vetoes, warnings, trend; the grades as a chart."""
    group = _group()
    rows = city_rows(group)
    counts = Counter(row.latest.grade for row in rows if row.latest is not None)
    taken = max((row.latest.as_of for row in rows if row.latest is not None), default=None)
    return render_page("evaluation/dashboard.html", rows=rows, counts=counts, chart=charts.grades_chart(counts),
                       group=group, groups=site_groups(), taken=taken, action_form=ActionForm(formdata=None),
                       waiting=waiting_request(),
                       grade_order=GRADES, **_helpers())


@route(bp, "/platform/evaluation/snapshot", permission="platform.manage", host="platform", methods=("POST",))
def snapshot_now():
    """Ask for a snapshot of every active site now (the monthly job takes one on the 1st): the scheduler takes it
    within a minute, as a whole city takes longer to evaluate than a page may wait."""
    submitted(ActionForm())
    request_snapshots(user=current_user, now=now())
    db.session.commit()
    flash(_("A snapshot of every site is on its way: the scheduler takes it within a minute. Its progress is on "
            "the jobs page."), "success")
    return redirect(url_for("evaluation.dashboard"))


@route(bp, "/platform/evaluation/sites/<int:tenant_id>", permission="platform.view", host="platform")
def drill_down(tenant_id: int):
    """One site's evaluation now, every rule with its evidence (links to the site's pages that fix it), and its
    snapshots over the months."""
    site = get_or_404(Tenant, tenant_id)
    evaluation = evaluate_site_of(site.id, now())
    snapshots = site_history(site.id, 12)
    return render_page("evaluation/drill_down.html", site=site, evaluation=evaluation, snapshots=snapshots,
                       chart=charts.history_chart(snapshots) if snapshots else None, **_helpers(site))


def _download(data: bytes, filename: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


def _stem() -> str:
    group = _group()
    return f"evaluation-{now():%Y-%m-%d}" + (f"-{group}" if group else "")


@route(bp, "/platform/evaluation.csv", permission="platform.view", host="platform")
def export_csv():
    rows = city_rows(_group(), with_results=True)
    return _download(exports.ranking_csv(rows), f"{_stem()}.csv", "text/csv")


@route(bp, "/platform/evaluation.xlsx", permission="platform.view", host="platform")
def export_xlsx():
    rows = city_rows(_group(), with_results=True)
    return _download(exports.ranking_xlsx(rows), f"{_stem()}.xlsx", XLSX_TYPE)


@route(bp, "/platform/evaluation.pdf", permission="platform.view", host="platform")
def export_pdf():
    """The ranking as a printable report (WeasyPrint): the grades, every site, and why each failed site failed."""
    group = _group()
    rows = city_rows(group, with_results=True)
    counts = Counter(row.latest.grade for row in rows if row.latest is not None)
    html = render_page("evaluation/report_pdf.html", rows=rows, counts=counts, grade_order=GRADES, moment=now(),
                       group=next((gr for gr in site_groups() if gr.key == group), None), group_key=group,
                       **_helpers())
    return _download(exports.pdf(html), f"{_stem()}.pdf", "application/pdf")


def _settings_form(values: dict[str, int]):
    """A form with one whole-number field per setting, filled with `values` (the settings in force)."""
    fields = {key: IntegerField(str(setting.label), default=values[key],
                                validators=[InputRequired(), NumberRange(min=setting.minimum, max=setting.maximum)])
              for key, setting in SETTINGS.items()}
    fields["submit"] = SubmitField(_l("Save the settings"))
    return type("EvaluationSettingsForm", (Form,), fields)()


@route(bp, "/platform/evaluation/settings", permission="platform.view", write="platform.manage",
       host="platform", methods=("GET", "POST"))
def settings_page():
    """The thresholds, weights and grade bands in force, with the code's defaults; the bureau changes them."""
    values = current_settings()
    form = _settings_form(values)
    if form.validate_on_submit():
        done, changed = attempt(update_settings, {key: form[key].data for key in SETTINGS}, form=form)
        if done:
            db.session.commit()
            flash(_("%(n)s settings changed; the next evaluation uses them.", n=len(changed)) if changed
                  else _("Nothing changed."), "success")
            return redirect(url_for("evaluation.settings_page"))
    return render_page("evaluation/settings.html", form=form, groups=GROUPS, settings=SETTINGS, defaults=DEFAULTS,
                       weights=sum(values[k] for k in SETTINGS if k.startswith("weight_")), **_helpers())


def init_app(app) -> None:
    app.register_blueprint(bp)
    add_menu_item(app, "site", "evaluation.self_check", _l("Evaluation"), "site.view", order=85)
    add_menu_item(app, "platform", "evaluation.dashboard", _l("Evaluation"), "platform.view", order=45)
    add_panel(app, "site", "evaluation/_todo_panel.html", _todo_panel, "site.view", order=5)
