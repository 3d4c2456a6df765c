"""The audit log's pages: a site's own log (its administrator) and any log from the console."""
from __future__ import annotations

from flask import Blueprint, has_request_context, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.audit.describe import GROUPS
from core.audit.queries import log_of_site, platform_log, site_log
from core.extensions import db
from core.web import add_menu_item, get_or_404, int_arg, page_number, route
from tenants.models import Tenant
from themes import render_page

bp = Blueprint("audit", __name__, template_folder="templates")
PER_PAGE = 50


@route(bp, "/admin/audit/", permission="site.audit.view")
def index():
    action = request.args.get("action", "").strip()
    pagination = db.paginate(site_log(action), page=page_number(), per_page=PER_PAGE, error_out=False)
    return render_page("audit/index.html", pagination=pagination, action=action, groups=GROUPS)


@route(bp, "/platform/audit", permission="platform.view", host="platform")
def platform_index():
    """The platform's log, or one site's (`?site=<id>`)."""
    page = page_number()
    action = request.args.get("action", "").strip()
    site_id = int_arg("site")
    tenant = get_or_404(Tenant, site_id) if site_id is not None else None
    query = log_of_site(tenant.id, action) if tenant is not None else platform_log(action)
    pagination = db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)
    sites = db.session.execute(select(Tenant).order_by(Tenant.slug)).scalars().all()
    return render_page("audit/platform_index.html", pagination=pagination, action=action, tenant=tenant,
                       sites=sites, groups=GROUPS)


@bp.url_defaults
def _keep_audit_site(endpoint: str, values: dict) -> None:
    """The audit pager (audit/_table.html) links to the next page: keep the site being read."""
    if endpoint == "audit.platform_index" and "page" in values and "site" not in values \
            and has_request_context() and request.args.get("site"):
        values["site"] = request.args["site"]


def init_app(app) -> None:
    app.register_blueprint(bp)
    add_menu_item(app, "site", "audit.index", _l("Audit log"), "site.audit.view", order=90)
    add_menu_item(app, "platform", "audit.platform_index", _l("Audit log"), "platform.view", order=70)
