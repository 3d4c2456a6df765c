"""Evaluation: every site graded every month from its own data, with visit statistics and the yearly report.

The parts, each in files of its own: `visits*` — page views and unique visitors per site per day, counted
without cookies or stored addresses and written by a job (core.evaluation.visits says how).
"""
from __future__ import annotations


def init_app(app) -> None:
    from core.evaluation import visits, visits_jobs, visits_views  # noqa: F401  (visits_jobs: its job registers)

    visits.init_app(app)
    visits_views.init_app(app)
