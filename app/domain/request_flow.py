"""The service-request status flow: which role may move a request from which status, and where to.

One table (``TRANSITIONS``), enforced on the server by every screen, API and job that changes a
request's status. Refusals carry a msgid and parameters; the caller translates them, so this
module stays free of Flask.

    new ──assign──▶ assigned ──start──▶ in_progress ──resolve──▶ resolved ──close──▶ closed
     │                 │  ▲                 │   ▲                   │   ▲               │
     │                 │  └──────assign─────┘   └──resume──┐        │   └──reopen───────┘ (within N days)
     │                 └──▶ pending_customer / pending_vendor ◀──wait┘
     └──cancel──▶ cancelled (new or assigned only: before work started)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.domain.errors import DomainError
from models.enums import RequestAction, RequestStatus

ADMIN, MANAGER, DISPATCHER, ENGINEER, CUSTOMER = "Admin", "Manager", "Dispatcher", "Engineer", "Customer"
DEFAULT_REOPEN_DAYS = 14

S = RequestStatus
OPEN_WORK = frozenset({S.IN_PROGRESS, S.PENDING_CUSTOMER, S.PENDING_VENDOR})
OPEN_STATUSES = frozenset({S.NEW, S.ASSIGNED, *OPEN_WORK})  # someone still has to act (lists, workload, handover)


def N_(message: str) -> str:
    """Marks a msgid for extraction; the caller translates it (see app/translations.py)."""
    return message


@dataclass(frozen=True)
class Transition:
    sources: frozenset[RequestStatus]
    target: RequestStatus
    roles: frozenset[str]


def _t(sources, target, *roles) -> Transition:
    return Transition(frozenset(sources), target, frozenset(roles))


TRANSITIONS: dict[RequestAction, Transition] = {
    RequestAction.ASSIGN: _t({S.NEW, S.ASSIGNED, *OPEN_WORK}, S.ASSIGNED, ADMIN, MANAGER, DISPATCHER),
    RequestAction.START: _t({S.ASSIGNED}, S.IN_PROGRESS, ADMIN, DISPATCHER, ENGINEER),
    RequestAction.WAIT_CUSTOMER: _t({S.IN_PROGRESS}, S.PENDING_CUSTOMER, ADMIN, DISPATCHER, ENGINEER),
    RequestAction.WAIT_VENDOR: _t({S.IN_PROGRESS}, S.PENDING_VENDOR, ADMIN, DISPATCHER, ENGINEER),
    # A customer's reply also resumes work that waited for it.
    RequestAction.RESUME: _t({S.PENDING_CUSTOMER, S.PENDING_VENDOR}, S.IN_PROGRESS, ADMIN, DISPATCHER, ENGINEER),
    RequestAction.RESOLVE: _t(OPEN_WORK, S.RESOLVED, ADMIN, DISPATCHER, ENGINEER),
    RequestAction.CLOSE: _t({S.RESOLVED}, S.CLOSED, ADMIN, MANAGER, DISPATCHER, CUSTOMER),
    RequestAction.REOPEN: _t({S.RESOLVED, S.CLOSED}, S.IN_PROGRESS, ADMIN, MANAGER, DISPATCHER, CUSTOMER),
    RequestAction.CANCEL: _t({S.NEW, S.ASSIGNED}, S.CANCELLED, ADMIN, MANAGER, DISPATCHER, CUSTOMER),
}
CUSTOMER_RESUMES_FROM = frozenset({S.PENDING_CUSTOMER})


class TransitionRefused(DomainError):
    """An action not allowed for these roles from this status; ``message`` is a msgid."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message % {key: str(value) for key, value in params.items()})
        self.message = message
        self.params = params


def _may(roles: set[str], action: RequestAction, status: RequestStatus) -> bool:
    transition = TRANSITIONS[action]
    if status not in transition.sources:
        return False
    if roles & transition.roles:
        return True
    return action is RequestAction.RESUME and CUSTOMER in roles and status in CUSTOMER_RESUMES_FROM


def allowed_actions(roles: set[str], status: RequestStatus) -> list[RequestAction]:
    """The actions these roles may take now, in the table's order (for buttons and the API)."""
    return [action for action in TRANSITIONS if _may(roles, action, status)]


def apply_action(
    roles: set[str],
    status: RequestStatus,
    action: RequestAction,
    *,
    now: datetime,
    closed_at: datetime | None = None,
    reopen_days: int = DEFAULT_REOPEN_DAYS,
) -> RequestStatus:
    """The status after ``action``; raises TransitionRefused when it is not allowed."""
    transition = TRANSITIONS[action]
    if status not in transition.sources:
        raise TransitionRefused(
            N_("A request that is %(status)s cannot be moved by “%(action)s”."), status=status, action=action
        )
    if not _may(roles, action, status):
        raise TransitionRefused(
            N_("Your role may not “%(action)s” a request that is %(status)s."), status=status, action=action
        )
    too_late = closed_at is None or now - closed_at > timedelta(days=reopen_days)
    if action is RequestAction.REOPEN and status is S.CLOSED and too_late:
        raise TransitionRefused(
            N_("A request closed more than %(days)s days ago cannot be reopened; open a new one."), days=reopen_days
        )
    return transition.target
