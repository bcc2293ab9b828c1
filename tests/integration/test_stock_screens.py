"""Warehouses (仓库), spare parts (备件) and stock levels: rules, scoping by vendor, page cost."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from tests.helpers import csrf_token, form_csrf_token
from tests.integration.test_query_budget import counted_statements

OTHER_VENDOR = ("V-BJHT", "北京恒通网络工程有限公司")


def add(client, url, data):
    token = form_csrf_token(client.get(url).text)
    return client.post(url, data={**data, "csrf_token": token}, follow_redirects=True)


def mentions(page: str, text: str) -> bool:
    """``text`` appears in the page as HTML or inside a JSON blob (filter widgets escape Chinese)."""
    return text in page or json.dumps(text)[1:-1] in page


def one(app, model, **filters) -> int:
    """The id of the one row matching ``filters``."""
    from app.extensions import db

    with app.app_context():
        return db.session.query(model).filter_by(**filters).one().id


def vendor_warehouse(app, vendor_code: str, code: str, stock: dict[str, int]) -> tuple[int, list[int]]:
    """A vendor-held warehouse with ``stock`` (part number → on hand); its id and its stock levels' ids."""
    from app.extensions import db
    from models.enums import WarehouseKind
    from models.organisations import Vendor
    from models.stock import SparePart, StockLevel, Warehouse

    with app.app_context():
        vendor = db.session.query(Vendor).filter_by(code=vendor_code).one()
        warehouse = Warehouse(code=code, name=f"{vendor.name}寄售仓", kind=WarehouseKind.VENDOR, vendor=vendor)
        levels = [
            StockLevel(
                warehouse=warehouse,
                spare_part=db.session.query(SparePart).filter_by(part_number=number).one(),
                vendor_id=vendor.id,
                on_hand=on_hand,
            )
            for number, on_hand in stock.items()
        ]
        db.session.add_all([warehouse, *levels])
        db.session.commit()
        return warehouse.id, [level.id for level in levels]


# --- warehouses ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "VAN"}, "An engineer van needs its engineer"),
        ({"kind": "VENDOR"}, "A vendor-held warehouse needs its service vendor."),
        ({"kind": "CENTRAL", "vendor": "V-SHXX"}, "Only vendor-held warehouses belong to a service vendor"),
    ],
)
def test_warehouse_kind_rules_are_explained_before_the_database_refuses(app, login_as, fields, message):
    from app.extensions import db
    from models.organisations import Vendor
    from models.stock import Warehouse

    data = {"code": "WH-TEST", "name": "测试仓", "active": "y", "kind": fields["kind"]}
    if "vendor" in fields:
        data["vendor"] = str(one(app, Vendor, code=fields["vendor"]))
    resp = add(login_as("admin"), "/warehouses/add?_l_=en", data)
    assert resp.status_code == 200
    assert message in resp.text
    with app.app_context():
        assert db.session.query(Warehouse).filter_by(code="WH-TEST").count() == 0


def test_api_refuses_a_van_owned_by_someone_who_is_not_an_engineer(app, login_as):
    from app.extensions import db
    from models.stock import Warehouse
    from models.users import UserAccount

    manager = one(app, UserAccount, username="manager")
    client = login_as("admin")
    resp = client.post(
        "/api/v1/warehouse/?_l_=en",
        json={"code": "WH-VAN-X", "name": "经理的车", "kind": "van", "owner": manager, "active": True},
        headers={"X-CSRFToken": csrf_token(client)},
    )
    assert resp.status_code == 400
    assert "is not a service engineer; a warehouse's owner must be one" in resp.get_json()["message"]
    with app.app_context():
        assert db.session.query(Warehouse).filter_by(code="WH-VAN-X").count() == 0


def test_editing_a_van_without_its_engineer_is_refused_with_a_message(app, login_as):
    from app.extensions import db
    from models.stock import Warehouse

    van = one(app, Warehouse, code="WH-VAN-ZW")
    client = login_as("admin")
    page = client.get(f"/warehouses/edit/{van}").text
    resp = client.post(
        f"/warehouses/edit/{van}?_l_=en",
        data={
            "code": "WH-VAN-ZW",
            "name": "张伟工程车",
            "kind": "VAN",
            "active": "y",
            "csrf_token": form_csrf_token(page),
        },
        follow_redirects=True,
    )
    assert "An engineer van needs its engineer" in resp.text
    with app.app_context():
        assert db.session.get(Warehouse, van).owner_user_id is not None


def test_moving_a_warehouse_to_another_vendor_moves_its_stock_levels_scope(app, login_as):
    from app.extensions import db
    from models.organisations import Vendor
    from models.stock import StockLevel, Warehouse

    warehouse_id = one(app, Warehouse, code="WH-V-SHXX")
    new_vendor = one(app, Vendor, code="V-BJHT")
    with app.app_context():
        warehouse = db.session.get(Warehouse, warehouse_id)
        level_ids = [level.id for level in db.session.query(StockLevel).filter_by(warehouse_id=warehouse_id)]
        region_id = warehouse.region_id
    assert level_ids
    vendor2_before = login_as("vendor2").get("/api/v1/stock_level/").get_json()["count"]  # its own warehouse's
    client = login_as("admin")
    page = client.get(f"/warehouses/edit/{warehouse_id}").text
    client.post(
        f"/warehouses/edit/{warehouse_id}",
        data={
            "code": "WH-V-SHXX",
            "name": "迅修寄售仓（转恒通）",
            "kind": "VENDOR",
            "region": str(region_id),
            "vendor": str(new_vendor),
            "active": "y",
            "csrf_token": form_csrf_token(page),
        },
    )
    with app.app_context():
        assert db.session.get(Warehouse, warehouse_id).vendor_id == new_vendor
        moved = db.session.query(StockLevel).filter(StockLevel.warehouse_id == warehouse_id).all()
        assert {level.vendor_id for level in moved} == {new_vendor}
    assert login_as("vendor1").get("/api/v1/stock_level/").get_json()["count"] == 0
    assert login_as("vendor2").get("/api/v1/stock_level/").get_json()["count"] == vendor2_before + len(level_ids)


def test_vendor_user_sees_only_its_own_warehouses(app, login_as):
    from models.stock import Warehouse

    other, _levels = vendor_warehouse(app, "V-BJHT", "WH-T-BJHT", {"SP-NET-001": 5})
    client = login_as("vendor1")
    page = client.get("/warehouses/list/").text
    assert "WH-V-SHXX" in page
    assert not any(mentions(page, text) for text in ("WH-T-BJHT", "WH-SH", *OTHER_VENDOR))
    assert client.get(f"/warehouses/show/{other}").status_code in (302, 404)
    listing = client.get("/api/v1/warehouse/").get_json()
    assert [row["code"] for row in listing["result"]] == ["WH-V-SHXX"]
    assert client.get(f"/api/v1/warehouse/{other}").status_code == 404
    assert client.get(f"/api/v1/warehouse/{one(app, Warehouse, code='WH-SH')}").status_code == 404


def test_vendor_user_sees_only_the_stock_of_its_own_warehouses(app, login_as):
    from models.stock import SparePart

    other, (other_level,) = vendor_warehouse(app, "V-BJHT", "WH-T-BJHT", {"SP-NET-001": 5})
    client = login_as("vendor1")
    page = client.get("/stock-levels/list/?psize_StockLevelView=100").text
    assert "WH-V-SHXX" in page
    assert not any(mentions(page, text) for text in ("WH-T-BJHT", "WH-SH", *OTHER_VENDOR))
    assert client.get(f"/stock-levels/show/{other_level}").status_code in (302, 404)
    part_page = client.get(f"/spare-parts/show/{one(app, SparePart, part_number='SP-NET-001')}").text
    assert "WH-T-BJHT" not in part_page and "WH-SH" not in part_page
    listing = client.get("/api/v1/stock_level/?q=(page_size:100)").get_json()
    assert listing["result"] and {row["warehouse"]["code"] for row in listing["result"]} == {"WH-V-SHXX"}
    assert client.get(f"/api/v1/stock_level/{other_level}").status_code == 404


@pytest.mark.parametrize("api", ["warehouse", "stock_level", "spare_part"])
def test_vendor_users_stock_api_info_lists_no_other_vendor(app, login_as, api):
    vendor_warehouse(app, "V-BJHT", "WH-T-BJHT", {"SP-NET-001": 5})
    resp = login_as("vendor1").get(f"/api/v1/{api}/_info")
    assert resp.status_code == 200
    body = json.dumps(resp.get_json(), ensure_ascii=False)
    assert not any(text in body for text in ("WH-T-BJHT", "WH-SH", *OTHER_VENDOR))


# --- spare parts and stock levels ---------------------------------------------------------------


def test_duplicate_part_number_is_refused_with_a_clear_message(app, login_as):
    from app.extensions import db
    from models.stock import SparePart

    client = login_as("admin")
    data = {"part_number": "SP-SRV-001", "name": "重复的内存", "unit": "条", "unit_cost": "1", "safety_stock": "0",
            "reorder_quantity": "0", "active": "y"}  # fmt: skip
    resp = add(client, "/spare-parts/add?_l_=en", data)
    assert "Part number SP-SRV-001 already exists: SP-SRV-001 服务器内存 32GB DDR4-3200 RDIMM." in resp.text
    api = client.post(
        "/api/v1/spare_part/?_l_=en", json={**data, "active": True}, headers={"X-CSRFToken": csrf_token(client)}
    )
    assert api.status_code == 400 and "Part number SP-SRV-001 already exists" in api.get_json()["message"]
    with app.app_context():
        assert db.session.query(SparePart).filter_by(part_number="SP-SRV-001").count() == 1


def test_a_part_can_be_saved_neither_serialized_nor_returnable(app, login_as):
    from app.extensions import db
    from models.stock import SparePart

    data = {
        "part_number": "SP-TST-009",
        "name": "扎带",
        "unit": "包",
        "unit_cost": "3.50",
        "safety_stock": "10",
        "reorder_quantity": "20",
        "active": "y",
    }  # fmt: skip  (unticked checkboxes are simply not posted)
    add(login_as("admin"), "/spare-parts/add", data)
    with app.app_context():
        part = db.session.query(SparePart).filter_by(part_number="SP-TST-009").one()
        assert (part.serialized, part.returnable, part.active) == (False, False, True)


def test_part_page_shows_stock_by_warehouse(app, login_as):
    from app.extensions import db
    from models.stock import SparePart, StockLevel, Warehouse

    with app.app_context():
        part = SparePart(part_number="SP-TST-001", name="测试备件", safety_stock=5, unit_cost=Decimal("10"))
        central = db.session.query(Warehouse).filter_by(code="WH-SH").one()
        regional = db.session.query(Warehouse).filter_by(code="WH-GZ").one()
        db.session.add_all(
            [
                StockLevel(warehouse=central, spare_part=part, on_hand=12),
                StockLevel(warehouse=regional, spare_part=part),
            ]
        )
        db.session.commit()
        part_id = part.id
    page = login_as("engineer1").get(f"/spare-parts/show/{part_id}?_l_=en").text
    assert "Stock by warehouse" in page
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", page, re.S)
    central_row = next(row for row in rows if "WH-SH 上海中心仓" in row)
    regional_row = next(row for row in rows if "WH-GZ 广州区域仓" in row)
    assert ">12<" in central_row and "label-danger" not in central_row
    assert ">0<" in regional_row and "label-danger" in regional_row  # 0 on hand is below the safety stock of 5


def test_stock_levels_filter_by_warehouse_and_part(app, login_as):
    from models.stock import SparePart, Warehouse

    warehouse, part = one(app, Warehouse, code="WH-GZ"), one(app, SparePart, part_number="SP-SRV-001")
    client = login_as("manager")
    page = client.get(f"/stock-levels/list/?_flt_0_warehouse={warehouse}&psize_StockLevelView=100").text
    assert "WH-GZ 广州区域仓" in re.sub(r"<select.*?</select>", "", page, flags=re.S)
    assert "<td>WH-SH 上海中心仓</td>" not in page
    page = client.get(f"/stock-levels/list/?_flt_0_spare_part={part}").text
    parts = set(re.findall(r"<td>(SP-[A-Z]{3}-\d{3}) ", page))
    assert parts == {"SP-SRV-001"}


def test_stock_levels_are_read_only_in_the_api_for_everyone(app, login_as):
    from models.stock import StockLevel

    level = one(app, StockLevel, id=1)
    client = login_as("admin")
    headers = {"X-CSRFToken": csrf_token(client)}
    assert client.post("/api/v1/stock_level/", json={"on_hand": 1}, headers=headers).status_code == 405
    assert client.put(f"/api/v1/stock_level/{level}", json={"on_hand": 1}, headers=headers).status_code == 405
    assert client.delete(f"/api/v1/stock_level/{level}", headers=headers).status_code == 405
    body = client.get(f"/api/v1/stock_level/{level}").get_json()["result"]
    assert body["below_safety_stock"] == (body["on_hand"] < body["spare_part"]["safety_stock"])


@pytest.mark.parametrize(
    ("path", "view"), [("/spare-parts/list/", "SparePartView"), ("/stock-levels/list/", "StockLevelView")]
)
def test_list_issues_the_same_statements_at_page_size_10_and_100(app, login_as, path, view):
    client = login_as("dispatcher")
    client.get(path)  # warm caches (e.g. the user's roles)
    statements, rows = {}, {}
    for size in (10, 100):
        with counted_statements(app) as executed:
            resp = client.get(f"{path}?psize_{view}={size}")
        assert resp.status_code == 200
        statements[size], rows[size] = len(executed), resp.text.count("<tr")
    assert rows[100] > rows[10]  # the bigger page really shows more rows
    assert statements[10] == statements[100], statements


@pytest.mark.parametrize(
    "api", ["vendor", "vendor_contact", "support_group", "engineer_profile", "warehouse", "spare_part", "stock_level"]
)
def test_api_pages_never_include_a_password_hash(login_as, api):
    client = login_as("admin")
    listing = client.get(f"/api/v1/{api}/").get_json()
    shown = [client.get(f"/api/v1/{api}/{pk}").get_json() for pk in listing["ids"][:5]]
    assert listing["ids"] and all("result" in page for page in shown)
    body = json.dumps([listing, *shown])
    assert "password" not in body and "pbkdf2" not in body
