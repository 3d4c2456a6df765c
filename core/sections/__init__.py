"""Sections (栏目): the platform's mandatory set, each site's specialized sections, the public section page."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from core.sections import audit_labels

    audit_labels.register()  # the audit log's words for this module's actions
    from core.sections import cli, sync, views
    from tenants.provisioning import site_created

    site_created.connect(sync.give_new_site_its_sections)
    from core.audit.describe import describe_values
    from core.sections.forms import KIND_LABELS

    describe_values("mandatory.", "kind", KIND_LABELS)  # the audit log names a section's kind
    describe_values("section.", "kind", KIND_LABELS)
    views.init_app(app)
    cli.init_app(app)
    from core.sections.queries import sitemap_pages
    from core.web.sitemaps import add_public_pages

    add_public_pages("site", sitemap_pages)  # the section pages, in the site's sitemap
