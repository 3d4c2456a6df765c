"""Coverage of the disclosure categories: each site's admin page (for every category of the platform's list, how
many items it shows and the newest one's date, empty ones flagged), and the bureau's matrix of sites × categories,
with the municipal policies that lack an interpretation."""
from __future__ import annotations

from flask import Blueprint, g
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.disclosure.column import PAGE_SLUGS
from core.disclosure.column_parts import column_section
from core.disclosure.defaults import REPORTS_SLUG
from core.disclosure.index_numbers import fallback_prefix
from core.disclosure.queries import disclosure_categories
from core.disclosure.queries_catalogue import (active_sites, city_coverage, city_policies_lacking_interpretation,
                                               city_policy_counts, city_unfiled_counts, coverage,
                                               policies_lacking_interpretation, provisional_numbers,
                                               unfiled_in_column)
from core.extensions import db
from core.forms import ActionForm
from core.sections.queries import site_sections
from core.web import add_menu_item, route
from tenants.models import Tenant
from themes import render_page

bp = Blueprint("disclosure_coverage", __name__, template_folder="templates")


@route(bp, "/admin/disclosure/", permission="site.view")
def site_overview():
    """The site's disclosure column at a glance: coverage of every category, its pages, what still lacks."""
    sections = site_sections()
    tenant = db.session.execute(select(Tenant).where(Tenant.id == g.site.id)).scalar_one()
    rows = coverage(disclosure_categories())
    return render_page("disclosure/site_overview.html", rows=rows, empty=[r for r in rows if r.empty],
                       column=column_section(sections), tenant=tenant,
                       pages=[s for s in sections if s.slug in PAGE_SLUGS and s.kind == "single_page"],
                       reports=next((s for s in sections if s.slug == REPORTS_SLUG), None),
                       lacking=policies_lacking_interpretation(), unfiled=unfiled_in_column(),
                       provisional=provisional_numbers(tenant.slug), fallback=fallback_prefix(tenant.slug),
                       action_form=ActionForm(formdata=None))


@route(bp, "/platform/disclosure/coverage", permission="platform.view", host="platform")
def platform_coverage():
    """The bureau's matrix: every active site × every category, counts and the newest item's date, empty cells
    flagged; the sites whose column holds public items not filed."""
    categories = disclosure_categories()
    sites = active_sites()
    matrix = city_coverage()
    gaps = {site.id: sum(1 for c in categories if c.id not in matrix.get(site.id, {})) for site in sites}
    return render_page("disclosure/platform_coverage.html", categories=categories, sites=sites, matrix=matrix,
                       gaps=gaps, complete=sum(1 for site in sites if not gaps[site.id]), unfiled=city_unfiled_counts())


@route(bp, "/platform/disclosure/interpretations", permission="platform.view", host="platform")
def platform_interpretations():
    """Which municipal policies of each site have no published interpretation (政策解读)."""
    lacking = city_policies_lacking_interpretation()
    counts = city_policy_counts()
    sites = [site for site in active_sites() if counts.get(site.id)]
    return render_page("disclosure/platform_interpretations.html", sites=sites, lacking=lacking, counts=counts)


def init_app(app) -> None:
    app.register_blueprint(bp)
    add_menu_item(app, "site", "disclosure_coverage.site_overview", _l("Government information disclosure"),
                  "site.view", order=45)
    add_menu_item(app, "platform", "disclosure_coverage.platform_coverage", _l("Disclosure coverage"),
                  "platform.view", order=32)
    add_menu_item(app, "platform", "disclosure_coverage.platform_interpretations", _l("Policy interpretation"),
                  "platform.view", order=33)
