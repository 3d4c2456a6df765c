"""Search pages: every site's search and the city's (the same page on the portal), the department's view of what
people search for, and the bureau's synonyms with the portal's searches.

The search page is never cached: each search is counted (core.search.statistics), and its results depend on the
moment (an item due now is found now).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Blueprint, abort, current_app, flash, g, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy.exc import SQLAlchemyError

from core.content.labels import POLICY_LEVEL_LABELS, POLICY_STATUS_LABELS
from core.extensions import db, limiter
from core.forms import ActionForm, submitted
from core.i18n import localized
from core.search.forms import SearchForm, SynonymForm
from core.search.models import SynonymGroup
from core.search.operations import add_synonyms, delete_synonyms, update_synonyms
from core.search.queries import MAX_PAGE, Filters, city_search, site_search, synonyms
from core.search.cache import results_cache
from core.search.statistics import count_search, search_counter, term_figures, totals
from core.search.terms import parse
from core.sections.queries import descendants, nav_sections, request_sections
from core.web import add_menu_item, get_or_404, page_number, route
from core.timeutil import now
from core.web.actions import attempt
from core.web.cache import page_key
from core.web.limits import address_key
from tenants.hosts import registry
from themes import render_page, site_url

bp = Blueprint("search", __name__, template_folder="templates")
log = logging.getLogger("govsites.search")

KIND_LABELS = {
    "article": _l("News and articles"),
    "policy": _l("Policies"),
    "filed": _l("Government information disclosure"),
    "service": _l("Services"),
    "letter": _l("Letters and replies"),
}


@dataclass(frozen=True)
class _SiteChoices:
    """The portal's site filter, worked out once per host map and language: the active sites' choices, their
    `<option>`s as HTML (a thousand options cost more to draw than the search they filter), and their ids."""

    sites: tuple
    choices: list
    options: Markup
    ids: tuple[int, ...]
    by_slug: dict


_SITE_CHOICES: dict[str, _SiteChoices] = {}


def _site_choices() -> _SiteChoices:
    sites, language = registry().sites(), str(get_locale())
    kept = _SITE_CHOICES.get(language)
    if kept is None or kept.sites is not sites:
        active = [s for s in sites if not s.is_suspended]
        choices = [("", _("Every site"))] + [(s.slug, localized(s)) for s in active]
        options = Markup("").join(Markup('<option value="{}">{}</option>').format(value, label)
                                  for value, label in choices)
        kept = _SiteChoices(sites, choices, options, tuple(s.id for s in active), {s.slug: s.id for s in active})
        _SITE_CHOICES[language] = kept
    return kept


def site_options(selected: str | None) -> Markup:
    """The site filter's `<option>`s with `selected` (a slug, or "" for every site) marked."""
    options = str(_site_choices().options)
    chosen = str(Markup('<option value="{}">').format(selected or ""))
    return Markup(options.replace(chosen, "<option selected " + chosen[len("<option "):], 1))


def _choices(form: SearchForm, portal: bool) -> None:
    form.kind.choices = [("", _l("Everything"))] + [(k, v) for k, v in KIND_LABELS.items()]
    form.level.choices = [("", _l("Any level"))] + list(POLICY_LEVEL_LABELS.items())
    form.status.choices = [("", _l("In force or repealed"))] + list(POLICY_STATUS_LABELS.items())
    if portal:
        form.site.choices = _site_choices().choices
        form.section.choices = [("", "")]
    else:
        form.section.choices = [("", _l("Every section"))] + [(s.slug, localized(s)) for s in nav_sections()]
        form.site.choices = [("", "")]


def _filters(form: SearchForm, portal: bool) -> Filters:
    section_ids = site_ids = None
    if not portal and form.section.data:
        sections = request_sections()
        chosen = next(s for s in sections if s.slug == form.section.data)
        section_ids = tuple(sorted({chosen.id} | descendants(chosen.id, sections)))
    if portal and form.site.data:
        site_ids = tuple(i for i in [_site_choices().by_slug.get(form.site.data)] if i is not None)
    return Filters(kind=form.kind.data or None, section_ids=section_ids, site_ids=site_ids,
                   since=form.since.data, until=form.until.data, policy_level=form.level.data or None,
                   policy_status=form.status.data or None, issuing_body=form.issuer.data or "",
                   document_number=form.number.data or "")


def hit_url(entry, site=None) -> str:
    """Where a hit's page is: on this site, or on its own site's host (the city's search)."""
    if entry.kind == "service":
        path = url_for("services_guide.item", item_id=entry.ref_id)
    elif entry.kind == "letter":
        path = url_for("interaction_letters.published_one", published_id=entry.ref_id)
    else:
        path = url_for("content.article", article_id=entry.ref_id)
    return site_url(site, path) if site is not None else path


def _count(words: str, found: bool) -> None:
    """Count the search: in the worker's buffer, or (SEARCH_COUNT_SECONDS 0) written at once, when a count that
    cannot be written (the database busy) is dropped, never the visitor's page. No commit otherwise: a commit
    would expire what the page is about to draw (the site's sections, read again one by one)."""
    if search_counter() is not None:
        count_search(words, found)
        return
    try:
        count_search(words, found)
        db.session.commit()
    except SQLAlchemyError as error:
        db.session.rollback()
        log.warning("a search was not counted: %s", type(error).__name__)


def _search_limit() -> str:
    return current_app.config["SEARCH_RATE_LIMIT"]


@route(bp, "/search", permission=None, host="public")
@limiter.limit(_search_limit, key_func=address_key("search"))
def results():
    """Search this site (on a site's host) or every active site (on the city portal)."""
    portal = g.get("host_kind") == "portal"
    form = SearchForm(request.args)
    _choices(form, portal)
    page = page_number()
    if page > MAX_PAGE:
        abort(404)
    valid = form.validate()
    query = parse(form.q.data or "", synonyms()) if valid else parse("")
    if not (valid and form.q.data):
        return _draw(form, None, query, portal)
    # The page as drawn is kept with the results (core.search.cache), under everything it shows: the visitor's
    # language and display mode and the address (page_key), the host map (the sites named), the query's words
    # with their synonyms. A repeated search costs its count and this lookup.
    key = ("page", page_key(), registry().snapshot().version, query.groups)
    drawn, total = results_cache.fetch(key, now(), lambda: _search_page(form, query, portal, page))
    if drawn is None:
        abort(404)  # past the last page
    if page == 1:
        _count(form.q.data, total > 0)
    return drawn


def _search_page(form: SearchForm, query, portal: bool, page: int) -> tuple[str | None, int]:
    """(the page drawn, or None past the last page; how many were found)."""
    filters = _filters(form, portal)
    if portal:
        found = city_search(query, list(_site_choices().ids), filters, page)
    else:
        found = site_search(query, filters, page)
    if page > 1 and page > found.pages:
        return None, found.total
    return _draw(form, found, query, portal), found.total


def _draw(form: SearchForm, found, query, portal: bool) -> str:
    sites = {s.id: s for s in registry().sites()}
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    advanced = any(request.args.get(k) for k in ("since", "until", "level", "status", "issuer", "number"))
    return render_page("search/results.html", form=form, found=found, query=query, portal=portal, sites=sites,
                       kind_labels=KIND_LABELS, level_labels=POLICY_LEVEL_LABELS,
                       status_labels=POLICY_STATUS_LABELS, hit_url=hit_url,
                       args=args, advanced=advanced or form.errors, site_options=site_options)


# --- the department: what people look for ----------------------------------------------------------------

PERIODS = {"30": 30, "365": 365}


@route(bp, "/admin/search/", permission="visits.view")
def site_terms():
    """What the site's visitors searched for in the last 30 days (or year), and what they did not find."""
    days = PERIODS.get(request.args.get("days", "30"))
    if days is None:
        abort(404)
    return render_page("search/admin_terms.html", days=days, popular=term_figures(days),
                       empty=term_figures(days, empty_only=True), totals=totals(days))


# --- the bureau: synonyms, the portal's searches -------------------------------------------------------------

@route(bp, "/platform/search/", permission="platform.view", write="platform.manage", host="platform",
       methods=("GET", "POST"))
def platform_search():
    """The synonym groups (add one here), and what the city portal's visitors searched for."""
    form = SynonymForm()
    if form.validate_on_submit():
        ok, _result = attempt(add_synonyms, form.words.data, form=form)
        if ok:
            db.session.commit()
            flash(_("The synonyms were added: a search for one of them now finds the others."), "success")
            return redirect(url_for("search.platform_search"))
    groups = db.session.execute(db.select(SynonymGroup).order_by(SynonymGroup.words)).scalars().all()
    days = PERIODS.get(request.args.get("days", "30"))
    if days is None:
        abort(404)
    return render_page("search/platform.html", form=form, groups=groups, delete_form=ActionForm(), days=days,
                       popular=term_figures(days, portal=True), empty=term_figures(days, empty_only=True, portal=True),
                       totals=totals(days, portal=True))


@route(bp, "/platform/search/synonyms/<int:group_id>", permission="platform.view", write="platform.manage",
       host="platform", methods=("GET", "POST"))
def synonym_group(group_id: int):
    """Change a synonym group's words."""
    group = get_or_404(SynonymGroup, group_id)
    form = SynonymForm(data={"words": " ".join(group.words.split())}) if request.method == "GET" else SynonymForm()
    if form.validate_on_submit():
        ok, changed = attempt(update_synonyms, group, form.words.data, form=form)
        if ok:
            db.session.commit()
            flash(_("The synonyms were saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("search.platform_search"))
    return render_page("search/synonym_edit.html", form=form, group=group)


@route(bp, "/platform/search/synonyms/<int:group_id>/delete", permission="platform.manage", host="platform",
       methods=("POST",))
def synonym_delete(group_id: int):
    group = get_or_404(SynonymGroup, group_id)
    submitted(ActionForm())
    delete_synonyms(group)
    db.session.commit()
    flash(_("The synonyms were removed."), "success")
    return redirect(url_for("search.platform_search"))


def init_app(app) -> None:
    app.register_blueprint(bp)
    add_menu_item(app, "site", "search.site_terms", _l("Searches"), "visits.view", order=50)
    add_menu_item(app, "platform", "search.platform_search", _l("Search"), "platform.view", order=58)
