"""People, their roles on sites, and their login sessions.

A `User` is global (one person, one account); a `Membership` row gives them one
role on one site and is tenant-scoped like every site row. Platform roles
(information bureau) live on the user, since they are not about one site.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.timeutil import now
from tenants.scoping import TenantScoped

#: The roles a site grants, in the order the publishing process runs.
SITE_ROLES = ("collector", "editor", "reviewer", "publisher", "service_officer", "interaction_officer",
              "disclosure_officer", "site_admin")
PUBLISHING_ROLES = ("collector", "editor", "reviewer", "publisher")
PLATFORM_ROLES = ("platform_admin", "evaluator")
#: The languages a person can choose for the admin pages.
LANGUAGES = ("zh_CN", "en")


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    platform_role: Mapped[str | None] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(10), default="zh_CN")
    #: Where copies of inbox messages go (optional, set by the person on their account page).
    email: Mapped[str | None] = mapped_column(String(254))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The 30-second step of the last code accepted: a code is good once (RFC 6238, section 5.2).
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    #: How many links from the console into a site's admin the account has used: a link names the next
    #: number, and using it moves the count on, so each link works once (`core.auth.handoff`).
    handoff_serial: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    #: Locked by an administrator, until unlocked by one.
    is_locked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)

    # Flask-Login: the session row, set by the user loader for this request.
    current_session = None

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return not self.is_locked

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str | None:
        return self.current_session.token if self.current_session else None


class PasswordHistory(db.Model):
    """Hashes of passwords a user had, so that none is chosen again."""

    __tablename__ = "password_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class Membership(TenantScoped, db.Model):
    """One role of one user on one site."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("tenant_id", "user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)

    user: Mapped[User] = relationship()


class UserSession(db.Model):
    """A login, held on the server so that logout and timeouts really end it.

    The cookie carries only the token. A session belongs to the host it was
    opened on: a site (tenant_id) or the platform host (tenant_id NULL).
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")

    user: Mapped[User] = relationship()
