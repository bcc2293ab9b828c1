"""Service level agreements (服务级别协议) and internal OLAs: targets per priority, a calendar, a scope.

Which SLA a request gets is one documented rule in ``app.domain.sla_selection``.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.assets import AssetModel
from models.base import ActiveMixin, Model, TimestampMixin
from models.calendars import Calendar
from models.enums import Priority, SLAKind, enum_column
from models.organisations import Customer
from models.service_catalog import ServiceCategory


def _scope_table(name: str, target: str) -> Table:
    return Table(
        f"sla_{name}",
        Model.metadata,
        Column("sla_id", ForeignKey("sla.id", ondelete="CASCADE"), primary_key=True),
        Column(f"{name}_id", ForeignKey(f"{target}.id"), primary_key=True),
    )


sla_customer = _scope_table("customer", "customer")
sla_category = _scope_table("category", "service_category")
sla_asset_model = _scope_table("asset_model", "asset_model")


class SLA(ActiveMixin, TimestampMixin, Model):
    __tablename__ = "sla"
    __history__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[SLAKind] = mapped_column(
        enum_column(SLAKind), default=SLAKind.EXTERNAL, server_default=SLAKind.EXTERNAL.name, index=True
    )
    calendar_id: Mapped[int] = mapped_column(ForeignKey("business_calendar.id"), index=True)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    pause_statuses: Mapped[list] = mapped_column(JSON, default=list)
    scope_tiers: Mapped[list] = mapped_column(JSON, default=list)
    description: Mapped[str | None] = mapped_column(Text)

    calendar: Mapped[Calendar] = relationship(Calendar, lazy="selectin")
    targets: Mapped[list[SLATarget]] = relationship(
        back_populates="sla", order_by="SLATarget.priority", cascade="all, delete-orphan", lazy="selectin"
    )
    scope_customers: Mapped[list[Customer]] = relationship(Customer, secondary=sla_customer, lazy="selectin")
    scope_categories: Mapped[list[ServiceCategory]] = relationship(
        ServiceCategory, secondary=sla_category, lazy="selectin"
    )
    scope_asset_models: Mapped[list[AssetModel]] = relationship(AssetModel, secondary=sla_asset_model, lazy="selectin")

    def __str__(self) -> str:
        return self.name


class SLATarget(TimestampMixin, Model):
    """Response and resolution targets, in working minutes of the SLA's calendar, for one priority."""

    __tablename__ = "sla_target"
    __history__ = True
    __history_owner__ = ("sla", "sla_id", "priority")
    __table_args__ = (
        UniqueConstraint("sla_id", "priority"),
        CheckConstraint("response_minutes > 0", name="response_positive"),
        CheckConstraint("resolution_minutes >= response_minutes", name="resolution_after_response"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sla_id: Mapped[int] = mapped_column(ForeignKey("sla.id"), index=True)
    priority: Mapped[Priority] = mapped_column(enum_column(Priority))
    response_minutes: Mapped[int] = mapped_column(Integer)
    resolution_minutes: Mapped[int] = mapped_column(Integer)

    sla: Mapped[SLA] = relationship(back_populates="targets", lazy="joined")

    def __str__(self) -> str:
        return f"{self.sla} {self.priority.value}"
