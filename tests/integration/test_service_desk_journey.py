"""Issue 4's "done when", end to end through the REST API and the contact's survey page:
take a call, dispatch, work it with a work order that consumes parts and records time and
money, customer sign-off, resolve, the contact rates it from the e-mailed link, close — with the
contact's e-mails in their language, the contract charged once, and every step in the audit trail."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.helpers import csrf_token, form_csrf_token, rendered

REQUESTS, WORK_ORDERS, LEDGER = "/api/v1/servicerequest", "/api/v1/workorder", "/api/v1/stockledger"
PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def send(client, url, payload, language):
    response = client.post(f"{url}?_l_={language}", json=payload, headers={"X-CSRFToken": csrf_token(client)})
    assert response.status_code in (200, 201), (url, response.get_json())
    return response.get_json()


@pytest.fixture
def stage(app):
    """Ids of the demo rows the journey uses; the contact reads ``language``."""
    from app.extensions import db
    from models.contracts import Contract
    from models.enums import EntitlementKind
    from models.organisations import Customer
    from models.stock import SparePart, StockLevel, Warehouse
    from models.users import UserAccount

    def build(language: str) -> dict:
        with app.app_context():
            session = db.session
            contract = session.scalars(
                select(Contract)
                .join(Customer)
                .where(Contract.active.is_(True), Contract.entitlement_kind == EntitlementKind.REQUESTS)
                .where(Customer.active.is_(True), Contract.end_date >= datetime.now(UTC).date())
                .where(Contract.start_date <= datetime.now(UTC).date())
                .order_by(Contract.id)
            ).first()
            customer = contract.customer
            contact = next(contact for contact in customer.contacts if contact.email and contact.active)
            contact.preferred_language = language
            engineer = session.scalars(select(UserAccount).where(UserAccount.username == "engineer1")).one()
            level = session.scalars(
                select(StockLevel)
                .join(Warehouse)
                .join(SparePart)
                .where(StockLevel.on_hand >= 2, Warehouse.vendor_id.is_(None), SparePart.serialized.is_(False))
                .order_by(StockLevel.id)
            ).first()
            session.commit()
            return {
                "customer": customer.id,
                "contact": contact.id,
                "contract": contract.id,
                "engineer": engineer.id,
                "part": level.spare_part_id,
                "warehouse": level.warehouse_id,
                "on_hand": level.on_hand,
                "unit_cost": level.spare_part.unit_cost,
            }

    return build


def _charges(app, contract_id: int, request_id: int) -> int:
    from app.extensions import db
    from models.contracts import EntitlementCharge

    with app.app_context():
        return db.session.scalar(
            select(func.coalesce(func.sum(EntitlementCharge.requests), 0)).where(
                EntitlementCharge.contract_id == contract_id, EntitlementCharge.request_id == request_id
            )
        )


@pytest.mark.parametrize(
    ("language", "resolved_subject", "refusal"),
    [("en", "resolved", "cannot be moved"), ("zh", "已解决", "不能")],
)
def test_a_call_is_taken_worked_signed_resolved_rated_and_closed(
    app, login_as, client, stage, language, resolved_subject, refusal
):
    ids = stage(language)
    dispatcher, engineer = login_as("dispatcher"), login_as("engineer1")
    now = datetime.now(UTC)

    created = send(
        dispatcher,
        f"{REQUESTS}/",
        {"customer_id": ids["customer"], "contact_id": ids["contact"], "subject": "打印机卡纸 / paper jam",
         "impact": 2, "urgency": 2, "channel": "phone"},  # fmt: skip
        language,
    )
    request_id, number = created["id"], created["result"]["number"]
    assert re.fullmatch(r"SR-\d{8}-\d{4}", number)
    send(dispatcher, f"{REQUESTS}/{request_id}/assign", {"user_id": ids["engineer"]}, language)
    send(engineer, f"{REQUESTS}/{request_id}/action", {"action": "start"}, language)

    # Closing work in progress is refused refused in the caller's language, nothing changes.
    refused = engineer.post(
        f"{REQUESTS}/{request_id}/action?_l_={language}",
        json={"action": "close"},
        headers={"X-CSRFToken": csrf_token(engineer)},
    )
    assert refused.status_code == 400 and refusal in refused.get_json()["message"]

    order = send(
        dispatcher,
        f"{WORK_ORDERS}/",
        {"request_id": request_id, "work_type": "on_site", "assignee_user_id": ids["engineer"]},
        language,
    )
    wo = order["id"]
    assert re.fullmatch(r"WO-\d{8}-\d{4}", order["work_order"]["number"])
    start, end = now - timedelta(hours=3), now - timedelta(hours=1)
    send(engineer, f"{WORK_ORDERS}/{wo}/action", {"action": "accept"}, language)
    send(engineer, f"{WORK_ORDERS}/{wo}/action",
         {"action": "schedule", "scheduled_start": (now + timedelta(hours=1)).isoformat(),
          "scheduled_end": (now + timedelta(hours=3)).isoformat()}, language)  # fmt: skip
    send(engineer, f"{WORK_ORDERS}/{wo}/action", {"action": "check_in", "at": start.isoformat()}, language)
    entry = {"started_at": start.isoformat(), "ended_at": end.isoformat(), "description": "更换搓纸轮"}
    send(engineer, f"{WORK_ORDERS}/{wo}/time", entry, language)
    send(engineer, f"{LEDGER}/",
         {"kind": "issue", "part_id": ids["part"], "warehouse_id": ids["warehouse"], "quantity": 2,
          "work_order_id": wo}, language)  # fmt: skip
    send(engineer, f"{WORK_ORDERS}/{wo}/expenses",
         {"kind": "travel", "amount": "35.50", "incurred_on": now.date().isoformat(), "description": "出租车"},
         language)  # fmt: skip
    send(engineer, f"{WORK_ORDERS}/{wo}/signoff", {"signer_name": "王经理", "signature_png": PNG}, language)
    send(engineer, f"{WORK_ORDERS}/{wo}/action",
         {"action": "submit", "work_done": "更换搓纸轮，测试打印 20 页正常", "result": "fixed",
          "at": end.isoformat()}, language)  # fmt: skip
    approved = send(dispatcher, f"{WORK_ORDERS}/{wo}/action", {"action": "approve"}, language)["work_order"]
    parts = ids["unit_cost"] * 2
    assert Decimal(approved["parts_cost"]) == parts and Decimal(approved["expense_cost"]) == Decimal("35.50")
    assert Decimal(approved["cost"]) == Decimal(approved["labour_cost"]) + parts + Decimal("35.50")

    send(engineer, f"{REQUESTS}/{request_id}/action", {"action": "resolve", "resolution": "已更换搓纸轮"}, language)

    # The contact's mails are in the contact's language; the resolution mail carries the survey link.
    from app.extensions import db
    from models.notifications import MailOutbox
    from models.service_requests import ServiceRequest
    from models.stock import StockLevel

    with app.app_context():
        mails = {
            mail.kind: mail
            for mail in db.session.scalars(select(MailOutbox).where(MailOutbox.request_id == request_id))
        }
        assert {"request_created", "request_resolved"} <= set(mails)
        assert all(mails[kind].language == language for kind in ("request_created", "request_resolved"))
        created, resolved = rendered(mails["request_created"]), rendered(mails["request_resolved"])
        assert number in created.subject
        assert resolved_subject in resolved.subject
        survey_url = re.search(r"https?://\S+/survey/[\w-]+", resolved.text).group(0)

    path = "/survey/" + survey_url.rsplit("/survey/", 1)[1]
    page = client.get(path)
    assert page.status_code == 200 and number in page.text
    rated = client.post(path, data={"csrf_token": form_csrf_token(page.text), "rating": "5", "comment": "很快"})
    assert rated.status_code == 200
    assert client.get(path).status_code == 410  # one-time

    send(dispatcher, f"{REQUESTS}/{request_id}/action", {"action": "close"}, language)
    assert _charges(app, ids["contract"], request_id) == 1

    with app.app_context():
        request = db.session.get(ServiceRequest, request_id)
        assert request.status.name == "CLOSED" and request.satisfaction_rating == 5
        assert request.cost == Decimal(approved["cost"])
        level = db.session.scalars(
            select(StockLevel).where(
                StockLevel.spare_part_id == ids["part"], StockLevel.warehouse_id == ids["warehouse"]
            )
        ).one()
        assert level.on_hand == ids["on_hand"] - 2
        closed_mail = db.session.scalars(
            select(MailOutbox).where(MailOutbox.request_id == request_id, MailOutbox.kind == "request_closed")
        ).one()
        assert closed_mail.language == language

    # The request page shows the whole story; a closed request refuses an edit through the API.
    show = dispatcher.get(f"/requests/show/{request_id}?_l_={language}")
    assert show.status_code == 200 and number in show.text and "已更换搓纸轮" in show.text
    stale = dispatcher.put(
        f"{REQUESTS}/{request_id}?_l_={language}",
        json={"subject": "changed", "version": request.version},
        headers={"X-CSRFToken": csrf_token(dispatcher)},
    )
    assert stale.status_code == 400

    # Reopening reverses the contract charge.
    send(dispatcher, f"{REQUESTS}/{request_id}/action", {"action": "reopen", "reason": "又卡纸了"}, language)
    assert _charges(app, ids["contract"], request_id) == 0
