"""What the intake screen warns the dispatcher about, and how phones are compared."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.domain.contracts import Entitlement, Usage
from app.domain.intake import AssetLine, ContractLine, caller_warnings, digits_of
from models.enums import ContractStatus, EntitlementKind, WarrantyStatus


def contract(status: ContractStatus, **values) -> ContractLine:
    defaults = {
        "id": 1,
        "number": "HT-2026-001",
        "start_date": date(2026, 1, 1),
        "end_date": date(2026, 12, 31),
        "status": status,
        "entitlement": Entitlement(EntitlementKind.REQUESTS, requests=10),
        "usage": Usage(requests=4),
    }
    return ContractLine(**{**defaults, **values})


def asset(warranty: WarrantyStatus, end: date | None = date(2026, 6, 30)) -> AssetLine:
    return AssetLine(7, "SN-0001", "华为 FusionServer", None, None, end, warranty)


def codes(warnings) -> list[str]:
    return [warning.code for warning in warnings]


def test_a_contract_in_force_and_an_asset_in_warranty_raise_no_warning():
    assert caller_warnings(contract(ContractStatus.ACTIVE), asset(WarrantyStatus.IN_WARRANTY)) == []


def test_a_customer_without_contract_is_flagged():
    assert codes(caller_warnings(None, None)) == ["no_contract"]


def test_an_expired_contract_names_its_number_and_end_date():
    [warning] = caller_warnings(contract(ContractStatus.EXPIRED, end_date=date(2026, 6, 30)), None)
    assert warning.code == "contract_expired"
    assert warning.message % warning.params == "Contract HT-2026-001 expired on 2026-06-30."


def test_a_used_up_entitlement_is_flagged():
    used_up = contract(ContractStatus.EXHAUSTED, usage=Usage(requests=10))
    assert codes(caller_warnings(used_up, None)) == ["entitlement_used_up"]
    assert used_up.remaining == 0


def test_a_contract_not_started_yet_is_flagged():
    assert codes(caller_warnings(contract(ContractStatus.NOT_STARTED), None)) == ["contract_not_started"]


def test_the_chosen_asset_out_of_warranty_is_flagged_after_the_contract():
    warnings = caller_warnings(contract(ContractStatus.EXPIRED), asset(WarrantyStatus.EXPIRED))
    assert codes(warnings) == ["contract_expired", "out_of_warranty"]
    assert warnings[1].params["serial"] == "SN-0001"


@pytest.mark.parametrize("warranty", [WarrantyStatus.IN_WARRANTY, WarrantyStatus.EXPIRING, WarrantyStatus.UNKNOWN])
def test_only_an_expired_warranty_is_a_warning(warranty):
    assert caller_warnings(contract(ContractStatus.ACTIVE), asset(warranty)) == []


def test_money_remaining_is_what_the_charges_left():
    money = contract(
        ContractStatus.ACTIVE,
        entitlement=Entitlement(EntitlementKind.MONEY, amount=Decimal("1000.00")),
        usage=Usage(amount=Decimal("250.50")),
    )
    assert money.remaining == Decimal("749.50")


@pytest.mark.parametrize(
    ("written", "digits"),
    [
        ("0571-8888 1234", "057188881234"),
        ("+852 5123 4567", "85251234567"),
        ("陈静", ""),
        ("(021) 6123.4567", "02161234567"),
    ],
)
def test_phones_compare_by_digits(written, digits):
    assert digits_of(written) == digits
