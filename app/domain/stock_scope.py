"""Stock levels are scoped like the warehouse that holds them.

``StockLevel.vendor_id`` is a copy of its warehouse's ``vendor_id`` so that row
scoping (``__scope__``) needs no join: a vendor sees the stock of the warehouses it
holds. Whoever changes a warehouse's vendor calls ``follow_warehouse_vendor`` in the
same transaction, so the stock never stays visible to the previous vendor.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from models.stock import StockLevel


def follow_warehouse_vendor(session: Session, warehouse_id: int, vendor_id: int | None) -> int:
    """Give every stock level of the warehouse the warehouse's vendor; return how many changed."""
    result = session.execute(
        update(StockLevel)
        .where(StockLevel.warehouse_id == warehouse_id, StockLevel.vendor_id.is_distinct_from(vendor_id))
        .values(vendor_id=vendor_id)
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount
