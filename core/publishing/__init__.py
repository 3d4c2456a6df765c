"""The information publishing process (collect → edit → review → publish) in each site's admin."""
from __future__ import annotations


def init_app(app) -> None:
    from core.publishing import views

    views.init_app(app)
