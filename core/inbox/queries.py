"""Reads of a person's inbox: the unread count in the admin header, the list, one message."""
from __future__ import annotations

from sqlalchemy import func, select

from core.auth.models import User
from core.extensions import db
from core.inbox.models import InboxMessage


def unread_count(user: User) -> int:
    """How many of the person's messages are unread."""
    return db.session.scalar(select(func.count()).select_from(InboxMessage).where(
        InboxMessage.user_id == user.id, InboxMessage.read_at.is_(None))) or 0


def messages_query(user: User, *, unread_only: bool = False):
    """The person's messages, newest first (a select to paginate)."""
    query = select(InboxMessage).where(InboxMessage.user_id == user.id)
    if unread_only:
        query = query.where(InboxMessage.read_at.is_(None))
    return query.order_by(InboxMessage.created_at.desc(), InboxMessage.id.desc())


def own_message(user: User, message_id: int) -> InboxMessage | None:
    """One of the person's messages, or None (another person's message is not found)."""
    return db.session.scalar(select(InboxMessage).where(InboxMessage.id == message_id,
                                                        InboxMessage.user_id == user.id))


def has_message(user_id: int, key: str) -> bool:
    return db.session.scalar(select(InboxMessage.id).where(InboxMessage.user_id == user_id,
                                                           InboxMessage.key == key)) is not None


def platform_admins() -> list[User]:
    """The platform's administrators who can still sign in: who hears of failed jobs and backups."""
    return list(db.session.execute(select(User).where(User.platform_role == "platform_admin",
                                                      User.is_locked.is_(False)).order_by(User.id)).scalars())
