"""The demo's 90 days of service desk activity: what someone exploring the demo would notice.

One test replays the whole history (it takes a while) and checks it from several sides, the
vendor scorecards page included; the per-test rollback removes it again. Only the rows this call
made are looked at, so the test holds whether or not ``seed_demo`` already loaded the activity once.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from app.demo_requests import seed_demo_requests
from app.domain.stock_ledger import ledger_mismatches
from models.enums import Priority, RequestStatus, StockMoveKind, WorkOrderStatus
from models.history import ChangeLog
from models.organisations import Vendor
from models.service_requests import ServiceRequest
from models.stock import StockMovement, Warehouse
from models.work_orders import WorkOrder
from reports.periods import period_bounds
from reports.vendor_scorecard import monthly_trend, scorecards, suspicious_records, trend_months

ZONE = ZoneInfo("Asia/Shanghai")
DEMO_VENDORS = ("V-SHXX", "V-BJHT")  # the vendors the demo sends work to, each with its own warehouse


def _day(moment: datetime) -> str:
    return moment.astimezone(ZONE).strftime("%Y%m%d")


def test_ninety_days_of_requests_agree_with_themselves(app, login_as):
    from app.extensions import db

    with app.app_context():
        session = db.session
        flagged = _check_history(session)
        session.commit()  # a savepoint of the test's transaction: the page below reads the same rows

    page = login_as("manager").get("/vendor-scorecards/?period=last_90_days")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for code in DEMO_VENDORS:
        assert f'data-vendor="{code}"' in html
    listed = set(re.findall(r'<tr data-reason="(\w+)">\s*<td><a href="[^"]*">([^<]+)</a>', html))
    assert flagged and flagged <= listed


def _check_history(session) -> set[tuple[str, str]]:
    """Checks the replay from every side; returns the (reason, number) of its suspicious records."""
    now = datetime.now(UTC).replace(microsecond=0)
    first_request = session.scalar(select(func.coalesce(func.max(ServiceRequest.id), 0)))
    first_order = session.scalar(select(func.coalesce(func.max(WorkOrder.id), 0)))

    counts = seed_demo_requests(session, now=now)
    session.flush()

    requests = session.scalars(select(ServiceRequest).where(ServiceRequest.id > first_request)).all()
    orders = session.scalars(select(WorkOrder).where(WorkOrder.id > first_order)).all()
    assert counts["refused"] == 0
    assert 450 <= len(requests) <= 560
    assert counts["requests"] == len(requests) and counts["work_orders"] == len(orders)

    # Every status, priority, several channels and types; dated within the last 90 days.
    assert {r.status for r in requests} == set(RequestStatus)
    assert {o.status for o in orders} == set(WorkOrderStatus)
    assert {r.priority for r in requests} == set(Priority)
    assert len({r.channel for r in requests}) >= 4 and len({r.request_type for r in requests}) >= 5
    assert all(now - timedelta(days=91) <= r.created_at <= now for r in requests)
    old = [r for r in requests if r.created_at < now - timedelta(days=30)]
    assert sum(r.status is RequestStatus.CLOSED for r in old) / len(old) > 0.8

    # Numbers are unique and carry their creation day.
    assert len({r.number for r in requests}) == len(requests)
    assert all(r.number.startswith(f"SR-{_day(r.created_at)}-") for r in requests)
    assert all(o.number.startswith(f"WO-{_day(o.created_at)}-") for o in orders)

    # Closed requests say how they were resolved and when; merged duplicates point to the original.
    closed = [r for r in requests if r.status is RequestStatus.CLOSED]
    merged = [r for r in closed if r.merged_into_id is not None]
    assert merged and all(r.closed_at is not None for r in merged)
    for request in (r for r in closed if r.merged_into_id is None):
        assert request.resolution and request.closed_at is not None
        assert request.created_at <= request.resolved_at <= request.closed_at <= now

    # Satisfaction: many answered, mostly 4–5, a few low ones with a comment.
    ratings = [r.satisfaction_rating for r in requests if r.satisfaction_rating is not None]
    assert len(ratings) > 100 and sum(rating >= 4 for rating in ratings) / len(ratings) > 0.75
    assert any(r.satisfaction_rating <= 3 and r.satisfaction_comment for r in requests if r.satisfaction_rating)

    # Chinese calls, a few in English for the international customers.
    english = [r for r in requests if r.subject.isascii()]
    assert 0 < len(english) < len(requests) / 4

    # Stock levels still equal the ledger; a request costs what its work orders cost.
    assert ledger_mismatches(session) == []
    totals = dict(
        session.execute(
            select(WorkOrder.request_id, func.sum(WorkOrder.cost))
            .where(WorkOrder.id > first_order)
            .group_by(WorkOrder.request_id)
        ).all()
    )
    assert all(Decimal(r.cost) == Decimal(totals.get(r.id, 0)) for r in requests)
    assert sum(r.cost for r in requests) > 0

    # Both demo vendors worked orders in each of the last three months (issue 6's scorecards).
    vendors = {v.code: v.id for v in session.scalars(select(Vendor).where(Vendor.code.in_(["V-SHXX", "V-BJHT"])))}
    for months_back in range(3):
        start, end = now - timedelta(days=30 * (months_back + 1)), now - timedelta(days=30 * months_back)
        worked = Counter(o.vendor_id for o in orders if start <= o.created_at < end)
        assert worked[vendors["V-SHXX"]] >= 2 and worked[vendors["V-BJHT"]] >= 1, months_back
    assert 0.12 <= sum(o.vendor_id is not None for o in orders) / len(orders) <= 0.35
    # Whatever the day, each vendor's portal has work to accept, to schedule, to check in and on site.
    waiting = {WorkOrderStatus.ASSIGNED, WorkOrderStatus.ACCEPTED, WorkOrderStatus.SCHEDULED, WorkOrderStatus.ON_SITE}
    for code in DEMO_VENDORS:
        assert waiting <= {o.status for o in orders if o.vendor_id == vendors[code]}, code

    # The audit trail tells the story at the moments it happened, naming who acted.
    sample = next(r for r in closed if r.merged_into_id is None and r.work_orders)
    trail = session.scalars(
        select(ChangeLog)
        .where(ChangeLog.entity == "service_request", ChangeLog.entity_id == sample.id)
        .order_by(ChangeLog.id)
    ).all()
    assert trail[0].action == "create" and trail[0].changed_at == sample.created_at
    assert trail[-1].changed_at <= now and any(row.actor_id for row in trail)
    assert [row.changed_at for row in trail] == sorted(row.changed_at for row in trail)
    assert any(row.changes.get("status", [None, None])[1] == "CLOSED" for row in trail)
    order_trail = session.scalar(
        select(func.count())
        .select_from(ChangeLog)
        .where(ChangeLog.entity == "work_order", ChangeLog.entity_id == sample.work_orders[0].id)
    )
    assert order_trail >= 3

    _check_vendor_stock(session, first_order, vendors)
    return _check_scorecards(session, now.astimezone(ZONE).date(), first_order, vendors)


def _check_vendor_stock(session, first_order: int, vendors: dict[str, int]) -> None:
    """A vendor's work orders take parts from its own warehouse, never from another vendor's."""
    issued = defaultdict(Counter)
    rows = session.execute(
        select(WorkOrder.vendor_id, Warehouse.code)
        .join(StockMovement, StockMovement.work_order_id == WorkOrder.id)
        .join(Warehouse, Warehouse.id == StockMovement.warehouse_id)
        .where(WorkOrder.id > first_order, WorkOrder.vendor_id.is_not(None), StockMovement.kind == StockMoveKind.ISSUE)
    )
    for vendor_id, warehouse in rows:
        issued[vendor_id][warehouse] += 1
    assert set(issued[vendors["V-BJHT"]]) == {"WH-V-BJHT"}
    assert issued[vendors["V-SHXX"]]["WH-V-SHXX"] > 0 and "WH-V-BJHT" not in issued[vendors["V-SHXX"]]


def _check_scorecards(session, today: date, first_order: int, vendors: dict[str, int]) -> set[tuple[str, str]]:
    """Both demo vendors score in the last 90 days, month by month, and a few of their claims are questioned."""
    timezone = ZONE.key
    start, end = period_bounds("last_90_days", today)
    records = [
        r for r in suspicious_records(session, start=start, end=end, timezone=timezone) if r.work_order_id > first_order
    ]
    lines = {line.vendor_code: line for line in scorecards(session, start=start, end=end, timezone=timezone)}
    for code in DEMO_VENDORS:
        line = lines[code]
        assert line.rank is not None and line.received > 0 and line.completed > 0, code
        figures = (line.acceptance_minutes, line.ola_acceptance, line.ola_completion, line.on_time_arrival)
        assert None not in figures and line.satisfaction is not None, code
    # Some visits arrive after their window (LATE_ARRIVALS): V-SHXX, late most often, is not always on time.
    assert lines["V-SHXX"].on_time_arrival < 1, lines["V-SHXX"]

    # Received and completed work in each 30-day third of the window (the newest ends today).
    for third in range(3):
        low = start + timedelta(days=30 * third)
        third_lines = scorecards(session, start=low, end=low + timedelta(days=30), timezone=timezone)
        cards = {line.vendor_code: line for line in third_lines}
        for code in DEMO_VENDORS:
            assert cards[code].received > 0 and cards[code].completed > 0, (code, low)
    # The 12-month trend has both vendors' completed work in the two months before this one.
    trend = monthly_trend(session, today=today, timezone=timezone)
    for month in trend_months(today)[-3:-1]:
        points = {p.vendor_code: p for p in trend if p.month == month}
        assert all(points[code].completed > 0 and points[code].ola_completion is not None for code in DEMO_VENDORS)

    # Suspicious records: material claimed with no part from stock, and a travel claim entered twice;
    # spread over the window, more of them for V-SHXX than for V-BJHT.
    assert {record.reason for record in records} == {"parts_not_issued", "duplicate_claim"}
    flagged = Counter()
    for work_order in {record.work_order_id for record in records}:
        flagged[session.get(WorkOrder, work_order).vendor_id] += 1
    assert set(flagged) == set(vendors.values()) and flagged[vendors["V-SHXX"]] > flagged[vendors["V-BJHT"]]
    assert lines["V-SHXX"].suspicious > lines["V-BJHT"].suspicious > 0
    months = {session.get(WorkOrder, record.work_order_id).created_at.astimezone(ZONE).month for record in records}
    assert len(months) >= 2
    return {(record.reason, record.number) for record in records}
