"""A site's audit log, newest first, for its administrator and the platform."""
from __future__ import annotations

from flask import Blueprint, abort, request
from sqlalchemy import select

from core.audit.models import AuditEntry
from core.auth.guard import route
from core.extensions import db
from themes import render_page

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")
PER_PAGE = 50


@route(bp, "/", permission="site.audit.view")
def index():
    raw = request.args.get("page", "1")
    if not raw.isdigit() or int(raw) < 1:
        abort(404)
    action = request.args.get("action", "").strip()
    query = select(AuditEntry)
    if action:
        query = query.where(AuditEntry.action.startswith(action))
    pagination = db.paginate(query.order_by(AuditEntry.id.desc()), page=int(raw), per_page=PER_PAGE, error_out=False)
    return render_page("audit/index.html", pagination=pagination, action=action)


def init_app(app) -> None:
    app.register_blueprint(bp)
