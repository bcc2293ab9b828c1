"""Below safety stock is one SQL rule (app.domain.stock_alerts): on hand strictly under the part's safety stock,
defective and in-repair units not counted; the stock screens and API flag exactly the rows it selects."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.domain.stock_alerts import below_safety_stock
from models.stock import SparePart, StockLevel, Warehouse


@pytest.fixture
def levels(app):
    """Part SP-ALERT (safety stock 5) at 4, 5 and 6 on hand, the 4 with 3 defective; part SP-NONE (no safety
    stock) at 0. Returns {name: stock level id}."""
    from app.extensions import db

    with app.app_context():
        warehouses = db.session.scalars(select(Warehouse).order_by(Warehouse.id)).all()[:3]
        alert = SparePart(part_number="SP-ALERT", name="告警备件", safety_stock=5, unit_cost=Decimal("1"))
        none = SparePart(part_number="SP-NONE", name="无安全库存备件", safety_stock=0, unit_cost=Decimal("1"))
        rows = {
            "four": StockLevel(warehouse=warehouses[0], spare_part=alert, on_hand=4, defective=3),
            "five": StockLevel(warehouse=warehouses[1], spare_part=alert, on_hand=5),
            "six": StockLevel(warehouse=warehouses[2], spare_part=alert, on_hand=6),
            "empty": StockLevel(warehouse=warehouses[0], spare_part=none, on_hand=0),
        }
        db.session.add_all(rows.values())
        db.session.commit()
        return {name: row.id for name, row in rows.items()}


def test_only_stock_under_its_parts_safety_stock_is_below(app, levels):
    from app.extensions import db

    with app.app_context():
        below = set(
            db.session.scalars(select(StockLevel.id).where(StockLevel.id.in_(levels.values()), below_safety_stock()))
        )
    assert below == {levels["four"]}  # 5 is not under 5; defective units are not stock to use; 0 under 0 is not


def test_the_stock_list_and_api_flag_exactly_those_rows(levels, login_as):
    client = login_as("admin")
    with client.application.app_context():
        from app.extensions import db

        part_id = db.session.get(StockLevel, levels["four"]).spare_part_id
    page = client.get(f"/stock-levels/list/?_flt_0_spare_part={part_id}&_l_=en").text
    flags = {name: client.get(f"/api/v1/stock_level/{pk}").get_json()["result"]["below_safety_stock"]
             for name, pk in levels.items()}  # fmt: skip
    assert flags == {"four": True, "five": False, "six": False, "empty": False}
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", page, re.S)
    alert_rows = [row for row in rows if "SP-ALERT" in row]
    assert len(alert_rows) == 3
    assert [">4<" in row for row in alert_rows if "label-danger" in row] == [True]
