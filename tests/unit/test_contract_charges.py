"""Charging a contract on close and reversing it on reopen: once per close, and always undoable."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

import models  # noqa: F401  (maps every model)
from app.domain.contract_charges import Charge, charge_for, charge_on_close, open_charge, reverse_on_reopen
from app.domain.contracts import Entitlement, entitlement_of, remaining, usage_by_contract
from models.base import Model
from models.contracts import Contract, EntitlementCharge
from models.enums import ChargeMode, EntitlementKind, Priority
from models.service_requests import ServiceRequest

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)

REQUESTS = dict(entitlement_kind=EntitlementKind.REQUESTS, entitlement_requests=10)
PER_REQUEST = dict(
    entitlement_kind=EntitlementKind.MONEY,
    entitlement_amount=Decimal("1000.00"),
    charge_mode=ChargeMode.PER_REQUEST,
    charge_per_request=Decimal("150.00"),
)
TIME_AND_MATERIAL = dict(
    entitlement_kind=EntitlementKind.MONEY,
    entitlement_amount=Decimal("1000.00"),
    charge_mode=ChargeMode.TIME_AND_MATERIAL,
)
UNLIMITED = dict(entitlement_kind=EntitlementKind.UNLIMITED)


@pytest.fixture(scope="module")
def engine():
    engine = create_engine("sqlite://")
    Model.metadata.create_all(engine)
    return engine


@pytest.fixture
def session(engine):
    connection = engine.connect()
    transaction = connection.begin()
    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        yield session
    transaction.rollback()
    connection.close()


def make_request(session: Session, terms: dict, cost: str = "0") -> ServiceRequest:
    count = session.scalar(select(Contract.id).order_by(Contract.id.desc()).limit(1)) or 0
    contract = Contract(
        number=f"HT-{count + 1}",
        customer_id=1,
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
        **terms,
    )
    request = ServiceRequest(
        number=f"SR-{count + 1}",
        customer_id=1,
        subject="Printer jams",
        priority=Priority.P3,
        contract=contract,
        cost=Decimal(cost),
    )
    session.add(request)
    session.flush()
    return request


def left(session: Session, request: ServiceRequest):
    contract = request.contract
    return remaining(entitlement_of(contract), usage_by_contract(session, [contract.id])[contract.id])


def test_requests_entitlement_charges_one_request(session):
    request = make_request(session, REQUESTS)
    charge = charge_on_close(session, request, now=NOW)
    assert (charge.requests, charge.amount, charge.note) == (1, Decimal("0"), request.number)
    assert left(session, request) == 9


def test_per_request_money_charges_the_fixed_amount(session):
    request = make_request(session, PER_REQUEST, cost="999.00")
    charge_on_close(session, request, now=NOW)
    assert left(session, request) == Decimal("850.00")


def test_time_and_material_charges_the_request_cost(session):
    request = make_request(session, TIME_AND_MATERIAL, cost="321.50")
    charge_on_close(session, request, now=NOW)
    assert left(session, request) == Decimal("678.50")


def test_unlimited_and_no_contract_charge_nothing(session):
    unlimited = make_request(session, UNLIMITED)
    assert charge_on_close(session, unlimited, now=NOW) is None
    without = ServiceRequest(number="SR-X", customer_id=1, subject="s", priority=Priority.P3)
    session.add(without)
    session.flush()
    assert charge_on_close(session, without, now=NOW) is None
    assert session.scalar(select(EntitlementCharge.id)) is None


def test_closing_twice_charges_once(session):
    request = make_request(session, REQUESTS)
    assert charge_on_close(session, request, now=NOW) is not None
    assert charge_on_close(session, request, now=NOW) is None
    assert left(session, request) == 9


def test_reopen_reverses_and_restores_the_entitlement(session):
    request = make_request(session, PER_REQUEST)
    charge = charge_on_close(session, request, now=NOW)
    reversal = reverse_on_reopen(session, request, now=NOW + timedelta(hours=1))
    assert reversal.reverses_id == charge.id
    assert (reversal.requests, reversal.amount) == (0, Decimal("-150.00"))
    assert left(session, request) == Decimal("1000.00")
    assert reverse_on_reopen(session, request, now=NOW) is None


def test_reopen_without_a_charge_does_nothing(session):
    request = make_request(session, REQUESTS)
    assert reverse_on_reopen(session, request, now=NOW) is None


def test_close_after_reopen_charges_again(session):
    request = make_request(session, REQUESTS)
    charge_on_close(session, request, now=NOW)
    reverse_on_reopen(session, request, now=NOW)
    again = charge_on_close(session, request, now=NOW)
    assert again is not None and open_charge(session, request.id).id == again.id
    assert left(session, request) == 9


@pytest.mark.parametrize(
    ("entitlement", "cost", "expected"),
    [
        (Entitlement(EntitlementKind.REQUESTS, requests=3), None, Charge(requests=1)),
        (
            Entitlement(EntitlementKind.MONEY, amount=Decimal(9), charge_mode=ChargeMode.TIME_AND_MATERIAL),
            None,
            Charge(amount=Decimal("0.00")),
        ),
        (
            Entitlement(EntitlementKind.MONEY, amount=Decimal(9), charge_mode=ChargeMode.TIME_AND_MATERIAL),
            Decimal("-5"),
            Charge(amount=Decimal("0.00")),
        ),
        (Entitlement(EntitlementKind.MONEY, amount=Decimal(9)), Decimal(5), None),
        (Entitlement(), Decimal(5), None),
    ],
)
def test_charge_for_edge_cases(entitlement, cost, expected):
    assert charge_for(entitlement, cost) == expected


@given(st.lists(st.sampled_from(["close", "reopen"]), max_size=12))
def test_net_charge_is_zero_or_one_charge_at_every_point(engine, steps):
    connection = engine.connect()
    transaction = connection.begin()
    try:
        with Session(bind=connection) as session:
            request = make_request(session, PER_REQUEST)
            closed = False
            for step in steps:
                if step == "close":
                    charge_on_close(session, request, now=NOW)
                    closed = True
                else:
                    reverse_on_reopen(session, request, now=NOW)
                    closed = False
                rows = session.scalars(
                    select(EntitlementCharge).where(EntitlementCharge.request_id == request.id)
                ).all()
                net = sum((row.amount for row in rows), Decimal("0"))
                assert net == (Decimal("150.00") if closed else Decimal("0"))
                assert left(session, request) == Decimal("850.00" if closed else "1000.00")
    finally:
        transaction.rollback()
        connection.close()
