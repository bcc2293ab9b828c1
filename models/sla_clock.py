"""The SLA clock of requests and work orders: each (re)computation of due times, and the pauses.

``SLAChange`` rows are the clock's history: when the SLA (or OLA) was applied or its due times
recomputed (priority or SLA changed, a pause ended), with the SLA, calendar and targets then in
force, the working time already consumed and the due times that resulted. They make the timeline
explainable, and their calendars are the clock's segments (``app.domain.sla_clock``). The targets
are copied here and onto the record, so later edits of the SLA catalog never move old due times.
``SLAPause`` rows are the stretches a pausing status (waiting for the customer…) stopped the clock.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Model, UTCDateTime
from models.calendars import Calendar
from models.enums import Priority, RequestStatus, SLAChangeReason, enum_column
from models.service_requests import ServiceRequest
from models.sla import SLA

if TYPE_CHECKING:
    from models.work_orders import WorkOrder


class SLAChange(Model):
    __tablename__ = "sla_change"
    __scope__ = {"customer": "customer_id", "vendor": "vendor_id"}
    __table_args__ = (
        CheckConstraint("(request_id IS NULL) <> (work_order_id IS NULL)", name="one_record"),
        Index("ix_sla_change_request_at", "request_id", "at"),
        Index("ix_sla_change_work_order_at", "work_order_id", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("service_request.id"))
    work_order_id: Mapped[int | None] = mapped_column(ForeignKey("work_order.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendor.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[SLAChangeReason] = mapped_column(enum_column(SLAChangeReason))
    sla_id: Mapped[int | None] = mapped_column(ForeignKey("sla.id"), index=True)
    sla_name: Mapped[str | None] = mapped_column(String(100))
    selection: Mapped[str | None] = mapped_column(String(20))  # the step of the selection rule that chose it
    calendar_id: Mapped[int | None] = mapped_column(ForeignKey("business_calendar.id"), index=True)
    priority: Mapped[Priority | None] = mapped_column(enum_column(Priority))
    response_minutes: Mapped[int | None] = mapped_column(Integer)
    resolution_minutes: Mapped[int | None] = mapped_column(Integer)
    consumed_seconds: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    paused_seconds: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    response_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    request: Mapped[ServiceRequest | None] = relationship(ServiceRequest)
    work_order: Mapped[WorkOrder | None] = relationship("WorkOrder")
    sla: Mapped[SLA | None] = relationship(SLA, lazy="selectin")
    calendar: Mapped[Calendar | None] = relationship(Calendar, lazy="selectin")


class SLAPause(Model):
    """A stretch during which a pausing status stopped the request's clock; ``ended_at`` None: still paused."""

    __tablename__ = "sla_pause"
    __scope__ = {"customer": "customer_id"}
    __table_args__ = (
        CheckConstraint("ended_at IS NULL OR ended_at >= started_at", name="ends_after_start"),
        Index("ix_sla_pause_request_started", "request_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_request.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    status: Mapped[RequestStatus] = mapped_column(enum_column(RequestStatus))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    request: Mapped[ServiceRequest] = relationship(ServiceRequest)
