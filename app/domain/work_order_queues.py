"""Work-order lists as SQL conditions: whose work orders they are, what waits for review, the day's visits.

The named work-order lists (views/work_order_lists.py) and the workspace cards that open them filter by
the conditions written here, so a card's number is always the length of its list. Rules by OLA due
time are ``work_order_due``'s; "my breached work orders" combines the two.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_

from app.domain.business_dates import day_bounds
from app.domain.work_order_due import ola_breached
from models.enums import WorkOrderStatus
from models.users import UserAccount
from models.work_orders import WorkOrder

FINISHED = (WorkOrderStatus.APPROVED, WorkOrderStatus.CANCELLED)
NO_VISIT = (WorkOrderStatus.DECLINED, WorkOrderStatus.CANCELLED)  # a window may stay on them; nobody goes


def assigned_to(user: UserAccount) -> ColumnElement[bool]:
    """Work orders whose engineer is the user."""
    return WorkOrder.assignee_user_id == user.id


def mine(user: UserAccount) -> ColumnElement[bool]:
    """Not yet approved or cancelled, and assigned to the user or to the user's vendor ("My work orders")."""
    own = assigned_to(user)
    if getattr(user, "vendor_id", None):
        own = or_(own, WorkOrder.vendor_id == user.vendor_id)
    return and_(own, WorkOrder.status.notin_(FINISHED))


def awaiting_review() -> ColumnElement[bool]:
    """Submitted by their worker, waiting for a dispatcher or manager to approve them or send them back."""
    return WorkOrder.status == WorkOrderStatus.SUBMITTED


def visits_today(now: datetime, timezone: str) -> ColumnElement[bool]:
    """Visit windows starting on the business day of ``now``, on work orders neither declined nor cancelled."""
    start, end = day_bounds(now, timezone)
    return and_(WorkOrder.scheduled_start >= start, WorkOrder.scheduled_start < end, WorkOrder.status.notin_(NO_VISIT))


def my_visits_today(user: UserAccount, now: datetime, timezone: str) -> ColumnElement[bool]:
    return and_(assigned_to(user), visits_today(now, timezone))


def my_breached(user: UserAccount, now: datetime) -> ColumnElement[bool]:
    """The user's work orders past their OLA (``work_order_due.ola_breached``: running late, or stopped late
    in the last 30 days)."""
    return and_(assigned_to(user), ola_breached(now))
