"""Read state: a person opening their own messages.

Not an operation and not audited, by design: whether someone has opened a
message is their own state (like a login's last-seen time), and it changes on
every visit. What the platform must be able to prove someone did, such as
acknowledging training material, is an audited operation of that module.
"""
from __future__ import annotations

from sqlalchemy import update

from core.auth.models import User
from core.extensions import db
from core.inbox.models import InboxMessage
from core.timeutil import now


def mark_read(user: User, message_ids: list[int] | None = None) -> int:
    """Mark the person's unread messages as read: those of `message_ids`, or all. Returns how many changed."""
    query = update(InboxMessage).where(InboxMessage.user_id == user.id, InboxMessage.read_at.is_(None))
    if message_ids is not None:
        query = query.where(InboxMessage.id.in_(message_ids))
    return db.session.execute(query.values(read_at=now())).rowcount or 0
