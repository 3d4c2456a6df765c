"""Interaction (互动交流): the public's letters to a department's mailboxes, answered online, forwarded, published.

The guideline: online consultation, supervision and complaint mailboxes are
answered online, under a rule for handling the public's suggestions and
reports (舆情处理制度, 互动栏目管理制度); the national inspection fails a
site without a working channel or with a valid letter left unanswered for
three months. The parts: `letters` (writing, the officers' steps, forwarding
between sites, publication), its queries, forms and views.
"""
from __future__ import annotations


def init_app(app) -> None:
    from core.interaction import audit_labels, views_letters

    audit_labels.register()  # the audit log's words for this module's actions
    views_letters.init_app(app)
