"""The days that break the Monday-to-Friday rule, and the years whose schedule is known."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.timeutil import now

#: Where a day or a year came from: the calendar package, or the bureau's own entry.
SOURCES = ("package", "bureau")


class CalendarDay(db.Model):
    """A day off on a weekday or inside a holiday (放假), or a make-up working day on a weekend (调休上班).

    Platform data: every site counts with the same calendar. Days not listed
    follow the rule: Monday to Friday are working days.
    """

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    working: Mapped[bool] = mapped_column(Boolean)
    #: The holiday it belongs to (春节), or the holiday a make-up day pays for.
    name_zh: Mapped[str] = mapped_column(String(50), default="")
    name_en: Mapped[str] = mapped_column(String(80), default="")
    source: Mapped[str] = mapped_column(String(16), default="bureau")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now, onupdate=now)

    @property
    def kind(self) -> str:
        """"holiday" (a day off, a weekend inside a holiday included), "workday" (a weekend day worked), or
        "normal" (the bureau undid the schedule's entry: such a row has no holiday name)."""
        if not self.name_zh and self.working == (self.day.weekday() < 5):
            return "normal"
        return "workday" if self.working else "holiday"


class CalendarYear(db.Model):
    """A year whose holiday schedule (the State Council's notice) has been entered."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(String(16), default="bureau")
    confirmed_at: Mapped[datetime] = mapped_column(DateTime, default=now)
