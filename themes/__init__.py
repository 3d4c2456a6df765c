"""The unified theme and its variants: look only, no domain logic.

The layout templates live at `themes/<theme>/templates/<name>`; the Jinja
loader is rooted at `themes/`, so a theme is part of every template's *name*
and Jinja's cache can never serve one site's variant to another. A variant
overrides only the templates it needs and falls back to `default` for the
rest. A module's own templates live in its package
(`core/<module>/templates/<module>/...`, found through its blueprint) and are
asked for last: a theme may override any of them by the same name.
"""
from __future__ import annotations

import hashlib
from datetime import datetime
from types import SimpleNamespace
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, g, redirect, render_template, request, send_from_directory

from core.i18n import safe_next
from core.web.elder import ELDER_COOKIE, ELDER_ON, elder_mode
from core.web.routes import route
from tenants.hosts import public_origin
from themes.kept import KeptPart
from tenants.models import BANNERS, PALETTE

THEMES_DIR = Path(__file__).resolve().parent
THEMES = ("default", "county")
#: Third-party files built from the npm registry by scripts/bootstrap (themes/vendor/; never committed).
VENDOR_DIR = THEMES_DIR / "vendor" / "build"
#: The only files /_vendor/ serves: the article editor's bundle and the licences of what is in it.
VENDOR_FILES = frozenset({"tiptap.js", "tiptap.LICENSES.txt"})
bp = Blueprint("themes", __name__)


def current_theme() -> str:
    site = g.get("site")
    return site.theme if site is not None else "default"


def chain(name: str) -> list[str]:
    """Template names for `name`: the current theme's, then the default's, then the module's own."""
    theme = current_theme()
    names = [f"{theme}/templates/{name}"]
    if theme != "default":
        names.append(f"default/templates/{name}")
    names.append(name)
    return names


def site_url(site, path: str = "/") -> str:
    """An absolute link to a site's primary host, on the configured scheme and port (never the request's)."""
    return f"{public_origin(site.primary_domain)}{path}"


def portal_url() -> str:
    """The city portal's address, as `site_url` writes it."""
    return f"{public_origin(current_app.config['BASE_DOMAIN'])}/"


def console_url(path: str = "/") -> str:
    """An absolute link to the information bureau's console, as `site_url` writes it."""
    config = current_app.config
    return f"{public_origin(config['PLATFORM_HOST_LABEL'] + '.' + config['BASE_DOMAIN'])}{path}"


def format_date(value) -> str:
    """Dates as Chinese government sites print them: 2026-11-27 (a `date` or a `datetime`; "" for None).

    `isoformat` of the day rather than `strftime`: the same text, at a fifth of the cost, on lists of fifty."""
    if not value:
        return ""
    return (value.date() if isinstance(value, datetime) else value).isoformat()


def resolved(name: str) -> str:
    """The name of the template `chain(name)` finds first for the current theme.

    Found once per theme and name, then remembered (in the app; not when templates reload, as in debug): each
    miss along the chain asks every blueprint's template folder (a file system look each), about two hundred
    of them for a page's layout, parts and macros — more than half a cold page's time before this."""
    environment = current_app.jinja_env
    key = (current_theme(), name)
    known = current_app.extensions.setdefault("govsites.themed_names", {})
    found = known.get(key)
    if found is None:
        found = environment.select_template(chain(name)).name
        if not environment.auto_reload:
            known[key] = found
    return found


def themed_template(name: str):
    """The current theme's template object for `name`, for `extends` and `include`."""
    return current_app.jinja_env.get_template(resolved(name))


def render_page(name: str, **context) -> str:
    return render_template(resolved(name), **context)


@route(bp, "/_themes/<theme>/<path:filename>", permission=None, host="all")
def theme_file(theme: str, filename: str):
    if theme not in THEMES:
        abort(404)
    return send_from_directory(THEMES_DIR / theme / "static", filename, max_age=7 * 24 * 3600)


@route(bp, "/favicon.ico", permission=None, host="all")
def favicon():
    """Clients that ask for /favicon.ico without reading the page get the platform's emblem."""
    return redirect(current_app.jinja_env.globals["asset"]("default", "emblem.svg"), 301)


@route(bp, "/_vendor/<path:filename>", permission=None, host="all")
def vendor_file(filename: str):
    """A built third-party file; the URL carries its content hash (`vendor_asset`), so it is cached long."""
    if filename not in VENDOR_FILES:
        abort(404)
    return send_from_directory(VENDOR_DIR, filename, max_age=365 * 24 * 3600)


#: How long the elder-friendly mode is remembered: a visitor who needs it should not have to ask each visit.
ELDER_COOKIE_SECONDS = 365 * 24 * 3600


@route(bp, "/elder-mode/<state>", permission=None, host="public")
def switch_elder_mode(state: str):
    """Turn the elder-friendly mode (关怀版) on or off, then go back to the page the visitor was on.

    A plain link (no script, no form to post): `state` is "on" or "off" (anything else: 404); `next` is
    followed only when it is a local path (`core.i18n.safe_next`), so the switch is no open redirect.
    The cookie is what the layout and the page cache read (`core.web.elder`).
    """
    if state not in ("on", "off"):
        abort(404)
    response = redirect(safe_next(request.args.get("next")))
    secure = current_app.config["SESSION_COOKIE_SECURE"]
    if state == "on":
        response.set_cookie(ELDER_COOKIE, ELDER_ON, max_age=ELDER_COOKIE_SECONDS, samesite="Lax", httponly=True,
                            secure=secure)
    else:
        response.delete_cookie(ELDER_COOKIE, samesite="Lax", httponly=True, secure=secure)
    return response


_vendor_versions: dict[tuple, str] = {}


def vendor_asset(filename: str) -> str:
    """The cache-busted URL of a file in VENDOR_FILES (re-hashed when bootstrap rebuilds it)."""
    try:
        stat = (VENDOR_DIR / filename).stat()
    except FileNotFoundError:
        return f"/_vendor/{filename}?v=0"
    key = (filename, stat.st_mtime_ns, stat.st_size)
    if key not in _vendor_versions:
        _vendor_versions[key] = hashlib.sha256((VENDOR_DIR / filename).read_bytes()).hexdigest()[:10]
    return f"/_vendor/{filename}?v={_vendor_versions[key]}"


def _asset_versions() -> dict[str, str]:
    """A short content hash per static file, so a changed file gets a new URL."""
    versions = {}
    for theme in THEMES:
        for path in (THEMES_DIR / theme / "static").rglob("*"):
            if path.is_file():
                rel = f"{theme}/{path.relative_to(THEMES_DIR / theme / 'static').as_posix()}"
                versions[rel] = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    return versions


def init_app(app: Flask) -> None:
    versions = _asset_versions()

    def asset(theme: str, filename: str) -> str:
        return f"/_themes/{theme}/{filename}?v={versions.get(f'{theme}/{filename}', '0')}"

    app.register_blueprint(bp)
    app.jinja_env.add_extension(KeptPart)
    from core.i18n import localized
    from tenants.catalog import city

    city_footer = SimpleNamespace(**city())

    def localized_city(field: str) -> str:
        return localized(city_footer, field)

    app.jinja_env.globals.update(theme_chain=themed_template, asset=asset, vendor_asset=vendor_asset,
                                 elder_mode=elder_mode, PALETTE=PALETTE, BANNERS=BANNERS,
                                 site_url=site_url, city=city, portal_url=portal_url, console_url=console_url,
                                 city_footer=lambda: city_footer, localized_city=localized_city,
                                 portal_mourning=lambda: current_app.extensions["govsites.hosts"].portal_mourning())
    app.context_processor(lambda: {"site": g.get("site")})
    app.jinja_env.filters["date"] = format_date
    # A method call in a template goes through Jinja's checks for each call; a filter is called directly: the
    # lists of items (fifty on a homepage) use these.
    app.jinja_env.filters["isoformat"] = lambda value: value.isoformat() if value else ""
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
