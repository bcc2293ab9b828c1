"""Who does the work: support groups (一线/二线/三线) and engineer profiles."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, Numeric, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import ActiveMixin, Model, TimestampMixin
from models.calendars import Calendar
from models.enums import SupportTier, enum_column
from models.reference import Region, Skill

if TYPE_CHECKING:
    from models.sla import SLA
    from models.users import UserAccount


def _link(name: str, owner: str, target: str) -> Table:
    return Table(
        name,
        Model.metadata,
        Column(f"{owner}_id", ForeignKey(f"{owner}.id", ondelete="CASCADE"), primary_key=True),
        Column(f"{target}_id", ForeignKey(f"{'ab_user' if target == 'user' else target}.id"), primary_key=True),
    )


support_group_member = _link("support_group_member", "support_group", "user")
support_group_region = _link("support_group_region", "support_group", "region")
support_group_skill = _link("support_group_skill", "support_group", "skill")
engineer_skill = _link("engineer_skill", "engineer_profile", "skill")


class SupportGroup(ActiveMixin, TimestampMixin, Model):
    __tablename__ = "support_group"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    tier: Mapped[SupportTier] = mapped_column(enum_column(SupportTier), index=True)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), index=True)
    ola_id: Mapped[int | None] = mapped_column(ForeignKey("sla.id"), index=True)  # its members' work orders

    lead: Mapped[UserAccount | None] = relationship("UserAccount", foreign_keys=[lead_id], lazy="selectin")
    ola: Mapped[SLA | None] = relationship("SLA", foreign_keys=[ola_id], lazy="selectin")
    members: Mapped[list[UserAccount]] = relationship("UserAccount", secondary=support_group_member, lazy="selectin")
    regions: Mapped[list[Region]] = relationship(Region, secondary=support_group_region, lazy="selectin")
    skills: Mapped[list[Skill]] = relationship(Skill, secondary=support_group_skill, lazy="selectin")

    def __str__(self) -> str:
        return self.name


class EngineerProfile(ActiveMixin, TimestampMixin, Model):
    """服务工程师档案: skills, region, group, working calendar and hourly cost of one user."""

    __tablename__ = "engineer_profile"
    __table_args__ = (CheckConstraint("hourly_cost >= 0", name="hourly_cost_not_negative"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), unique=True)
    support_group_id: Mapped[int | None] = mapped_column(ForeignKey("support_group.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    calendar_id: Mapped[int | None] = mapped_column(ForeignKey("business_calendar.id"), index=True)
    hourly_cost: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal("0"), server_default="0")

    user: Mapped[UserAccount] = relationship("UserAccount", foreign_keys=[user_id], lazy="joined")
    support_group: Mapped[SupportGroup | None] = relationship(SupportGroup, lazy="joined")
    region: Mapped[Region | None] = relationship(Region, lazy="joined")
    calendar: Mapped[Calendar | None] = relationship(Calendar, lazy="selectin")
    skills: Mapped[list[Skill]] = relationship(Skill, secondary=engineer_skill, lazy="selectin")

    def __str__(self) -> str:
        return self.user.get_full_name() if self.user else str(self.id)
