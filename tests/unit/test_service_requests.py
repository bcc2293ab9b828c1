"""Request rules that need no database: what belongs to whom, who may be assigned, what is editable."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.service_requests import (
    DISPATCH_ROLES,
    RequestForbidden,
    RequestRefused,
    _check_parts,
    _check_target,
    check_editable,
    plain,
)
from models.assets import Asset
from models.enums import RequestStatus, SupportTier
from models.organisations import Contact, Customer, Site, Vendor
from models.service_catalog import ServiceCategory
from models.service_requests import ServiceRequest
from models.support import SupportGroup
from models.users import UserAccount

from flask_appbuilder.security.sqla.models import Role  # isort: skip  (after models.base: constraint names)

ids = st.integers(min_value=1, max_value=50)


def customer(pk=1, active=True) -> Customer:
    return Customer(id=pk, code=f"C-{pk}", name=f"客户{pk}", active=active)


def user(*roles: str, active=True) -> UserAccount:
    return UserAccount(first_name="伟", last_name="张", active=active, roles=[Role(name=name) for name in roles])


@given(owner=ids, other=ids)
def test_an_asset_is_accepted_exactly_when_it_is_the_customers(owner, other):
    asset = Asset(customer_id=other, serial_number="SN-1")
    if owner == other:
        _check_parts(customer(owner), None, None, asset, None, new=())
    else:
        with pytest.raises(RequestRefused) as refused:
            _check_parts(customer(owner), None, None, asset, None, new=())
        assert refused.value.message == "Asset %(asset)s belongs to another customer."


@given(owner=ids, other=ids)
def test_contacts_and_sites_must_be_the_customers(owner, other):
    ok = owner == other
    for parts in (
        (Contact(customer_id=other, name="林霞", active=True), None),
        (None, Site(customer_id=other, name="总部", active=True)),
    ):
        if ok:
            _check_parts(customer(owner), *parts, None, None, new=("contact", "site"))
        else:
            with pytest.raises(RequestRefused, match="another customer"):
                _check_parts(customer(owner), *parts, None, None, new=("contact", "site"))


def test_inactive_parts_are_refused_only_when_newly_chosen():
    contact = Contact(customer_id=1, name="林霞", active=False)
    category = ServiceCategory(name="打印机", active=False)
    _check_parts(customer(), contact, None, None, category, new=())  # kept on an old request: fine
    with pytest.raises(RequestRefused, match="Contact"):
        _check_parts(customer(), contact, None, None, None, new=("contact",))
    with pytest.raises(RequestRefused, match="Category"):
        _check_parts(customer(), None, None, None, category, new=("category",))
    with pytest.raises(RequestRefused, match="Customer"):
        _check_parts(customer(active=False), None, None, None, None, new=("customer",))


@pytest.mark.parametrize("status", [RequestStatus.CLOSED, RequestStatus.CANCELLED])
def test_closed_and_cancelled_requests_are_not_editable(status):
    with pytest.raises(RequestRefused):
        check_editable(ServiceRequest(number="SR-20261122-0001", status=status))


@pytest.mark.parametrize(
    "status", [s for s in RequestStatus if s not in (RequestStatus.CLOSED, RequestStatus.CANCELLED)]
)
def test_open_and_resolved_requests_are_editable(status):
    check_editable(ServiceRequest(number="SR-20261122-0001", status=status))


def test_assign_targets_must_be_active_staff_and_one_kind():
    engineer = user("Engineer")
    group = SupportGroup(name="二线", tier=SupportTier.L2, active=True, members=[engineer])
    vendor = Vendor(code="V-1", name="服务商", active=True)
    _check_target(engineer, group, None)
    _check_target(None, None, vendor)
    for target, match in (
        ((None, None, None), "Choose"),
        ((engineer, None, vendor), "vendor alone"),
        ((user("Engineer", active=False), None, None), "inactive"),
        ((user("Customer"), None, None), "not an engineer"),
        ((user("Engineer"), group, None), "not a member"),
        ((None, SupportGroup(name="停用组", tier=SupportTier.L1, active=False), None), "inactive"),
        ((None, None, Vendor(code="V-2", name="停用", active=False)), "inactive"),
    ):
        with pytest.raises(RequestRefused, match=match):
            _check_target(*target)


def test_only_roles_that_may_assign_dispatch():
    assert {"Admin", "Manager", "Dispatcher"} == DISPATCH_ROLES


def test_refusals_keep_their_msgid_and_read_as_english():
    error = RequestRefused("Asset %(asset)s belongs to another customer.", asset="C10-1")
    assert error.message.startswith("Asset %(asset)s") and str(error) == "Asset C10-1 belongs to another customer."
    assert isinstance(RequestForbidden("This request belongs to another customer."), Exception)
    assert plain("Merged into %(number)s.", number="SR-1") == "Merged into SR-1."
