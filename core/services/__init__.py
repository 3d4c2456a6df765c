"""Online services (网上办事): service guides, form downloads, applications filed and tracked online, ratings.

The guideline: licensing and service items are published exactly as the
staffing committee assigned them, each guide complete (the national
inspection's ten elements); window departments handle every licensing item
online, the others at least offer the forms. The parts: `guide` (the
catalogue and guides, public and admin), `applications` (filing, tracking,
handling, rating), `stats` (figures for the site and the city).
"""
from __future__ import annotations


def init_app(app) -> None:
    from core.services import audit_labels, views_applications, views_guide, views_guide_fields, views_stats

    audit_labels.register()  # the audit log's words for this module's actions
    from core.services.queries_applications import open_deadlines
    from core.workdays.deadlines import add_deadline_source

    add_deadline_source(open_deadlines)  # due dates follow the calendar when a year is entered or changed
    from core.services.queries_guide import sitemap_pages
    from core.web.sitemaps import add_public_pages

    add_public_pages("site", sitemap_pages)  # every published item's guide, in the site's sitemap
    views_guide.init_app(app)
    views_guide_fields.init_app(app)
    views_applications.init_app(app)
    views_stats.init_app(app)
