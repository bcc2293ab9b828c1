"""The stock ledger's screens and API: the append-only list, staff forms, parts used on a work order,
``POST /api/v1/stockledger/``, and vendors seeing and using only their own warehouses."""

from __future__ import annotations

import re
from contextlib import contextmanager
from decimal import Decimal

import pytest
from flask import render_template_string
from flask_login import login_user
from sqlalchemy import func, select

from models.enums import StockMoveKind
from tests.helpers import csrf_token, form_csrf_token
from tests.integration.test_query_budget import counted_statements
from tests.integration.test_stock_ledger import make_part, make_work_order

K = StockMoveKind


@contextmanager
def database(app):
    """The app's session for a moment: an app context held across requests would share ``g`` between them."""
    from app.extensions import db

    with app.app_context():
        yield db.session


def ids(session, model, **filters) -> int:
    return session.scalars(select(model.id).filter_by(**filters)).one()


def on_hand(app, warehouse_id: int, part_id: int) -> int:
    from models.stock import StockLevel

    with database(app) as session:
        return session.scalar(
            select(StockLevel.on_hand).where(
                StockLevel.warehouse_id == warehouse_id, StockLevel.spare_part_id == part_id
            )
        )


def movement_count(app) -> int:
    from models.stock import StockMovement

    with database(app) as session:
        return session.scalar(select(func.count(StockMovement.id)))


def api_post(client, payload, lang="en"):
    return client.post(f"/api/v1/stockledger/?_l_={lang}", json=payload, headers={"X-CSRFToken": csrf_token(client)})


@pytest.fixture
def setup(app):
    """A part with 5 in WH-SH and 3 in vendor1's warehouse; an engineer's and a vendor1 work order."""
    with database(app) as session:
        return _setup(session)


def _setup(session) -> dict[str, int]:
    from app.domain.stock_ledger import move
    from models.stock import Warehouse

    part = make_part(session, cost="40.00")
    central = ids(session, Warehouse, code="WH-SH")
    vendor_held = ids(session, Warehouse, code="WH-V-SHXX")
    for warehouse, quantity in ((central, 5), (vendor_held, 3)):
        move(session, K.RECEIPT, part_id=part.id, warehouse_id=warehouse, quantity=quantity, now=_now())
    staff_wo = make_work_order(session)
    vendor_wo = make_work_order(session, vendor="V-SHXX")
    other_vendor_wo = make_work_order(session, vendor="V-BJHT")
    session.commit()
    return {
        "part": part.id,
        "central": central,
        "vendor_held": vendor_held,
        "staff_wo": staff_wo.id,
        "vendor_wo": vendor_wo.id,
        "other_vendor_wo": other_vendor_wo.id,
    }


def _now():
    from models.base import utcnow

    return utcnow()


# --- the list ----------------------------------------------------------------------------------------


def test_staff_see_the_ledger_with_translated_kinds_and_no_edit_or_delete(login_as):
    client = login_as("dispatcher")
    page = client.get("/stock-ledger/list/?_l_=zh").text
    assert "入库" in page  # the demo stock's receipts
    assert "从不修改或删除" in page  # the append-only note
    english = client.get("/stock-ledger/list/?_l_=en").text
    assert "Receipt" in english and "Record a receipt" in english
    for path in ("/stock-ledger/add", "/stock-ledger/edit/1", "/stock-ledger/delete/1"):
        assert client.get(path).status_code == 404


def test_vendors_see_only_movements_of_their_warehouses(app, login_as, setup):
    from models.stock import StockMovement

    vendor1 = login_as("vendor1")
    page = vendor1.get("/stock-ledger/list/?psize_StockLedgerView=100").text
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", page, re.S)
    assert any("WH-V-SHXX" in row for row in rows)
    assert not any("WH-SH 上海中心仓" in row for row in rows)
    assert "Record a receipt" not in vendor1.get("/stock-ledger/list/?_l_=en").text  # staff forms only
    with database(app) as session:
        own, central = (
            session.scalars(select(StockMovement.id).where(StockMovement.warehouse_id == setup[key])).first()
            for key in ("vendor_held", "central")
        )
    assert vendor1.get(f"/stock-ledger/show/{own}").status_code == 200
    assert vendor1.get(f"/stock-ledger/show/{central}").status_code in (302, 404)
    listing = vendor1.get("/api/v1/stockledger/?q=(page_size:100)").get_json()
    assert listing["result"] and {row["warehouse"]["code"] for row in listing["result"]} == {"WH-V-SHXX"}
    assert vendor1.get(f"/api/v1/stockledger/{central}").status_code == 404
    csv = vendor1.get("/stock-ledger/export/csv/").data.decode("utf-8-sig")
    assert "WH-V-SHXX" in csv and "WH-SH 上海中心仓" not in csv
    theirs = login_as("vendor2").get("/api/v1/stockledger/?q=(page_size:100)").get_json()["result"]
    assert theirs and {row["warehouse"]["code"] for row in theirs} == {"WH-V-BJHT"}  # its own warehouse only
    assert login_as("customer1").get("/api/v1/stockledger/").status_code in (401, 403)


def test_ledger_list_costs_the_same_statements_whatever_its_page_size(app, login_as):
    client = login_as("dispatcher")
    client.get("/stock-ledger/list/")
    counts = {}
    for size in (10, 100):
        with counted_statements(app) as executed:
            assert client.get(f"/stock-ledger/list/?psize_StockLedgerView={size}").status_code == 200
        counts[size] = len(executed)
    assert counts[10] == counts[100], counts


def test_stock_levels_say_they_change_only_through_the_ledger(login_as):
    client = login_as("engineer1")
    page = client.get("/stock-levels/list/?_l_=en").text
    assert "change only through the stock ledger" in page and "/stock-ledger/list/" in page
    assert "/stock-levels/add" not in page


# --- staff forms --------------------------------------------------------------------------------------


def post_form(client, path, data):
    token = form_csrf_token(client.get(path).text)
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=True)


def test_staff_record_a_receipt_and_a_transfer(app, login_as, setup):
    client = login_as("engineer1")
    part, central, vendor_held = setup["part"], setup["central"], setup["vendor_held"]
    page = post_form(
        client, "/stock-ledger/move/receipt?_l_=en", {"part_id": part, "warehouse_id": central, "quantity": "2"}
    )
    assert "Recorded: Receipt, 2 ×" in page.text
    assert on_hand(app, central, part) == 7
    post_form(
        client,
        "/stock-ledger/move/transfer",
        {"part_id": part, "warehouse_id": central, "to_warehouse_id": vendor_held, "quantity": "4"},
    )
    assert (on_hand(app, central, part), on_hand(app, vendor_held, part)) == (3, 7)


def test_a_refused_form_says_why_in_the_users_language_and_saves_nothing(app, login_as, setup):
    client = login_as("dispatcher")  # prefers zh
    before = movement_count(app)
    page = post_form(
        client,
        "/stock-ledger/move/adjustment",
        {"part_id": setup["part"], "warehouse_id": setup["central"], "quantity": "-9", "note": "盘点"},
    ).text
    assert "上海中心仓" in page and "只有 5" in page
    page = post_form(
        client,
        "/stock-ledger/move/adjustment",
        {"part_id": setup["part"], "warehouse_id": setup["central"], "quantity": "-1"},
    ).text
    assert "需要填写备注" in page
    assert movement_count(app) == before
    assert on_hand(app, setup["central"], setup["part"]) == 5


def test_the_repair_loop_forms(app, login_as, setup):
    from app.domain.stock_ledger import move
    from models.stock import StockLevel

    with database(app) as session:
        move(
            session,
            K.DEFECTIVE_RETURN,
            part_id=setup["part"],
            warehouse_id=setup["central"],
            quantity=2,
            now=_now(),
            work_order_id=setup["staff_wo"],
        )
        session.commit()
    client = login_as("manager")
    base = {"part_id": setup["part"], "warehouse_id": setup["central"]}
    post_form(client, "/stock-ledger/move/sent_to_repair", {**base, "quantity": "2", "reference": "RMA-7"})
    post_form(client, "/stock-ledger/move/repaired", {**base, "quantity": "1"})
    post_form(client, "/stock-ledger/move/scrapped", {**base, "quantity": "1"})
    with database(app) as session:
        stored = session.execute(
            select(StockLevel.on_hand, StockLevel.defective, StockLevel.in_repair).where(
                StockLevel.warehouse_id == setup["central"], StockLevel.spare_part_id == setup["part"]
            )
        ).one()
    assert tuple(stored) == (6, 0, 0)


def test_vendors_cannot_open_staff_forms(login_as):
    vendor1 = login_as("vendor1")
    assert vendor1.get("/stock-ledger/move/receipt").status_code == 404
    assert login_as("customer1").get("/stock-ledger/move/receipt").status_code in (302, 403)


# --- parts used on a work order ----------------------------------------------------------------------


def wo_move(client, work_order_id, kind, data, lang="en"):
    token = csrf_token(client)
    return client.post(
        f"/stock-ledger/work-order/{work_order_id}/{kind}?_l_={lang}",
        data={**data, "csrf_token": token, "next": "/somewhere#parts-used"},
    )


def test_an_engineer_issues_and_returns_parts_on_a_work_order(app, login_as, setup):
    from models.work_orders import WorkOrder

    client = login_as("engineer1")
    part, central, wo = setup["part"], setup["central"], setup["staff_wo"]
    response = wo_move(client, wo, "issue", {"part_id": part, "warehouse_id": central, "quantity": "3"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/somewhere#parts-used")
    wo_move(client, wo, "return", {"part_id": part, "warehouse_id": central, "quantity": "1"})
    wo_move(client, wo, "defective_return", {"part_id": part, "warehouse_id": central, "quantity": "1"})
    assert on_hand(app, central, part) == 3
    with database(app) as session:
        assert session.get(WorkOrder, wo).parts_cost == Decimal("80.00")
    response = wo_move(client, wo, "return", {"part_id": part, "warehouse_id": central, "quantity": "5"})
    assert "Only 2 of" in client.get("/stock-ledger/list/").text  # the flashed refusal
    assert on_hand(app, central, part) == 3


def test_an_unsafe_next_goes_back_to_the_ledger(login_as, setup):
    client = login_as("engineer1")
    response = client.post(
        f"/stock-ledger/work-order/{setup['staff_wo']}/issue",
        data={
            "csrf_token": csrf_token(client),
            "part_id": setup["part"],
            "warehouse_id": setup["central"],
            "quantity": "1",
            "next": "https://evil.example/",
        },
    )
    assert response.headers["Location"].endswith("/stock-ledger/list/")


def test_vendors_issue_only_from_their_warehouses_to_their_work_orders(app, login_as, setup):
    vendor1 = login_as("vendor1")
    part = setup["part"]
    wo_move(
        vendor1, setup["vendor_wo"], "issue", {"part_id": part, "warehouse_id": setup["vendor_held"], "quantity": "1"}
    )
    assert on_hand(app, setup["vendor_held"], part) == 2
    wo_move(vendor1, setup["vendor_wo"], "issue", {"part_id": part, "warehouse_id": setup["central"], "quantity": "1"})
    assert on_hand(app, setup["central"], part) == 5
    wo_move(
        vendor1,
        setup["other_vendor_wo"],
        "issue",
        {"part_id": part, "warehouse_id": setup["vendor_held"], "quantity": "1"},
    )
    assert on_hand(app, setup["vendor_held"], part) == 2
    refused = api_post(
        vendor1,
        {
            "kind": "ISSUE",
            "part_id": part,
            "warehouse_id": setup["central"],
            "quantity": 1,
            "work_order_id": setup["vendor_wo"],
        },
    )
    assert refused.status_code == 400 and "your own warehouses" in refused.get_json()["message"]


def render_parts(app, username, work_order_id) -> str:
    from models.users import UserAccount
    from models.work_orders import WorkOrder

    with database(app) as session, app.test_request_context("/workorders/show/1?_l_=en"):
        login_user(session.scalars(select(UserAccount).filter_by(username=username)).one())
        app.preprocess_request()
        return render_template_string(
            '{% include "desk/_parts_used.html" %}', work_order=session.get(WorkOrder, work_order_id)
        )


def test_parts_used_panel_shows_totals_and_offers_usable_warehouses(app, setup):
    from app.domain.stock_ledger import move

    with database(app) as session:
        move(
            session,
            K.ISSUE,
            part_id=setup["part"],
            warehouse_id=setup["vendor_held"],
            quantity=2,
            now=_now(),
            work_order_id=setup["vendor_wo"],
        )
        session.commit()
    html = render_parts(app, "vendor1", setup["vendor_wo"])
    assert "Parts used" in html and "Issue a part" in html
    assert "WH-V-SHXX" in html and "WH-SH 上海中心仓" not in html  # a vendor only uses its own warehouse
    assert "¥80.00" in html
    staff_html = render_parts(app, "engineer1", setup["vendor_wo"])
    assert "WH-SH 上海中心仓" in staff_html


def test_parts_used_panel_offers_no_forms_on_a_closed_work_order(app):
    from models.enums import WorkOrderStatus

    with database(app) as session:
        closed = make_work_order(session, status=WorkOrderStatus.APPROVED).id
        session.commit()
    html = render_parts(app, "engineer1", closed)
    assert "No parts issued yet." in html and "Issue a part" not in html


# --- the API ----------------------------------------------------------------------------------------


def test_api_records_a_movement(app, login_as, setup):
    client = login_as("engineer1")
    response = api_post(
        client,
        {
            "kind": "issue",
            "part_id": setup["part"],
            "warehouse_id": setup["central"],
            "quantity": 2,
            "work_order_id": setup["staff_wo"],
        },
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()["result"]
    assert body["quantity"] == 2 and body["work_order"]["id"] == setup["staff_wo"]
    assert body["unit_cost"] in ("40.00", 40.0, "40")
    assert on_hand(app, setup["central"], setup["part"]) == 3


@pytest.mark.parametrize(
    ("payload", "lang", "message"),
    [
        ({"kind": "receipt", "quantity": -1}, "en", "The quantity must be at least 1."),
        ({"kind": "receipt", "quantity": -1}, "zh", "数量至少为 1。"),
        ({"kind": "adjustment", "quantity": -99, "note": "x"}, "en", "Only 5 of"),
        ({"kind": "teleport", "quantity": 1}, "en", "Choose the kind of movement."),
        ({"kind": "receipt", "quantity": "many"}, "en", "The quantity must be a whole number."),
    ],
)
def test_api_refusals_are_400_and_translated(login_as, setup, payload, lang, message):
    client = login_as("manager")
    body = {"part_id": setup["part"], "warehouse_id": setup["central"], **payload}
    response = api_post(client, body, lang)
    assert response.status_code == 400
    assert message in response.get_json()["message"]


def test_vendors_cannot_record_staff_movements_through_the_api(login_as, setup):
    response = api_post(
        login_as("vendor1"),
        {"kind": "receipt", "part_id": setup["part"], "warehouse_id": setup["vendor_held"], "quantity": 1},
    )
    assert response.status_code == 400 and "Only service desk staff" in response.get_json()["message"]


def test_api_cannot_edit_or_delete_movements(login_as):
    client = login_as("admin")
    headers = {"X-CSRFToken": csrf_token(client)}
    assert client.put("/api/v1/stockledger/1", json={"quantity": 9}, headers=headers).status_code == 405
    assert client.delete("/api/v1/stockledger/1", headers=headers).status_code == 405


def test_the_work_order_page_shows_parts_used(app, login_as, setup):
    page = login_as("engineer1").get(f"/workorders/show/{setup['staff_wo']}?_l_=en")
    assert page.status_code == 200
    assert "Parts used" in page.text and "Issue a part" in page.text
    assert f"/stock-ledger/work-order/{setup['staff_wo']}/issue" in page.text
