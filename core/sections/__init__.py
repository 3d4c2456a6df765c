"""Sections (栏目): the platform's mandatory set, each site's specialized sections, the public section page."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from core.sections import cli, sync, views
    from tenants.provisioning import site_created

    site_created.connect(sync.give_new_site_its_sections)
    views.init_app(app)
    cli.init_app(app)
