"""Handing over a leaving user's open work before the account is deactivated.

An engineer who leaves must not take requests and work orders into limbo: deactivating an
account with open work is refused (``open_work``), and the admin moves it to a colleague first
(``hand_over``). Requests move through ``assign`` (the table's reassignment, notifications and
all), work orders through ``work_orders.hand_over_work_order`` (REASSIGN before the visit; on
site or submitted only the engineer changes, since the visit itself is not undone).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.request_flow import N_, OPEN_STATUSES
from app.domain.service_requests import RequestRefused, acting, assign, plain
from app.domain.work_order_flow import UNFINISHED
from app.domain.work_orders import hand_over_work_order
from models.service_requests import ServiceRequest
from models.users import UserAccount
from models.work_orders import WorkOrder


@dataclass(frozen=True)
class OpenWork:
    requests: list[ServiceRequest]
    work_orders: list[WorkOrder]

    def __bool__(self) -> bool:
        return bool(self.requests or self.work_orders)


def open_work(session: Session, user_id: int) -> OpenWork:
    """The requests and work orders assigned to ``user_id`` that are still being worked."""
    requests = session.scalars(
        select(ServiceRequest)
        .where(ServiceRequest.assignee_user_id == user_id, ServiceRequest.status.in_(OPEN_STATUSES))
        .order_by(ServiceRequest.id)
    ).all()
    work_orders = session.scalars(
        select(WorkOrder)
        .where(WorkOrder.assignee_user_id == user_id, WorkOrder.status.in_(UNFINISHED))
        .order_by(WorkOrder.id)
    ).all()
    return OpenWork(list(requests), list(work_orders))


def hand_over(
    session: Session,
    leaving: UserAccount,
    *,
    to_user: UserAccount | None,
    actor: UserAccount,
    roles: set[str],
    now: datetime,
    translate: Callable[..., str] = plain,
) -> OpenWork:
    """Move all of ``leaving``'s open work to ``to_user``; returns what was moved."""
    if to_user is None:
        raise RequestRefused(N_("Choose who takes over the open work."))
    if to_user.id == leaving.id:
        raise RequestRefused(N_("Choose someone else to take over the open work."))
    work = open_work(session, leaving.id)
    reason = translate(N_("Handed over from %(user)s"), user=leaving.get_full_name())
    for request in work.requests:
        group = request.assignee_group if request.assignee_group and to_user in request.assignee_group.members else None
        assign(
            session,
            request,
            actor=actor,
            roles=roles,
            now=now,
            user=to_user,
            group=group,
            reason=reason,
            translate=translate,
        )
    for work_order in work.work_orders:
        with acting(session, actor):
            hand_over_work_order(session, work_order, to_user, actor=actor, roles=roles, now=now)
    return work
