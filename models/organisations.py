"""Customers and service vendors, with their contacts and sites.

These are the outside organisations whose users see only their own rows
(``__scope__``, see app/security/scoping.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import ActiveMixin, Model, TimestampMixin
from models.enums import ServiceTier, enum_column
from models.reference import Region, Skill

if TYPE_CHECKING:
    from models.sla import SLA
    from models.users import UserAccount


class OrganisationMixin(ActiveMixin, TimestampMixin):
    """What customers and vendors share: a unique code, a name, an active flag."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(300))
    notes: Mapped[str | None] = mapped_column(Text)

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Customer(OrganisationMixin, Model):
    """客户: a company that receives service."""

    __tablename__ = "customer"
    __scope__ = {"customer": "id"}

    short_name: Mapped[str | None] = mapped_column(String(60))
    industry: Mapped[str | None] = mapped_column(String(60), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    service_tier: Mapped[ServiceTier] = mapped_column(
        enum_column(ServiceTier), default=ServiceTier.STANDARD, server_default=ServiceTier.STANDARD.name, index=True
    )
    account_manager_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), index=True)

    region: Mapped[Region | None] = relationship(Region, lazy="joined")
    account_manager: Mapped[UserAccount | None] = relationship(
        "UserAccount", foreign_keys=[account_manager_id], lazy="selectin"
    )
    contacts: Mapped[list[Contact]] = relationship(back_populates="customer", order_by="Contact.name")
    sites: Mapped[list[Site]] = relationship(back_populates="customer", order_by="Site.name")


class Contact(ActiveMixin, TimestampMixin, Model):
    """联系人: a person at a customer who calls in, confirms and rates service."""

    __tablename__ = "contact"
    __table_args__ = (UniqueConstraint("customer_id", "email"),)
    __scope__ = {"customer": "customer_id"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    phone: Mapped[str | None] = mapped_column(String(40), index=True)
    email: Mapped[str | None] = mapped_column(String(200))
    job_title: Mapped[str | None] = mapped_column(String(100))
    preferred_language: Mapped[str] = mapped_column(String(5), default="zh", server_default="zh")

    customer: Mapped[Customer] = relationship(back_populates="contacts", lazy="joined")

    def __str__(self) -> str:
        return self.name


class Site(ActiveMixin, TimestampMixin, Model):
    """站点: a customer's location where equipment stands and engineers go."""

    __tablename__ = "site"
    __table_args__ = (UniqueConstraint("customer_id", "name"),)
    __scope__ = {"customer": "customer_id"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(300))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"), index=True)

    customer: Mapped[Customer] = relationship(back_populates="sites", lazy="joined")
    region: Mapped[Region | None] = relationship(Region, lazy="joined")
    contact: Mapped[Contact | None] = relationship(Contact, lazy="selectin")

    def __str__(self) -> str:
        return self.name


vendor_region = Table(
    "vendor_region",
    Model.metadata,
    Column("vendor_id", ForeignKey("vendor.id", ondelete="CASCADE"), primary_key=True),
    Column("region_id", ForeignKey("region.id"), primary_key=True),
)
vendor_skill = Table(
    "vendor_skill",
    Model.metadata,
    Column("vendor_id", ForeignKey("vendor.id", ondelete="CASCADE"), primary_key=True),
    Column("skill_id", ForeignKey("skill.id"), primary_key=True),
)


class Vendor(OrganisationMixin, Model):
    """服务商: a subcontractor that works the work orders assigned to it."""

    __tablename__ = "vendor"
    __scope__ = {"vendor": "id"}

    ola_id: Mapped[int | None] = mapped_column(ForeignKey("sla.id"), index=True)

    ola: Mapped[SLA | None] = relationship("SLA", foreign_keys=[ola_id], lazy="selectin")
    regions: Mapped[list[Region]] = relationship(Region, secondary=vendor_region, lazy="selectin")
    skills: Mapped[list[Skill]] = relationship(Skill, secondary=vendor_skill, lazy="selectin")
    contacts: Mapped[list[VendorContact]] = relationship(back_populates="vendor", order_by="VendorContact.name")


class VendorContact(ActiveMixin, TimestampMixin, Model):
    """A person at a vendor the dispatcher calls (not necessarily a user of the system)."""

    __tablename__ = "vendor_contact"
    __scope__ = {"vendor": "vendor_id"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    job_title: Mapped[str | None] = mapped_column(String(100))

    vendor: Mapped[Vendor] = relationship(back_populates="contacts", lazy="joined")

    def __str__(self) -> str:
        return self.name
