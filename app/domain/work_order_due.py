"""Work orders by their OLA due times: which are due soon or late, as SQL conditions.

One definition for the vendor's dashboard cards and the work-order lists they open, so a card's
number is always the length of its list. "Running" is ``sla_tracking``'s: acceptance while assigned,
completion until submitted for review.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_

from app.domain.sla_tracking import WORK_ORDER_RESOLUTION_RUNNING, WORK_ORDER_RESPONSE_RUNNING
from models.work_orders import WorkOrder

ACCEPT_WINDOW = timedelta(hours=4)
COMPLETE_WINDOW = timedelta(hours=24)
LATE_LOOKBACK = timedelta(days=30)


def accept_running() -> ColumnElement[bool]:
    return WorkOrder.status.in_(WORK_ORDER_RESPONSE_RUNNING)


def complete_running() -> ColumnElement[bool]:
    return WorkOrder.status.in_(WORK_ORDER_RESOLUTION_RUNNING)


def open_work_orders(now: datetime) -> ColumnElement[bool]:
    """Work orders their worker still has to act on (assigned, accepted, scheduled, on site)."""
    return complete_running()


def accept_due_soon(now: datetime) -> ColumnElement[bool]:
    """Not yet accepted, and the acceptance is due within the next 4 hours."""
    return and_(accept_running(), WorkOrder.response_due_at > now, WorkOrder.response_due_at <= now + ACCEPT_WINDOW)


def complete_due_soon(now: datetime) -> ColumnElement[bool]:
    """Not yet submitted, and the completion is due within the next 24 hours."""
    return and_(
        complete_running(), WorkOrder.resolution_due_at > now, WorkOrder.resolution_due_at <= now + COMPLETE_WINDOW
    )


def ola_breached(now: datetime) -> ColumnElement[bool]:
    """A running OLA clock past its due time, or one stopped late in the last 30 days.

    Late means accepted after the acceptance was due, or submitted for review after the
    completion was due (the moment the clock stopped, not the due time, is within 30 days).
    """
    since = now - LATE_LOOKBACK
    return or_(
        and_(accept_running(), WorkOrder.response_due_at <= now),
        and_(complete_running(), WorkOrder.resolution_due_at <= now),
        and_(WorkOrder.accepted_at > WorkOrder.response_due_at, WorkOrder.accepted_at >= since),
        and_(WorkOrder.submitted_at > WorkOrder.resolution_due_at, WorkOrder.submitted_at >= since),
    )
