"""The information publishing process (collect → edit → review → publish) in each site's admin."""
from __future__ import annotations


def init_app(app) -> None:
    from core.publishing import jobs, views  # noqa: F401  (jobs: its @scheduled declarations)

    views.init_app(app)
