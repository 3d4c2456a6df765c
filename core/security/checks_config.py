"""Checks of the deployment's configuration: the secret key, debug mode, cookies, security headers, folders.

The headers are read from real responses: the check asks the app itself
(its test client, no network) for a site's home page and the console's
sign-in page, on their own hosts, so what it reports is what browsers get
from this code and this configuration (core.web.headers, Flask-Talisman). A
proxy in front may add or strip headers; it is not seen from here.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.extensions import db
from core.security.registry import CheckContext, Found, check
from tenants.models import Tenant
from tenants.provisioning import upload_folder

#: Secret keys found in examples, tutorials and test set-ups: a key anyone may know.
KNOWN_KEYS = {"dev", "development", "test", "testing", "test-secret", "secret", "secret-key", "secret_key",
              "change-me", "changeme", "change_me", "please-change-me", "your-secret-key", "default", "x",
              "insecure", "flask", "govsites"}
MIN_KEY_LENGTH = 32


@check(key="config.secret_key", scope="platform", severity="high",
       title=_l("A secret key that is short or known"),
       fix=_l("Remove SECRET_KEY from the configuration (the platform then generates a long random one in "
              "instance/secret_key) or set a random value of at least 32 characters. Everyone has to sign in "
              "again afterwards."),
       details={"known": _l("The key is one that examples and test set-ups use."),
                "short": _l("The key is %(length)s characters long; at least %(minimum)s are needed.")})
def secret_key(ctx: CheckContext):
    """SECRET_KEY (which signs sessions and form tokens) shorter than 32 characters or a well-known value."""
    key = str(current_app.config.get("SECRET_KEY") or "")
    if key.strip().lower() in KNOWN_KEYS:
        yield Found("setting:SECRET_KEY", "SECRET_KEY", says="known")
    elif len(key) < MIN_KEY_LENGTH:
        yield Found("setting:SECRET_KEY", "SECRET_KEY", says="short",
                    values={"length": len(key), "minimum": MIN_KEY_LENGTH})


@check(key="config.debug", scope="platform", severity="high",
       title=_l("Debug mode on"),
       fix=_l("Turn debug mode off (remove DEBUG from instance/config.py and FLASK_DEBUG from the environment) and "
              "restart: in debug mode an error page can show the code and the configuration."),
       details=_l("The application runs with debug mode on."))
def debug(ctx: CheckContext):
    """The app (or its configuration) in debug mode."""
    if current_app.debug or current_app.config.get("DEBUG"):
        yield Found("setting:DEBUG", "DEBUG")


@check(key="config.insecure_cookie", scope="platform", severity="medium",
       title=_l("Session cookies not limited to HTTPS"),
       fix=_l("Set SESSION_COOKIE_SECURE = True: the platform writes https links, so a browser should never send "
              "the login cookie over plain http."),
       details=_l("Links are written with https, but the session cookie may be sent over http."))
def insecure_cookie(ctx: CheckContext):
    """PREFERRED_URL_SCHEME is https (the platform is served behind TLS) while SESSION_COOKIE_SECURE is off."""
    config = current_app.config
    if config["PREFERRED_URL_SCHEME"] == "https" and not config.get("SESSION_COOKIE_SECURE"):
        yield Found("setting:SESSION_COOKIE_SECURE", "SESSION_COOKIE_SECURE")


def _frame_protected(headers) -> bool:
    csp = headers.get("Content-Security-Policy", "")
    return bool(headers.get("X-Frame-Options")) or "frame-ancestors" in csp


#: (header, whether a response's headers carry it as needed), checked on every page read.
REQUIRED_HEADERS = (
    ("Content-Security-Policy", lambda h: bool(h.get("Content-Security-Policy"))),
    ("X-Content-Type-Options", lambda h: h.get("X-Content-Type-Options", "").lower() == "nosniff"),
    ("X-Frame-Options", _frame_protected),
    ("Referrer-Policy", lambda h: bool(h.get("Referrer-Policy"))),
)
HSTS = ("Strict-Transport-Security", lambda h: bool(h.get("Strict-Transport-Security")))


def probe_pages() -> list[tuple[str, str, str]]:
    """(kind of host, host, path) of the pages the headers are read from: an active site's home page (the
    first by slug) and the console's sign-in page."""
    config = current_app.config
    pages = []
    site = db.session.execute(select(Tenant).where(Tenant.status == "active").order_by(Tenant.slug)
                              .limit(1)).scalar_one_or_none()
    if site is not None and site.primary_domain:
        pages.append(("site", site.primary_domain, "/"))
    pages.append(("platform", f"{config['PLATFORM_HOST_LABEL']}.{config['BASE_DOMAIN']}", "/admin/login"))
    return pages


def response_headers(host: str, path: str, *, https: bool):
    """The headers of the app's answer to GET `path` on `host`, asked through its test client (no network),
    in an app context of its own (the request does not touch the run's database session)."""
    app = current_app._get_current_object()
    with app.app_context():
        client = app.test_client()
        response = client.get(path, base_url=f"{'https' if https else 'http'}://{host}")
        headers = response.headers.copy()
        response.close()
    return headers


@check(key="config.security_headers", scope="platform", severity="medium",
       title=_l("Security headers missing"),
       fix=_l("The platform sets these headers itself (core/web/headers.py): a missing one means the code or a "
              "setting changed. Restore it, and check the proxy in front does not remove it."),
       details={"site": _l("A site's page (%(path)s) is answered without the header %(header)s."),
                "platform": _l("The console's page %(path)s is answered without the header %(header)s.")})
def security_headers(ctx: CheckContext):
    """A response of a site's page or of the console without Content-Security-Policy,
    X-Content-Type-Options: nosniff, X-Frame-Options (or a frame-ancestors policy), Referrer-Policy, and, when
    the platform is served over https, Strict-Transport-Security."""
    https = current_app.config["PREFERRED_URL_SCHEME"] == "https"
    required = REQUIRED_HEADERS + ((HSTS,) if https else ())
    for kind, host, path in probe_pages():
        headers = response_headers(host, path, https=https)
        for name, present in required:
            if not present(headers):
                yield Found(f"header:{kind}:{name}", name, says=kind, values={"path": path, "header": name})


@check(key="config.upload_folder_writable", scope="platform", severity="high",
       title=_l("Upload folders anyone on the server may write to"),
       fix=_l("Take write permission away from others: chmod o-w on the folder. Only the account the platform "
              "runs as should write there."),
       details=_l("Its permissions are %(mode)s: every account on the server may put files in it."))
def upload_folder_writable(ctx: CheckContext):
    """UPLOAD_FOLDER, or a site's folder in it, writable by every account on the server (mode o+w)."""
    root = Path(current_app.config["UPLOAD_FOLDER"])
    folders = [root]
    site_ids = db.session.execute(select(Tenant.id).order_by(Tenant.id)).scalars()
    folders += [upload_folder(site_id) for site_id in site_ids]
    for folder in folders:
        try:
            mode = os.stat(folder).st_mode
        except OSError:
            continue
        if stat.S_ISDIR(mode) and mode & stat.S_IWOTH:
            yield Found(f"folder:{folder}"[:200], str(folder), values={"mode": stat.filemode(mode)})
