"""Finding the caller and the customer's picture (app/domain/intake.py) against the real schema."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import count
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app.domain.intake import caller_context, find_callers
from models.enums import ContractStatus, EntitlementKind, Priority, RequestStatus, WarrantyStatus
from tests.integration.test_query_budget import counted_statements

TODAY = date.today()
NOW = datetime.now(UTC)
_numbers = count(1)


def add_request(session, customer, subject="测试请求", status=RequestStatus.NEW, **values):
    from models.service_requests import ServiceRequest

    request = ServiceRequest(
        number=f"SR-TEST-{next(_numbers):04d}",
        customer=customer,
        subject=subject,
        priority=Priority.P3,
        status=status,
        created_at=values.pop("created_at", NOW),
        **values,
    )
    session.add(request)
    session.flush()
    return request


def add_asset(session, customer, serial, warranty_end=None, site=None, **values):
    from models.assets import Asset, AssetModel

    model = session.scalars(select(AssetModel).order_by(AssetModel.id)).first()
    asset = Asset(
        serial_number=serial,
        asset_model=model,
        customer=customer,
        site=site,
        warranty_start=warranty_end - timedelta(days=365 * 3) if warranty_end else None,
        warranty_end=warranty_end,
        **values,
    )
    session.add(asset)
    session.flush()
    return asset


def build_world(session) -> dict:
    """A customer of our own: one contact with a written-out phone, a site, two assets, a contract."""
    from models.contracts import Contract
    from models.organisations import Contact, Customer, Site
    from models.reference import Region

    region = session.scalars(select(Region).order_by(Region.id)).first()
    customer = Customer(code="C-T01", name="钱塘测试科技有限公司", phone="0571-8000 0000", region=region)
    contact = Contact(customer=customer, name="欧阳测试", phone="0571-8765 4321", email="oy@example.cn")
    site = Site(customer=customer, name="滨江机房", region=region)
    session.add_all([customer, contact, site])
    session.flush()
    expired = add_asset(session, customer, "ZZT-EXPIRED-01", TODAY - timedelta(days=10), site)
    covered = add_asset(session, customer, "ZZT-COVERED-02", TODAY + timedelta(days=400), site)
    contract = Contract(
        number="HT-T01",
        customer=customer,
        start_date=TODAY - timedelta(days=100),
        end_date=TODAY + timedelta(days=100),
        entitlement_kind=EntitlementKind.REQUESTS,
        entitlement_requests=5,
    )
    session.add(contract)
    session.commit()  # seen by the test client's requests too; the test's outer transaction rolls back
    return {
        "customer": customer,
        "contact": contact,
        "site": site,
        "expired": expired,
        "covered": covered,
        "contract": contract,
    }


@pytest.fixture
def world(app):
    """The customer's rows and the session, for domain tests (the app context is held throughout)."""
    from app.extensions import db

    with app.app_context():
        yield {**build_world(db.session), "session": db.session}


@pytest.fixture
def caller(app) -> SimpleNamespace:
    """The same customer as ids, for web tests: no app context is held, so each web request has its own."""
    from app.extensions import db

    with app.app_context():
        return SimpleNamespace(**{name: row.id for name, row in build_world(db.session).items()})


def test_a_contact_is_found_by_name(world):
    [match] = find_callers(world["session"], "欧阳测")
    assert (match.customer_code, match.matched_on, match.contact_name) == ("C-T01", "contact", "欧阳测试")


def test_a_phone_is_found_by_its_digits_however_it_was_written(world):
    for typed in ("057187654321", "8765 4321", "0571-87654321"):
        matches = find_callers(world["session"], typed)
        assert [(m.matched_on, m.contact_id) for m in matches] == [("contact", world["contact"].id)], typed


def test_a_customer_is_found_by_code_name_or_phone(world):
    session = world["session"]
    for typed in ("c-t01", "钱塘测试", "057180000000"):
        assert [m.customer_code for m in find_callers(session, typed) if m.matched_on == "customer"] == ["C-T01"]


def test_a_serial_number_finds_the_asset_and_its_customer_first(world):
    matches = find_callers(world["session"], "zzt-expired")
    assert matches[0].matched_on == "asset"
    assert (matches[0].asset_id, matches[0].customer_code) == (world["expired"].id, "C-T01")


def test_too_short_or_wildcard_queries_find_nothing(world):
    session = world["session"]
    assert find_callers(session, "欧") == []
    assert find_callers(session, "%%") == []
    assert find_callers(session, "__") == []


def test_inactive_customers_and_contacts_are_not_offered(world):
    world["customer"].active = False
    world["session"].flush()
    assert find_callers(world["session"], "欧阳测试") == []
    assert find_callers(world["session"], "ZZT-COVERED") == []


def test_the_context_lists_assets_with_warranty_and_the_contract_with_what_remains(world):
    context = caller_context(world["session"], world["customer"].id, today=TODAY)
    assert [a.serial_number for a in context.assets] == ["ZZT-COVERED-02", "ZZT-EXPIRED-01"]
    by_serial = {a.serial_number: a.warranty for a in context.assets}
    assert by_serial == {"ZZT-COVERED-02": WarrantyStatus.IN_WARRANTY, "ZZT-EXPIRED-01": WarrantyStatus.EXPIRED}
    assert context.contract.number == "HT-T01"
    assert context.contract.status is ContractStatus.ACTIVE
    assert context.contract.remaining == 5
    assert [c.label for c in context.contacts] == ["欧阳测试 0571-8765 4321"]
    assert context.warnings == []


def test_the_chosen_asset_out_of_warranty_is_warned_about(world):
    context = caller_context(world["session"], world["customer"].id, today=TODAY, asset_id=world["expired"].id)
    assert [w.code for w in context.warnings] == ["out_of_warranty"]


def test_an_expired_contract_is_warned_about(world):
    world["contract"].end_date = TODAY - timedelta(days=1)
    world["session"].flush()
    context = caller_context(world["session"], world["customer"].id, today=TODAY)
    assert context.contract.status is ContractStatus.EXPIRED
    assert [w.code for w in context.warnings] == ["contract_expired"]


def test_a_used_up_entitlement_is_warned_about(world):
    from models.contracts import EntitlementCharge

    session = world["session"]
    contract = world["contract"]
    session.add(EntitlementCharge(contract=contract, customer_id=contract.customer_id, requests=5))
    session.flush()
    context = caller_context(session, world["customer"].id, today=TODAY)
    assert context.contract.remaining == 0
    assert [w.code for w in context.warnings] == ["entitlement_used_up"]


def test_open_requests_and_recent_history_are_separate(world):
    session, customer = world["session"], world["customer"]
    open_one = add_request(session, customer, "打印机卡纸", RequestStatus.IN_PROGRESS)
    add_request(session, customer, "已取消", RequestStatus.CANCELLED)
    closed = add_request(
        session,
        customer,
        "服务器硬盘告警",
        RequestStatus.CLOSED,
        resolved_at=NOW - timedelta(days=3),
        closed_at=NOW - timedelta(days=2),
    )
    context = caller_context(session, customer.id, today=TODAY)
    assert [r.id for r in context.open_requests] == [open_one.id]
    assert [r.id for r in context.history] == [closed.id]


def test_an_inactive_or_unknown_customer_has_no_context(world):
    assert caller_context(world["session"], 999_999, today=TODAY) is None
    world["customer"].active = False
    world["session"].flush()
    assert caller_context(world["session"], world["customer"].id, today=TODAY) is None


def test_the_context_costs_the_same_statements_for_a_bigger_customer(app, world):
    session, customer = world["session"], world["customer"]
    customer_id = customer.id
    with counted_statements(app) as small:
        caller_context(session, customer_id, today=TODAY)
    for i in range(6):
        add_asset(session, customer, f"ZZT-MORE-{i}", TODAY + timedelta(days=i))
        add_request(session, customer, f"请求 {i}", RequestStatus.ASSIGNED)
    with counted_statements(app) as big:
        caller_context(session, customer_id, today=TODAY)
    assert len(big) == len(small) <= 10, "\n".join(big)
