"""Themed error pages on a known host; a plain answer anywhere else."""
from __future__ import annotations

from flask import Flask, Response, g
from werkzeug.exceptions import HTTPException

from core.extensions import db


def _themed(status: int):
    if g.get("host_kind") not in ("site", "portal", "platform"):
        return Response("Not Found" if status == 404 else "Error", status=status, mimetype="text/plain")
    from themes import render_page

    try:
        return render_page(f"errors/{status}.html"), status
    except Exception:  # the theme itself failed: still answer, plainly
        return Response("Error", status=status, mimetype="text/plain")


def init_app(app: Flask) -> None:
    @app.errorhandler(403)
    def forbidden(_error: HTTPException):
        return _themed(403)

    @app.errorhandler(413)
    def too_large(_error: HTTPException):
        return _themed(413)

    @app.errorhandler(429)
    def too_many(_error: HTTPException):
        return _themed(429)

    @app.errorhandler(404)
    def not_found(_error: HTTPException):
        return _themed(404)

    @app.errorhandler(500)
    def server_error(_error):
        db.session.rollback()
        return _themed(500)
