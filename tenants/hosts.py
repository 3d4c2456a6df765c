"""Resolve each request's Host header to the portal, the platform or one site."""
from __future__ import annotations

import re
from urllib.parse import quote

from flask import Flask, Response, current_app, g, redirect, request
from werkzeug.exceptions import HTTPException

from tenants.registry import HostRegistry, SiteInfo
from tenants.scoping import crosses_tenants, enter_tenant, leave_tenant

_HOSTNAME = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$")
_PORT = re.compile(r"^[0-9]{1,5}$")

#: Paths a suspended site still answers: its admin area stays reachable (with
#: the editor's script), and the theme's files and the tab's icon are needed by the maintenance page itself.
SUSPENSION_EXEMPT_PREFIXES = ("/admin", "/_themes/", "/_vendor/", "/favicon.ico")


class SiteSuspended(HTTPException):
    """A suspended site's public page: 503; the error pages (`core.errors`) draw the maintenance page."""

    code = 503
    description = "This site is temporarily closed for maintenance."

    def get_headers(self, environ=None, scope=None):
        return [*super().get_headers(environ, scope), ("Retry-After", "3600")]


def is_valid_hostname(hostname: str) -> bool:
    return bool(_HOSTNAME.match(hostname))


def split_host(raw: str) -> tuple[str, str] | None:
    """Split a Host header into (lower-case hostname, port or ''); None if malformed."""
    raw = raw.strip()
    if not raw or len(raw) > 260:
        return None
    hostname, _, port = raw.rpartition(":") if ":" in raw else (raw, "", "")
    if port and not _PORT.match(port):
        return None
    hostname = hostname.lower().rstrip(".")
    if not is_valid_hostname(hostname):
        return None
    return hostname, port


def registry() -> HostRegistry:
    return current_app.extensions["govsites.hosts"]


def current_site() -> SiteInfo:
    """Return the site this request is for.

    :raises LookupError: on the portal or platform host, so that code meant
        for a site cannot run there by accident.
    """
    site = g.get("site")
    if site is None:
        raise LookupError("this request is not for a site")
    return site


def public_origin(hostname: str) -> str:
    """The origin the platform writes in a link to `hostname`: the configured scheme and public port.

    Never the request's: a Host header's port or an X-Forwarded-Proto of one
    request must not reach a link that a cached page or a redirect shows to others.
    """
    scheme, port = current_app.config["PREFERRED_URL_SCHEME"], current_app.config["PUBLIC_PORT"]
    default = {"http": "80", "https": "443"}.get(scheme)
    return f"{scheme}://{hostname}:{port}" if port and port != default else f"{scheme}://{hostname}"


def request_host_kind() -> str | None:
    """The kind of host the request is for: "site", "portal" or "platform"; None for a host the city does not
    serve (or a malformed Host header, or www.).

    Once `resolve_request` has run it is what it found; before that (an error met in a hook that runs first: the
    rate limiter's) it is read from the Host header and the host map alone, entering no site.
    """
    if g.get("host_kind"):
        return g.host_kind
    parts = split_host(request.environ.get("HTTP_HOST") or request.environ.get("SERVER_NAME", ""))
    if parts is None:
        return None
    hostname, base = parts[0], current_app.config["BASE_DOMAIN"]
    if hostname == base:
        return "portal"
    if hostname == f"{current_app.config['PLATFORM_HOST_LABEL']}.{base}":
        return "platform"
    return "site" if registry().resolve(hostname) is not None else None


def _plain(status: int, text: str) -> Response:
    """A response that names no tenant: for hosts we do not serve."""
    return Response(text, status=status, mimetype="text/plain")


@crosses_tenants("enters the site that the request's host names, for the request's duration")
def resolve_request():
    # The raw header: werkzeug's request.host drops a default port, which
    # would let "host:80:80" through as if it were well formed.
    parts = split_host(request.environ.get("HTTP_HOST") or request.environ.get("SERVER_NAME", ""))
    if parts is None:
        return _plain(400, "Bad Request")
    hostname, _port = parts  # the port names nothing: links use the configured one (public_origin)
    base = current_app.config["BASE_DOMAIN"]
    g.site = None
    snapshot = registry().snapshot()
    g.host_map_version = snapshot.version  # what the request's site is kept under (core.web.cache)
    if hostname == base:
        g.host_kind = "portal"
        return None
    if hostname == f"www.{base}":
        return redirect(_same_path_on(base), 301)
    if hostname == f"{current_app.config['PLATFORM_HOST_LABEL']}.{base}":
        g.host_kind = "platform"
        return None
    found = snapshot.by_host.get(hostname)
    if found is None:
        return _plain(404, "Not Found")
    site, is_primary = found
    if not is_primary and current_app.config["ALIAS_REDIRECT"]:
        return redirect(_same_path_on(site.primary_domain), 301)
    g.host_kind = "site"
    g.site = site
    g.tenant_token = enter_tenant(site.id)
    if site.is_suspended and not request.path.startswith(SUSPENSION_EXEMPT_PREFIXES):
        raise SiteSuspended()
    return None


def _same_path_on(hostname: str) -> str:
    """The request's address on another host, its path encoded again: a decoded CR/LF never reaches a header."""
    query = request.query_string.decode("latin-1")
    path = quote(request.path, safe="/:@!$&'()*+,;=-._~")
    return f"{public_origin(hostname)}{path}{'?' + query if query else ''}"


def _leave(_exc=None) -> None:
    token = g.pop("tenant_token", None)
    if token is not None:
        leave_tenant(token)


def init_app(app: Flask) -> None:
    app.extensions["govsites.hosts"] = HostRegistry(ttl=float(app.config["TENANT_CACHE_TTL"]))
    app.before_request(resolve_request)
    app.teardown_request(_leave)
