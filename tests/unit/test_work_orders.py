"""Work-order rules against the real schema (the `app` fixture's database, so SQLite and PostgreSQL):
creation and who is told, each step's inputs, sign-off, time, expenses and the cost roll-up."""

from __future__ import annotations

import base64
import struct
import zlib
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from app.domain.request_flow import TransitionRefused
from app.domain.work_orders import (
    WorkOrderRefused,
    add_expense,
    add_time_entry,
    checked_signature,
    create_work_order,
    labour_cost,
    offered_actions,
    perform_work_order,
    roll_up_costs,
    sign_off,
)
from models.enums import (
    ExpenseKind,
    Priority,
    RequestStatus,
    StockMoveKind,
    WorkOrderAction,
    WorkOrderStatus,
    WorkOrderType,
    WorkResult,
)
from models.notifications import MailOutbox, Notification
from models.organisations import Customer, Vendor
from models.service_requests import ServiceRequest
from models.stock import SparePart, StockMovement, Warehouse
from models.support import EngineerProfile
from models.users import UserAccount
from models.work_orders import WorkOrder
from tests.helpers import rendered

NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
A, S = WorkOrderAction, WorkOrderStatus
DISPATCH = {"Dispatcher"}
ENGINEER = {"Engineer"}


def png_data_url(width: int = 2, height: int = 2) -> str:
    """A real (tiny, grey) PNG as a data URL."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    return "data:image/png;base64," + base64.b64encode(png).decode()


@pytest.fixture
def session(app):
    from app.extensions import db

    with app.app_context(), force_locale("en"):
        yield db.session


@pytest.fixture
def users(session):
    return {user.username: user for user in session.scalars(select(UserAccount))}


@pytest.fixture
def request_(session, users):
    customer = session.scalars(select(Customer).where(Customer.code == "C-HZXH")).one()
    request = ServiceRequest(
        number="SR-20261122-9001",
        customer_id=customer.id,
        subject="打印机卡纸",
        priority=Priority.P3,
        status=RequestStatus.ASSIGNED,
        created_by_id=users["dispatcher"].id,
    )
    session.add(request)
    session.flush()
    return request


def vendor(session, code: str) -> Vendor:
    return session.scalars(select(Vendor).where(Vendor.code == code)).one()


def new_order(session, request, users, engineer="engineer1", **kwargs) -> WorkOrder:
    assignee = {"assignee_user": users[engineer]} if "vendor" not in kwargs else {}
    return create_work_order(
        session,
        request,
        work_type=WorkOrderType.ON_SITE,
        actor=users["dispatcher"],
        now=NOW,
        **assignee,
        **kwargs,
    )


def act(session, order, action, user, roles, **kwargs):
    return perform_work_order(session, order, action, actor=user, roles=roles, now=NOW, **kwargs)


def on_site(session, order, user):
    act(session, order, A.ACCEPT, user, ENGINEER)
    act(session, order, A.SCHEDULE, user, ENGINEER, window=(NOW + timedelta(hours=1), NOW + timedelta(hours=3)))
    act(session, order, A.CHECK_IN, user, ENGINEER, at=NOW - timedelta(minutes=30))


def order_count(session) -> int:
    return session.scalar(select(func.count(WorkOrder.id)))


# ---------------------------------------------------------------------------------------------
# Creation
# ---------------------------------------------------------------------------------------------


def test_a_new_work_order_is_numbered_and_belongs_to_the_requests_customer(session, request_, users):
    order = new_order(session, request_, users)
    assert order.number.startswith("WO-20261122-")
    assert order.customer_id == request_.customer_id
    assert order.status is S.ASSIGNED and order.assignee_user_id == users["engineer1"].id


def test_the_engineer_is_told_in_app_and_by_mail_in_their_language(session, request_, users):
    order = new_order(session, request_, users, engineer="engineer3")
    note = session.scalars(select(Notification).where(Notification.work_order_id == order.id)).one()
    assert note.recipient_id == users["engineer3"].id and note.params["number"] == order.number
    mail = session.scalars(select(MailOutbox).where(MailOutbox.to_address == users["engineer3"].email)).one()
    subject = rendered(mail).subject
    assert mail.language == "en" and order.number in subject and "assigned" in subject


def test_a_vendor_order_tells_the_vendors_active_users_only(session, request_, users):
    order = new_order(session, request_, users, vendor=vendor(session, "V-SHXX"))
    told = set(session.scalars(select(Notification.recipient_id).where(Notification.work_order_id == order.id)))
    assert users["vendor1"].id in told
    assert users["vendor1_left"].id not in told and users["vendor2"].id not in told
    assert order.vendor_id == vendor(session, "V-SHXX").id and order.assignee_user_id is None


@pytest.mark.parametrize("who", ["both", "neither", "not an engineer"])
def test_an_order_goes_to_exactly_one_engineer_or_vendor(session, request_, users, who):
    before = order_count(session)
    kwargs = {
        "both": {"assignee_user": users["engineer1"], "vendor": vendor(session, "V-SHXX")},
        "neither": {},
        "not an engineer": {"assignee_user": users["dispatcher"]},
    }[who]
    with pytest.raises(WorkOrderRefused):
        create_work_order(session, request_, work_type=WorkOrderType.REMOTE, actor=None, now=NOW, **kwargs)
    assert order_count(session) == before


@pytest.mark.parametrize("status", [RequestStatus.CLOSED, RequestStatus.CANCELLED])
def test_no_work_order_under_a_closed_or_cancelled_request(session, request_, users, status):
    request_.status = status
    with pytest.raises(WorkOrderRefused, match="can no longer change"):
        new_order(session, request_, users)


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (NOW + timedelta(hours=1), None, "both the start and the end"),
        (NOW + timedelta(hours=2), NOW + timedelta(hours=1), "end after it starts"),
        (NOW - timedelta(hours=3), NOW - timedelta(hours=1), "already over"),
    ],
)
def test_a_window_needs_both_ends_in_order_and_to_come(session, request_, users, start, end, message):
    with pytest.raises(WorkOrderRefused, match=message):
        new_order(session, request_, users, scheduled_start=start, scheduled_end=end)


# ---------------------------------------------------------------------------------------------
# Steps
# ---------------------------------------------------------------------------------------------


def test_the_whole_flow_records_its_times(session, request_, users):
    engineer = users["engineer1"]
    order = new_order(session, request_, users)
    on_site(session, order, engineer)
    assert order.accepted_at == NOW and order.checked_in_at == NOW - timedelta(minutes=30)
    assert order.scheduled_end == NOW + timedelta(hours=3)
    act(session, order, A.SUBMIT, engineer, ENGINEER, work_done="换了定影器", result=WorkResult.FIXED)
    assert order.status is S.SUBMITTED and order.checked_out_at == NOW and order.submitted_at == NOW
    act(session, order, A.APPROVE, users["dispatcher"], DISPATCH)
    assert order.status is S.APPROVED and order.approved_at == NOW


def test_submit_needs_the_work_done_and_a_result(session, request_, users):
    engineer = users["engineer1"]
    order = new_order(session, request_, users)
    on_site(session, order, engineer)
    with pytest.raises(WorkOrderRefused, match="Describe the work done"):
        act(session, order, A.SUBMIT, engineer, ENGINEER, work_done="  ", result=WorkResult.FIXED)
    with pytest.raises(WorkOrderRefused, match="Choose the result"):
        act(session, order, A.SUBMIT, engineer, ENGINEER, work_done="done", result=None)
    assert order.status is S.ON_SITE and order.work_done is None


def test_check_out_before_check_in_is_refused(session, request_, users):
    engineer = users["engineer1"]
    order = new_order(session, request_, users)
    on_site(session, order, engineer)
    with pytest.raises(WorkOrderRefused, match="cannot be before the check-in"):
        act(
            session,
            order,
            A.SUBMIT,
            engineer,
            ENGINEER,
            work_done="x",
            result=WorkResult.FIXED,
            at=NOW - timedelta(hours=1),
        )
    assert order.status is S.ON_SITE and order.checked_out_at is None


def test_a_check_in_cannot_be_recorded_in_the_future(session, request_, users):
    engineer = users["engineer1"]
    order = new_order(session, request_, users)
    act(session, order, A.ACCEPT, engineer, ENGINEER)
    act(session, order, A.SCHEDULE, engineer, ENGINEER, window=(NOW, NOW + timedelta(hours=1)))
    with pytest.raises(WorkOrderRefused, match="future"):
        act(session, order, A.CHECK_IN, engineer, ENGINEER, at=NOW + timedelta(minutes=5))


def test_decline_needs_a_reason_and_goes_back_to_the_dispatcher(session, request_, users):
    engineer = users["engineer1"]
    order = new_order(session, request_, users)
    with pytest.raises(WorkOrderRefused, match="Say why"):
        act(session, order, A.DECLINE, engineer, ENGINEER, reason="")
    act(session, order, A.DECLINE, engineer, ENGINEER, reason="本周休假")
    assert order.status is S.DECLINED and order.decline_reason == "本周休假"
    told = session.scalars(
        select(Notification).where(Notification.work_order_id == order.id, Notification.kind == "work_order_declined")
    ).one()
    assert told.recipient_id == users["dispatcher"].id and told.params["reason"] == "本周休假"


def test_a_decline_on_a_request_nobody_took_goes_to_every_dispatcher(session, request_, users):
    request_.created_by_id = None
    order = new_order(session, request_, users)
    act(session, order, A.DECLINE, users["engineer1"], ENGINEER, reason="不在本区域")
    told = set(
        session.scalars(
            select(Notification.recipient_id).where(
                Notification.work_order_id == order.id, Notification.kind == "work_order_declined"
            )
        )
    )
    assert users["dispatcher"].id in told and users["engineer2"].id not in told


def test_another_engineer_cannot_take_someone_elses_order(session, request_, users):
    order = new_order(session, request_, users)
    with pytest.raises(TransitionRefused, match="Only the assigned engineer or vendor"):
        act(session, order, A.ACCEPT, users["engineer2"], ENGINEER)
    assert order.status is S.ASSIGNED


def test_rework_needs_a_reason_and_reopens_the_visit(session, request_, users):
    engineer = users["engineer1"]
    order = new_order(session, request_, users)
    on_site(session, order, engineer)
    act(session, order, A.SUBMIT, engineer, ENGINEER, work_done="x", result=WorkResult.PARTLY_FIXED)
    with pytest.raises(WorkOrderRefused, match="redone"):
        act(session, order, A.REWORK, users["dispatcher"], DISPATCH)
    act(session, order, A.REWORK, users["dispatcher"], DISPATCH, reason="客户说仍然卡纸")
    assert order.status is S.ON_SITE and order.checked_out_at is None and order.rework_reason == "客户说仍然卡纸"
    kinds = set(session.scalars(select(Notification.kind).where(Notification.recipient_id == engineer.id)))
    assert "work_order_rework" in kinds


def test_reassigning_to_a_vendor_tells_the_vendor(session, request_, users):
    order = new_order(session, request_, users)
    act(session, order, A.DECLINE, users["engineer1"], ENGINEER, reason="no")
    act(session, order, A.REASSIGN, users["dispatcher"], DISPATCH, vendor=vendor(session, "V-BJHT"))
    assert order.status is S.ASSIGNED and order.assignee_user_id is None and order.decline_reason is None
    told = set(session.scalars(select(Notification.recipient_id).where(Notification.work_order_id == order.id)))
    assert users["vendor2"].id in told
    with pytest.raises(WorkOrderRefused):
        act(session, order, A.REASSIGN, users["dispatcher"], DISPATCH)


def test_a_closed_requests_orders_offer_only_cancel(session, request_, users):
    order = new_order(session, request_, users)
    request_.status = RequestStatus.CLOSED
    assert offered_actions(order, users["dispatcher"], DISPATCH) == [A.CANCEL]
    assert offered_actions(order, users["engineer1"], ENGINEER) == []
    with pytest.raises(WorkOrderRefused, match="can no longer change"):
        act(session, order, A.ACCEPT, users["engineer1"], ENGINEER)
    act(session, order, A.CANCEL, users["dispatcher"], DISPATCH)
    assert order.status is S.CANCELLED


# ---------------------------------------------------------------------------------------------
# Sign-off
# ---------------------------------------------------------------------------------------------


def test_sign_off_stores_name_time_and_signature(session, request_, users):
    order = new_order(session, request_, users)
    on_site(session, order, users["engineer1"])
    signature = png_data_url()
    sign_off(session, order, signer_name=" 陈静 ", signature_png=signature, now=NOW)
    assert (order.signoff_name, order.signoff_at, order.signature_png) == ("陈静", NOW, signature)
    with pytest.raises(WorkOrderRefused, match="already signed off"):
        sign_off(session, order, signer_name="someone", signature_png=None, now=NOW)


def test_sign_off_waits_for_the_visit_and_needs_a_name(session, request_, users):
    order = new_order(session, request_, users)
    with pytest.raises(WorkOrderRefused, match="check in first"):
        sign_off(session, order, signer_name="陈静", signature_png=None, now=NOW)
    on_site(session, order, users["engineer1"])
    with pytest.raises(WorkOrderRefused, match="name of the person"):
        sign_off(session, order, signer_name=" ", signature_png=None, now=NOW)
    assert order.signoff_at is None


def test_the_history_records_the_signer_not_the_drawing(session, request_, users):
    from models.history import ChangeLog

    order = new_order(session, request_, users)
    on_site(session, order, users["engineer1"])
    sign_off(session, order, signer_name="陈静", signature_png=png_data_url(), now=NOW)
    rows = session.scalars(select(ChangeLog).where(ChangeLog.entity == "work_order", ChangeLog.entity_id == order.id))
    fields = {field for row in rows for field in row.changes}
    assert "signoff_name" in fields and "signature_png" not in fields


@pytest.mark.parametrize(
    "data_url",
    [
        "data:image/jpeg;base64,/9j/4AAQ",
        "data:image/png;base64,not base64!!",
        "data:image/png;base64," + base64.b64encode(b"GIF89a" + b"\0" * 20).decode(),
        "javascript:alert(1)",
    ],
)
def test_a_signature_must_be_a_png(data_url):
    with pytest.raises(WorkOrderRefused, match="PNG"):
        checked_signature(data_url)


def test_a_signature_has_a_size_limit():
    with pytest.raises(WorkOrderRefused, match="too large"):
        checked_signature("data:image/png;base64," + "A" * 400_000)
    assert checked_signature("") is None


# ---------------------------------------------------------------------------------------------
# Time and expenses
# ---------------------------------------------------------------------------------------------


def test_time_costs_minutes_times_the_persons_rate(session, request_, users):
    engineer = users["engineer1"]
    rate = session.scalar(select(EngineerProfile.hourly_cost).where(EngineerProfile.user_id == engineer.id))
    order = new_order(session, request_, users)
    entry = add_time_entry(
        session, order, user=engineer, started_at=NOW - timedelta(minutes=95), ended_at=NOW, description="排查", now=NOW
    )
    assert entry.minutes == 95 and entry.hourly_cost == rate
    assert entry.cost == labour_cost(95, rate) == (Decimal(95) * rate / 60).quantize(Decimal("0.01"))
    assert order.labour_cost == entry.cost and order.cost == entry.cost and request_.cost == entry.cost


def test_labour_cost_rounds_to_the_cent():
    assert labour_cost(1, Decimal("100.00")) == Decimal("1.67")
    assert labour_cost(7, Decimal("0")) == Decimal("0.00")


def test_a_person_without_a_profile_costs_nothing(session, request_, users):
    order = new_order(session, request_, users, vendor=vendor(session, "V-SHXX"))
    entry = add_time_entry(
        session,
        order,
        user=users["vendor1"],
        started_at=NOW - timedelta(hours=1),
        ended_at=NOW,
        description="",
        now=NOW,
    )
    assert entry.hourly_cost == 0 and entry.cost == 0 and entry.vendor_id == order.vendor_id


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (NOW, NOW, "after its start"),
        (NOW - timedelta(hours=1), NOW - timedelta(hours=2), "after its start"),
        (NOW - timedelta(seconds=30), NOW, "at least one minute"),
        (NOW - timedelta(hours=1), NOW + timedelta(hours=1), "future"),
        (NOW - timedelta(hours=25), NOW, "24 hours"),
        (None, NOW, "start and the end"),
    ],
)
def test_bad_time_is_refused(session, request_, users, start, end, message):
    order = new_order(session, request_, users)
    with pytest.raises(WorkOrderRefused, match=message):
        add_time_entry(session, order, user=users["engineer1"], started_at=start, ended_at=end, description="", now=NOW)
    assert order.time_entries == []


def test_one_persons_time_never_overlaps_even_across_orders(session, request_, users):
    engineer = users["engineer1"]
    first, second = new_order(session, request_, users), new_order(session, request_, users)
    add_time_entry(
        session,
        first,
        user=engineer,
        started_at=NOW - timedelta(hours=2),
        ended_at=NOW - timedelta(hours=1),
        description="",
        now=NOW,
    )
    with pytest.raises(WorkOrderRefused, match=f"already has time recorded.*{first.number}"):
        add_time_entry(
            session,
            second,
            user=engineer,
            started_at=NOW - timedelta(minutes=90),
            ended_at=NOW,
            description="",
            now=NOW,
        )
    # back to back is fine, and so is another person at the same time
    add_time_entry(
        session, second, user=engineer, started_at=NOW - timedelta(hours=1), ended_at=NOW, description="", now=NOW
    )
    add_time_entry(
        session,
        second,
        user=users["engineer2"],
        started_at=NOW - timedelta(hours=2),
        ended_at=NOW,
        description="",
        now=NOW,
    )
    assert len(second.time_entries) == 2


def test_a_vendor_user_cannot_record_on_another_vendors_or_an_engineers_order(session, request_, users):
    engineers = new_order(session, request_, users)
    others = new_order(session, request_, users, vendor=vendor(session, "V-BJHT"))
    for order in (engineers, others):
        with pytest.raises(WorkOrderRefused, match="does not work on"):
            add_time_entry(
                session,
                order,
                user=users["vendor1"],
                started_at=NOW - timedelta(hours=1),
                ended_at=NOW,
                description="",
                now=NOW,
            )
        with pytest.raises(WorkOrderRefused, match="does not work on"):
            add_expense(
                session,
                order,
                kind=ExpenseKind.TRAVEL,
                amount="10",
                incurred_on=date(2026, 11, 22),
                description="",
                actor=users["vendor1"],
                now=NOW,
            )
        assert order.time_entries == [] and order.expenses == []


@pytest.mark.parametrize(
    ("amount", "incurred_on", "kind", "message"),
    [
        ("0", date(2026, 11, 22), ExpenseKind.TRAVEL, "more than zero"),
        ("-5", date(2026, 11, 22), ExpenseKind.TRAVEL, "more than zero"),
        ("0.004", date(2026, 11, 22), ExpenseKind.TRAVEL, "more than zero"),
        ("abc", date(2026, 11, 22), ExpenseKind.TRAVEL, "as a number"),
        ("NaN", date(2026, 11, 22), ExpenseKind.TRAVEL, "more than zero"),
        ("12", date(2026, 11, 23), ExpenseKind.TRAVEL, "future"),
        ("12", None, ExpenseKind.TRAVEL, "date of the expense"),
        ("12", date(2026, 11, 22), None, "kind of expense"),
    ],
)
def test_bad_expenses_are_refused(session, request_, users, amount, incurred_on, kind, message):
    order = new_order(session, request_, users)
    with pytest.raises(WorkOrderRefused, match=message):
        add_expense(
            session,
            order,
            kind=kind,
            amount=amount,
            incurred_on=incurred_on,
            description="",
            actor=users["engineer1"],
            now=NOW,
        )
    assert order.expenses == [] and order.expense_cost == 0


def test_no_time_on_a_cancelled_order(session, request_, users):
    order = new_order(session, request_, users)
    act(session, order, A.CANCEL, users["dispatcher"], DISPATCH)
    with pytest.raises(WorkOrderRefused, match="cancelled"):
        add_time_entry(
            session,
            order,
            user=users["engineer1"],
            started_at=NOW - timedelta(hours=1),
            ended_at=NOW,
            description="",
            now=NOW,
        )


# ---------------------------------------------------------------------------------------------
# Costs
# ---------------------------------------------------------------------------------------------


def test_costs_roll_up_to_the_order_and_the_request(session, request_, users):
    first, second = new_order(session, request_, users), new_order(session, request_, users, engineer="engineer2")
    part = session.scalars(select(SparePart).order_by(SparePart.id)).first()
    warehouse = session.scalars(select(Warehouse).order_by(Warehouse.id)).first()
    for kind, quantity, unit_cost in (
        (StockMoveKind.ISSUE, 3, "120.50"),
        (StockMoveKind.RETURN, 1, "120.50"),
        (StockMoveKind.ISSUE, 1, "9.99"),
        (StockMoveKind.DEFECTIVE_RETURN, 1, "120.50"),
    ):
        session.add(
            StockMovement(
                kind=kind,
                spare_part_id=part.id,
                warehouse_id=warehouse.id,
                quantity=quantity,
                unit_cost=Decimal(unit_cost),
                work_order_id=first.id,
            )
        )
    add_expense(
        session,
        first,
        kind=ExpenseKind.TRAVEL,
        amount="35.5",
        incurred_on=date(2026, 11, 21),
        description="出租车",
        actor=users["engineer1"],
        now=NOW,
    )
    entry = add_time_entry(
        session,
        second,
        user=users["engineer2"],
        started_at=NOW - timedelta(hours=2),
        ended_at=NOW,
        description="",
        now=NOW,
    )
    roll_up_costs(session, first)
    assert first.parts_cost == Decimal("250.99")  # (3 − 1) × 120.50 + 9.99; a defective return is not a refund
    assert first.expense_cost == Decimal("35.50") and first.labour_cost == 0
    assert first.cost == Decimal("286.49")
    assert second.cost == entry.cost
    assert request_.cost == first.cost + second.cost


def test_only_dispatching_roles_create_work_orders(session, request_, users):
    with pytest.raises(WorkOrderRefused, match="Only dispatchers create work orders"):
        create_work_order(
            session, request_, work_type=WorkOrderType.REMOTE, actor=users["engineer1"], now=NOW,
            assignee_user=users["engineer1"],
        )  # fmt: skip
    assert new_order(session, request_, users).status is WorkOrderStatus.ASSIGNED


def test_one_records_ones_own_time_and_dispatchers_anyones(session, request_, users):
    order = new_order(session, request_, users)
    span = {"started_at": NOW - timedelta(hours=2), "ended_at": NOW - timedelta(hours=1), "description": "", "now": NOW}
    with pytest.raises(WorkOrderRefused, match="only your own time"):
        add_time_entry(session, order, user=users["engineer1"], actor=users["engineer2"], **span)
    entry = add_time_entry(session, order, user=users["engineer1"], actor=users["dispatcher"], **span)
    assert entry.user_id == users["engineer1"].id
