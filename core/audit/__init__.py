"""The append-only audit log of every site and of the platform, and the pages that read it."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from core.audit import describe, views
    from core.audit.triggers import APPEND_ONLY, create_sql, drop_sql
    from core.database import register_guard

    views.init_app(app)
    for table in APPEND_ONLY:
        register_guard(table, create_sql, drop_sql)
    # Every page that shows entries (the audit pages, an item's trail) words them the same way.
    app.jinja_env.globals.update(audit_action=describe.action_label, audit_details=describe.detail_pairs,
                                 audit_target=describe.target_text, audit_address=describe.address_text)
