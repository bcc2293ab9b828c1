"""Many users issue the last units of a part at the same moment: exactly the available number
succeed, the others are refused, stock ends at 0 and equals the ledger.

Each thread has its own connection and session and commits for real, so this runs outside the
per-test rollback: on PostgreSQL on the test database through a separate engine (the rows it
creates are removed afterwards, the append-only trigger lifted for that one cleanup
transaction); on SQLite on a file database of its own.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4

import pytest
from sqlalchemy import create_engine, delete, func, select, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from app.database import configure_engine, engine_options
from app.domain.stock_ledger import StockRefused, ledger_mismatches, move
from models.base import Model
from models.enums import Priority, RequestStatus, StockMoveKind, WarehouseKind, WorkOrderStatus
from models.organisations import Customer
from models.service_requests import ServiceRequest
from models.stock import SparePart, StockLevel, StockMovement, Warehouse
from models.work_orders import WorkOrder

THREADS = 10
AVAILABLE = 4
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


@dataclass
class Race:
    part_id: int
    warehouse_id: int
    customer_id: int
    request_ids: list[int]
    work_order_ids: list[int]


def prepare(engine: Engine, available: int = AVAILABLE) -> Race:
    """A part with ``available`` units in one warehouse and one open work order per thread, committed.

    One request per work order: each issue rolls the costs up into its own request.
    """
    tag = uuid4().hex[:8].upper()
    with Session(engine) as session:
        customer = session.scalars(select(Customer).order_by(Customer.id).limit(1)).first()
        if customer is None:
            customer = Customer(code=f"C-RACE-{tag}", name="并发测试客户")
            session.add(customer)
        part = SparePart(part_number=f"RACE-{tag}", name="并发测试备件", unit_cost=Decimal("100.00"))
        warehouse = Warehouse(code=f"WH-RACE-{tag}", name="并发测试仓", kind=WarehouseKind.CENTRAL)
        session.add_all([part, warehouse])
        session.flush()
        requests = [
            ServiceRequest(
                number=f"SR-R{tag}-{i}",
                customer_id=customer.id,
                subject="并发领料",
                priority=Priority.P3,
                status=RequestStatus.IN_PROGRESS,
            )
            for i in range(THREADS)
        ]
        work_orders = [
            WorkOrder(number=f"WO-R{tag}-{i}", request=request, customer_id=customer.id, status=WorkOrderStatus.ON_SITE)
            for i, request in enumerate(requests)
        ]
        session.add_all([*requests, *work_orders])
        session.flush()
        if available:
            move(
                session, StockMoveKind.RECEIPT, part_id=part.id, warehouse_id=warehouse.id, quantity=available, now=NOW
            )
        session.commit()
        return Race(part.id, warehouse.id, customer.id, [r.id for r in requests], [w.id for w in work_orders])


def run(engine: Engine, race: Race, kind: StockMoveKind = StockMoveKind.ISSUE) -> list[str]:
    """Every thread moves one unit (an issue: to its own work order), all released at once by a barrier."""
    barrier = threading.Barrier(THREADS)

    def one_unit(work_order_id: int) -> str:
        with Session(engine) as session:
            barrier.wait()
            try:
                move(
                    session,
                    kind,
                    part_id=race.part_id,
                    warehouse_id=race.warehouse_id,
                    quantity=1,
                    now=NOW,
                    work_order_id=work_order_id if kind is StockMoveKind.ISSUE else None,
                )
                session.commit()
                return "moved"
            except StockRefused:
                session.rollback()
                return "refused"

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(one_unit, race.work_order_ids))


def check(engine: Engine, race: Race, results: list[str]) -> None:
    assert results.count("moved") == AVAILABLE
    assert results.count("refused") == THREADS - AVAILABLE
    with Session(engine) as session:
        on_hand = session.scalar(
            select(StockLevel.on_hand).where(
                StockLevel.spare_part_id == race.part_id, StockLevel.warehouse_id == race.warehouse_id
            )
        )
        issued = session.scalar(
            select(func.sum(StockMovement.quantity)).where(
                StockMovement.spare_part_id == race.part_id, StockMovement.kind == StockMoveKind.ISSUE
            )
        )
        assert on_hand == 0
        assert issued == AVAILABLE
        assert [m for m in ledger_mismatches(session) if m.spare_part_id == race.part_id] == []
        costs = session.scalars(select(WorkOrder.parts_cost).where(WorkOrder.id.in_(race.work_order_ids))).all()
        assert sorted(costs) == [Decimal("0")] * (THREADS - AVAILABLE) + [Decimal("100.00")] * AVAILABLE


def check_first_receipts(engine: Engine, race: Race, results: list[str]) -> None:
    """Receipts racing to create the same missing level: one row, every unit counted."""
    assert results == ["moved"] * THREADS
    with Session(engine) as session:
        levels = session.scalars(select(StockLevel.on_hand).where(StockLevel.spare_part_id == race.part_id)).all()
        assert levels == [THREADS]
        assert [m for m in ledger_mismatches(session) if m.spare_part_id == race.part_id] == []


def clean_up(engine: Engine, race: Race) -> None:
    """Remove what ``prepare`` and the threads committed; the ledger's trigger is lifted for this transaction only."""
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE stock_movement DISABLE TRIGGER stock_movement_append_only"))
        conn.execute(delete(StockMovement).where(StockMovement.spare_part_id == race.part_id))
        conn.execute(text("ALTER TABLE stock_movement ENABLE TRIGGER stock_movement_append_only"))
        conn.execute(delete(StockLevel).where(StockLevel.spare_part_id == race.part_id))
        conn.execute(delete(WorkOrder).where(WorkOrder.id.in_(race.work_order_ids)))
        conn.execute(delete(ServiceRequest).where(ServiceRequest.id.in_(race.request_ids)))
        conn.execute(delete(Warehouse).where(Warehouse.id == race.warehouse_id))
        conn.execute(delete(SparePart).where(SparePart.id == race.part_id))


def postgres_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL", "")
    return url if url.startswith(("postgresql", "postgres")) else None


@pytest.mark.skipif(postgres_url() is None, reason="PostgreSQL only (TEST_DATABASE_URL)")
def test_concurrent_issues_of_the_last_units_on_postgresql(app):
    url = make_url(postgres_url()).set(drivername="postgresql+psycopg")
    engine = create_engine(url, pool_size=THREADS, max_overflow=2, **engine_options(str(url)))
    race = prepare(engine)
    try:
        check(engine, race, run(engine, race))
    finally:
        clean_up(engine, race)
        engine.dispose()


@pytest.mark.skipif(postgres_url() is None, reason="PostgreSQL only (TEST_DATABASE_URL)")
def test_concurrent_first_receipts_create_one_level_on_postgresql(app):
    url = make_url(postgres_url()).set(drivername="postgresql+psycopg")
    engine = create_engine(url, pool_size=THREADS, max_overflow=2, **engine_options(str(url)))
    race = prepare(engine, available=0)
    try:
        check_first_receipts(engine, race, run(engine, race, StockMoveKind.RECEIPT))
    finally:
        clean_up(engine, race)
        engine.dispose()


@pytest.fixture
def sqlite_engine(tmp_path):
    url = f"sqlite:///{tmp_path / 'race.db'}"
    engine = create_engine(url, **engine_options(url))
    configure_engine(engine)
    Model.metadata.create_all(engine)
    yield engine
    engine.dispose()


def test_concurrent_issues_of_the_last_units_on_sqlite(sqlite_engine):
    race = prepare(sqlite_engine)
    check(sqlite_engine, race, run(sqlite_engine, race))


def test_concurrent_first_receipts_create_one_level_on_sqlite(sqlite_engine):
    race = prepare(sqlite_engine, available=0)
    check_first_receipts(sqlite_engine, race, run(sqlite_engine, race, StockMoveKind.RECEIPT))
