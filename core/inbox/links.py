"""Absolute addresses for messages and e-mails: a page on the console, or on a site's admin.

Built from the configuration (`tenants.hosts.public_origin`), never from a
request, because a job writes them with no request at all.
"""
from __future__ import annotations

from flask import current_app

from tenants.hosts import public_origin
from tenants.models import Tenant


def console_url(path: str) -> str:
    """``/platform/backups`` on the console's host: ``http://admin.localhost:8000/platform/backups``."""
    config = current_app.config
    return public_origin(f"{config['PLATFORM_HOST_LABEL']}.{config['BASE_DOMAIN']}") + path


def site_url(site: Tenant, path: str) -> str:
    """``/admin/training/3`` on the site's primary domain; "" when the site has none."""
    domain = site.primary_domain
    return public_origin(domain) + path if domain else ""
