"""The working-day calendar (工作日): Chinese public holidays and make-up working days, kept by the bureau.

Deadlines of the public's business are counted in working days (the
Administrative Licensing Law, art. 82; the disclosure regulation's 20 working
days): every module that times something asks this one.
"""
from __future__ import annotations


def init_app(app) -> None:
    from core.workdays import audit_labels

    audit_labels.register()  # the audit log's words for this module's actions
    from core.workdays import cli, views

    views.init_app(app)
    cli.init_app(app)
