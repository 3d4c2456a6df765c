"""A site's admin area (/admin/ on the site's own host)."""
from __future__ import annotations


def init_app(app) -> None:
    from core.admin import views
    from core.audit import views as audit_views
    from core.duties import views as duty_views
    from core.sections import views as section_views

    views.init_app(app)
    duty_views.init_app(app)
    section_views.init_app(app)
    audit_views.init_app(app)
