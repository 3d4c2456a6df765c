"""Interaction (互动交流): the public's letters to a department, and public consultations on its drafts.

The guideline asks that the public's consultation, supervision and complaint
letters be answered online, and the national inspection scores whether a site
solicits opinions on its drafts and publishes what it did with them. The parts:
`consultations` (意见征集: drafts, opinions, the feedback summary).
"""
from __future__ import annotations

from core.interaction import models_consultations  # noqa: F401  (the tables, for the ORM and Alembic)


def init_app(app) -> None:
    from core.interaction import audit_labels_consultations, views_consultations

    audit_labels_consultations.register()  # the audit log's words for consultations
    views_consultations.init_app(app)
