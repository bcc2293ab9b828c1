"""Service requests (服务请求): what a customer asked for, its notes, files, survey and numbering.

A request's changes are recorded in ``change_log`` (``__history__``), its notes are
append-only rows, and ``version`` makes a stale edit fail instead of overwriting
someone else's (SQLAlchemy's version counter; the screen words the refusal).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.assets import Asset
from models.base import Model, TimestampMixin, UTCDateTime, utcnow
from models.calendars import Calendar
from models.contracts import Contract
from models.enums import Channel, NoteKind, Priority, RequestStatus, RequestType, enum_column
from models.organisations import Contact, Customer, Site, Vendor
from models.service_catalog import ServiceCategory
from models.sla import SLA
from models.support import SupportGroup

if TYPE_CHECKING:
    from models.users import UserAccount
    from models.work_orders import WorkOrder

MONEY = Numeric(12, 2)


class ServiceRequest(TimestampMixin, Model):
    __tablename__ = "service_request"
    __history__ = True
    __scope__ = {"customer": "customer_id"}
    __table_args__ = (
        CheckConstraint("impact BETWEEN 1 AND 4", name="impact_range"),
        CheckConstraint("urgency BETWEEN 1 AND 4", name="urgency_range"),
        CheckConstraint("escalation_level BETWEEN 1 AND 4", name="escalation_level_range"),
        CheckConstraint("satisfaction_rating IS NULL OR satisfaction_rating BETWEEN 1 AND 5", name="rating_range"),
        CheckConstraint("assignee_user_id IS NULL OR assignee_vendor_id IS NULL", name="one_assignee_kind"),
        CheckConstraint("merged_into_id IS NULL OR merged_into_id <> id", name="not_merged_into_itself"),
        Index("ix_service_request_status_created", "status", "created_at"),
        Index("ix_service_request_assignee_status", "assignee_user_id", "status"),
        Index("ix_service_request_group_status", "assignee_group_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(24), unique=True)
    request_type: Mapped[RequestType] = mapped_column(
        enum_column(RequestType), default=RequestType.INCIDENT, server_default=RequestType.INCIDENT.name, index=True
    )
    channel: Mapped[Channel] = mapped_column(
        enum_column(Channel), default=Channel.PHONE, server_default=Channel.PHONE.name
    )
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"), index=True)
    asset_id: Mapped[int | None] = mapped_column(ForeignKey("asset.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("service_category.id"), index=True)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id"), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    impact: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    urgency: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    priority: Mapped[Priority] = mapped_column(enum_column(Priority), index=True)
    priority_override_reason: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[RequestStatus] = mapped_column(
        enum_column(RequestStatus), default=RequestStatus.NEW, server_default=RequestStatus.NEW.name, index=True
    )
    # Assignee: an engineer (optionally within a group), a group's queue, or a vendor.
    assignee_user_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    assignee_group_id: Mapped[int | None] = mapped_column(ForeignKey("support_group.id"))
    assignee_vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendor.id"), index=True)
    escalation_level: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # 1–3 = L1–L3, 4 = vendor
    # SLA: filled by app/domain/sla_tracking.py; the targets are copied so catalog edits never move them.
    sla_id: Mapped[int | None] = mapped_column(ForeignKey("sla.id"), index=True)
    sla_selection: Mapped[str | None] = mapped_column(String(20))  # the step of the selection rule that chose it
    sla_response_minutes: Mapped[int | None] = mapped_column(Integer)
    sla_resolution_minutes: Mapped[int | None] = mapped_column(Integer)
    sla_paused_since: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # When the escalation sweep next looks at this request (None: nothing can fire).
    escalation_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    response_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    resolution_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    resolution: Mapped[str | None] = mapped_column(Text)
    # Figures for the dashboard, stored when they happen: working minutes of the request's calendar from
    # creation to resolution (time waiting for the customer included), and how often it was reopened.
    resolution_business_minutes: Mapped[int | None] = mapped_column(Integer)
    reopen_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Auto-close: the clock starts at resolution and restarts on a reply or survey answer.
    auto_close_from: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cost: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"), server_default="0")
    satisfaction_rating: Mapped[int | None] = mapped_column(Integer)
    satisfaction_comment: Mapped[str | None] = mapped_column(Text)
    satisfaction_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("service_request.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    customer: Mapped[Customer] = relationship(Customer, lazy="joined")
    contact: Mapped[Contact | None] = relationship(Contact, lazy="selectin")
    site: Mapped[Site | None] = relationship(Site, lazy="selectin")
    asset: Mapped[Asset | None] = relationship(Asset, lazy="selectin")
    category: Mapped[ServiceCategory | None] = relationship(ServiceCategory, lazy="selectin")
    contract: Mapped[Contract | None] = relationship(Contract, lazy="selectin")
    sla: Mapped[SLA | None] = relationship(SLA, lazy="selectin")
    assignee: Mapped[UserAccount | None] = relationship("UserAccount", foreign_keys=[assignee_user_id], lazy="selectin")
    assignee_group: Mapped[SupportGroup | None] = relationship(SupportGroup, lazy="selectin")
    assignee_vendor: Mapped[Vendor | None] = relationship(Vendor, lazy="selectin")
    created_by: Mapped[UserAccount | None] = relationship("UserAccount", foreign_keys=[created_by_id], lazy="selectin")
    merged_into: Mapped[ServiceRequest | None] = relationship(remote_side=[id], lazy="selectin")
    work_orders: Mapped[list[WorkOrder]] = relationship("WorkOrder", back_populates="request", order_by="WorkOrder.id")
    notes: Mapped[list[RequestNote]] = relationship(back_populates="request", order_by="RequestNote.id")

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"


class RequestNote(Model):
    """A note on a request: internal (staff only) or a reply the customer reads. Never edited."""

    __tablename__ = "request_note"
    __scope__ = {"customer": "customer_id", "vendor": "vendor_id"}
    __table_args__ = (Index("ix_request_note_request_created", "request_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_request.id"))
    work_order_id: Mapped[int | None] = mapped_column(ForeignKey("work_order.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendor.id"), index=True)  # the work order's vendor
    kind: Mapped[NoteKind] = mapped_column(enum_column(NoteKind))
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), index=True)
    author_label: Mapped[str | None] = mapped_column(String(100))  # a contact by e-mail, or a job
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    request: Mapped[ServiceRequest] = relationship(back_populates="notes")
    author: Mapped[UserAccount | None] = relationship("UserAccount", lazy="selectin")


class Attachment(Model):
    """A file on a request or one of its work orders, stored under the instance folder by ``stored_name``."""

    __tablename__ = "attachment"
    __scope__ = {"customer": "customer_id", "vendor": "vendor_id"}
    __table_args__ = (CheckConstraint("size_bytes >= 0", name="size_not_negative"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_request.id"), index=True)
    work_order_id: Mapped[int | None] = mapped_column(ForeignKey("work_order.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendor.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    uploaded_by: Mapped[UserAccount | None] = relationship("UserAccount", lazy="selectin")


class SatisfactionSurvey(Model):
    """满意度回访: a one-time, expiring link sent on resolution; only the token's hash is kept."""

    __tablename__ = "satisfaction_survey"
    __table_args__ = (CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating_range"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_request.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rating: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    request: Mapped[ServiceRequest] = relationship(ServiceRequest)


class DocumentCounter(Model):
    """The last number given out per key (``SR-20261122``): one conditional UPDATE per new number."""

    __tablename__ = "document_counter"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class DeskSettings(TimestampMixin, Model):
    """Service desk settings an admin changes on screen (one row)."""

    __tablename__ = "desk_settings"
    __history__ = True
    __table_args__ = (
        CheckConstraint("reopen_days >= 0", name="reopen_days_not_negative"),
        CheckConstraint("reminder_business_days >= 1", name="reminder_positive"),
        CheckConstraint("auto_close_business_days > reminder_business_days", name="close_after_reminder"),
        CheckConstraint("survey_valid_days >= 1", name="survey_valid_positive"),
        CheckConstraint("attachment_max_mb BETWEEN 1 AND 100", name="attachment_max_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reopen_days: Mapped[int] = mapped_column(Integer, default=14, server_default="14")
    reminder_business_days: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    auto_close_business_days: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    survey_valid_days: Mapped[int] = mapped_column(Integer, default=14, server_default="14")
    attachment_max_mb: Mapped[int] = mapped_column(Integer, default=10, server_default="10")
    calendar_id: Mapped[int | None] = mapped_column(ForeignKey("business_calendar.id"))  # when a request has no SLA

    calendar: Mapped[Calendar | None] = relationship(Calendar, lazy="selectin")
