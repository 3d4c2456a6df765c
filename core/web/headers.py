"""Security headers on every response (Flask-Talisman): what the browser may load, frame and send on.

Scripts come only from the platform's own hosts (no inline script: the
article editor and its bundle are files); styles may be inline (a site's
accent colour is one CSS variable in the page); images may come from
elsewhere (articles imported from old sites link theirs). No page may be
framed, by anyone: the admin login cannot be overlaid by a foreign page.
HTTPS is not forced here: the reverse proxy in front decides that, and HSTS
is sent only on HTTPS responses.
"""
from __future__ import annotations

from flask import Flask
from flask_talisman import Talisman

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "https:", "http:"],
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

talisman = Talisman()


def init_app(app: Flask) -> None:
    talisman.init_app(
        app,
        force_https=False,
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        x_content_type_options=True,
        strict_transport_security=True,
        strict_transport_security_include_subdomains=False,  # a site's aliases may live under other domains
        session_cookie_secure=bool(app.config["SESSION_COOKIE_SECURE"]),
    )
