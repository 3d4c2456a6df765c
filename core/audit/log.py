"""Writing the audit log. Entries are added, never changed or removed."""
from __future__ import annotations

import json

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session

from core.audit.models import AuditEntry, PlatformAuditEntry
from core.extensions import db
from core.operations import note_audit_entry
from tenants.scoping import active_tenant_id


class AuditLogIsAppendOnly(RuntimeError):
    pass


@event.listens_for(Session, "before_flush")
def _refuse_changes(session, _ctx, _instances) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, (AuditEntry, PlatformAuditEntry)):
            raise AuditLogIsAppendOnly("the audit log is append-only")


def client_ip() -> str:
    return (request.remote_addr or "") if has_request_context() else "cli"


def record(action: str, target: str = "", *, user=None, username: str = "", platform: bool | None = None,
           **detail) -> None:
    """Add an entry: on the active site, or on the platform when no site is active.

    `user` defaults to the logged-in user; `username` records an attempted
    name when there is no user (a failed login).
    """
    if user is None and has_request_context() and getattr(current_user, "is_authenticated", False):
        user = current_user
    on_platform = active_tenant_id() is None if platform is None else platform
    # A site entry is stamped now, not at the next flush, when another site may be active.
    model, stamp = (PlatformAuditEntry, {}) if on_platform else (AuditEntry, {"tenant_id": active_tenant_id()})
    db.session.add(model(
        **stamp,
        user_id=user.id if user is not None else None,
        username=user.username if user is not None else username[:64],
        action=action, target=target[:200],
        detail=json.dumps(detail, ensure_ascii=False, default=str) if detail else "",
        ip=client_ip(),
    ))
    note_audit_entry()
