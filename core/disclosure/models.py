"""The categories of government information every site must publish (政务公开): platform data."""
from __future__ import annotations

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db


class DisclosureCategory(db.Model):
    """One of the categories of government information every site must publish (政务公开)."""

    __tablename__ = "disclosure_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(150))
    description: Mapped[str] = mapped_column(Text, default="")
