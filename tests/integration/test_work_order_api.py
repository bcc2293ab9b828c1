"""The work-order REST API: create, steps, time, expenses and sign-off; translated 400s; vendor scoping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from models.enums import WorkOrderStatus
from models.work_orders import Expense, TimeEntry, WorkOrder
from tests.helpers import csrf_token
from tests.integration import test_work_order_screens as screens
from tests.unit.test_work_orders import png_data_url

make_order = screens.make_order  # the fixture
count, state = screens.count, screens.state


def call(client, url: str, body: dict | None = None):
    return client.post(url, json=body if body is not None else {}, headers={"X-CSRFToken": csrf_token(client)})


def iso(moment: datetime) -> str:
    return moment.isoformat()


def test_a_dispatcher_creates_a_work_order_for_a_vendor(app, login_as, make_order):
    from app.extensions import db
    from models.organisations import Vendor

    _, request_id = make_order(engineer="engineer1")
    with app.app_context():
        vendor_id = db.session.scalars(select(Vendor).filter_by(code="V-SHXX")).one().id
    resp = call(login_as("dispatcher"), "/api/v1/workorder/", {"request_id": request_id, "vendor_id": vendor_id})
    assert resp.status_code == 201, resp.json
    assert resp.json["work_order"]["status"] == "ASSIGNED" and resp.json["work_order"]["number"].startswith("WO-")
    assert state(app, resp.json["id"]).vendor_id == vendor_id


def test_create_refusals_are_translated(app, login_as, make_order):
    _, request_id = make_order(engineer="engineer1")
    before = count(app, WorkOrder)
    client = login_as("dispatcher")
    resp = call(client, "/api/v1/workorder/?_l_=en", {"request_id": request_id})
    assert resp.status_code == 400
    assert resp.json["message"] == "Assign the work order to either an engineer or a service vendor."
    resp = call(client, "/api/v1/workorder/?_l_=zh", {"request_id": request_id})
    assert resp.json["message"] == "请将工单指派给一名工程师或一家服务商（二选一）。"
    assert count(app, WorkOrder) == before


def test_steps_through_the_api(app, login_as, make_order):
    order_id, _ = make_order(engineer="engineer1")
    client = login_as("engineer1")
    url = f"/api/v1/workorder/{order_id}/action"
    start = datetime.now(UTC) + timedelta(hours=2)
    assert call(client, url, {"action": "accept"}).json["work_order"]["status"] == "ACCEPTED"
    resp = call(
        client,
        url,
        {"action": "schedule", "scheduled_start": iso(start), "scheduled_end": iso(start + timedelta(hours=1))},
    )
    assert resp.status_code == 200 and resp.json["work_order"]["actions"] == ["schedule", "check_in"]
    assert call(client, url, {"action": "check_in"}).status_code == 200
    resp = call(client, url, {"action": "submit", "work_done": "更换硒鼓", "result": "fixed"})
    assert resp.json["work_order"]["status"] == "SUBMITTED"
    resp = call(login_as("dispatcher"), url, {"action": "approve"})
    assert resp.json["work_order"]["status"] == "APPROVED" and resp.json["work_order"]["actions"] == []


def test_a_refused_step_is_a_translated_400(app, login_as, make_order):
    order_id, _ = make_order(engineer="engineer1")
    url = f"/api/v1/workorder/{order_id}/action"
    resp = call(login_as("engineer2"), f"{url}?_l_=en", {"action": "accept"})
    assert resp.status_code == 400
    assert resp.json["message"] == "Only the assigned engineer or vendor may “Accept” this work order."
    resp = call(login_as("engineer1"), f"{url}?_l_=zh", {"action": "approve"})
    assert (
        resp.json["message"] == "您的角色不能对处于“已指派”状态的工单执行“审核通过”。"
        or "审核通过" in resp.json["message"]
    )
    resp = call(login_as("engineer1"), f"{url}?_l_=en", {"action": "fly"})
    assert resp.status_code == 400 and "is not one of the choices" in resp.json["message"]
    assert state(app, order_id).status is WorkOrderStatus.ASSIGNED


def test_time_expenses_and_costs_through_the_api(app, login_as, make_order):
    order_id, _ = make_order(engineer="engineer1")
    client = login_as("engineer1")
    end = datetime.now(UTC) - timedelta(minutes=1)
    resp = call(
        client,
        f"/api/v1/workorder/{order_id}/time",
        {"started_at": iso(end - timedelta(minutes=60)), "ended_at": iso(end)},
    )
    assert resp.status_code == 201, resp.json
    today = datetime.now(screens.SHANGHAI).date().isoformat()
    resp = call(
        client, f"/api/v1/workorder/{order_id}/expenses", {"kind": "material", "amount": "12.30", "incurred_on": today}
    )
    assert resp.status_code == 201, resp.json
    resp = call(
        client,
        f"/api/v1/workorder/{order_id}/expenses?_l_=en",
        {"kind": "travel", "amount": "-3", "incurred_on": "2026-01-05"},
    )
    assert resp.status_code == 400 and resp.json["message"] == "The amount must be more than zero."
    order = state(app, order_id)
    assert order.labour_cost == order.time_entries[0].cost and order.cost == order.labour_cost + order.expense_cost


def test_signoff_through_the_api(app, login_as, make_order):
    from app.extensions import db

    order_id, _ = make_order(engineer="engineer1")
    with app.app_context():
        db.session.get(WorkOrder, order_id).status = WorkOrderStatus.ON_SITE
        db.session.commit()
    client = login_as("engineer1")
    url = f"/api/v1/workorder/{order_id}/signoff"
    resp = call(client, f"{url}?_l_=en", {"signer_name": "Emma", "signature_png": "data:image/png;base64,AAAA"})
    assert resp.status_code == 400 and resp.json["message"] == "The signature must be a PNG image."
    assert call(client, url, {"signer_name": "Emma", "signature_png": png_data_url()}).status_code == 200
    assert state(app, order_id).signoff_name == "Emma"


def test_a_vendor_reads_and_changes_only_its_own_work_orders(app, login_as, make_order):
    own, _ = make_order(vendor="V-SHXX")
    other, _ = make_order(vendor="V-BJHT")
    engineers, _ = make_order(engineer="engineer1")
    client = login_as("vendor1")
    ids = {row["id"] for row in client.get("/api/v1/workorder/?q=(page_size:100)").json["result"]}
    assert own in ids and other not in ids and engineers not in ids
    assert client.get(f"/api/v1/workorder/{other}").status_code == 404
    times, expenses = count(app, TimeEntry), count(app, Expense)
    end = datetime.now(UTC) - timedelta(minutes=1)
    for path, body in (
        ("action", {"action": "accept"}),
        ("time", {"started_at": iso(end - timedelta(hours=1)), "ended_at": iso(end)}),
        ("expenses", {"kind": "travel", "amount": "10", "incurred_on": "2026-01-05"}),
        ("signoff", {"signer_name": "x"}),
    ):
        assert call(client, f"/api/v1/workorder/{other}/{path}", body).status_code == 404
    assert (count(app, TimeEntry), count(app, Expense)) == (times, expenses)
    assert state(app, other).status is WorkOrderStatus.ASSIGNED
    assert call(client, f"/api/v1/workorder/{own}/action", {"action": "accept"}).status_code == 200


def test_a_vendor_cannot_create_work_orders(app, login_as, make_order):
    _, request_id = make_order(engineer="engineer1")
    before = count(app, WorkOrder)
    resp = call(login_as("vendor1"), "/api/v1/workorder/?_l_=en", {"request_id": request_id, "vendor_id": 1})
    assert resp.status_code == 400 and count(app, WorkOrder) == before
