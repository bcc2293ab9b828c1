"""Service contracts (服务合同): entitlement rules, what remains of it, and the derived status.

An entitlement is one of

* **unlimited** — nothing is counted;
* **a number of requests** — ``requests`` requests may be charged;
* **a money balance** — ``amount`` to spend, charged either a fixed ``charge_per_request`` per request
  or by time and material (whatever each request's hours and parts cost).

Charges are an append-only ledger (``EntitlementCharge``); what remains is always the entitlement minus
the sum of the charges, summed in SQL (``usage_by_contract``: one grouped statement for any number of
contracts). A money balance charged per request is used up once it cannot pay for one more request.

The status (``contract_status``) is derived, never stored, for a given ``today`` (a date in the
business time zone): not started before the start date, expired after the end date (both dates are
days of service, inclusive), entitlement used up in between when nothing remains, otherwise active.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.contracts import EntitlementCharge
from models.enums import ChargeMode, ContractStatus, EntitlementKind

ZERO = Decimal("0")
CENT = Decimal("0.01")  # money is stored with two decimals; SQLite sums come back as floats

# Reasons a contract is refused (the screen words each one).
END_BEFORE_START = "end_before_start"
NEGATIVE_VALUE = "negative_value"
REQUESTS_MISSING = "requests_missing"
AMOUNT_MISSING = "amount_missing"
NEGATIVE_AMOUNT = "negative_amount"
CHARGE_MODE_MISSING = "charge_mode_missing"
CHARGE_MISSING = "charge_missing"


@dataclass(frozen=True)
class Entitlement:
    kind: EntitlementKind = EntitlementKind.UNLIMITED
    requests: int | None = None
    amount: Decimal | None = None
    charge_mode: ChargeMode | None = None
    charge_per_request: Decimal | None = None


@dataclass(frozen=True)
class Usage:
    """Σ of a contract's charges."""

    requests: int = 0
    amount: Decimal = ZERO


def normalised(entitlement: Entitlement) -> Entitlement:
    """The entitlement without the values its kind does not use (a form may send them anyway)."""
    if entitlement.kind is EntitlementKind.UNLIMITED:
        return Entitlement(EntitlementKind.UNLIMITED)
    if entitlement.kind is EntitlementKind.REQUESTS:
        return Entitlement(EntitlementKind.REQUESTS, requests=entitlement.requests)
    per_request = entitlement.charge_mode is ChargeMode.PER_REQUEST
    return Entitlement(
        EntitlementKind.MONEY,
        amount=entitlement.amount,
        charge_mode=entitlement.charge_mode,
        charge_per_request=entitlement.charge_per_request if per_request else None,
    )


def contract_problems(
    start: date | None, end: date | None, value: Decimal | None, entitlement: Entitlement
) -> list[str]:
    """Reason codes for everything wrong with a contract's dates, value and entitlement (empty: fine).

    The end date is the last day of service, so a contract may start and end on the same day.
    A number of requests must be at least 1; a per-request charge must be more than 0.
    """
    problems: list[str] = []
    if start is not None and end is not None and end < start:
        problems.append(END_BEFORE_START)
    if value is not None and value < 0:
        problems.append(NEGATIVE_VALUE)
    entitlement = normalised(entitlement)
    if entitlement.kind is EntitlementKind.REQUESTS:
        if entitlement.requests is None or entitlement.requests < 1:
            problems.append(REQUESTS_MISSING)
    elif entitlement.kind is EntitlementKind.MONEY:
        if entitlement.amount is None:
            problems.append(AMOUNT_MISSING)
        elif entitlement.amount < 0:
            problems.append(NEGATIVE_AMOUNT)
        if entitlement.charge_mode is None:
            problems.append(CHARGE_MODE_MISSING)
        elif entitlement.charge_mode is ChargeMode.PER_REQUEST and (
            entitlement.charge_per_request is None or entitlement.charge_per_request <= 0
        ):
            problems.append(CHARGE_MISSING)
    return problems


def remaining(entitlement: Entitlement, usage: Usage) -> int | Decimal | None:
    """Requests or money left (negative when overdrawn); None for an unlimited entitlement."""
    if entitlement.kind is EntitlementKind.REQUESTS:
        return (entitlement.requests or 0) - usage.requests
    if entitlement.kind is EntitlementKind.MONEY:
        return (entitlement.amount or ZERO) - usage.amount
    return None


def is_used_up(entitlement: Entitlement, usage: Usage) -> bool:
    """Whether nothing is left: no request, no money, or not enough money for one more per-request charge."""
    left = remaining(entitlement, usage)
    if left is None:
        return False
    if left <= 0:
        return True
    per_request = entitlement.charge_per_request
    return bool(
        entitlement.kind is EntitlementKind.MONEY
        and entitlement.charge_mode is ChargeMode.PER_REQUEST
        and per_request is not None
        and per_request > 0
        and left < per_request
    )


def contract_status(start: date, end: date, today: date, entitlement: Entitlement, usage: Usage) -> ContractStatus:
    """Not started (today < start), expired (today > end), used up, or active; dates are inclusive."""
    if today < start:
        return ContractStatus.NOT_STARTED
    if today > end:
        return ContractStatus.EXPIRED
    if is_used_up(entitlement, usage):
        return ContractStatus.EXHAUSTED
    return ContractStatus.ACTIVE


def entitlement_of(contract) -> Entitlement:
    """The ``Entitlement`` of a stored ``Contract`` (or anything with the same attributes)."""
    return Entitlement(
        kind=contract.entitlement_kind or EntitlementKind.UNLIMITED,
        requests=contract.entitlement_requests,
        amount=contract.entitlement_amount,
        charge_mode=contract.charge_mode,
        charge_per_request=contract.charge_per_request,
    )


def usage_by_contract(session: Session, contract_ids: Iterable[int]) -> dict[int, Usage]:
    """Σ charges per contract in one grouped statement; contracts without charges get ``Usage()``."""
    ids = sorted(set(contract_ids))
    if not ids:
        return {}
    stmt = (
        select(
            EntitlementCharge.contract_id,
            func.coalesce(func.sum(EntitlementCharge.requests), 0),
            func.coalesce(func.sum(EntitlementCharge.amount), 0),
        )
        .where(EntitlementCharge.contract_id.in_(ids))
        .group_by(EntitlementCharge.contract_id)
    )
    usage = dict.fromkeys(ids, Usage())
    for contract_id, requests, amount in session.execute(stmt):
        usage[contract_id] = Usage(int(requests), Decimal(str(amount)).quantize(CENT))
    return usage
