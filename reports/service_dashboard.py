"""The service dashboard's figures: KPI tiles for a period and the period before, as SQL aggregates.

Every figure is defined here twice over — as the SQL condition that selects its rows (``clauses``, which the
drill-down lists use too, so a tile and its list cannot disagree) and in words (``DEFINITIONS``, shown on the
page). Queries take the viewer's scope and the dashboard's filters; the HTML gets aggregates, never rows.

Requests merged into another are left out everywhere (they live on as the request they joined), and so
are cancelled ones from the backlog. "Open at a moment" is read from the times a request keeps: created
before it, and not resolved by then; a request reopened since has lost its earlier resolution time, so the
backlog of a past moment counts it as open then (the definitions say so).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from app.security.scoping import Scope, scope_clause
from models.enums import Priority, RequestStatus
from models.organisations import Customer
from models.service_catalog import ServiceCategory
from models.service_requests import SatisfactionSurvey, ServiceRequest
from models.work_orders import WorkOrder
from reports.periods import previous_period, utc_bounds
from reports.sql import count_if, seconds_between, within

R = ServiceRequest


@dataclass(frozen=True)
class DashboardFilter:
    """The dashboard's choices: a period of business dates ``[start, end)`` and optional narrowing."""

    start: date
    end: date
    customer_id: int | None = None
    region_id: int | None = None
    vendor_id: int | None = None
    category_id: int | None = None
    priority: Priority | None = None
    group_id: int | None = None


# --------------------------------------------------------------------------------------------- row rules


def counted(session: Session, chosen: DashboardFilter, scope: Scope) -> list[ColumnElement[bool]]:
    """The requests any figure may count: in the viewer's scope, matching the filters, not merged away."""
    conditions = [scope_clause(R, scope), R.merged_into_id.is_(None)]
    if chosen.customer_id is not None:
        conditions.append(R.customer_id == chosen.customer_id)
    if chosen.region_id is not None:
        conditions.append(R.customer_id.in_(select(Customer.id).where(Customer.region_id == chosen.region_id)))
    if chosen.vendor_id is not None:
        by_vendor = exists().where(WorkOrder.request_id == R.id, WorkOrder.vendor_id == chosen.vendor_id)
        conditions.append(or_(R.assignee_vendor_id == chosen.vendor_id, by_vendor))
    if chosen.category_id is not None:
        conditions.append(R.category_id.in_(category_subtree(session, chosen.category_id)))
    if chosen.priority is not None:
        conditions.append(R.priority == chosen.priority)
    if chosen.group_id is not None:
        conditions.append(R.assignee_group_id == chosen.group_id)
    return conditions


def category_subtree(session: Session, root_id: int) -> list[int]:
    """A category and every category under it (the tree is small: read once, walked in Python)."""
    children: dict[int | None, list[int]] = {}
    for category_id, parent_id in session.execute(select(ServiceCategory.id, ServiceCategory.parent_id)):
        children.setdefault(parent_id, []).append(category_id)
    found, stack = [], [root_id]
    while stack:
        node = stack.pop()
        if node not in found:
            found.append(node)
            stack.extend(children.get(node, ()))
    return found


def open_at(moment: datetime) -> ColumnElement[bool]:
    """Open at ``moment``: created before it, not cancelled, not resolved by then."""
    return and_(
        R.created_at < moment,
        R.status != RequestStatus.CANCELLED,
        or_(R.resolved_at.is_(None), R.resolved_at >= moment),
    )


def overdue_at(moment: datetime) -> ColumnElement[bool]:
    """Open at ``moment`` and past its resolution due time then."""
    return and_(open_at(moment), R.resolution_due_at < moment)


def resolved_in(low: datetime, high: datetime) -> ColumnElement[bool]:
    return within(R.resolved_at, low, high)


def response_measured(low: datetime, high: datetime, now: datetime) -> ColumnElement[bool]:
    """Created in the period with a response target, and either answered or already past its due time."""
    return and_(
        within(R.created_at, low, high),
        R.response_due_at.is_not(None),
        or_(R.first_response_at.is_not(None), R.response_due_at < now),
    )


def response_met() -> ColumnElement[bool]:
    return and_(R.first_response_at.is_not(None), R.first_response_at <= R.response_due_at)


def resolution_measured(low: datetime, high: datetime) -> ColumnElement[bool]:
    return and_(resolved_in(low, high), R.resolution_due_at.is_not(None))


def resolution_met() -> ColumnElement[bool]:
    return R.resolved_at <= R.resolution_due_at


def first_contact() -> ColumnElement[bool]:
    """Resolved with no work order, never escalated past the first line, never reopened."""
    no_work_order = ~exists().where(WorkOrder.request_id == R.id)
    return and_(no_work_order, R.escalation_level == 1, R.reopen_count == 0)


def reopened() -> ColumnElement[bool]:
    return R.reopen_count > 0


def rated_in(low: datetime, high: datetime) -> ColumnElement[bool]:
    return and_(within(R.satisfaction_at, low, high), R.satisfaction_rating.is_not(None))


# --------------------------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class Figures:
    """One period's KPI values; rates 0..1 and averages are None when nothing was there to measure."""

    backlog: int
    overdue: int
    response_measured: int
    response_met: int
    resolution_measured: int
    resolution_met: int
    resolved: int
    business_minutes_to_resolve: float | None
    calendar_hours_to_resolve: float | None
    first_contact: int
    reopened: int
    rated: int
    satisfaction: float | None
    surveys_sent: int
    surveys_answered: int

    @property
    def response_compliance(self) -> float | None:
        return _rate(self.response_met, self.response_measured)

    @property
    def resolution_compliance(self) -> float | None:
        return _rate(self.resolution_met, self.resolution_measured)

    @property
    def first_contact_resolution(self) -> float | None:
        return _rate(self.first_contact, self.resolved)

    @property
    def reopen_rate(self) -> float | None:
        return _rate(self.reopened, self.resolved)

    @property
    def survey_response_rate(self) -> float | None:
        return _rate(self.surveys_answered, self.surveys_sent)


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def period_figures(
    session: Session, chosen: DashboardFilter, scope: Scope, *, now: datetime, timezone: str
) -> tuple[Figures, Figures]:
    """The KPI figures of the chosen period and of the period before it: two SQL statements per period."""
    previous = previous_period(chosen.start, chosen.end)
    return (
        _figures(session, chosen, scope, utc_bounds(chosen.start, chosen.end, timezone), now),
        _figures(session, chosen, scope, utc_bounds(*previous, timezone), now),
    )


def _figures(
    session: Session, chosen: DashboardFilter, scope: Scope, bounds: Sequence[datetime], now: datetime
) -> Figures:
    low, high = bounds
    moment = min(high, now)  # the backlog "at the end" of a period still running is the backlog now
    resolved = resolved_in(low, high)
    row = session.execute(
        select(
            count_if(open_at(moment)),
            count_if(overdue_at(moment)),
            count_if(response_measured(low, high, now)),
            count_if(and_(response_measured(low, high, now), response_met())),
            count_if(resolution_measured(low, high)),
            count_if(and_(resolution_measured(low, high), resolution_met())),
            count_if(resolved),
            func.avg(_when(resolved, R.resolution_business_minutes)),
            func.avg(_when(resolved, seconds_between(R.created_at, R.resolved_at))),
            count_if(and_(resolved, first_contact())),
            count_if(and_(resolved, reopened())),
            count_if(rated_in(low, high)),
            func.avg(_when(rated_in(low, high), R.satisfaction_rating)),
        ).where(*counted(session, chosen, scope))
    ).one()
    sent, answered = session.execute(
        select(func.count(SatisfactionSurvey.id), count_if(SatisfactionSurvey.answered_at.is_not(None)))
        .join(R, R.id == SatisfactionSurvey.request_id)
        .where(within(SatisfactionSurvey.created_at, low, high), *counted(session, chosen, scope))
    ).one()
    seconds = row[8]
    return Figures(
        backlog=row[0],
        overdue=row[1],
        response_measured=row[2],
        response_met=row[3],
        resolution_measured=row[4],
        resolution_met=row[5],
        resolved=row[6],
        business_minutes_to_resolve=float(row[7]) if row[7] is not None else None,
        calendar_hours_to_resolve=float(seconds) / 3600 if seconds is not None else None,
        first_contact=row[9],
        reopened=row[10],
        rated=row[11],
        satisfaction=float(row[12]) if row[12] is not None else None,
        surveys_sent=sent,
        surveys_answered=answered,
    )


def _when(condition: ColumnElement[bool], value) -> ColumnElement:
    """``value`` for the rows meeting ``condition``, NULL for the others (so AVG skips them)."""
    return case((condition, value))
