"""Spare parts (备件), warehouses (仓库) and stock levels.

Stock moves as an append-only ledger arrive with the service desk; here the
catalog side: what parts exist, where stock is kept, how much is on hand.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Table,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.assets import AssetModel
from models.base import ActiveMixin, Model, TimestampMixin
from models.enums import WarehouseKind, enum_column
from models.organisations import Vendor
from models.reference import Region

if TYPE_CHECKING:
    from models.users import UserAccount


class Warehouse(ActiveMixin, TimestampMixin, Model):
    __tablename__ = "warehouse"
    __table_args__ = (
        CheckConstraint("kind <> 'VAN' OR owner_user_id IS NOT NULL", name="van_has_engineer"),
        CheckConstraint("kind <> 'VENDOR' OR vendor_id IS NOT NULL", name="vendor_held_has_vendor"),
    )
    __scope__ = {"vendor": "vendor_id"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[WarehouseKind] = mapped_column(enum_column(WarehouseKind), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), index=True)
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendor.id"), index=True)
    address: Mapped[str | None] = mapped_column(String(300))

    region: Mapped[Region | None] = relationship(Region, lazy="joined")
    owner: Mapped[UserAccount | None] = relationship("UserAccount", foreign_keys=[owner_user_id], lazy="selectin")
    vendor: Mapped[Vendor | None] = relationship(Vendor, lazy="joined")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


spare_part_asset_model = Table(
    "spare_part_asset_model",
    Model.metadata,
    Column("spare_part_id", ForeignKey("spare_part.id", ondelete="CASCADE"), primary_key=True),
    Column("asset_model_id", ForeignKey("asset_model.id"), primary_key=True),
)


class SparePart(ActiveMixin, TimestampMixin, Model):
    __tablename__ = "spare_part"
    __table_args__ = (
        CheckConstraint("unit_cost >= 0", name="unit_cost_not_negative"),
        CheckConstraint("safety_stock >= 0 AND reorder_quantity >= 0", name="quantities_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    part_number: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    unit: Mapped[str] = mapped_column(String(20), default="个", server_default="个")
    unit_cost: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0"), server_default="0")
    safety_stock: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    reorder_quantity: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    serialized: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    returnable: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    compatible_models: Mapped[list[AssetModel]] = relationship(
        AssetModel, secondary=spare_part_asset_model, lazy="selectin"
    )
    stock_levels: Mapped[list[StockLevel]] = relationship(back_populates="spare_part")

    def __str__(self) -> str:
        return f"{self.part_number} {self.name}"


class StockLevel(Model):
    """On-hand quantity of one part in one warehouse, kept in step with the movement ledger."""

    __tablename__ = "stock_level"
    __table_args__ = (
        UniqueConstraint("warehouse_id", "spare_part_id"),
        CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
    )
    __scope__ = {"vendor": "vendor_id"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"), index=True)
    spare_part_id: Mapped[int] = mapped_column(ForeignKey("spare_part.id"), index=True)
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendor.id"), index=True)
    on_hand: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    warehouse: Mapped[Warehouse] = relationship(Warehouse, lazy="joined")
    spare_part: Mapped[SparePart] = relationship(back_populates="stock_levels", lazy="joined")
