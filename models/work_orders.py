"""Work orders (工单) under a request: who goes, when, what was done, the time and money it took.

Time entries and expenses belong to one work order; parts used are stock ledger
movements (models/stock.py) pointing at it. ``customer_id`` and ``vendor_id`` are
copied from the request and the assignee so every row is scoped by one column.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Model, TimestampMixin, UTCDateTime
from models.enums import ExpenseKind, WorkOrderStatus, WorkOrderType, WorkResult, enum_column
from models.organisations import Vendor
from models.service_requests import ServiceRequest
from models.sla import SLA

if TYPE_CHECKING:
    from models.users import UserAccount

MONEY = Numeric(12, 2)


class WorkOrder(TimestampMixin, Model):
    __tablename__ = "work_order"
    __history__ = True
    __history_ignore__ = ("signature_png",)  # the drawing stays on the row; the history shows who signed, when
    __scope__ = {"vendor": "vendor_id", "customer": "customer_id"}
    __table_args__ = (
        CheckConstraint("assignee_user_id IS NULL OR vendor_id IS NULL", name="one_assignee_kind"),
        CheckConstraint(
            "scheduled_end IS NULL OR scheduled_start IS NULL OR scheduled_end > scheduled_start",
            name="window_ends_after_start",
        ),
        CheckConstraint(
            "checked_out_at IS NULL OR (checked_in_at IS NOT NULL AND checked_out_at >= checked_in_at)",
            name="check_out_after_check_in",
        ),
        Index("ix_work_order_assignee_status", "assignee_user_id", "status"),
        Index("ix_work_order_vendor_status", "vendor_id", "status"),
        Index("ix_work_order_created_at", "created_at"),  # scorecards: received in a period
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(24), unique=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_request.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    work_type: Mapped[WorkOrderType] = mapped_column(
        enum_column(WorkOrderType), default=WorkOrderType.ON_SITE, server_default=WorkOrderType.ON_SITE.name
    )
    status: Mapped[WorkOrderStatus] = mapped_column(
        enum_column(WorkOrderStatus),
        default=WorkOrderStatus.ASSIGNED,
        server_default=WorkOrderStatus.ASSIGNED.name,
        index=True,
    )
    assignee_user_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendor.id"))
    instructions: Mapped[str | None] = mapped_column(Text)
    scheduled_start: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    scheduled_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decline_reason: Mapped[str | None] = mapped_column(String(300))
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    work_done: Mapped[str | None] = mapped_column(Text)
    result: Mapped[WorkResult | None] = mapped_column(enum_column(WorkResult))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)  # completed in a period
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rework_reason: Mapped[str | None] = mapped_column(String(300))
    # Customer sign-off: the signer's name and time; the drawn signature as a PNG data URL.
    signoff_name: Mapped[str | None] = mapped_column(String(100))
    signoff_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signature_png: Mapped[str | None] = mapped_column(Text)
    # OLA (of the vendor): acceptance and completion due times, targets copied (app/domain/sla_tracking.py).
    ola_id: Mapped[int | None] = mapped_column(ForeignKey("sla.id"), index=True)
    ola_response_minutes: Mapped[int | None] = mapped_column(Integer)
    ola_resolution_minutes: Mapped[int | None] = mapped_column(Integer)
    escalation_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    response_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    resolution_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    labour_cost: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"), server_default="0")
    parts_cost: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"), server_default="0")
    expense_cost: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"), server_default="0")
    cost: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"), server_default="0")
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    request: Mapped[ServiceRequest] = relationship(ServiceRequest, back_populates="work_orders", lazy="joined")
    assignee: Mapped[UserAccount | None] = relationship("UserAccount", foreign_keys=[assignee_user_id], lazy="selectin")
    vendor: Mapped[Vendor | None] = relationship(Vendor, lazy="selectin")
    ola: Mapped[SLA | None] = relationship(SLA, foreign_keys=[ola_id], lazy="selectin")
    time_entries: Mapped[list[TimeEntry]] = relationship(back_populates="work_order", order_by="TimeEntry.started_at")
    expenses: Mapped[list[Expense]] = relationship(back_populates="work_order", order_by="Expense.id")

    def __str__(self) -> str:
        return self.number


class TimeEntry(TimestampMixin, Model):
    """Time one person spent on a work order; the rate is copied when recorded, so later raises don't rewrite costs."""

    __tablename__ = "time_entry"
    __history__ = True
    __history_owner__ = ("work_order", "work_order_id", "history_label")
    __scope__ = {"vendor": "vendor_id", "customer": "customer_id"}
    __table_args__ = (
        CheckConstraint("ended_at > started_at", name="ends_after_start"),
        CheckConstraint("hourly_cost >= 0", name="hourly_cost_not_negative"),
        Index("ix_time_entry_user_started", "user_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    work_order_id: Mapped[int] = mapped_column(ForeignKey("work_order.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendor.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime] = mapped_column(UTCDateTime)
    minutes: Mapped[int] = mapped_column(Integer)
    hourly_cost: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal("0"), server_default="0")
    cost: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"), server_default="0")
    description: Mapped[str | None] = mapped_column(String(300))

    work_order: Mapped[WorkOrder] = relationship(back_populates="time_entries")
    user: Mapped[UserAccount] = relationship("UserAccount", lazy="selectin")

    @property
    def history_label(self) -> str:
        return f"time{self.id}"


class Expense(TimestampMixin, Model):
    __tablename__ = "expense"
    __history__ = True
    __history_owner__ = ("work_order", "work_order_id", "history_label")
    __scope__ = {"vendor": "vendor_id", "customer": "customer_id"}
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    work_order_id: Mapped[int] = mapped_column(ForeignKey("work_order.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendor.id"), index=True)
    kind: Mapped[ExpenseKind] = mapped_column(enum_column(ExpenseKind))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    incurred_on: Mapped[date] = mapped_column(Date, index=True)  # suspicious claims in a period
    description: Mapped[str | None] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), index=True)

    work_order: Mapped[WorkOrder] = relationship(back_populates="expenses")

    @property
    def history_label(self) -> str:
        return f"expense{self.id}"
