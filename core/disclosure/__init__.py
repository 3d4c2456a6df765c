"""Government information disclosure (政务公开): today the bureau's list of categories every site must publish."""
from __future__ import annotations


def init_app(app) -> None:
    from core.disclosure import audit_labels

    audit_labels.register()  # the audit log's words for this module's actions
    from core.disclosure import views

    views.init_app(app)
