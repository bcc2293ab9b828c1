"""Requests past or near their SLA due times, as SQL conditions: the SLA named lists of the desk.

The request-side twin of ``work_order_due``: what "breached", "due within the hour" and "clock paused"
mean is written once here, and the lists (views/request_queues.py) and the workspace cards only filter by it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_

from app.domain.request_flow import OPEN_STATUSES
from models.service_requests import ServiceRequest

SOON = timedelta(hours=1)


def _running_by(due, limit) -> ColumnElement[bool]:
    """``due`` passed before ``limit``, or before the pause began when the request is paused."""
    return due < func.coalesce(ServiceRequest.sla_paused_since, limit)


def breached(now: datetime) -> ColumnElement[bool]:
    """Open requests past a target: the response not given in time, or the resolution overdue."""
    response_late = or_(
        and_(ServiceRequest.first_response_at.is_(None), _running_by(ServiceRequest.response_due_at, now)),
        ServiceRequest.first_response_at > ServiceRequest.response_due_at,
    )
    return and_(
        ServiceRequest.status.in_(OPEN_STATUSES),
        or_(response_late, _running_by(ServiceRequest.resolution_due_at, now)),
    )


def _response_due_within_the_hour(now: datetime) -> ColumnElement[bool]:
    return and_(
        ServiceRequest.first_response_at.is_(None),
        ServiceRequest.response_due_at >= now,
        ServiceRequest.response_due_at < now + SOON,
    )


def _running_and_open(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    return and_(ServiceRequest.status.in_(OPEN_STATUSES), ServiceRequest.sla_paused_since.is_(None), condition)


def due_soon(now: datetime) -> ColumnElement[bool]:
    """Open, running requests whose response or resolution falls due within the hour (not yet overdue)."""
    resolution = and_(ServiceRequest.resolution_due_at >= now, ServiceRequest.resolution_due_at < now + SOON)
    return _running_and_open(or_(_response_due_within_the_hour(now), resolution))


def response_due_soon(now: datetime) -> ColumnElement[bool]:
    """Open, running requests not yet answered whose response falls due within the hour (the dispatcher's
    part of ``due_soon``: someone has to pick them up)."""
    return _running_and_open(_response_due_within_the_hour(now))


def paused(now: datetime) -> ColumnElement[bool]:
    """Open requests whose clock stands still (a pausing status such as waiting for the customer);
    ``now`` is not needed, taken for the lists' common signature."""
    return and_(ServiceRequest.status.in_(OPEN_STATUSES), ServiceRequest.sla_paused_since.is_not(None))
