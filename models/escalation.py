"""Escalation (升级): rules admins configure, and the events the minutely sweep fires from them.

A rule says when (a share of the SLA target elapsed, or minutes before/after the due time, for a
request's response or resolution or a vendor work order's OLA), at which level, what to do (tell
people, reassign, raise the priority) and how often to repeat until acknowledged. An
``EscalationEvent`` is one firing; the unique key (rule, record, repeat) makes each fire at most
once even when two sweeps overlap. The timing rules are ``app.domain.escalation_plan``; the sweep
is ``app.domain.escalation``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_appbuilder.security.sqla.models import Role
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import ActiveMixin, Model, TimestampMixin, UTCDateTime
from models.enums import EscalationTarget, EscalationTrigger, enum_column
from models.organisations import Vendor
from models.service_catalog import ServiceCategory
from models.sla import SLA
from models.support import SupportGroup

if TYPE_CHECKING:
    from models.users import UserAccount


def _link(name: str, target: str) -> Table:
    return Table(
        f"escalation_rule_{name}",
        Model.metadata,
        Column("rule_id", ForeignKey("escalation_rule.id", ondelete="CASCADE"), primary_key=True),
        Column(f"{name}_id", ForeignKey(f"{target}.id"), primary_key=True),
    )


escalation_rule_sla = _link("sla", "sla")
escalation_rule_category = _link("category", "service_category")
escalation_rule_user = _link("user", "ab_user")


class EscalationRule(ActiveMixin, TimestampMixin, Model):
    __tablename__ = "escalation_rule"
    __history__ = True
    __table_args__ = (
        CheckConstraint("level BETWEEN 1 AND 9", name="level_range"),
        CheckConstraint("trigger_value >= 0", name="trigger_value_not_negative"),
        CheckConstraint("repeat_minutes IS NULL OR repeat_minutes >= 1", name="repeat_positive"),
        CheckConstraint("max_repeats >= 0", name="max_repeats_not_negative"),
        CheckConstraint(
            "(CASE WHEN reassign_group_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN reassign_user_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN reassign_vendor_id IS NULL THEN 0 ELSE 1 END) <= 1",
            name="one_reassign_target",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    target: Mapped[EscalationTarget] = mapped_column(enum_column(EscalationTarget), index=True)
    trigger: Mapped[EscalationTrigger] = mapped_column(enum_column(EscalationTrigger))
    trigger_value: Mapped[int] = mapped_column(Integer)  # percent, or minutes
    level: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # Scope: empty lists do not restrict.
    priorities: Mapped[list] = mapped_column(JSON, default=list)  # Priority member names
    tiers: Mapped[list] = mapped_column(JSON, default=list)  # ServiceTier member names
    # Actions
    notify_assignee: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    notify_group_lead: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    notify_account_manager: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    notify_role_id: Mapped[int | None] = mapped_column(ForeignKey("ab_role.id"), index=True)
    reassign_group_id: Mapped[int | None] = mapped_column(ForeignKey("support_group.id"), index=True)
    reassign_user_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), index=True)
    reassign_vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendor.id"), index=True)
    raise_priority: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    repeat_minutes: Mapped[int | None] = mapped_column(Integer)
    max_repeats: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    slas: Mapped[list[SLA]] = relationship(SLA, secondary=escalation_rule_sla, lazy="selectin")
    categories: Mapped[list[ServiceCategory]] = relationship(
        ServiceCategory, secondary=escalation_rule_category, lazy="selectin"
    )
    notify_users: Mapped[list[UserAccount]] = relationship(
        "UserAccount", secondary=escalation_rule_user, lazy="selectin"
    )
    notify_role: Mapped[Role | None] = relationship(Role, lazy="selectin")
    reassign_group: Mapped[SupportGroup | None] = relationship(SupportGroup, lazy="selectin")
    reassign_user: Mapped[UserAccount | None] = relationship(
        "UserAccount", foreign_keys=[reassign_user_id], lazy="selectin"
    )
    reassign_vendor: Mapped[Vendor | None] = relationship(Vendor, lazy="selectin")

    def __str__(self) -> str:
        return self.name


class EscalationEvent(Model):
    """One firing of a rule for one record; ``subject_key`` is ``R<request id>`` or ``W<work order id>``."""

    __tablename__ = "escalation_event"
    __scope__ = {"customer": "customer_id", "vendor": "vendor_id"}
    __table_args__ = (
        UniqueConstraint("rule_id", "subject_key", "repeat"),
        Index("ix_escalation_event_subject_level", "subject_key", "level"),
        Index("ix_escalation_event_fired_at", "fired_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("escalation_rule.id"), index=True)
    subject_key: Mapped[str] = mapped_column(String(20))
    request_id: Mapped[int] = mapped_column(ForeignKey("service_request.id"), index=True)
    work_order_id: Mapped[int | None] = mapped_column(ForeignKey("work_order.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendor.id"), index=True)
    target: Mapped[EscalationTarget] = mapped_column(enum_column(EscalationTarget))
    level: Mapped[int] = mapped_column(Integer)
    repeat: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when this occurrence was due
    fired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    late: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    actions: Mapped[dict] = mapped_column(JSON, default=dict)  # what was done: notified ids, reassigned to, priority
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), index=True)

    rule: Mapped[EscalationRule] = relationship(EscalationRule, lazy="selectin")
    acknowledged_by: Mapped[UserAccount | None] = relationship("UserAccount", lazy="selectin")
