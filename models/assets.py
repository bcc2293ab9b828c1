"""Equipment (设备) at customers' sites, by model, with serial numbers and warranty."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import ActiveMixin, Model, TimestampMixin
from models.enums import AssetStatus, WarrantyStatus, enum_column
from models.organisations import Customer, Site

WARRANTY_EXPIRING_DAYS = 30


class AssetModel(ActiveMixin, TimestampMixin, Model):
    """设备型号: brand and model; SLAs and spare parts refer to it."""

    __tablename__ = "asset_model"
    __table_args__ = (UniqueConstraint("brand", "model"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    brand: Mapped[str] = mapped_column(String(100), index=True)
    model: Mapped[str] = mapped_column(String(100))
    category: Mapped[str | None] = mapped_column(String(100), index=True)

    def __str__(self) -> str:
        return f"{self.brand} {self.model}"


class Asset(TimestampMixin, Model):
    """A customer's piece of equipment, found by its serial number."""

    __tablename__ = "asset"
    __table_args__ = (
        CheckConstraint(
            "warranty_end IS NULL OR warranty_start IS NULL OR warranty_end >= warranty_start",
            name="warranty_end_after_start",
        ),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
    )
    __scope__ = {"customer": "customer_id"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    serial_number: Mapped[str] = mapped_column(String(100), unique=True)
    asset_model_id: Mapped[int] = mapped_column(ForeignKey("asset_model.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("asset.id"), index=True)
    install_date: Mapped[date | None] = mapped_column(Date)
    warranty_start: Mapped[date | None] = mapped_column(Date)
    warranty_end: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[AssetStatus] = mapped_column(
        enum_column(AssetStatus),
        default=AssetStatus.IN_SERVICE,
        server_default=AssetStatus.IN_SERVICE.name,
        index=True,
    )
    notes: Mapped[str | None] = mapped_column(Text)

    asset_model: Mapped[AssetModel] = relationship(AssetModel, lazy="joined")
    customer: Mapped[Customer] = relationship(Customer, lazy="joined")
    site: Mapped[Site | None] = relationship(Site, lazy="joined")
    parent: Mapped[Asset | None] = relationship(remote_side=[id], back_populates="children", lazy="joined")
    children: Mapped[list[Asset]] = relationship(back_populates="parent", order_by="Asset.serial_number")

    def __str__(self) -> str:
        return self.serial_number

    def warranty_status_on(self, day: date) -> WarrantyStatus:
        """Derived, never typed: from the warranty dates and the given day."""
        if self.warranty_end is None:
            return WarrantyStatus.UNKNOWN
        if self.warranty_start is not None and day < self.warranty_start:
            return WarrantyStatus.UNKNOWN
        if day > self.warranty_end:
            return WarrantyStatus.EXPIRED
        if self.warranty_end - day <= timedelta(days=WARRANTY_EXPIRING_DAYS):
            return WarrantyStatus.EXPIRING
        return WarrantyStatus.IN_WARRANTY

    @property
    def warranty_status(self) -> WarrantyStatus:
        return self.warranty_status_on(date.today())
