"""The work-order status flow: one role × transition table, own-work-order rule, refusals with a reason."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.request_flow import TransitionRefused
from app.domain.work_order_flow import allowed_actions, apply_action, may_dispatch
from models.enums import WorkOrderAction as A
from models.enums import WorkOrderStatus as S

ROLES = ["Admin", "Manager", "Dispatcher", "Engineer", "Vendor", "Customer"]


def test_the_happy_path_from_assigned_to_approved():
    status = S.ASSIGNED
    for roles, action in (
        ({"Engineer"}, A.ACCEPT),
        ({"Engineer"}, A.SCHEDULE),
        ({"Engineer"}, A.CHECK_IN),
        ({"Engineer"}, A.SUBMIT),
        ({"Dispatcher"}, A.APPROVE),
    ):
        status = apply_action(roles, status, action, own=True)
    assert status is S.APPROVED


def test_rework_sends_the_order_back_on_site():
    assert apply_action({"Manager"}, S.SUBMITTED, A.REWORK, own=False) is S.ON_SITE


def test_a_declined_order_goes_back_to_the_dispatcher_who_reassigns_it():
    assert apply_action({"Vendor"}, S.ASSIGNED, A.DECLINE, own=True) is S.DECLINED
    assert allowed_actions({"Dispatcher"}, S.DECLINED, own=False) == [A.REASSIGN, A.CANCEL]
    assert apply_action({"Dispatcher"}, S.DECLINED, A.REASSIGN, own=False) is S.ASSIGNED


def test_an_engineer_acts_only_on_their_own_work_order():
    with pytest.raises(TransitionRefused, match="Only the assigned engineer or vendor"):
        apply_action({"Engineer"}, S.ASSIGNED, A.ACCEPT, own=False)
    assert allowed_actions({"Engineer"}, S.ASSIGNED, own=False) == []


def test_a_vendor_neither_approves_nor_cancels_its_own_work():
    assert allowed_actions({"Vendor"}, S.SUBMITTED, own=True) == []
    with pytest.raises(TransitionRefused, match="Your role may not"):
        apply_action({"Vendor"}, S.SUBMITTED, A.APPROVE, own=True)
    with pytest.raises(TransitionRefused, match="Your role may not"):
        apply_action({"Vendor"}, S.ASSIGNED, A.CANCEL, own=True)


def test_cancel_only_before_check_in():
    for status in (S.ASSIGNED, S.ACCEPTED, S.DECLINED, S.SCHEDULED):
        assert apply_action({"Dispatcher"}, status, A.CANCEL, own=False) is S.CANCELLED
    with pytest.raises(TransitionRefused, match="cannot be moved"):
        apply_action({"Dispatcher"}, S.ON_SITE, A.CANCEL, own=False)


def test_finished_and_cancelled_orders_offer_nothing():
    for status in (S.APPROVED, S.CANCELLED):
        assert allowed_actions(set(ROLES), status, own=True) == []


def test_reassign_is_not_offered_once_on_site():
    assert A.REASSIGN not in allowed_actions({"Admin"}, S.ON_SITE, own=False)


def test_customers_do_not_move_work_orders():
    for status in S:
        assert allowed_actions({"Customer"}, status, own=True) == []


def test_the_refusal_names_status_and_action():
    with pytest.raises(TransitionRefused) as refused:
        apply_action({"Admin"}, S.APPROVED, A.CHECK_IN, own=True)
    assert refused.value.params == {"status": S.APPROVED, "action": A.CHECK_IN}
    assert "%(status)s" in refused.value.message


def test_who_may_dispatch():
    assert may_dispatch({"Dispatcher"}) and may_dispatch({"Admin", "Engineer"})
    assert not may_dispatch({"Engineer"}) and not may_dispatch({"Vendor"})


@given(
    roles=st.sets(st.sampled_from(ROLES)),
    status=st.sampled_from(list(S)),
    action=st.sampled_from(list(A)),
    own=st.booleans(),
)
def test_offered_actions_are_exactly_the_accepted_ones(roles, status, action, own):
    offered = action in allowed_actions(roles, status, own=own)
    try:
        apply_action(roles, status, action, own=own)
        accepted = True
    except TransitionRefused:
        accepted = False
    assert offered == accepted
