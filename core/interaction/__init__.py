"""Interaction (互动交流): the public's letters to a department's mailboxes, and public consultations on its drafts.

The guideline: online consultation, supervision and complaint mailboxes are
answered online, under a rule for handling the public's suggestions and
reports (舆情处理制度, 互动栏目管理制度); the national inspection fails a
site without a working channel or with a valid letter left unanswered for
three months, and scores whether a site solicits opinions on its drafts and
publishes what it did with them. The parts: `letters` (writing, the officers'
steps, forwarding between sites, publication) and `consultations` (意见征集:
drafts, opinions, the feedback summary), each with its queries, forms and views;
`stats` counts the letters for the site, the bureau and the public, and `jobs`
records the early warning on letters unanswered for two months.
"""
from __future__ import annotations

from core.interaction import models_consultations  # noqa: F401  (the tables, for the ORM and Alembic)


def init_app(app) -> None:
    from core.interaction import (
        audit_labels,
        audit_labels_consultations,
        jobs,  # noqa: F401  (its @scheduled declaration: the early warning)
        views_consultations,
        views_letters,
        views_stats,
    )

    audit_labels.register()  # the audit log's words for letters
    from core.interaction.queries_letters import open_deadlines
    from core.workdays.deadlines import add_deadline_source

    add_deadline_source(open_deadlines)  # due dates follow the calendar when a year is entered or changed
    from core.interaction import queries_consultations, queries_letters
    from core.web.sitemaps import add_public_pages

    add_public_pages("site", queries_letters.sitemap_pages)  # the published letters, in the site's sitemap
    add_public_pages("site", queries_consultations.sitemap_pages)  # and the consultations put to the public
    audit_labels_consultations.register()  # and for consultations
    views_letters.init_app(app)
    views_stats.init_app(app)
    views_consultations.init_app(app)
