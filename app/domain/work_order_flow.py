"""The work-order status flow: which role may move a work order from which status, and where to.

One table (``TRANSITIONS``), enforced on the server by every screen and API that changes a
work order's status. Engineers and vendors act only on their own work orders (``own``: the
engineer is the assignee, the vendor user belongs to the assigned vendor); the caller says
whether that holds, so this module stays free of sessions and Flask. Refusals are
``TransitionRefused`` with a msgid the caller translates.

    assigned ─accept─▶ accepted ─schedule─▶ scheduled ─check in─▶ on_site ─submit─▶ submitted ─approve─▶ approved
      │  ▲                 │                    │                     ▲                   │
      │  └───reassign──────┴────────────────────┘                     └──────rework───────┘
      └──decline (reason)──▶ declined ──reassign──▶ assigned
    cancel: from assigned / accepted / declined / scheduled (before check-in)
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.request_flow import N_, TransitionRefused
from models.enums import WorkOrderAction, WorkOrderStatus

ADMIN, MANAGER, DISPATCHER, ENGINEER, VENDOR = "Admin", "Manager", "Dispatcher", "Engineer", "Vendor"
DISPATCHING = frozenset({ADMIN, MANAGER, DISPATCHER})  # may create, reassign, review and cancel work orders
WORKERS = frozenset({ENGINEER, VENDOR})  # act only on work orders assigned to them

S = WorkOrderStatus
BEFORE_CHECK_IN = frozenset({S.ASSIGNED, S.ACCEPTED, S.DECLINED, S.SCHEDULED})
WORKING = frozenset({S.ASSIGNED, S.ACCEPTED, S.SCHEDULED, S.ON_SITE})  # its worker still has to act: workload, OLA
UNFINISHED = WORKING | {S.SUBMITTED}  # someone still answers for it: handed over when its engineer leaves


@dataclass(frozen=True)
class Transition:
    sources: frozenset[WorkOrderStatus]
    target: WorkOrderStatus
    roles: frozenset[str]


def _t(sources, target, *roles) -> Transition:
    return Transition(frozenset(sources), target, frozenset(roles))


TRANSITIONS: dict[WorkOrderAction, Transition] = {
    WorkOrderAction.ACCEPT: _t({S.ASSIGNED}, S.ACCEPTED, ADMIN, ENGINEER, VENDOR),
    WorkOrderAction.DECLINE: _t({S.ASSIGNED}, S.DECLINED, ADMIN, ENGINEER, VENDOR),
    # A scheduled visit can be moved to another window.
    WorkOrderAction.SCHEDULE: _t({S.ACCEPTED, S.SCHEDULED}, S.SCHEDULED, ADMIN, DISPATCHER, ENGINEER, VENDOR),
    WorkOrderAction.CHECK_IN: _t({S.SCHEDULED}, S.ON_SITE, ADMIN, ENGINEER, VENDOR),
    WorkOrderAction.SUBMIT: _t({S.ON_SITE}, S.SUBMITTED, ADMIN, ENGINEER, VENDOR),
    WorkOrderAction.APPROVE: _t({S.SUBMITTED}, S.APPROVED, ADMIN, MANAGER, DISPATCHER),
    WorkOrderAction.REWORK: _t({S.SUBMITTED}, S.ON_SITE, ADMIN, MANAGER, DISPATCHER),
    WorkOrderAction.REASSIGN: _t({S.ASSIGNED, S.DECLINED, S.ACCEPTED, S.SCHEDULED}, S.ASSIGNED, *DISPATCHING),
    WorkOrderAction.CANCEL: _t(BEFORE_CHECK_IN, S.CANCELLED, *DISPATCHING),
}
NEEDS_REASON = frozenset({WorkOrderAction.DECLINE, WorkOrderAction.REWORK})


def _granting_roles(roles: set[str], action: WorkOrderAction, own: bool) -> set[str]:
    """The caller's roles that grant ``action``; engineer and vendor grants count only on their own work order."""
    granting = set(roles) & TRANSITIONS[action].roles
    return granting if own else granting - WORKERS


def may_dispatch(roles: set[str]) -> bool:
    """Whether these roles create work orders and choose who does them."""
    return bool(set(roles) & DISPATCHING)


def allowed_actions(roles: set[str], status: WorkOrderStatus, *, own: bool) -> list[WorkOrderAction]:
    """The actions these roles may take now, in the table's order (for buttons and the API)."""
    return [
        action
        for action, transition in TRANSITIONS.items()
        if status in transition.sources and _granting_roles(roles, action, own)
    ]


def apply_action(roles: set[str], status: WorkOrderStatus, action: WorkOrderAction, *, own: bool) -> WorkOrderStatus:
    """The status after ``action``; raises TransitionRefused when it is not allowed."""
    transition = TRANSITIONS[action]
    if status not in transition.sources:
        raise TransitionRefused(
            N_("A work order that is %(status)s cannot be moved by “%(action)s”."), status=status, action=action
        )
    if not _granting_roles(roles, action, own):
        if set(roles) & transition.roles & WORKERS:
            raise TransitionRefused(
                N_("Only the assigned engineer or vendor may “%(action)s” this work order."), action=action
            )
        raise TransitionRefused(
            N_("Your role may not “%(action)s” a work order that is %(status)s."), status=status, action=action
        )
    return transition.target
