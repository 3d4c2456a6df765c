"""Post responsibility (岗位责任制): who answers for each duty of a site, and their deputy."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.auth.models import User
from core.extensions import db
from core.timeutil import now
from tenants.scoping import TenantScoped

#: The duties the city's guideline names for every site.
DUTIES = ("publishing", "online_services", "interaction", "security", "maintenance")


class DutyAssignment(TenantScoped, db.Model):
    __tablename__ = "duty_assignments"
    __table_args__ = (UniqueConstraint("tenant_id", "duty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    duty: Mapped[str] = mapped_column(String(30))
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    deputy_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now, onupdate=now)

    responsible: Mapped[User | None] = relationship(foreign_keys=[responsible_id])
    deputy: Mapped[User | None] = relationship(foreign_keys=[deputy_id])
