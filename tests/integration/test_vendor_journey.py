"""A service vendor works its own work orders end to end, in zh and en, through the REST API and
the work order page: read what the visit needs (never the request's internal notes nor other
parties' costs), accept, schedule, check in, record time, parts from its own vendor-held
warehouse, expenses, a photo and the customer's sign-off, then submit — the dispatcher is told.
Declining needs a reason that reaches the dispatcher; another vendor's work order is a 404."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.helpers import csrf_token
from tests.unit.test_work_orders import png_data_url

REQUESTS, WORK_ORDERS, LEDGER = "/api/v1/servicerequest", "/api/v1/workorder", "/api/v1/stockledger"
SECRET = "INTERNAL-SECRET-123"
OTHER_PARTY_COST = "4321.09"  # an engineer's expense on the same request: the request's cost, not the vendor's
VENDORS = {"vendor1": "V-SHXX", "vendor2": "V-BJHT"}


def send(client, url, payload, language, expected=(200, 201)):
    response = client.post(f"{url}?_l_={language}", json=payload, headers={"X-CSRFToken": csrf_token(client)})
    assert response.status_code in expected, (url, response.get_json())
    return response.get_json()


def refused(client, url, payload, language) -> str:
    response = client.post(f"{url}?_l_={language}", json=payload, headers={"X-CSRFToken": csrf_token(client)})
    assert response.status_code == 400, (url, response.get_json())
    return response.get_json()["message"]


@pytest.fixture
def stage(app):
    """``stage("vendor1")`` → ids of C-HZXH's contact, site and asset, the vendor and a stocked part in
    one of its vendor-held warehouses (made here when the demo has none, as for V-BJHT)."""
    from app.extensions import db
    from models.assets import Asset
    from models.enums import WarehouseKind
    from models.organisations import Customer, Site, Vendor
    from models.stock import SparePart, StockLevel, Warehouse

    def build(username: str) -> dict:
        with app.app_context():
            session = db.session
            customer = session.scalars(select(Customer).filter_by(code="C-HZXH")).one()
            contact = next(contact for contact in customer.contacts if contact.active)
            site = session.scalars(select(Site).filter_by(customer_id=customer.id).order_by(Site.id)).first()
            asset = session.scalars(select(Asset).filter_by(customer_id=customer.id).order_by(Asset.id)).first()
            vendor = session.scalars(select(Vendor).filter_by(code=VENDORS[username])).one()
            warehouse = session.scalars(
                select(Warehouse)
                .where(Warehouse.vendor_id == vendor.id, Warehouse.kind == WarehouseKind.VENDOR)
                .where(Warehouse.active.is_(True))
                .order_by(Warehouse.id)
            ).first()
            if warehouse is None:
                warehouse = Warehouse(
                    code=f"WH-T-{vendor.code}", name="测试寄售仓", kind=WarehouseKind.VENDOR, vendor_id=vendor.id
                )
                session.add(warehouse)
                session.flush()
            level = session.scalars(
                select(StockLevel)
                .join(SparePart)
                .where(StockLevel.warehouse_id == warehouse.id, StockLevel.on_hand >= 2)
                .where(SparePart.serialized.is_(False), SparePart.active.is_(True))
                .order_by(StockLevel.id)
            ).first()
            if level is None:
                part = session.scalars(
                    select(SparePart)
                    .where(SparePart.serialized.is_(False), SparePart.active.is_(True))
                    .order_by(SparePart.id)
                ).first()
                level = StockLevel(warehouse_id=warehouse.id, spare_part_id=part.id, vendor_id=vendor.id, on_hand=5)
                session.add(level)
                session.flush()
            ids = {
                "customer": customer.id,
                "customer_name": customer.name,
                "contact": contact.id,
                "contact_name": contact.name,
                "contact_phone": contact.phone,
                "site": site.id,
                "site_name": site.name,
                "site_address": site.address,
                "asset": asset.id,
                "serial": asset.serial_number,
                "vendor": vendor.id,
                "warehouse": warehouse.id,
                "part": level.spare_part_id,
                "on_hand": level.on_hand,
                "unit_cost": level.spare_part.unit_cost,
                "engineer": _user_id(session, "engineer1"),
                "dispatcher": _user_id(session, "dispatcher"),
            }
            session.commit()
            return ids

    return build


def _user_id(session, username: str) -> int:
    from models.users import UserAccount

    return session.scalars(select(UserAccount.id).where(UserAccount.username == username)).one()


def dispatch(login_as, ids: dict, language: str, description: str) -> tuple[int, int]:
    """As the dispatcher: a request with site, contact, asset and an internal note; an engineer's work order
    with an expense (someone else's cost on the request); the vendor's work order. → (request, work order)."""
    dispatcher, engineer = login_as("dispatcher"), login_as("engineer1")
    created = send(
        dispatcher,
        f"{REQUESTS}/",
        {
            "customer_id": ids["customer"],
            "contact_id": ids["contact"],
            "site_id": ids["site"],
            "asset_id": ids["asset"],
            "subject": "打印机卡纸 / paper jam",
            "description": description,
            "impact": 2,
            "urgency": 2,
            "channel": "phone",
        },  # fmt: skip
        language,
    )
    request_id = created["id"]
    send(dispatcher, f"{REQUESTS}/{request_id}/notes", {"kind": "internal", "body": f"{SECRET} 客户欠款"}, language)
    theirs = send(
        dispatcher,
        f"{WORK_ORDERS}/",
        {"request_id": request_id, "work_type": "on_site", "assignee_user_id": ids["engineer"]},
        language,
    )["id"]
    today = datetime.now(UTC).date().isoformat()
    send(engineer, f"{WORK_ORDERS}/{theirs}/expenses",
         {"kind": "travel", "amount": OTHER_PARTY_COST, "incurred_on": today}, language)  # fmt: skip
    order = send(
        dispatcher,
        f"{WORK_ORDERS}/",
        {"request_id": request_id, "work_type": "on_site", "vendor_id": ids["vendor"], "instructions": "带梯子"},
        language,
    )
    assert order["work_order"]["status"] == "ASSIGNED"
    return request_id, order["id"]


def notifications(app, recipient_id: int, work_order_id: int, kind: str) -> list:
    from app.extensions import db
    from models.notifications import Notification

    with app.app_context():
        return list(
            db.session.scalars(
                select(Notification).where(
                    Notification.recipient_id == recipient_id,
                    Notification.work_order_id == work_order_id,
                    Notification.kind == kind,
                )
            )
        )


@pytest.mark.parametrize(
    ("username", "language", "labels", "refusal"),
    [
        ("vendor1", "zh", ("客户", "站点", "联系人", "设备", "接单时限", "完工时限"), "请填写已完成的工作。"),
        ("vendor2", "en", ("Customer", "Site", "Contact", "Asset", "Accept by", "Complete by"),
         "Describe the work done."),
    ],
)  # fmt: skip
def test_a_vendor_works_its_order_end_to_end(app, login_as, stage, username, language, labels, refusal):
    ids = stage(username)
    description = f"三楼打印机卡纸，报错 E-102（{username}）"
    request_id, wo = dispatch(login_as, ids, language, description)
    vendor = login_as(username)
    now = datetime.now(UTC)

    # The page gives the visit's details in the vendor's language, never internal notes nor others' costs.
    page = vendor.get(f"/workorders/show/{wo}?_l_={language}")
    assert page.status_code == 200
    text = page.text
    for shown in (ids["customer_name"], ids["site_name"], ids["contact_name"], ids["serial"], description, "带梯子"):
        assert shown in text, shown
    for label in labels:
        assert label in text, label
    assert 'class="sd-ola-response"' in text and 'class="sd-ola-resolution"' in text
    assert SECRET not in text
    assert OTHER_PARTY_COST not in text and "4,321.09" not in text

    # The API: its own work order, without the request's notes or cost; the request itself is not the vendor's.
    shown = vendor.get(f"{WORK_ORDERS}/{wo}?_l_={language}")
    assert shown.status_code == 200 and shown.json["result"]["request"]["subject"] == "打印机卡纸 / paper jam"
    assert shown.json["result"]["request"]["description"] and shown.json["result"]["response_due_at"]
    visit = shown.json["result"]["request"]
    assert visit["customer"] == {"id": ids["customer"], "name": ids["customer_name"]}
    assert (visit["site"]["name"], visit["site"]["address"]) == (ids["site_name"], ids["site_address"])
    assert (visit["contact"]["name"], visit["contact"]["phone"]) == (ids["contact_name"], ids["contact_phone"])
    assert visit["asset"]["serial_number"] == ids["serial"] and visit["asset"]["model"]
    assert SECRET not in shown.text and OTHER_PARTY_COST not in shown.text
    assert vendor.get(f"{REQUESTS}/{request_id}").status_code in (401, 403, 404)
    assert vendor.get(f"{REQUESTS}/{request_id}/notes").status_code in (401, 403, 404)

    action = f"{WORK_ORDERS}/{wo}/action"
    assert send(vendor, action, {"action": "accept"}, language)["work_order"]["status"] == "ACCEPTED"
    window = {"action": "schedule", "scheduled_start": (now + timedelta(hours=1)).isoformat(),
              "scheduled_end": (now + timedelta(hours=3)).isoformat()}  # fmt: skip
    assert send(vendor, action, window, language)["work_order"]["status"] == "SCHEDULED"
    start, end = now - timedelta(hours=2), now - timedelta(minutes=30)
    assert (
        send(vendor, action, {"action": "check_in", "at": start.isoformat()}, language)["work_order"]["status"]
        == "ON_SITE"
    )
    timed = send(vendor, f"{WORK_ORDERS}/{wo}/time",
                 {"started_at": start.isoformat(), "ended_at": end.isoformat(), "description": "更换搓纸轮"},
                 language)  # fmt: skip
    assert Decimal(timed["work_order"]["labour_cost"]) >= 0
    send(vendor, f"{LEDGER}/",
         {"kind": "issue", "part_id": ids["part"], "warehouse_id": ids["warehouse"], "quantity": 2,
          "work_order_id": wo}, language)  # fmt: skip
    expense = send(vendor, f"{WORK_ORDERS}/{wo}/expenses",
                   {"kind": "travel", "amount": "35.50", "incurred_on": now.date().isoformat(),
                    "description": "出租车"}, language)  # fmt: skip
    assert Decimal(expense["work_order"]["expense_cost"]) == Decimal("35.50")

    photo = base64_png()
    uploaded = vendor.post(
        f"/attachments/upload?_l_={language}",
        data={
            "csrf_token": csrf_token(vendor),
            "request_id": str(request_id),
            "work_order_id": str(wo),
            "next": f"/workorders/show/{wo}",
            "file": (io.BytesIO(photo), "现场照片.png"),
        },  # fmt: skip
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 302

    # Submitting before saying what was done is refused in the vendor's language; nothing changes.
    assert refused(vendor, action, {"action": "submit", "result": "fixed"}, language) == refusal
    send(vendor, f"{WORK_ORDERS}/{wo}/signoff", {"signer_name": "王经理", "signature_png": png_data_url()}, language)
    submitted = send(vendor, action,
                     {"action": "submit", "work_done": "更换搓纸轮，测试打印 20 页正常", "result": "fixed",
                      "at": end.isoformat()}, language)["work_order"]  # fmt: skip
    assert submitted["status"] == "SUBMITTED" and submitted["actions"] == []
    parts = ids["unit_cost"] * 2
    assert Decimal(submitted["parts_cost"]) == parts
    assert Decimal(submitted["cost"]) == Decimal(submitted["labour_cost"]) + parts + Decimal("35.50")

    told = notifications(app, ids["dispatcher"], wo, "work_order_submitted")
    assert len(told) == 1

    # What the vendor recorded is on its page: the photo, the sign-off, the parts; stock left its warehouse.
    page = vendor.get(f"/workorders/show/{wo}?_l_={language}").text
    assert "现场照片.png" in page and "王经理" in page and 'class="sd-signature"' in page
    assert SECRET not in page and OTHER_PARTY_COST not in page and "4,321.09" not in page
    from app.extensions import db
    from models.stock import StockLevel
    from models.work_orders import WorkOrder

    with app.app_context():
        level = db.session.scalars(
            select(StockLevel).where(
                StockLevel.spare_part_id == ids["part"], StockLevel.warehouse_id == ids["warehouse"]
            )
        ).one()
        assert level.on_hand == ids["on_hand"] - 2
        order = db.session.get(WorkOrder, wo)
        assert order.signoff_name == "王经理" and order.checked_in_at is not None
        assert order.status.name == "SUBMITTED"


def base64_png() -> bytes:
    import base64

    return base64.b64decode(png_data_url().split(",", 1)[1])


@pytest.mark.parametrize(
    ("username", "language", "missing"),
    [("vendor1", "zh", "请说明拒绝的原因。"), ("vendor2", "en", "Say why you decline.")],
)
def test_a_vendor_declines_with_a_reason_the_dispatcher_reads(app, login_as, stage, username, language, missing):
    ids = stage(username)
    _, wo = dispatch(login_as, ids, language, "UPS 告警")
    vendor = login_as(username)
    action = f"{WORK_ORDERS}/{wo}/action"

    assert refused(vendor, action, {"action": "decline", "reason": "  "}, language) == missing
    assert notifications(app, ids["dispatcher"], wo, "work_order_declined") == []

    reason = "本周无备件 / no parts this week"
    declined = send(vendor, action, {"action": "decline", "reason": reason}, language)["work_order"]
    assert declined["status"] == "DECLINED"
    (told,) = notifications(app, ids["dispatcher"], wo, "work_order_declined")
    assert told.params["reason"] == reason
    page = login_as("dispatcher").get(f"/workorders/show/{wo}?_l_={language}")
    assert reason in page.text


def test_another_vendors_work_order_is_not_found(app, login_as, stage):
    from app.extensions import db
    from models.work_orders import Expense, TimeEntry

    ids = stage("vendor1")
    _, wo = dispatch(login_as, ids, "en", "交换机端口故障")
    other = login_as("vendor2")

    def counted() -> tuple[int, int]:
        with app.app_context():
            return tuple(
                db.session.scalar(select(func.count(model.id)).where(model.work_order_id == wo))
                for model in (TimeEntry, Expense)
            )

    assert other.get(f"{WORK_ORDERS}/{wo}").status_code == 404
    assert other.get(f"/workorders/show/{wo}").status_code == 404
    end = datetime.now(UTC) - timedelta(minutes=5)
    for path, body in (
        ("time", {"started_at": (end - timedelta(hours=1)).isoformat(), "ended_at": end.isoformat()}),
        ("expenses", {"kind": "travel", "amount": "10", "incurred_on": end.date().isoformat()}),
        ("action", {"action": "decline", "reason": "not mine"}),
    ):
        response = other.post(f"{WORK_ORDERS}/{wo}/{path}", json=body, headers={"X-CSRFToken": csrf_token(other)})
        assert response.status_code == 404, path
    assert counted() == (0, 0)
    # Nor through the screens' forms.
    screen = other.post(
        f"/workorders/expense/{wo}",
        data={"csrf_token": csrf_token(other), "kind": "TRAVEL", "amount": "10", "incurred_on": "2026-01-05"},
    )
    assert screen.status_code == 404 and counted() == (0, 0)
    # The owner still can.
    owner = login_as("vendor1")
    assert send(owner, f"{WORK_ORDERS}/{wo}/action", {"action": "accept"}, "en")["work_order"]["status"] == "ACCEPTED"
