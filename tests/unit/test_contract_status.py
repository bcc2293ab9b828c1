"""Contract rules: what an entitlement needs, what remains of it, and the status on a given day."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.domain.contracts import (
    AMOUNT_MISSING,
    CHARGE_MISSING,
    CHARGE_MODE_MISSING,
    END_BEFORE_START,
    NEGATIVE_AMOUNT,
    NEGATIVE_VALUE,
    REQUESTS_MISSING,
    Entitlement,
    Usage,
    contract_problems,
    contract_status,
    is_used_up,
    normalised,
    remaining,
)
from models.enums import ChargeMode, ContractStatus, EntitlementKind

D = Decimal
START, END = date(2026, 1, 1), date(2026, 12, 31)
UNLIMITED = Entitlement()
TEN_REQUESTS = Entitlement(EntitlementKind.REQUESTS, requests=10)
PER_REQUEST = Entitlement(EntitlementKind.MONEY, amount=D("1000"), charge_mode=ChargeMode.PER_REQUEST,
                          charge_per_request=D("300"))  # fmt: skip
T_AND_M = Entitlement(EntitlementKind.MONEY, amount=D("1000"), charge_mode=ChargeMode.TIME_AND_MATERIAL)


NOTHING_USED = Usage()


def status(today, entitlement=UNLIMITED, usage=NOTHING_USED):
    return contract_status(START, END, today, entitlement, usage)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (START - timedelta(days=1), ContractStatus.NOT_STARTED),
        (START, ContractStatus.ACTIVE),  # the start date is a day of service
        (END, ContractStatus.ACTIVE),  # so is the end date
        (END + timedelta(days=1), ContractStatus.EXPIRED),
    ],
)
def test_status_boundaries_on_start_and_end_dates(today, expected):
    assert status(today) == expected


def test_one_day_contract_is_active_on_that_day_only():
    day = date(2026, 5, 1)
    assert contract_status(day, day, day, UNLIMITED, Usage()) == ContractStatus.ACTIVE
    assert contract_status(day, day, day + timedelta(days=1), UNLIMITED, Usage()) == ContractStatus.EXPIRED


@pytest.mark.parametrize(
    ("used", "expected"),
    [(9, ContractStatus.ACTIVE), (10, ContractStatus.EXHAUSTED), (11, ContractStatus.EXHAUSTED)],
)
def test_request_entitlement_used_up_exactly(used, expected):
    assert status(date(2026, 6, 1), TEN_REQUESTS, Usage(requests=used)) == expected


def test_dates_win_over_entitlement():
    used_up = Usage(requests=10)
    assert status(START - timedelta(days=1), TEN_REQUESTS, used_up) == ContractStatus.NOT_STARTED
    assert status(END + timedelta(days=1), TEN_REQUESTS, used_up) == ContractStatus.EXPIRED


@pytest.mark.parametrize(
    ("spent", "expected"),
    [("999.99", ContractStatus.ACTIVE), ("1000", ContractStatus.EXHAUSTED), ("1000.01", ContractStatus.EXHAUSTED)],
)
def test_time_and_material_balance_used_up_exactly(spent, expected):
    assert status(date(2026, 6, 1), T_AND_M, Usage(amount=D(spent))) == expected


@pytest.mark.parametrize(
    ("spent", "expected"),
    [("600", ContractStatus.ACTIVE), ("700", ContractStatus.ACTIVE), ("700.01", ContractStatus.EXHAUSTED),
     ("900", ContractStatus.EXHAUSTED)],
)  # fmt: skip
def test_per_request_balance_is_used_up_when_it_cannot_pay_one_more_request(spent, expected):
    assert status(date(2026, 6, 1), PER_REQUEST, Usage(amount=D(spent))) == expected


def test_unlimited_is_never_used_up():
    assert not is_used_up(UNLIMITED, Usage(requests=10_000, amount=D("1e9")))
    assert remaining(UNLIMITED, Usage(requests=5)) is None


def test_remaining_is_entitlement_minus_charges_and_may_go_negative():
    assert remaining(TEN_REQUESTS, Usage(requests=3, amount=D("50"))) == 7
    assert remaining(TEN_REQUESTS, Usage(requests=12)) == -2
    assert remaining(T_AND_M, Usage(requests=4, amount=D("250.50"))) == D("749.50")
    assert remaining(TEN_REQUESTS, Usage()) == 10


def test_a_valid_contract_has_no_problems():
    for entitlement in (UNLIMITED, TEN_REQUESTS, PER_REQUEST, T_AND_M):
        assert contract_problems(START, END, D("100"), entitlement) == []
    assert contract_problems(START, START, D("0"), UNLIMITED) == []  # one day, free


@pytest.mark.parametrize(
    ("start", "end", "value", "entitlement", "problems"),
    [
        (END, START, D("1"), UNLIMITED, [END_BEFORE_START]),
        (START, END, D("-1"), UNLIMITED, [NEGATIVE_VALUE]),
        (START, END, D("1"), Entitlement(EntitlementKind.REQUESTS), [REQUESTS_MISSING]),
        (START, END, D("1"), Entitlement(EntitlementKind.REQUESTS, requests=0), [REQUESTS_MISSING]),
        (START, END, D("1"), Entitlement(EntitlementKind.MONEY, charge_mode=ChargeMode.TIME_AND_MATERIAL),
         [AMOUNT_MISSING]),
        (START, END, D("1"), Entitlement(EntitlementKind.MONEY, amount=D("-5"),
                                         charge_mode=ChargeMode.TIME_AND_MATERIAL), [NEGATIVE_AMOUNT]),
        (START, END, D("1"), Entitlement(EntitlementKind.MONEY, amount=D("5")), [CHARGE_MODE_MISSING]),
        (START, END, D("1"), Entitlement(EntitlementKind.MONEY, amount=D("5"), charge_mode=ChargeMode.PER_REQUEST),
         [CHARGE_MISSING]),
        (START, END, D("1"), Entitlement(EntitlementKind.MONEY, amount=D("5"), charge_mode=ChargeMode.PER_REQUEST,
                                         charge_per_request=D("0")), [CHARGE_MISSING]),
        (END, START, D("-1"), Entitlement(EntitlementKind.MONEY), [END_BEFORE_START, NEGATIVE_VALUE, AMOUNT_MISSING,
                                                                    CHARGE_MODE_MISSING]),
    ],
)  # fmt: skip
def test_problems_are_reported(start, end, value, entitlement, problems):
    assert contract_problems(start, end, value, entitlement) == problems


def test_values_the_kind_does_not_use_are_dropped():
    messy = Entitlement(EntitlementKind.UNLIMITED, requests=5, amount=D("9"), charge_mode=ChargeMode.PER_REQUEST)
    assert normalised(messy) == UNLIMITED
    assert normalised(Entitlement(EntitlementKind.REQUESTS, requests=5, amount=D("9"))) == Entitlement(
        EntitlementKind.REQUESTS, requests=5
    )
    t_and_m = Entitlement(EntitlementKind.MONEY, requests=3, amount=D("9"), charge_mode=ChargeMode.TIME_AND_MATERIAL,
                          charge_per_request=D("2"))  # fmt: skip
    assert normalised(t_and_m) == Entitlement(
        EntitlementKind.MONEY, amount=D("9"), charge_mode=ChargeMode.TIME_AND_MATERIAL
    )
    # The requests field of an unlimited contract is not validated at all.
    assert contract_problems(START, END, D("1"), Entitlement(EntitlementKind.UNLIMITED, requests=-3)) == []
