"""Small reference catalogs used across areas: regions and skills."""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import ActiveMixin, Model, TimestampMixin


class Region(ActiveMixin, TimestampMixin, Model):
    """区域: where customers' sites are and which engineers, groups and vendors cover it."""

    __tablename__ = "region"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))

    def __str__(self) -> str:
        return self.name


class Skill(ActiveMixin, TimestampMixin, Model):
    """技能: what a category requires and engineers, groups and vendors offer."""

    __tablename__ = "skill"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))

    def __str__(self) -> str:
        return self.name
