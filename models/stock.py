"""Spare parts (备件), warehouses (仓库), stock levels and the append-only stock ledger.

Every change of a stock level is a ``StockMovement`` row written in the same
transaction as one conditional UPDATE of the level (app/domain/stock_ledger.py),
so each bucket of a level always equals the sum of its movements.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.assets import AssetModel
from models.base import ActiveMixin, Model, TimestampMixin, UTCDateTime, utcnow
from models.enums import StockMoveKind, WarehouseKind, enum_column
from models.organisations import Vendor
from models.reference import Region

if TYPE_CHECKING:
    from models.users import UserAccount
    from models.work_orders import WorkOrder


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
    """One part in one warehouse: usable (on hand), defective awaiting repair, and away at repair.

    Each bucket equals the sum of the ledger's movements into and out of it.
    """

    __tablename__ = "stock_level"
    __table_args__ = (
        UniqueConstraint("warehouse_id", "spare_part_id"),
        CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
        CheckConstraint("defective >= 0", name="defective_not_negative"),
        CheckConstraint("in_repair >= 0", name="in_repair_not_negative"),
    )
    __scope__ = {"vendor": "vendor_id"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"), index=True)
    spare_part_id: Mapped[int] = mapped_column(ForeignKey("spare_part.id"), index=True)
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendor.id"), index=True)
    on_hand: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    defective: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    in_repair: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    warehouse: Mapped[Warehouse] = relationship(Warehouse, lazy="joined")
    spare_part: Mapped[SparePart] = relationship(back_populates="stock_levels", lazy="joined")


class StockMovement(Model):
    """One ledger line: ``quantity`` units of a part moved by ``kind`` (never updated or deleted).

    ``warehouse_id`` is the warehouse whose level changes; a transfer also names
    ``to_warehouse_id``. An adjustment's ``quantity`` is signed; every other kind is positive.
    """

    __tablename__ = "stock_movement"
    __scope__ = {"vendor": "vendor_id"}
    __table_args__ = (
        CheckConstraint("quantity <> 0", name="quantity_not_zero"),
        CheckConstraint("kind = 'ADJUSTMENT' OR quantity > 0", name="only_adjustments_negative"),
        CheckConstraint("kind <> 'TRANSFER' OR to_warehouse_id IS NOT NULL", name="transfer_has_target"),
        CheckConstraint("unit_cost >= 0", name="unit_cost_not_negative"),
        Index("ix_stock_movement_part_warehouse", "spare_part_id", "warehouse_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[StockMoveKind] = mapped_column(enum_column(StockMoveKind), index=True)
    spare_part_id: Mapped[int] = mapped_column(ForeignKey("spare_part.id"))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"), index=True)
    to_warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouse.id"), index=True)
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendor.id"), index=True)  # a vendor-held warehouse's
    quantity: Mapped[int] = mapped_column(Integer)
    unit_cost: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0"), server_default="0")
    work_order_id: Mapped[int | None] = mapped_column(ForeignKey("work_order.id"), index=True)
    serials_installed: Mapped[list] = mapped_column(JSON, default=list)
    serials_removed: Mapped[list] = mapped_column(JSON, default=list)
    reference: Mapped[str | None] = mapped_column(String(100))  # delivery note, RMA number
    note: Mapped[str | None] = mapped_column(String(300))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), index=True)
    actor_label: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    spare_part: Mapped[SparePart] = relationship(SparePart, lazy="joined")
    warehouse: Mapped[Warehouse] = relationship(Warehouse, foreign_keys=[warehouse_id], lazy="joined")
    to_warehouse: Mapped[Warehouse | None] = relationship(Warehouse, foreign_keys=[to_warehouse_id], lazy="selectin")
    actor: Mapped[UserAccount | None] = relationship("UserAccount", lazy="selectin")
    work_order: Mapped[WorkOrder | None] = relationship("WorkOrder", lazy="selectin")
