"""Error pages: themed on a known host, plain anywhere else; a refused operation of a role is a 403."""
from __future__ import annotations

from flask import Flask, Response, g
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from core.extensions import db
from core.operations import OperationForbidden
from core.web.routes import UnreadableAddress
from tenants.hosts import SiteSuspended


def _themed(status: int, template: str | None = None, headers: dict | None = None):
    if g.get("host_kind") not in ("site", "portal", "platform"):
        return Response("Not Found" if status == 404 else "Error", status=status, mimetype="text/plain")
    from themes import render_page

    try:
        return render_page(template or f"errors/{status}.html"), status, headers or {}
    except Exception:  # the theme itself failed: still answer, plainly
        return Response("Error", status=status, mimetype="text/plain")


def init_app(app: Flask) -> None:
    for status in (403, 404, 413, 429):
        app.register_error_handler(status, lambda _error, status=status: _themed(status))

    @app.errorhandler(UnreadableAddress)
    def unreadable(_error: HTTPException):
        return _themed(400)

    @app.errorhandler(CSRFError)
    def form_expired(_error: CSRFError):
        """A form without its token, or with an expired one: say so in words, not Flask-WTF's English."""
        return _themed(400, "errors/form_expired.html")

    @app.errorhandler(SiteSuspended)
    def suspended(error: HTTPException):
        return _themed(503, "maintenance.html", dict(error.get_headers()))

    @app.errorhandler(OperationForbidden)
    def forbidden_operation(_error: OperationForbidden):
        db.session.rollback()
        return _themed(403)

    @app.errorhandler(500)
    def server_error(_error):
        db.session.rollback()
        return _themed(500)
