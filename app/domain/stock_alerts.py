"""Stock below its safety stock (低于安全库存): the reorder rule, as one SQL condition.

A stock level is below safety stock when its usable quantity (on hand) is less than its spare part's
safety stock; defective and in-repair units do not count. Lists, counts, the dashboard and reorder
alerts all use this condition, so they cannot disagree about which stock needs ordering.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, select

from models.stock import SparePart, StockLevel


def below_safety_stock() -> ColumnElement[bool]:
    """True for stock levels whose on-hand quantity is under their part's safety stock."""
    safety_stock = (
        select(SparePart.safety_stock)
        .where(SparePart.id == StockLevel.spare_part_id)
        .correlate(StockLevel)
        .scalar_subquery()
    )
    return StockLevel.on_hand < safety_stock
