"""The security pages: a site's findings on its admin, every site's and the platform's on the console, and the
bureau's word lists and allowed hosts."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core.auth.permissions import can
from core.extensions import db
from core.security.forms import AcceptForm, HostsForm, WordsForm
from core.security.labels import SEVERITY_LABELS, STATE_FILTER_LABELS, STATE_LABELS, rule_title
from core.security.masking import object_shown
from core.security.models import REPORTED, PlatformSecurityFinding, SecurityFinding
from core.security.operations import accept_finding, save_allowed_hosts, save_word_lists
from core.inbox.links import site_url
from core.security.queries import (STATE_FILTERS, city_findings, home_panel, platform_counts, platform_findings,
                                   platform_panel, rules_found, site_counts, site_finding, site_findings)
from core.security.registry import CHECKS, SEVERITIES, describe, excerpts
from core.security.words import hosts_as_text, words_as_text
from core.timeutil import now
from core.web import add_menu_item, add_panel, get_or_404, int_arg, page_number, route
from core.web.actions import attempt
from themes import render_page

bp = Blueprint("security", __name__, template_folder="templates")
PER_PAGE = 50


def _state() -> str:
    state = request.args.get("state", "reported")
    return state if state in STATE_FILTERS else "reported"


def _page_helpers() -> dict:
    """What the templates word a finding with."""
    return {"rule_title": rule_title, "severity_labels": SEVERITY_LABELS, "state_labels": STATE_LABELS,
            "state_filter_labels": STATE_FILTER_LABELS, "describe": describe, "excerpts": excerpts,
            "checks": CHECKS, "shown": lambda finding: object_shown(finding, current_user),
            "severities": SEVERITIES, "reported": REPORTED}


@route(bp, "/admin/security/", permission="site.view")
def index():
    """The site's findings: what is reported now by default, or those of one state."""
    state = _state()
    rule = request.args.get("rule", "")
    severity = request.args.get("severity", "")
    pagination = db.paginate(site_findings(state, rule, severity), page=page_number(), per_page=PER_PAGE,
                             error_out=False)
    return render_page("security/index.html", pagination=pagination, rows=[(f, None) for f in pagination.items],
                       state=state, rule=rule, severity=severity, counts=site_counts(), rules=rules_found(),
                       **_page_helpers())


def _accept(found, form: AcceptForm, back: str):
    done, _ = attempt(accept_finding, found, actor=current_user, reason=form.reason.data or "", now=now(), form=form)
    if done:
        db.session.commit()
        flash(str(_l("The finding is accepted: it is no longer reported while it persists.")), "success")
        return redirect(back)
    return None


@route(bp, "/admin/security/<int:finding_id>", permission="site.view", write="site.security.manage",
       methods=("GET", "POST"))
def finding(finding_id: int):
    """One finding of the site: what, where, how to fix it; accepting it with a reason."""
    found = get_or_404(SecurityFinding, finding_id)
    form = AcceptForm()
    if form.validate_on_submit():
        answer = _accept(found, form, url_for("security.finding", finding_id=found.id))
        if answer is not None:
            return answer
    return render_page("security/finding.html", finding=found, form=form,
                       may_accept=can(current_user, "site.security.manage"), back=url_for("security.index"),
                       fix_link=found.link, finding_site=None, **_page_helpers())


@route(bp, "/platform/security", permission="platform.view", host="platform")
def platform_index():
    """Every site's findings with counts per site, filtered by site, rule, severity and state; the platform's."""
    site_id = int_arg("site")
    state = _state()
    rule = request.args.get("rule", "")
    severity = request.args.get("severity", "")
    page = page_number()
    report = city_findings(site_id=site_id, rule=rule, severity=severity if severity in SEVERITIES else "",
                           state=state, page=page, per_page=PER_PAGE)
    platform = db.session.execute(platform_findings(state)).scalars().all()
    return render_page("security/platform_index.html", report=report, platform=platform, site_id=site_id,
                       state=state, rule=rule, severity=severity, platform_counts=platform_counts(),
                       **_page_helpers())


@route(bp, "/platform/security/findings/<int:finding_id>", permission="platform.view", write="platform.manage",
       host="platform", methods=("GET", "POST"))
def platform_finding(finding_id: int):
    """One of the platform's own findings; accepting it with a reason."""
    found = get_or_404(PlatformSecurityFinding, finding_id)
    form = AcceptForm()
    if form.validate_on_submit():
        answer = _accept(found, form, url_for("security.platform_finding", finding_id=found.id))
        if answer is not None:
            return answer
    return render_page("security/finding.html", finding=found, form=form,
                       may_accept=can(current_user, "platform.manage"), back=url_for("security.platform_index"),
                       fix_link=found.link, finding_site=None, **_page_helpers())


@route(bp, "/platform/security/site-findings/<int:site_finding_id>", permission="platform.view", host="platform")
def platform_site_finding(site_finding_id: int):
    """A site's finding as the bureau reads it: what, where, the text around each hit, how the site fixes it.
    Accepting it is the site's (read only here)."""
    found = site_finding(site_finding_id)
    if found is None:
        abort(404)
    finding, site = found
    return render_page("security/finding.html", finding=finding, form=None, may_accept=False,
                       back=url_for("security.platform_index", site=site.id),
                       fix_link=site_url(site, finding.link) if finding.link else "", finding_site=site,
                       **_page_helpers())


@route(bp, "/platform/security/words", permission="platform.view", write="platform.manage", host="platform",
       methods=("GET", "POST"))
def platform_words():
    """The forbidden words and the wrong official expressions every site's published items are checked for."""
    form = WordsForm()
    if form.validate_on_submit():
        done, _ = attempt(save_word_lists, form.forbidden.data or "", form.wrong.data or "", form=form)
        if done:
            db.session.commit()
            flash(str(_l("The word lists are saved: the next daily check reads them.")), "success")
            return redirect(url_for("security.platform_words"))
    elif request.method == "GET":
        form.forbidden.data, form.wrong.data = words_as_text()
    return render_page("security/words.html", form=form)


@route(bp, "/platform/security/hosts", permission="platform.view", write="platform.manage", host="platform",
       methods=("GET", "POST"))
def platform_hosts():
    """The outside hosts published items may link to; a link to any other is a finding."""
    form = HostsForm()
    if form.validate_on_submit():
        done, _ = attempt(save_allowed_hosts, form.hosts.data or "", form=form)
        if done:
            db.session.commit()
            flash(str(_l("The allowed hosts are saved: the next daily check reads them.")), "success")
            return redirect(url_for("security.platform_hosts"))
    elif request.method == "GET":
        form.hosts.data = hosts_as_text()
    return render_page("security/hosts.html", form=form)


def _home_panel() -> dict:
    return {**home_panel(), **_page_helpers()}


def _platform_panel() -> dict:
    return {**platform_panel(), **_page_helpers()}


def init_app(app) -> None:
    app.register_blueprint(bp)
    add_menu_item(app, "site", "security.index", _l("Security checks"), "site.view", order=85)
    add_menu_item(app, "platform", "security.platform_index", _l("Security checks"), "platform.view", order=65)
    add_panel(app, "site", "security/_home_panel.html", _home_panel, "site.view", order=12)
    add_panel(app, "platform", "security/_platform_panel.html", _platform_panel, "platform.view", order=25)

