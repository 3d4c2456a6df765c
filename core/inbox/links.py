"""Absolute addresses for messages and e-mails: a page on the console, or on a site's admin.

Built from the configuration (`tenants.hosts.public_origin`), never from a
request, because a job writes them with no request at all. A message keeps its
address for months, while the deployment's scheme, public port or a site's
domain may change (the demo served on another port, a site given its own
domain): `current_link` writes a stored address again with today's origin
before it is shown or e-mailed.
"""
from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from flask import current_app

from tenants.hosts import public_origin, registry
from tenants.models import Tenant


def console_url(path: str) -> str:
    """``/platform/backups`` on the console's host: ``http://admin.localhost:8000/platform/backups``."""
    config = current_app.config
    return public_origin(f"{config['PLATFORM_HOST_LABEL']}.{config['BASE_DOMAIN']}") + path


def site_url(site: Tenant, path: str) -> str:
    """``/admin/training/3`` on the site's primary domain; "" when the site has none."""
    domain = site.primary_domain
    return public_origin(domain) + path if domain else ""


def current_link(link: str) -> str:
    """A stored message's address as it should be followed today.

    An address on one of the platform's own hosts (the console, the portal, a
    site's domain or alias) gets the configured scheme and public port, and a
    site's alias becomes its primary domain; any other address, or an empty
    one, is returned as stored. Only http(s) addresses are returned: anything
    else (never written by the platform) gives "".
    """
    if not link:
        return ""
    try:
        parts = urlsplit(link)
        hostname = (parts.hostname or "").lower()
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https"):
        return ""
    config = current_app.config
    base = config["BASE_DOMAIN"]
    if hostname in (base, f"{config['PLATFORM_HOST_LABEL']}.{base}"):
        host = hostname
    else:
        found = registry().resolve(hostname)
        if found is None:
            return link
        host = found[0].primary_domain or hostname
    return public_origin(host) + urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))
