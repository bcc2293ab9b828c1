"""Charging a request to its contract's entitlement when it closes, and undoing that on reopen.

The contract's ledger (``EntitlementCharge``) is append-only: a close appends a charge, a reopen
appends a reversal (negative, ``reverses_id`` = the charge), a second close a new charge. Whether a
request is charged right now is read from the ledger itself — it has a charge nobody reversed — so
calling ``charge_on_close`` twice charges once, and the request's net charge is always zero or one
charge. The unique ``reverses_id`` makes a second reversal of the same charge impossible.

What one close costs (``charge_for``): one request of a REQUESTS entitlement; the fixed charge per
request, or the request's cost (time and material), of a MONEY balance; nothing when unlimited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.domain.contracts import Entitlement, entitlement_of
from models.contracts import EntitlementCharge
from models.enums import ChargeMode, EntitlementKind
from models.service_requests import ServiceRequest

ZERO = Decimal("0")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Charge:
    """What one close uses of an entitlement."""

    requests: int = 0
    amount: Decimal = ZERO


def charge_for(entitlement: Entitlement, cost: Decimal | None) -> Charge | None:
    """What closing a request costing ``cost`` uses of ``entitlement``; None when nothing is counted."""
    if entitlement.kind is EntitlementKind.REQUESTS:
        return Charge(requests=1)
    if entitlement.kind is EntitlementKind.MONEY:
        if entitlement.charge_mode is ChargeMode.PER_REQUEST:
            return Charge(amount=(entitlement.charge_per_request or ZERO).quantize(CENT))
        if entitlement.charge_mode is ChargeMode.TIME_AND_MATERIAL:
            return Charge(amount=max(cost or ZERO, ZERO).quantize(CENT))
    return None


def open_charge(session: Session, request_id: int) -> EntitlementCharge | None:
    """The request's charge that no reversal cancels yet (at most one), or None."""
    reversal = aliased(EntitlementCharge)
    stmt = (
        select(EntitlementCharge)
        .outerjoin(reversal, reversal.reverses_id == EntitlementCharge.id)
        .where(
            EntitlementCharge.request_id == request_id,
            EntitlementCharge.reverses_id.is_(None),
            reversal.id.is_(None),
        )
        .order_by(EntitlementCharge.id.desc())
        .limit(1)
    )
    return session.scalars(stmt).first()


def charge_on_close(session: Session, request: ServiceRequest, *, now: datetime) -> EntitlementCharge | None:
    """Charge the closed request to its contract once; None when there is nothing (more) to charge."""
    contract = request.contract
    if contract is None or request.id is None:
        return None
    charge = charge_for(entitlement_of(contract), request.cost)
    if charge is None or open_charge(session, request.id) is not None:
        return None
    row = EntitlementCharge(
        contract_id=contract.id,
        customer_id=contract.customer_id,
        requests=charge.requests,
        amount=charge.amount,
        note=request.number,
        request_id=request.id,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return row


def reverse_on_reopen(session: Session, request: ServiceRequest, *, now: datetime) -> EntitlementCharge | None:
    """Reverse the request's open charge, restoring the entitlement; None when it has none."""
    if request.id is None:
        return None
    charge = open_charge(session, request.id)
    if charge is None:
        return None
    row = EntitlementCharge(
        contract_id=charge.contract_id,
        customer_id=charge.customer_id,
        requests=-charge.requests,
        amount=-charge.amount,
        note=charge.note,
        request_id=charge.request_id,
        reverses_id=charge.id,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return row
