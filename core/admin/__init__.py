"""The shell of a site's admin area (/admin/ on the site's own host): its home and the menu host."""
from __future__ import annotations


def init_app(app) -> None:
    from core.admin import views

    views.init_app(app)
