"""Request queues as SQL conditions: whose requests they are and what they wait for.

The named request lists (views/request_queues.py) and the workspace cards that open them filter by
the conditions written here, so a card's number is always the length of its list. Rules by SLA due
time are ``request_due``'s; a queue of "mine" combines the two.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, select

from app.domain.business_dates import day_bounds
from app.domain.request_due import breached
from app.domain.request_flow import OPEN_STATUSES
from models.enums import RequestStatus
from models.service_requests import ServiceRequest
from models.support import support_group_member
from models.users import UserAccount


def open_requests() -> ColumnElement[bool]:
    """Someone still has to act: new, assigned, in progress or waiting (not resolved, closed or cancelled)."""
    return ServiceRequest.status.in_(OPEN_STATUSES)


def mine(user: UserAccount) -> ColumnElement[bool]:
    """Open requests assigned to the user as their engineer."""
    return and_(ServiceRequest.assignee_user_id == user.id, open_requests())


def my_groups(user: UserAccount) -> ColumnElement[bool]:
    """Open requests assigned to a support group the user belongs to."""
    groups = select(support_group_member.c.support_group_id).where(support_group_member.c.user_id == user.id)
    return and_(ServiceRequest.assignee_group_id.in_(groups), open_requests())


def unassigned(user: UserAccount) -> ColumnElement[bool]:
    """Open requests with no engineer, group or vendor; ``user`` is not needed (the queues' common signature)."""
    return and_(
        ServiceRequest.assignee_user_id.is_(None),
        ServiceRequest.assignee_group_id.is_(None),
        ServiceRequest.assignee_vendor_id.is_(None),
        open_requests(),
    )


def pending_customer(user: UserAccount) -> ColumnElement[bool]:
    """Requests waiting for the customer's answer (their SLA clock paused)."""
    return ServiceRequest.status == RequestStatus.PENDING_CUSTOMER


def due_today(now: datetime, timezone: str) -> ColumnElement[bool]:
    """Open requests whose resolution is due by the end of the business day: the overdue ones included."""
    _start, end = day_bounds(now, timezone)
    return and_(ServiceRequest.resolution_due_at < end, open_requests())


def my_breached(user: UserAccount, now: datetime) -> ColumnElement[bool]:
    """The user's requests past their SLA (``request_due.breached``: open and late on response or resolution)."""
    return and_(ServiceRequest.assignee_user_id == user.id, breached(now))
