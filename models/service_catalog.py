"""What can be asked for: service categories (a tree) and the impact × urgency priority matrix."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import ActiveMixin, Model, TimestampMixin
from models.enums import Priority, enum_column
from models.reference import Skill

if TYPE_CHECKING:
    from models.support import SupportGroup

LEVELS = (1, 2, 3, 4)  # impact and urgency: 1 highest


class ServiceCategory(ActiveMixin, TimestampMixin, Model):
    """服务类别: classifies requests; its templates make ticket entry fast."""

    __tablename__ = "service_category"
    __table_args__ = (
        UniqueConstraint("parent_id", "name"),
        CheckConstraint("default_impact BETWEEN 1 AND 4", name="default_impact_range"),
        CheckConstraint("default_urgency BETWEEN 1 AND 4", name="default_urgency_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("service_category.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    standard_description: Mapped[str | None] = mapped_column(Text)
    standard_solution: Mapped[str | None] = mapped_column(Text)
    default_impact: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    default_urgency: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    required_skill_id: Mapped[int | None] = mapped_column(ForeignKey("skill.id"), index=True)
    default_support_group_id: Mapped[int | None] = mapped_column(ForeignKey("support_group.id"), index=True)

    parent: Mapped[ServiceCategory | None] = relationship(
        remote_side=[id], back_populates="children", lazy="joined", join_depth=2
    )
    children: Mapped[list[ServiceCategory]] = relationship(back_populates="parent", order_by="ServiceCategory.name")
    required_skill: Mapped[Skill | None] = relationship(Skill, lazy="joined")
    default_support_group: Mapped[SupportGroup | None] = relationship("SupportGroup", lazy="joined")

    @property
    def path(self) -> str:
        """ "硬件 / 打印机 / 卡纸": the category with its ancestors."""
        names, node, seen = [], self, set()
        while node is not None and node.id not in seen:
            seen.add(node.id)
            names.append(node.name)
            node = node.parent
        return " / ".join(reversed(names))

    def __str__(self) -> str:
        return self.path


class PriorityCell(Model):
    """One cell of the priority matrix: (impact, urgency) → priority. Sixteen rows, edited as a grid."""

    __tablename__ = "priority_cell"
    __history__ = True
    __history_owner__ = ("priority_matrix", "matrix_id", "cell")
    __table_args__ = (
        UniqueConstraint("impact", "urgency"),
        CheckConstraint("impact BETWEEN 1 AND 4", name="impact_range"),
        CheckConstraint("urgency BETWEEN 1 AND 4", name="urgency_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    impact: Mapped[int] = mapped_column(Integer)
    urgency: Mapped[int] = mapped_column(Integer)
    priority: Mapped[Priority] = mapped_column(enum_column(Priority))

    matrix_id = 1  # the one matrix, so its history is one timeline

    @property
    def cell(self) -> str:
        return f"I{self.impact}U{self.urgency}"
