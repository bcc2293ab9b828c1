"""Work-order lists as SQL conditions: whose work orders they are.

The named work-order lists (views/work_order_lists.py) and the workspace cards that open them filter by
the conditions written here, so a card's number is always the length of its list. Rules by OLA due
time are ``work_order_due``'s.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_

from models.enums import WorkOrderStatus
from models.users import UserAccount
from models.work_orders import WorkOrder

FINISHED = (WorkOrderStatus.APPROVED, WorkOrderStatus.CANCELLED)


def assigned_to(user: UserAccount) -> ColumnElement[bool]:
    """Work orders whose engineer is the user."""
    return WorkOrder.assignee_user_id == user.id


def mine(user: UserAccount) -> ColumnElement[bool]:
    """Not yet approved or cancelled, and assigned to the user or to the user's vendor ("My work orders")."""
    own = assigned_to(user)
    if getattr(user, "vendor_id", None):
        own = or_(own, WorkOrder.vendor_id == user.vendor_id)
    return and_(own, WorkOrder.status.notin_(FINISHED))
