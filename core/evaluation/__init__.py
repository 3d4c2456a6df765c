"""Evaluation (网站评估): every site graded from its own data, the way the national inspection does.

The rules (core.evaluation.rules) read the other modules through their queries; a site is evaluated live
(core.evaluation.engine.evaluate_site) on its self-check page and the bureau's drill-down, and every month a
snapshot of every site is kept (core.evaluation.jobs), immutable, for the city's dashboard and each site's history.

The visit statistics are in files of their own, `visits*` — page views and unique visitors per site per day, counted
without cookies or stored addresses and written by a job (core.evaluation.visits says how). The yearly website
report (政府网站工作年度报表) is in `yearly*`: prepared from those figures and the other modules',
published by the site.
"""
from __future__ import annotations


def init_app(app) -> None:
    from core.evaluation import audit_labels, jobs, snapshots, views  # noqa: F401  (jobs and the guard register)

    audit_labels.register()
    from core.evaluation.settings import fill_hooks

    fill_hooks()  # the lines of late letters and the back-dating margin, read by interaction and publishing
    views.init_app(app)
    from core.database import register_guard
    from core.evaluation.triggers import IMMUTABLE, create_sql, drop_sql

    for table in IMMUTABLE:
        register_guard(table, create_sql, drop_sql)
    from core.evaluation import visits, visits_jobs, visits_views  # noqa: F401  (visits_jobs: its job registers)

    visits.init_app(app)
    visits_views.init_app(app)
    from core.evaluation import yearly_views

    yearly_views.init_app(app)
