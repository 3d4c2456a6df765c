"""The information publishing process (collect → edit → review → publish) in each site's admin."""
from __future__ import annotations


def init_app(app) -> None:
    from core.publishing import audit_labels

    audit_labels.register()  # the audit log's words for this module's actions
    from core.publishing import jobs, views  # noqa: F401  (jobs: its @scheduled declarations)

    views.init_app(app)
    from core.audit.describe import describe_values
    from core.publishing.workflow import STATUS_LABELS

    describe_values("article.", ("from", "to", "status"), STATUS_LABELS)  # the audit log names the states
