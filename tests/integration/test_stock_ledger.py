"""The stock ledger's rules (app/domain/stock_ledger.py) on the real database: every kind, every refusal,
levels always equal to the ledger, and the ledger itself append-only."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from itertools import count

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from app.domain.stock_ledger import StockRefused, issued_net, ledger_mismatches, move
from models.enums import (
    Priority,
    RequestStatus,
    StockMoveKind,
    WarehouseKind,
    WorkOrderStatus,
)

K = StockMoveKind
NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
_serial = count(1)


@pytest.fixture
def session(app):
    from app.extensions import db

    with app.app_context():
        yield db.session


def make_part(session, *, cost="12.50", serialized=False, active=True):
    from models.stock import SparePart

    n = next(_serial)
    part = SparePart(
        part_number=f"T-{n:05d}", name=f"测试备件{n}", unit_cost=Decimal(cost), serialized=serialized, active=active
    )
    session.add(part)
    session.flush()
    return part


def make_warehouse(session, *, vendor_code=None, active=True):
    from models.organisations import Vendor
    from models.stock import Warehouse

    n = next(_serial)
    vendor = session.scalars(select(Vendor).where(Vendor.code == vendor_code)).one() if vendor_code else None
    warehouse = Warehouse(
        code=f"T-WH-{n}",
        name=f"测试仓{n}",
        kind=WarehouseKind.VENDOR if vendor else WarehouseKind.CENTRAL,
        vendor=vendor,
        active=active,
    )
    session.add(warehouse)
    session.flush()
    return warehouse


def make_work_order(session, *, status=WorkOrderStatus.ON_SITE, request_status=RequestStatus.IN_PROGRESS, vendor=None):
    """A request and a work order under it, built directly (the flows have their own tests)."""
    from models.organisations import Customer, Vendor
    from models.service_requests import ServiceRequest
    from models.work_orders import WorkOrder

    n = next(_serial)
    customer = session.scalars(select(Customer).where(Customer.code == "C-HZXH")).one()
    request = ServiceRequest(
        number=f"SR-T-{n}", customer_id=customer.id, subject="打印机卡纸", priority=Priority.P3, status=request_status
    )
    vendor_id = session.scalars(select(Vendor.id).where(Vendor.code == vendor)).one() if vendor else None
    work_order = WorkOrder(
        number=f"WO-T-{n}", request=request, customer_id=customer.id, status=status, vendor_id=vendor_id
    )
    session.add_all([request, work_order])
    session.flush()
    return work_order


def level(session, warehouse, part) -> tuple[int, int, int]:
    from models.stock import StockLevel

    row = session.execute(
        select(StockLevel.on_hand, StockLevel.defective, StockLevel.in_repair).where(
            StockLevel.warehouse_id == warehouse.id, StockLevel.spare_part_id == part.id
        )
    ).first()
    return tuple(row) if row else (0, 0, 0)


def do(session, kind, part, warehouse, quantity, **kwargs):
    return move(session, kind, part_id=part.id, warehouse_id=warehouse.id, quantity=quantity, now=NOW, **kwargs)


def refused(session, kind, part, warehouse, quantity, **kwargs) -> StockRefused:
    with pytest.raises(StockRefused) as caught:
        do(session, kind, part, warehouse, quantity, **kwargs)
    return caught.value


@pytest.fixture
def stocked(session):
    """A part with 5 on hand in a central warehouse, and an open work order."""
    part, warehouse = make_part(session), make_warehouse(session)
    do(session, K.RECEIPT, part, warehouse, 5, reference="DN-001")
    return part, warehouse, make_work_order(session)


# --- every kind -------------------------------------------------------------------------------------


def test_receipt_creates_the_level_and_copies_cost_and_vendor(session):
    part, warehouse = make_part(session, cost="88.00"), make_warehouse(session, vendor_code="V-SHXX")
    movement = do(session, K.RECEIPT, part, warehouse, 3, reference="DN-9", actor_id=None, actor_label="import")
    assert level(session, warehouse, part) == (3, 0, 0)
    assert movement.unit_cost == Decimal("88.00")
    assert movement.vendor_id == warehouse.vendor_id
    assert movement.actor_label == "import"
    from models.stock import StockLevel

    stored = session.scalars(select(StockLevel).where(StockLevel.warehouse_id == warehouse.id)).one()
    assert stored.vendor_id == warehouse.vendor_id  # the new level is scoped like its warehouse


def test_issue_and_return_on_a_work_order_roll_up_costs(session, stocked):
    part, warehouse, work_order = stocked
    do(session, K.ISSUE, part, warehouse, 3, work_order_id=work_order.id)
    do(session, K.RETURN, part, warehouse, 1, work_order_id=work_order.id)
    assert level(session, warehouse, part) == (3, 0, 0)
    assert issued_net(session, work_order.id, part.id) == 2
    session.refresh(work_order)
    assert work_order.parts_cost == Decimal("25.00")  # (3 − 1) × 12.50
    assert work_order.request.cost >= Decimal("25.00")


def test_issuing_a_part_updates_costs_without_making_open_pages_stale(session, stocked):
    """Costs are derived: someone with the request or the work order open can still save."""
    part, warehouse, work_order = stocked
    request = work_order.request
    version, order_version, cost = request.version, work_order.version, request.cost
    do(session, K.ISSUE, part, warehouse, 2, work_order_id=work_order.id)
    assert request.version == version and work_order.version == order_version
    assert work_order.parts_cost == Decimal("25.00")
    assert request.cost == cost + Decimal("25.00")
    session.expire_all()
    assert session.get(type(request), request.id).cost == cost + Decimal("25.00")


def test_actor_label_defaults_to_the_users_name(session, stocked):
    from models.users import UserAccount

    part, warehouse, _ = stocked
    user = session.scalars(select(UserAccount).where(UserAccount.username == "engineer1")).one()
    movement = do(session, K.ADJUSTMENT, part, warehouse, -1, note="盘点少一个", actor_id=user.id)
    assert movement.actor_label == str(user)
    assert level(session, warehouse, part) == (4, 0, 0)


def test_transfer_moves_on_hand_between_warehouses(session, stocked):
    part, source, _ = stocked
    target = make_warehouse(session, vendor_code="V-SHXX")
    movement = do(session, K.TRANSFER, part, source, 2, to_warehouse_id=target.id)
    assert level(session, source, part) == (3, 0, 0)
    assert level(session, target, part) == (2, 0, 0)
    assert movement.vendor_id == target.vendor_id  # the vendor sees stock arriving in its warehouse


def test_the_repair_loop(session, stocked):
    part, warehouse, work_order = stocked
    do(session, K.DEFECTIVE_RETURN, part, warehouse, 3, work_order_id=work_order.id)
    assert level(session, warehouse, part) == (5, 3, 0)
    do(session, K.SENT_TO_REPAIR, part, warehouse, 3, reference="RMA-1")
    assert level(session, warehouse, part) == (5, 0, 3)
    do(session, K.REPAIRED, part, warehouse, 2)
    assert level(session, warehouse, part) == (7, 0, 1)
    do(session, K.SCRAPPED, part, warehouse, 1)
    assert level(session, warehouse, part) == (7, 0, 0)
    assert ledger_mismatches(session) == []


def test_serialized_parts_record_serials_installed_and_removed(session):
    part, warehouse = make_part(session, serialized=True), make_warehouse(session)
    work_order = make_work_order(session)
    do(session, K.RECEIPT, part, warehouse, 2)
    issued = do(session, K.ISSUE, part, warehouse, 2, work_order_id=work_order.id, serials_installed=[" SN1 ", "SN2"])
    assert issued.serials_installed == ["SN1", "SN2"]
    removed = do(session, K.DEFECTIVE_RETURN, part, warehouse, 1, work_order_id=work_order.id, serials_removed=["OLD"])
    assert removed.serials_removed == ["OLD"]


# --- refusals ----------------------------------------------------------------------------------------


def test_stock_never_goes_negative(session, stocked):
    part, warehouse, work_order = stocked
    error = refused(session, K.ISSUE, part, warehouse, 6, work_order_id=work_order.id)
    assert error.message == "Only %(available)s of %(part)s %(bucket)s in %(warehouse)s."
    assert error.params["available"] == 5
    assert level(session, warehouse, part) == (5, 0, 0)
    refused(session, K.ADJUSTMENT, part, warehouse, -6, note="x")
    refused(session, K.TRANSFER, part, warehouse, 6, to_warehouse_id=make_warehouse(session).id)
    refused(session, K.SENT_TO_REPAIR, part, warehouse, 1)
    refused(session, K.REPAIRED, part, warehouse, 1)
    refused(session, K.SCRAPPED, part, warehouse, 1)
    empty = make_warehouse(session)
    assert refused(session, K.ISSUE, part, empty, 1, work_order_id=work_order.id).params["available"] == 0
    assert level(session, warehouse, part) == (5, 0, 0)
    assert ledger_mismatches(session) == []


@pytest.mark.parametrize("quantity", [0, -1, 1.5, "2", True])
def test_quantities_are_positive_whole_numbers(session, stocked, quantity):
    part, warehouse, _ = stocked
    refused(session, K.RECEIPT, part, warehouse, quantity)


def test_adjustment_is_non_zero_and_needs_a_note(session, stocked):
    part, warehouse, _ = stocked
    assert "note" in refused(session, K.ADJUSTMENT, part, warehouse, 2).message
    assert "other than 0" in refused(session, K.ADJUSTMENT, part, warehouse, 0, note="x").message


def test_inactive_parts_and_warehouses_are_refused(session):
    part, warehouse = make_part(session, active=False), make_warehouse(session)
    assert "inactive" in refused(session, K.RECEIPT, part, warehouse, 1).message
    part, closed = make_part(session), make_warehouse(session, active=False)
    assert "inactive" in refused(session, K.RECEIPT, part, closed, 1).message
    do(session, K.RECEIPT, part, warehouse, 1)
    assert "inactive" in refused(session, K.TRANSFER, part, warehouse, 1, to_warehouse_id=closed.id).message


def test_transfer_needs_another_warehouse(session, stocked):
    part, warehouse, _ = stocked
    refused(session, K.TRANSFER, part, warehouse, 1)
    refused(session, K.TRANSFER, part, warehouse, 1, to_warehouse_id=warehouse.id)
    refused(session, K.RECEIPT, part, warehouse, 1, to_warehouse_id=make_warehouse(session).id)


def test_work_order_kinds_need_an_open_work_order(session, stocked):
    part, warehouse, work_order = stocked
    for kind in (K.ISSUE, K.RETURN, K.DEFECTIVE_RETURN):
        refused(session, kind, part, warehouse, 1)
    refused(session, K.RECEIPT, part, warehouse, 1, work_order_id=work_order.id)
    for status in (WorkOrderStatus.APPROVED, WorkOrderStatus.CANCELLED):
        closed = make_work_order(session, status=status)
        assert "no longer change" in refused(session, K.ISSUE, part, warehouse, 1, work_order_id=closed.id).message
    closed_request = make_work_order(session, request_status=RequestStatus.CLOSED)
    refused(session, K.ISSUE, part, warehouse, 1, work_order_id=closed_request.id)
    assert level(session, warehouse, part) == (5, 0, 0)


def test_return_never_exceeds_what_was_issued(session, stocked):
    part, warehouse, work_order = stocked
    assert refused(session, K.RETURN, part, warehouse, 1, work_order_id=work_order.id).params["held"] == 0
    do(session, K.ISSUE, part, warehouse, 2, work_order_id=work_order.id)
    do(session, K.RETURN, part, warehouse, 1, work_order_id=work_order.id)
    assert refused(session, K.RETURN, part, warehouse, 2, work_order_id=work_order.id).params["held"] == 1
    other = make_work_order(session)
    refused(session, K.RETURN, part, warehouse, 1, work_order_id=other.id)  # issued to another work order


def test_serial_numbers_must_match_the_quantity(session):
    part, warehouse = make_part(session, serialized=True), make_warehouse(session)
    work_order = make_work_order(session)
    do(session, K.RECEIPT, part, warehouse, 3)
    issue = {"work_order_id": work_order.id}
    assert refused(session, K.ISSUE, part, warehouse, 2, **issue, serials_installed=["A"]).params["count"] == 1
    refused(session, K.ISSUE, part, warehouse, 2, **issue)
    assert refused(session, K.ISSUE, part, warehouse, 2, **issue, serials_installed=["A", "A"]).params["serial"] == "A"
    refused(session, K.DEFECTIVE_RETURN, part, warehouse, 1, **issue)
    refused(session, K.RECEIPT, part, warehouse, 1, serials_installed=["A"])  # only issues carry installed serials
    plain = make_part(session)
    do(session, K.RECEIPT, plain, warehouse, 1)
    refused(session, K.ISSUE, plain, warehouse, 1, **issue, serials_installed=["A"])
    assert level(session, warehouse, part) == (3, 0, 0)


# --- the ledger ---------------------------------------------------------------------------------------


def test_mismatches_name_levels_that_differ_from_the_ledger(session, stocked):
    from models.stock import StockLevel

    part, warehouse, _ = stocked
    assert ledger_mismatches(session) == []
    session.execute(
        StockLevel.__table__.update()
        .where(StockLevel.warehouse_id == warehouse.id, StockLevel.spare_part_id == part.id)
        .values(defective=1)
    )
    [mismatch] = ledger_mismatches(session)
    assert (mismatch.warehouse_id, mismatch.spare_part_id) == (warehouse.id, part.id)
    assert mismatch.level == (5, 1, 0) and mismatch.ledger == (5, 0, 0)


def test_demo_stock_equals_its_ledger(session):
    from models.stock import StockLevel, StockMovement

    assert session.scalar(select(StockMovement.id).where(StockMovement.kind == K.RECEIPT).limit(1)) is not None
    assert session.scalar(select(StockLevel.id).where(StockLevel.on_hand > 0).limit(1)) is not None
    assert ledger_mismatches(session) == []


@pytest.mark.parametrize("statement", ["UPDATE stock_movement SET quantity = 99", "DELETE FROM stock_movement"])
def test_the_ledger_is_append_only(session, stocked, statement):
    session.flush()
    with pytest.raises(DatabaseError, match="append-only"), session.begin_nested():
        session.execute(text(statement))


# --- any sequence keeps levels equal to the ledger -----------------------------------------------------

MOVES = st.lists(
    st.tuples(
        st.sampled_from(list(StockMoveKind)),
        st.integers(min_value=0, max_value=2),  # which warehouse
        st.integers(min_value=-4, max_value=6),  # quantity, refused when not positive (or zero adjustments)
    ),
    max_size=25,
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moves=MOVES)
def test_any_sequence_keeps_levels_equal_to_the_ledger(session, moves):
    from models.stock import StockLevel

    part = make_part(session)
    warehouses = [make_warehouse(session) for _ in range(3)]
    work_order = make_work_order(session)
    accepted = 0
    try:
        for kind, index, quantity in moves:
            warehouse = warehouses[index]
            extra = {"note": "盘点"} if kind is K.ADJUSTMENT else {}
            if kind is K.TRANSFER:
                extra["to_warehouse_id"] = warehouses[(index + 1) % 3].id
            if kind in (K.ISSUE, K.RETURN, K.DEFECTIVE_RETURN):
                extra["work_order_id"] = work_order.id
            try:
                do(session, kind, part, warehouse, quantity, **extra)
                accepted += 1
            except StockRefused:
                pass
        levels = session.execute(
            select(StockLevel.on_hand, StockLevel.defective, StockLevel.in_repair).where(
                StockLevel.spare_part_id == part.id
            )
        ).all()
        assert all(bucket >= 0 for row in levels for bucket in row)
        assert ledger_mismatches(session) == []
    finally:
        session.rollback()  # the next example starts from the test's savepoint
