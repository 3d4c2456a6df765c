"""Online services (网上办事): service items with their guides, applications, their steps, files and ratings.

A service item (办事事项) is one administrative licensing item (行政许可事项) or
public service item (公共服务事项) of a department, as the staffing committee
(市编委) assigned it. Its guide (办事指南) must carry the ten elements the
national inspection checks (GUIDE_ELEMENTS). The public sees the guide as last
approved (`published_guide`); the department edits a working copy (the
columns) and sends it through review, so a correction never takes the guide
off the site.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (Boolean, Date, DateTime, ForeignKey, ForeignKeyConstraint, Index, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.privacy.crypto import EncryptedText
from core.timeutil import now
from core.web.cache import PublicContent
from tenants.scoping import TenantScoped

#: 行政许可事项 / 公共服务事项.
ITEM_KINDS = ("licensing", "public_service")
#: How far an item can be done online: 全程网办 (apply online), 表格下载 (download the forms), 窗口办理 (in person).
ONLINE_LEVELS = ("online", "download", "in_person")
#: The guide's working copy: being edited, or waiting for review.
GUIDE_STATES = ("editing", "reviewing")
#: Whether the item is on the committee's list for the site: the bureau approves additions and removals.
CATALOGUE_STATES = ("active", "removal_requested", "removed")
#: The key guide elements of the national inspection index (国办秘函〔2019〕19号): a guide lacking one fails.
#: Each is a column of ServiceItem, except "materials" and "procedure" (rows of their own tables).
GUIDE_ELEMENTS = ("name", "legal_basis", "conditions", "materials", "location", "office", "fee_standard",
                  "hours", "phone", "procedure")
#: An original (原件), a copy (复印件), or both.
MATERIAL_FORMS = ("original", "copy", "both")
#: An application's life: 申请 → 受理 / 补正 / 不予受理 → 办结 (准予 / 不予许可) → 已办结.
APPLICATION_STATES = ("submitted", "returned", "accepted", "not_accepted", "approved", "refused", "completed")
#: The five levels of the national 好差评 rating, best first (5 = 非常满意 … 1 = 非常不满意).
RATINGS = (5, 4, 3, 2, 1)
#: Field types an item's online application form may have.
FIELD_TYPES = ("text", "textarea", "number", "date", "choice", "id_number", "mobile", "email", "file")


class ServiceItem(TenantScoped, PublicContent, db.Model):
    """One service item of a site, with its guide (办事指南)."""

    __tablename__ = "service_items"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        UniqueConstraint("tenant_id", "code"),
        Index("ix_service_items_listing", "tenant_id", "catalogue_status", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: 事项编码: the committee's code for the item, unique on the site.
    code: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="licensing")
    #: 主题分类 of the service guide (e.g. 就业创业, 社会保障).
    theme: Mapped[str] = mapped_column(String(50), default="")
    legal_basis: Mapped[str] = mapped_column(Text, default="")       # 设定依据
    conditions: Mapped[str] = mapped_column(Text, default="")        # 申请条件
    location: Mapped[str] = mapped_column(String(300), default="")   # 办理地点
    office: Mapped[str] = mapped_column(String(200), default="")     # 办理机构
    fee_basis: Mapped[str] = mapped_column(Text, default="")         # 收费依据
    fee_standard: Mapped[str] = mapped_column(Text, default="")      # 收费标准 ("不收费" when free)
    hours: Mapped[str] = mapped_column(String(300), default="")      # 办理时间
    phone: Mapped[str] = mapped_column(String(100), default="")      # 联系电话 (the office's, public)
    #: 法定办结时限 and 承诺办结时限, in working days.
    statutory_days: Mapped[int | None] = mapped_column(Integer)
    promised_days: Mapped[int | None] = mapped_column(Integer)
    online_level: Mapped[str] = mapped_column(String(16), default="in_person")
    #: The online application form: a JSON list of fields (see core.services.fields).
    application_fields: Mapped[str] = mapped_column(Text, default="[]")
    guide_status: Mapped[str] = mapped_column(String(16), default="editing")
    #: What the reviewer asked to change when sending the guide back ("" once it is sent for review again).
    guide_note: Mapped[str] = mapped_column(Text, default="")
    #: Who sent the guide for review: where the site forbids reviewing one's own work, not its reviewer.
    guide_submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The guide as last approved, as JSON (core.services.guide.snapshot); None until first published.
    published_guide: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    catalogue_status: Mapped[str] = mapped_column(String(20), default="active")
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now, onupdate=now)

    materials: Mapped[list["ServiceMaterial"]] = relationship(
        primaryjoin="and_(ServiceMaterial.item_id == ServiceItem.id, ServiceMaterial.tenant_id == ServiceItem.tenant_id)",
        foreign_keys="[ServiceMaterial.item_id]", order_by="ServiceMaterial.position",
        cascade="all, delete-orphan", back_populates="item")
    steps: Mapped[list["ServiceStep"]] = relationship(
        primaryjoin="and_(ServiceStep.item_id == ServiceItem.id, ServiceStep.tenant_id == ServiceItem.tenant_id)",
        foreign_keys="[ServiceStep.item_id]", order_by="ServiceStep.position",
        cascade="all, delete-orphan", back_populates="item")
    forms: Mapped[list["ServiceForm"]] = relationship(
        primaryjoin="and_(ServiceForm.item_id == ServiceItem.id, ServiceForm.tenant_id == ServiceItem.tenant_id)",
        foreign_keys="[ServiceForm.item_id]", order_by="ServiceForm.id",
        cascade="all, delete-orphan", back_populates="item")


class _ItemPart(TenantScoped):
    """A row that belongs to one item of the same site (the database enforces both)."""

    item_id: Mapped[int] = mapped_column(Integer, index=True)


class ServiceMaterial(_ItemPart, PublicContent, db.Model):
    """One material an applicant brings (办理材料): a line of the checklist."""

    __tablename__ = "service_materials"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "item_id"], ["service_items.tenant_id", "service_items.id"],
                             ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(300))
    form: Mapped[str] = mapped_column(String(16), default="original")
    count: Mapped[int] = mapped_column(Integer, default=1)
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    #: The blank form for this material, when the item offers one (a ServiceForm of the same item).
    blank_form_id: Mapped[int | None] = mapped_column(Integer)

    item: Mapped[ServiceItem] = relationship(
        primaryjoin="and_(ServiceMaterial.item_id == ServiceItem.id, ServiceMaterial.tenant_id == ServiceItem.tenant_id)",
        foreign_keys="[ServiceMaterial.item_id]", back_populates="materials")


class ServiceStep(_ItemPart, PublicContent, db.Model):
    """One numbered step of the procedure (办理流程)."""

    __tablename__ = "service_steps"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "item_id"], ["service_items.tenant_id", "service_items.id"],
                             ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    item: Mapped[ServiceItem] = relationship(
        primaryjoin="and_(ServiceStep.item_id == ServiceItem.id, ServiceStep.tenant_id == ServiceItem.tenant_id)",
        foreign_keys="[ServiceStep.item_id]", back_populates="steps")


class ServiceForm(_ItemPart, PublicContent, db.Model):
    """A blank form of an item (表格), offered for download with the guide and in the form-download section."""

    __tablename__ = "service_forms"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "item_id"], ["service_items.tenant_id", "service_items.id"],
                             ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(100))
    content_type: Mapped[str] = mapped_column(String(150))
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)

    item: Mapped[ServiceItem] = relationship(
        primaryjoin="and_(ServiceForm.item_id == ServiceItem.id, ServiceForm.tenant_id == ServiceItem.tenant_id)",
        foreign_keys="[ServiceForm.item_id]", back_populates="forms")


class CatalogueRequest(TenantScoped, db.Model):
    """A department asks the bureau to add an item to its catalogue or remove one (the committee's list)."""

    __tablename__ = "service_catalogue_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(10))  # "add" or "remove"
    #: For "remove": the item; for "add": the new item's code, name and kind as JSON.
    item_id: Mapped[int | None] = mapped_column(Integer)
    payload: Mapped[str] = mapped_column(Text, default="{}")
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending / approved / refused
    answer: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)


class Application(TenantScoped, db.Model):
    """One application (办件) filed online for an item; its personal data is encrypted at rest."""

    __tablename__ = "service_applications"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        ForeignKeyConstraint(["tenant_id", "item_id"], ["service_items.tenant_id", "service_items.id"],
                             ondelete="RESTRICT"),
        Index("ix_service_applications_queue", "tenant_id", "status", "due_on"),
        UniqueConstraint("tenant_id", "submission_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(Integer, index=True)
    #: The code the applicant queries with: random, not sequential (core.services.applications).
    tracking_code: Mapped[str] = mapped_column(String(20), unique=True)
    applicant_name: Mapped[str] = mapped_column(EncryptedText)
    id_number: Mapped[str | None] = mapped_column(EncryptedText)
    phone: Mapped[str] = mapped_column(EncryptedText)
    #: HMAC of the phone (core.privacy.crypto.lookup_hash, purpose "application.phone"): the query matches it.
    phone_hash: Mapped[str] = mapped_column(String(64), info={"personal": "finds the applicant by the phone"})
    email: Mapped[str | None] = mapped_column(EncryptedText)
    #: The other fields of the item's form, as JSON {key: value}: encrypted, they may be personal too.
    answers: Mapped[str] = mapped_column(EncryptedText, default="{}")
    status: Mapped[str] = mapped_column(String(16), default="submitted")
    #: What to correct (补正), or why not accepted / refused, with the legal basis of a refusal.
    officer_note: Mapped[str] = mapped_column(Text, default="")
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: The promised limit's last day: the item's promised working days counted from the day after it was sent
    #: (core.workdays.queries.add_working_days; acceptance does not move it), moved on by the working days it spent
    #: returned for correction; None when the item promises no limit.
    due_on: Mapped[date | None] = mapped_column(Date)
    #: The random key of the form page that filed it: the same form posted again (a double click, a reload)
    #: finds this application instead of filing a second one.
    submission_key: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now, onupdate=now)


class _ApplicationPart(TenantScoped):
    application_id: Mapped[int] = mapped_column(Integer, index=True)


class ApplicationEvent(_ApplicationPart, db.Model):
    """One step in an application's history, as the applicant and the officers see it."""

    __tablename__ = "service_application_events"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "application_id"],
                             ["service_applications.tenant_id", "service_applications.id"], ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=now)
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: What the applicant is told at this step (what to correct, why refused), or at a resubmission the
    #: applicant's own note.
    note: Mapped[str] = mapped_column(Text, default="", info={"personal": "the applicant's note at a resubmission"})


class ApplicationFile(_ApplicationPart, db.Model):
    """A material an applicant uploaded: served only to the site's service officers, as an attachment."""

    __tablename__ = "service_application_files"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "application_id"],
                             ["service_applications.tenant_id", "service_applications.id"], ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    field_key: Mapped[str] = mapped_column(String(50))
    filename: Mapped[str] = mapped_column(String(255), info={"personal": "the name the applicant gave it"})
    stored_name: Mapped[str] = mapped_column(String(100))
    content_type: Mapped[str] = mapped_column(String(150))
    size: Mapped[int] = mapped_column(Integer)
    #: Superseded by a file sent with a resubmission: kept for the record, not offered by default.
    superseded: Mapped[bool] = mapped_column(Boolean, default=False)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class Feedback(_ApplicationPart, db.Model):
    """The applicant's rating of a completed application (好差评), and the site's follow-up of a poor one."""

    __tablename__ = "service_feedback"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "application_id"],
                             ["service_applications.tenant_id", "service_applications.id"], ondelete="CASCADE"),
        UniqueConstraint("tenant_id", "application_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rating: Mapped[int] = mapped_column(Integer)
    #: What went wrong, for a rating of 2 or 1: a comma-separated list of core.services.feedback.PROBLEMS keys.
    problems: Mapped[str] = mapped_column(String(200), default="")
    comment: Mapped[str] = mapped_column(Text, default="", info={"personal": "the applicant's own words"})
    rated_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    #: A poor rating opens a follow-up the site must answer (整改反馈).
    follow_up_answer: Mapped[str] = mapped_column(Text, default="")
    follow_up_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    follow_up_at: Mapped[datetime | None] = mapped_column(DateTime)
