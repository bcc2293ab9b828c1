"""The two kinds of outside organisation whose users see only their own rows.

Minimal on purpose (code, name, active): the catalogs issue extends both. Rows of
these tables and of anything they own are scoped by ``app.security.scoping``.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Integer, String, true
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Model, TimestampMixin


class OrganisationMixin(TimestampMixin):
    """What customers and vendors share: a unique code, a name, an active flag."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true(), index=True)

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Customer(OrganisationMixin, Model):
    """客户: a company that receives service."""

    __tablename__ = "customer"
    __scope__ = {"customer": "id"}


class Vendor(OrganisationMixin, Model):
    """服务商: a subcontractor that works the work orders assigned to it."""

    __tablename__ = "vendor"
    __scope__ = {"vendor": "id"}
