"""Post responsibility (岗位责任制): who answers for each duty of a site."""
from __future__ import annotations


def init_app(app) -> None:
    from core.duties import audit_labels

    audit_labels.register()  # the audit log's words for this module's actions
    from core.audit.describe import describe_targets
    from core.duties import views
    from core.duties.queries import DUTY_LABELS

    views.init_app(app)
    describe_targets("duty.", DUTY_LABELS)  # the audit log names the duty, not its code
