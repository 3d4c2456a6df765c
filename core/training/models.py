"""Training material the information bureau distributes, who acknowledged it, and good-practice examples.

All platform data, not a site's: one material goes to many sites, and a
person's acknowledgement is theirs whichever site they read it on. The
columns naming a site are called `site_id` (never `tenant_id`) because they
name the sites a material is for, or the site an example is from, as the
bureau chose them; the rows do not belong to that site, so they are not
`TenantScoped` and a site's queries never see or change them.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.timeutil import now
from tenants.models import Tenant

#: A material's state: a draft reaches nobody; a published one is distributed and shown to its audience; a
#: withdrawn one is neither (it can be published again).
MATERIAL_STATES = ("draft", "published", "withdrawn")
#: Which sites a material is for: every site, the sites of one group (as the city portal groups them), or the
#: sites the bureau ticked.
SITE_SCOPES = ("all", "group", "sites")


class TrainingMaterial(db.Model):
    """One piece of training material: what it is, its files, who it is for and by when they should read it."""

    __tablename__ = "training_materials"
    __table_args__ = {"info": {"platform_data": "the bureau's training material, sent to many sites"}}

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    #: Plain text, shown as typed (line breaks kept), never as HTML.
    description: Mapped[str] = mapped_column(Text, default="")
    #: The day by which the audience should have read it (in the city's calendar, the whole day included).
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    #: The audience by role: every site role, or those listed in `roles` (comma-separated role codes).
    all_roles: Mapped[bool] = mapped_column(Boolean, default=True)
    roles: Mapped[str] = mapped_column(String(300), default="")
    #: The audience by site: one of SITE_SCOPES; `group_id` for "group", the TrainingSite rows for "sites".
    site_scope: Mapped[str] = mapped_column(String(10), default="all")
    group_id: Mapped[int | None] = mapped_column(ForeignKey("site_groups.id", ondelete="SET NULL"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)

    files: Mapped[list["TrainingFile"]] = relationship(back_populates="material", cascade="all, delete-orphan",
                                                       order_by="TrainingFile.id")
    chosen_sites: Mapped[list["TrainingSite"]] = relationship(cascade="all, delete-orphan",
                                                              order_by="TrainingSite.site_id")

    @property
    def role_list(self) -> list[str]:
        """The roles chosen (empty when the material is for every role)."""
        return [] if self.all_roles else [r for r in self.roles.split(",") if r]

    @property
    def site_ids(self) -> list[int]:
        return [row.site_id for row in self.chosen_sites]


class TrainingSite(db.Model):
    """A site the bureau chose for a material whose audience is "the sites ticked"."""

    __tablename__ = "training_sites"
    __table_args__ = {"info": {"platform_data": "which sites a material of the bureau's is for"}}

    material_id: Mapped[int] = mapped_column(ForeignKey("training_materials.id", ondelete="CASCADE"),
                                             primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True, index=True)


class TrainingFile(db.Model):
    """A file of a material, kept in the platform's training folder under a random name."""

    __tablename__ = "training_files"
    __table_args__ = {"info": {"platform_data": "the files of the bureau's training material"}}

    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("training_materials.id", ondelete="CASCADE"), index=True)
    #: The name it was uploaded under, which a download is saved as.
    filename: Mapped[str] = mapped_column(String(255))
    #: The random name it is stored under (core.content.files.STORED_NAME).
    stored_name: Mapped[str] = mapped_column(String(100))
    content_type: Mapped[str] = mapped_column(String(150))
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)

    material: Mapped[TrainingMaterial] = relationship(back_populates="files")


class TrainingAcknowledgement(db.Model):
    """A person's "I have read it" of a material: one per person and material, whatever site they read it on."""

    __tablename__ = "training_acknowledgements"
    __table_args__ = (UniqueConstraint("material_id", "user_id", name="uq_training_acknowledgements_material_user"),
                      {"info": {"platform_data": "a person's confirmation of reading the bureau's material"}})

    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("training_materials.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    acknowledged_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class GoodPractice(db.Model):
    """A good-practice example (优秀案例): a site, or one published item of it, and what others can learn from it."""

    __tablename__ = "training_good_practices"
    __table_args__ = {"info": {"platform_data": "the bureau's list of good-practice examples"}}

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    #: The item shown as the example (an article of that site), or None when the example is the site as a whole.
    #: No foreign key: the item is the site's data, and a withdrawn or deleted item only drops its link.
    article_id: Mapped[int | None] = mapped_column(Integer)
    #: The item's title when it was marked (the site's name is read live for a whole-site example).
    title: Mapped[str] = mapped_column(String(300), default="")
    #: What the other departments can learn from it: plain text, shown as typed.
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)

    site: Mapped[Tenant] = relationship()
