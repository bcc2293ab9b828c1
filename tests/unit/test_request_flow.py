"""The request status flow: one role × transition table, refusals with a reason."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.request_flow import (
    DEFAULT_REOPEN_DAYS,
    TransitionRefused,
    allowed_actions,
    apply_action,
)
from models.enums import RequestAction as A
from models.enums import RequestStatus as S

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
ROLES = ["Admin", "Manager", "Dispatcher", "Engineer", "Vendor", "Customer"]


def act(roles, status, action, **kwargs):
    return apply_action(set(roles), status, action, now=NOW, **kwargs)


def test_the_happy_path_from_new_to_closed():
    status = S.NEW
    for roles, action in (
        (["Dispatcher"], A.ASSIGN),
        (["Engineer"], A.START),
        (["Engineer"], A.WAIT_CUSTOMER),
        (["Customer"], A.RESUME),
        (["Engineer"], A.RESOLVE),
        (["Customer"], A.CLOSE),
    ):
        status = act(roles, status, action)
    assert status is S.CLOSED


def test_cancel_is_allowed_only_before_work_started():
    assert act(["Dispatcher"], S.ASSIGNED, A.CANCEL) is S.CANCELLED
    with pytest.raises(TransitionRefused, match="cannot be moved"):
        act(["Dispatcher"], S.IN_PROGRESS, A.CANCEL)


def test_an_engineer_cannot_close_or_assign():
    with pytest.raises(TransitionRefused, match="Your role may not"):
        act(["Engineer"], S.RESOLVED, A.CLOSE)
    with pytest.raises(TransitionRefused):
        act(["Engineer"], S.NEW, A.ASSIGN)


def test_vendors_do_not_move_requests_only_their_work_orders():
    for status in S:
        assert allowed_actions({"Vendor"}, status) == []


def test_a_customer_resumes_only_what_waited_for_the_customer():
    assert act(["Customer"], S.PENDING_CUSTOMER, A.RESUME) is S.IN_PROGRESS
    with pytest.raises(TransitionRefused):
        act(["Customer"], S.PENDING_VENDOR, A.RESUME)


def test_reopen_a_closed_request_within_the_window_but_not_after():
    recent = NOW - timedelta(days=DEFAULT_REOPEN_DAYS)
    assert act(["Customer"], S.CLOSED, A.REOPEN, closed_at=recent) is S.IN_PROGRESS
    with pytest.raises(TransitionRefused, match="cannot be reopened") as refused:
        act(["Customer"], S.CLOSED, A.REOPEN, closed_at=recent - timedelta(seconds=1))
    assert refused.value.params == {"days": DEFAULT_REOPEN_DAYS}


def test_a_resolved_request_reopens_without_a_window():
    assert act(["Dispatcher"], S.RESOLVED, A.REOPEN) is S.IN_PROGRESS


def test_nothing_leaves_closed_or_cancelled_except_reopen():
    for roles in (ROLES,):
        assert allowed_actions(set(roles), S.CANCELLED) == []
        assert allowed_actions(set(roles), S.CLOSED) == [A.REOPEN]


def test_refusal_carries_a_msgid_and_its_parameters_for_translation():
    with pytest.raises(TransitionRefused) as refused:
        act(["Engineer"], S.NEW, A.CLOSE)
    assert "%(status)s" in refused.value.message
    assert refused.value.params == {"status": S.NEW, "action": A.CLOSE}


@given(
    roles=st.sets(st.sampled_from(ROLES)),
    status=st.sampled_from(list(S)),
    action=st.sampled_from(list(A)),
)
def test_the_offered_actions_are_exactly_the_ones_the_server_accepts(roles, status, action):
    offered = action in allowed_actions(roles, status)
    try:
        apply_action(roles, status, action, now=NOW, closed_at=NOW)
        accepted = True
    except TransitionRefused:
        accepted = False
    assert offered == accepted
