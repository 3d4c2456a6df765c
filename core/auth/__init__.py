"""Accounts, roles, sessions, and the one guard every admin route goes through."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from core.auth import audit_labels

    audit_labels.register()  # the audit log's words for this module's actions
    from core.auth import cli, guard, jobs, sessions, views  # noqa: F401  (jobs: its @scheduled declarations)

    sessions.init_app(app)
    guard.init_app(app)
    views.init_app(app)
    cli.init_app(app)
    from core.audit.describe import describe_values
    from core.auth.forms import ROLE_LABELS

    describe_values("", ("role", "roles", "platform_role"), ROLE_LABELS)  # the audit log names the roles
