"""Government information disclosure (政务公开): the bureau's list of categories every site must publish, and
disclosure on application (依申请公开: `applications`)."""
from __future__ import annotations

from core.disclosure import models_applications  # noqa: F401  (the tables, for the ORM and Alembic)


def init_app(app) -> None:
    from core.disclosure import audit_labels

    audit_labels.register()  # the audit log's words for this module's actions
    from core.disclosure import views

    views.init_app(app)
    from core.disclosure import audit_labels_applications, views_applications

    audit_labels_applications.register()
    views_applications.init_app(app)
