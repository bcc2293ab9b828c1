"""Vendor scorecards (服务商考核): the promises each vendor kept in a period, and the records that look made up.

Queries only: every figure is a SQL aggregate over all vendors at once (GROUP BY vendor_id), so a
page costs the same handful of statements whatever the number of vendors or work orders. The
definitions shown on the page live here next to the SQL that implements them (``definitions``).

A period is ``[start, end)`` in business-time-zone dates; the queries turn it into UTC bounds.
Rates are floats 0..1, None when nothing was there to measure. ``vendor_id`` restricts every
query to one vendor (a vendor's own dashboard); staff pass None.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from time import monotonic
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, case, exists, func, not_, or_, select, text
from sqlalchemy.orm import Session, aliased

from models.enums import ExpenseKind, StockMoveKind, WorkOrderStatus, WorkOrderType, WorkResult
from models.organisations import Vendor
from models.service_requests import ServiceRequest
from models.stock import StockMovement
from models.work_orders import Expense, WorkOrder
from reports.periods import add_months, next_month, utc_bounds
from reports.sql import count_if, seconds_between, within

DONE_STATUSES = (WorkOrderStatus.SUBMITTED, WorkOrderStatus.APPROVED)
DEFAULT_FIX_WINDOW_DAYS = 30
REASONS = ("no_check_in", "check_out_before_check_in", "parts_not_issued", "duplicate_claim")
CENT = Decimal("0.01")


# --------------------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class VendorFigures:
    """One vendor's line of the ranking."""

    vendor_id: int
    vendor_code: str
    vendor_name: str
    received: int
    completed: int
    acceptance_minutes: float | None
    on_time_arrival: float | None
    first_time_fix: float | None
    ola_acceptance: float | None
    ola_completion: float | None
    resolution_hours: float | None
    satisfaction: float | None
    cost_per_work_order: Decimal | None
    suspicious: int
    score: float | None
    rank: int | None

    @property
    def idle(self) -> bool:
        """Nothing happened for this vendor in the period."""
        return not (self.received or self.completed or self.suspicious) and self.score is None


@dataclass(frozen=True)
class SuspiciousRecord:
    """A work order and one reason it looks wrong; a work order appears once per reason."""

    work_order_id: int
    number: str
    vendor_id: int
    reason: str  # one of REASONS


@dataclass(frozen=True)
class TrendPoint:
    """One vendor in one month (by month of submission): completed count, OLA completion, satisfaction."""

    vendor_id: int
    vendor_code: str
    vendor_name: str
    month: date  # the first day of the month
    completed: int
    ola_completion: float | None
    satisfaction: float | None


# --------------------------------------------------------------------------------------------- words


REASON_LABELS = {
    "no_check_in": _l("Completed on-site work order without a check-in"),
    "check_out_before_check_in": _l("Checked out or submitted before checking in"),
    "parts_not_issued": _l("Material claimed but no part issued from stock"),
    "duplicate_claim": _l("Duplicate expense claim (same kind, amount and date)"),
}

COLUMN_LABELS = {
    "rank": _l("Rank"),
    "vendor": _l("Vendor"),
    "score": _l("Score"),
    "received": _l("Received"),
    "completed": _l("Completed"),
    "acceptance_minutes": _l("Acceptance time"),
    "on_time_arrival": _l("On-time arrival"),
    "first_time_fix": _l("First-time fix"),
    "ola_acceptance": _l("OLA acceptance"),
    "ola_completion": _l("OLA completion"),
    "resolution_hours": _l("Resolution time"),
    "satisfaction": _l("Satisfaction"),
    "cost_per_work_order": _l("Cost per work order"),
    "suspicious": _l("Suspicious records"),
}


def definitions(fix_window_days: int = DEFAULT_FIX_WINDOW_DAYS) -> list[tuple[str, str, str]]:
    """(key, label, definition) of every figure, in the reader's language; shown on the page."""
    texts = {
        "received": _("Work orders created in the period."),
        "completed": _("Work orders submitted in the period that are now submitted for review or approved."),
        "acceptance_minutes": _(
            "Average time from creation to acceptance, over the work orders accepted in the period."
        ),
        "on_time_arrival": _(
            "Of the work orders checked in during the period that had a visit window, the share checked in "
            "no later than the end of the window."
        ),
        "first_time_fix": _(
            "Of the completed work orders on an asset, the share with the result Fixed after which no other "
            "work order on the same asset was created within %(days)s days of submission.",
            days=fix_window_days,
        ),
        "ola_acceptance": _(
            "Of the work orders accepted in the period that had an OLA acceptance due time, the share accepted "
            "by that time."
        ),
        "ola_completion": _(
            "Of the completed work orders that had an OLA completion due time, the share submitted by that time."
        ),
        "resolution_hours": _("Average time from creation to submission of the completed work orders."),
        "satisfaction": _(
            "Average customer rating (1–5) of the requests of the completed work orders, each request once."
        ),
        "cost_per_work_order": _("Average cost of the completed work orders (labour, parts and expenses)."),
        "suspicious": _("Work orders with at least one of the findings listed under Suspicious records."),
        "score": _(
            "Mean of the rates available among OLA acceptance, OLA completion, on-time arrival, first-time fix "
            "and satisfaction ÷ 5, as 0–100; the ranking is by score, vendors without one are listed last."
        ),
    }
    return [(key, str(COLUMN_LABELS[key]), text) for key, text in texts.items()]


def reason_definitions() -> list[tuple[str, str, str]]:
    """(reason, label, definition) of every kind of suspicious record."""
    texts = {
        "no_check_in": _("An on-site work order completed in the period that was never checked in."),
        "check_out_before_check_in": _(
            "A work order completed in the period whose check-out or submission is earlier than its check-in."
        ),
        "parts_not_issued": _(
            "A material expense incurred in the period on a work order that no part was issued to from stock."
        ),
        "duplicate_claim": _(
            "Two or more expenses of the same vendor incurred in the period with the same kind, amount and date, "
            "on the same or different work orders."
        ),
    }
    return [(reason, str(REASON_LABELS[reason]), text) for reason, text in texts.items()]


# --------------------------------------------------------------------------------------------- SQL helpers


def _completed(low: datetime, high: datetime) -> ColumnElement[bool]:
    return and_(within(WorkOrder.submitted_at, low, high), WorkOrder.status.in_(DONE_STATUSES))


def _vendor_filter(vendor_id: int | None) -> ColumnElement[bool]:
    if vendor_id is None:
        return WorkOrder.vendor_id.is_not(None)
    return WorkOrder.vendor_id == vendor_id


def _seconds(value: Any) -> float | None:
    """An average of epoch differences, to the millisecond: SQLite's julianday leaves ~50 µs of float noise."""
    return None if value is None else round(float(value), 3)


def _share(met: int | None, total: int | None) -> float | None:
    return met / total if total else None


# --------------------------------------------------------------------------------------------- queries


def scorecards(
    session: Session,
    *,
    start: date,
    end: date,
    timezone: str,
    vendor_id: int | None = None,
    fix_window_days: int = DEFAULT_FIX_WINDOW_DAYS,
    records: list[SuspiciousRecord] | None = None,
) -> list[VendorFigures]:
    """Every vendor's figures for ``[start, end)``, ranked (see ``definitions``).

    Statements: vendors, the work-order aggregate, satisfaction, and suspicious_records (3) unless
    the caller already has ``records`` for the same period (the page shows them too).
    """
    low, high = utc_bounds(start, end, timezone)
    totals = _work_order_totals(session, low, high, vendor_id, fix_window_days)
    ratings = _satisfaction(session, low, high, vendor_id)
    if records is None:
        records = suspicious_records(session, start=start, end=end, timezone=timezone, vendor_id=vendor_id)
    flagged: dict[int, set[int]] = defaultdict(set)
    for record in records:
        flagged[record.vendor_id].add(record.work_order_id)

    vendors = select(Vendor.id, Vendor.code, Vendor.name, Vendor.active).order_by(Vendor.code)
    if vendor_id is not None:
        vendors = vendors.where(Vendor.id == vendor_id)
    lines = []
    for vendor in session.execute(vendors):
        row = totals.get(vendor.id)
        if row is None and not vendor.active and vendor.id not in flagged and vendor_id is None:
            continue  # a retired vendor with nothing in the period
        lines.append(_figures(vendor, row, ratings.get(vendor.id), len(flagged.get(vendor.id, ()))))
    return rank(lines)


@dataclass(frozen=True)
class KeptLines:
    """All vendors' scorecard lines of a period, as computed at ``computed_at``."""

    lines: list[VendorFigures]
    computed_at: datetime


_kept: dict[tuple, tuple[float, KeptLines]] = {}
_kept_lock = threading.Lock()


def recent_scorecards(session: Session, *, start: date, end: date, timezone: str, seconds: int) -> KeptLines:
    """``scorecards()`` of every vendor, kept ``seconds`` in this process (0: always computed).

    A vendor's landing page ranks it among all vendors on every view; at 100k work orders that is
    0.3–0.5 s (bench/README.md), for figures over 90 days that minutes do not change much.
    """
    key = (str(session.get_bind().engine.url), start, end, timezone)  # one app per database
    now = monotonic()
    with _kept_lock:
        kept = _kept.get(key)
    if seconds > 0 and kept is not None and now - kept[0] < seconds:
        return kept[1]
    fresh = KeptLines(scorecards(session, start=start, end=end, timezone=timezone), datetime.now(UTC))
    if seconds > 0:
        with _kept_lock:
            for stale in [k for k, (at, _) in _kept.items() if now - at >= seconds]:  # yesterday's periods too
                del _kept[stale]
            _kept[key] = (now, fresh)
    return fresh


def _work_order_totals(
    session: Session, low: datetime, high: datetime, vendor_id: int | None, fix_window_days: int
) -> dict[int, Any]:
    """One GROUP BY vendor_id over the work orders touching the period: counts, sums and averages."""
    completed = _completed(low, high)
    accepted = within(WorkOrder.accepted_at, low, high)
    visited = and_(within(WorkOrder.checked_in_at, low, high), WorkOrder.scheduled_end.is_not(None))
    on_asset = and_(completed, ServiceRequest.asset_id.is_not(None))

    later, later_request = aliased(WorkOrder), aliased(ServiceRequest)
    follow_up = exists(
        select(later.id)
        .join(later_request, later_request.id == later.request_id)
        .where(
            later_request.asset_id == ServiceRequest.asset_id,
            later.id != WorkOrder.id,
            later.created_at >= WorkOrder.submitted_at,
            seconds_between(WorkOrder.submitted_at, later.created_at) <= fix_window_days * 86400,
        )
    )
    fixed = and_(on_asset, WorkOrder.result == WorkResult.FIXED, not_(follow_up))

    stmt = (
        select(
            WorkOrder.vendor_id,
            count_if(within(WorkOrder.created_at, low, high)).label("received"),
            count_if(completed).label("completed"),
            func.avg(case((accepted, seconds_between(WorkOrder.created_at, WorkOrder.accepted_at)))).label(
                "acceptance_seconds"
            ),
            count_if(visited).label("visits"),
            count_if(and_(visited, WorkOrder.checked_in_at <= WorkOrder.scheduled_end)).label("on_time"),
            count_if(on_asset).label("on_asset"),
            count_if(fixed).label("fixed"),
            count_if(and_(accepted, WorkOrder.response_due_at.is_not(None))).label("ola_accept_due"),
            count_if(and_(accepted, WorkOrder.accepted_at <= WorkOrder.response_due_at)).label("ola_accept_met"),
            count_if(and_(completed, WorkOrder.resolution_due_at.is_not(None))).label("ola_done_due"),
            count_if(and_(completed, WorkOrder.submitted_at <= WorkOrder.resolution_due_at)).label("ola_done_met"),
            func.avg(case((completed, seconds_between(WorkOrder.created_at, WorkOrder.submitted_at)))).label(
                "resolution_seconds"
            ),
            func.avg(case((completed, WorkOrder.cost))).label("cost"),
        )
        .join(ServiceRequest, ServiceRequest.id == WorkOrder.request_id)
        .where(
            _vendor_filter(vendor_id),
            or_(
                within(WorkOrder.created_at, low, high),
                within(WorkOrder.accepted_at, low, high),
                within(WorkOrder.checked_in_at, low, high),
                within(WorkOrder.submitted_at, low, high),
            ),
        )
        .group_by(WorkOrder.vendor_id)
    )
    if session.get_bind().dialect.name == "postgresql":
        # The follow-up check per row lifts the estimated cost over PostgreSQL's JIT threshold; compiling
        # the plan then costs more than running it (bench/README.md: 0.85 s → 0.3 s at 100k work orders).
        session.execute(text("SET LOCAL jit = off"))
    return {row.vendor_id: row for row in session.execute(stmt)}


def _satisfaction(session: Session, low: datetime, high: datetime, vendor_id: int | None) -> dict[int, float]:
    """Average rating per vendor over the distinct requests of its completed work orders."""
    rated = (
        select(WorkOrder.vendor_id, ServiceRequest.id, ServiceRequest.satisfaction_rating)
        .join(ServiceRequest, ServiceRequest.id == WorkOrder.request_id)
        .where(_vendor_filter(vendor_id), _completed(low, high), ServiceRequest.satisfaction_rating.is_not(None))
        .distinct()
        .subquery()
    )
    stmt = select(rated.c.vendor_id, func.avg(rated.c.satisfaction_rating)).group_by(rated.c.vendor_id)
    return {vendor: float(value) for vendor, value in session.execute(stmt)}


def _figures(vendor, row, satisfaction: float | None, suspicious: int) -> VendorFigures:
    def get(name: str):
        return getattr(row, name) if row is not None else None

    acceptance = _seconds(get("acceptance_seconds"))
    resolution = _seconds(get("resolution_seconds"))
    cost = get("cost")
    return VendorFigures(
        vendor_id=vendor.id,
        vendor_code=vendor.code,
        vendor_name=vendor.name,
        received=get("received") or 0,
        completed=get("completed") or 0,
        acceptance_minutes=None if acceptance is None else acceptance / 60,
        on_time_arrival=_share(get("on_time"), get("visits")),
        first_time_fix=_share(get("fixed"), get("on_asset")),
        ola_acceptance=_share(get("ola_accept_met"), get("ola_accept_due")),
        ola_completion=_share(get("ola_done_met"), get("ola_done_due")),
        resolution_hours=None if resolution is None else resolution / 3600,
        satisfaction=satisfaction,
        cost_per_work_order=None if cost is None else Decimal(str(cost)).quantize(CENT, ROUND_HALF_UP),
        suspicious=suspicious,
        score=None,
        rank=None,
    )


def score_of(figures: VendorFigures) -> float | None:
    """Mean of the available rates (OLA acceptance, OLA completion, on-time, first-time fix, satisfaction/5) × 100."""
    satisfaction = None if figures.satisfaction is None else figures.satisfaction / 5
    rates = [
        rate
        for rate in (
            figures.ola_acceptance,
            figures.ola_completion,
            figures.on_time_arrival,
            figures.first_time_fix,
            satisfaction,
        )
        if rate is not None
    ]
    return 100 * sum(rates) / len(rates) if rates else None


def rank(lines: Iterable[VendorFigures]) -> list[VendorFigures]:
    """Scored vendors by score, best first (equal scores share a rank: 1, 2, 2, 4); the rest after, no rank."""
    scored = [replace(line, score=score_of(line)) for line in lines]
    scored.sort(
        key=lambda line: (
            line.score is None,
            -(line.score or 0),
            line.idle,
            -line.completed,
            line.vendor_code,
        )
    )
    ranked, previous, position = [], None, 0
    for index, line in enumerate(scored, start=1):
        if line.score is None:
            ranked.append(line)
            continue
        rounded = round(line.score, 6)
        if rounded != previous:
            position, previous = index, rounded
        ranked.append(replace(line, rank=position))
    return ranked


def suspicious_records(
    session: Session, *, start: date, end: date, timezone: str, vendor_id: int | None = None
) -> list[SuspiciousRecord]:
    """Work orders of the period whose records look wrong, each once per reason (three statements).

    no_check_in / check_out_before_check_in: among work orders completed in the period;
    parts_not_issued / duplicate_claim: among expenses incurred in the period.
    """
    low, high = utc_bounds(start, end, timezone)
    found: set[tuple[int, str, int, str]] = set()

    no_check_in = and_(WorkOrder.work_type == WorkOrderType.ON_SITE, WorkOrder.checked_in_at.is_(None))
    out_of_order = or_(
        WorkOrder.checked_out_at < WorkOrder.checked_in_at, WorkOrder.submitted_at < WorkOrder.checked_in_at
    )
    rows = session.execute(
        select(
            WorkOrder.id,
            WorkOrder.number,
            WorkOrder.vendor_id,
            case((no_check_in, 1), else_=0).label("no_check_in"),
            case((out_of_order, 1), else_=0).label("out_of_order"),
        ).where(_vendor_filter(vendor_id), _completed(low, high), or_(no_check_in, out_of_order))
    )
    for row in rows:
        if row.no_check_in:
            found.add((row.id, row.number, row.vendor_id, "no_check_in"))
        if row.out_of_order:
            found.add((row.id, row.number, row.vendor_id, "check_out_before_check_in"))

    in_period = and_(Expense.incurred_on >= start, Expense.incurred_on < end)
    issued = exists(
        select(StockMovement.id).where(
            StockMovement.work_order_id == WorkOrder.id, StockMovement.kind == StockMoveKind.ISSUE
        )
    )
    rows = session.execute(
        select(WorkOrder.id, WorkOrder.number, WorkOrder.vendor_id)
        .join(Expense, Expense.work_order_id == WorkOrder.id)
        .where(_vendor_filter(vendor_id), in_period, Expense.kind == ExpenseKind.MATERIAL, not_(issued))
        .distinct()
    )
    found.update((row.id, row.number, row.vendor_id, "parts_not_issued") for row in rows)

    claim = (Expense.vendor_id, Expense.kind, Expense.amount, Expense.incurred_on)
    vendor_of_claim = Expense.vendor_id.is_not(None) if vendor_id is None else Expense.vendor_id == vendor_id
    twins = (
        select(*claim).where(vendor_of_claim, in_period).group_by(*claim).having(func.count(Expense.id) > 1).subquery()
    )
    rows = session.execute(
        select(WorkOrder.id, WorkOrder.number, WorkOrder.vendor_id)
        .join(Expense, Expense.work_order_id == WorkOrder.id)
        .join(
            twins,
            and_(
                twins.c.vendor_id == Expense.vendor_id,
                twins.c.kind == Expense.kind,
                twins.c.amount == Expense.amount,
                twins.c.incurred_on == Expense.incurred_on,
            ),
        )
        .where(_vendor_filter(vendor_id))
        .distinct()
    )
    found.update((row.id, row.number, row.vendor_id, "duplicate_claim") for row in rows)

    order = {reason: index for index, reason in enumerate(REASONS)}
    return [
        SuspiciousRecord(work_order_id=id_, number=number, vendor_id=vendor, reason=reason)
        for id_, number, vendor, reason in sorted(found, key=lambda item: (item[1], order[item[3]]))
    ]


def trend_months(today: date, months: int = 12) -> list[date]:
    """The first days of the last ``months`` months, the current one last."""
    first = today.replace(day=1)
    return [add_months(first, offset) for offset in range(-months + 1, 1)]


def monthly_trend(
    session: Session, *, today: date, timezone: str, months: int = 12, vendor_id: int | None = None
) -> list[TrendPoint]:
    """Per vendor and month of submission (last ``months`` months, this one included): completed work orders,
    OLA completion rate and average satisfaction. Every month of a vendor that completed anything is present.

    Two statements; months are UTC ranges computed here, so the grouping follows the business time zone
    on SQLite too.
    """
    firsts = trend_months(today, months)
    bounds = [utc_bounds(first, next_month(first), timezone) for first in firsts]
    month_of = case(
        *[(within(WorkOrder.submitted_at, low, high), index) for index, (low, high) in enumerate(bounds)],
        else_=None,
    )
    done = and_(
        _vendor_filter(vendor_id),
        WorkOrder.status.in_(DONE_STATUSES),
        within(WorkOrder.submitted_at, bounds[0][0], bounds[-1][1]),
    )

    orders = select(
        WorkOrder.vendor_id.label("vendor_id"),
        month_of.label("month"),
        case((WorkOrder.resolution_due_at.is_not(None), 1), else_=0).label("due"),
        case((WorkOrder.submitted_at <= WorkOrder.resolution_due_at, 1), else_=0).label("met"),
    ).where(done)
    orders = orders.subquery()
    counts = session.execute(
        select(
            orders.c.vendor_id,
            orders.c.month,
            func.count().label("completed"),
            func.sum(orders.c.due).label("due"),
            func.sum(orders.c.met).label("met"),
            Vendor.code,
            Vendor.name,
        )
        .join(Vendor, Vendor.id == orders.c.vendor_id)
        .group_by(orders.c.vendor_id, orders.c.month, Vendor.code, Vendor.name)
    ).all()

    rated = (
        select(
            WorkOrder.vendor_id.label("vendor_id"),
            month_of.label("month"),
            ServiceRequest.id.label("request_id"),
            ServiceRequest.satisfaction_rating.label("rating"),
        )
        .join(ServiceRequest, ServiceRequest.id == WorkOrder.request_id)
        .where(done, ServiceRequest.satisfaction_rating.is_not(None))
        .distinct()
        .subquery()
    )
    ratings = session.execute(
        select(rated.c.vendor_id, rated.c.month, func.avg(rated.c.rating).label("rating")).group_by(
            rated.c.vendor_id, rated.c.month
        )
    ).all()
    return _trend_grid(firsts, counts, ratings)


def _trend_grid(firsts: list[date], counts, ratings) -> list[TrendPoint]:
    by_cell = {(row.vendor_id, row.month): row for row in counts}
    rating_of = {(row.vendor_id, row.month): float(row.rating) for row in ratings}
    names = {row.vendor_id: (row.code, row.name) for row in counts}
    vendor_ids = set(names)
    points = []
    for vendor in sorted(vendor_ids, key=lambda vid: names[vid][0]):
        code, name = names[vendor]
        for index, first in enumerate(firsts):
            row = by_cell.get((vendor, index))
            points.append(
                TrendPoint(
                    vendor_id=vendor,
                    vendor_code=code,
                    vendor_name=name,
                    month=first,
                    completed=row.completed if row else 0,
                    ola_completion=_share(row.met, row.due) if row else None,
                    satisfaction=rating_of.get((vendor, index)),
                )
            )
    return points
