"""The dashboard's KPI figures equal what a person counts from the rows by the written definitions.

A fixture puts requests of every kind around last month (the chosen period) and the month before (the
previous period); the expected values are computed here in Python from the rows themselves, not with the
SQL under test, and compared figure by figure, for the period, the previous one, and under filters.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.security.scoping import STAFF
from models.enums import Priority, RequestStatus, WorkOrderStatus, WorkOrderType
from models.organisations import Customer
from models.service_requests import SatisfactionSurvey, ServiceRequest
from models.work_orders import WorkOrder
from reports.periods import period_bounds, previous_period, utc_bounds
from reports.service_dashboard import DashboardFilter, Figures, period_figures

ZONE = "Asia/Shanghai"
TODAY = datetime.now(ZoneInfo(ZONE)).date()
START, END = period_bounds("last_month", TODAY)
LOW, HIGH = utc_bounds(START, END, ZONE)
PREV_LOW, PREV_HIGH = utc_bounds(*previous_period(START, END), ZONE)
NOW = datetime.now(UTC)


def day(low: datetime, days: float) -> datetime:
    return low + timedelta(days=days)


@pytest.fixture
def rows(app):
    """Requests of two customers in and around the period; returns the customers' ids."""
    from app.extensions import db

    with app.app_context():
        session = db.session
        one = Customer(code="C-DASH1", name="仪表盘客户一")
        two = Customer(code="C-DASH2", name="仪表盘客户二")
        session.add_all([one, two])
        session.flush()
        made = []

        def request(customer, number, created, **fields):
            values = dict(number=f"SR-DASH-{number:04d}", customer_id=customer.id, subject="仪表盘", created_at=created,
                          priority=Priority.P3, status=RequestStatus.IN_PROGRESS)  # fmt: skip
            row = ServiceRequest(**{**values, **fields})
            session.add(row)
            made.append(row)
            return row

        p = LOW
        ok = request(one, 1, day(p, 1), response_due_at=day(p, 1.1), first_response_at=day(p, 1.05),
                     resolution_due_at=day(p, 2), resolved_at=day(p, 1.5), status=RequestStatus.CLOSED,
                     resolution_business_minutes=120, satisfaction_rating=5, satisfaction_at=day(p, 1.6))  # fmt: skip
        late = request(one, 2, day(p, 3), response_due_at=day(p, 3.1), first_response_at=day(p, 3.5),
                       resolution_due_at=day(p, 4), resolved_at=day(p, 6), status=RequestStatus.RESOLVED,
                       resolution_business_minutes=600, reopen_count=1, escalation_level=2,
                       satisfaction_rating=3, satisfaction_at=day(p, 6.5), priority=Priority.P1)  # fmt: skip
        request(two, 3, day(p, 5), response_due_at=day(p, 5.1), resolution_due_at=day(p, 7))  # unanswered, overdue
        request(two, 4, day(PREV_LOW, 2), response_due_at=day(PREV_LOW, 2.1), first_response_at=day(PREV_LOW, 2.05),
                resolution_due_at=day(PREV_LOW, 3), resolved_at=day(PREV_LOW, 2.5), status=RequestStatus.CLOSED,
                resolution_business_minutes=60)  # fmt: skip
        request(one, 5, day(PREV_LOW, 1), resolution_due_at=NOW + timedelta(days=30))  # open all along, not late
        request(two, 6, day(p, 2), status=RequestStatus.CANCELLED)
        request(one, 7, day(p, 2), status=RequestStatus.CLOSED, merged_into=ok, resolved_at=None)
        session.flush()
        session.add(WorkOrder(number="WO-DASH-0001", request_id=late.id, customer_id=one.id,
                              work_type=WorkOrderType.ON_SITE, status=WorkOrderStatus.APPROVED))  # fmt: skip
        session.add_all([
            SatisfactionSurvey(request_id=ok.id, token_hash="a" * 64, expires_at=day(p, 20), created_at=day(p, 1.5),
                               answered_at=day(p, 1.6), rating=5),
            SatisfactionSurvey(request_id=late.id, token_hash="b" * 64, expires_at=day(p, 20), created_at=day(p, 6)),
        ])  # fmt: skip
        session.commit()
        return {"one": one.id, "two": two.id}


def expected(requests: list[ServiceRequest], surveys: list[SatisfactionSurvey], low, high) -> Figures:
    """The definitions, applied by hand to the rows."""
    rows = [r for r in requests if r.merged_into_id is None]
    moment = min(high, NOW)
    open_then = [r for r in rows if r.created_at < moment and r.status is not RequestStatus.CANCELLED
                 and (r.resolved_at is None or r.resolved_at >= moment)]  # fmt: skip
    responding = [r for r in rows if low <= r.created_at < high and r.response_due_at is not None
                  and (r.first_response_at is not None or r.response_due_at < NOW)]  # fmt: skip
    resolved = [r for r in rows if r.resolved_at is not None and low <= r.resolved_at < high]
    timed = [r for r in resolved if r.resolution_due_at is not None]
    rated = [r for r in rows if r.satisfaction_at is not None and low <= r.satisfaction_at < high
             and r.satisfaction_rating is not None]  # fmt: skip
    sent = [s for s in surveys if low <= s.created_at < high and s.request.merged_into_id is None]
    minutes = [r.resolution_business_minutes for r in resolved if r.resolution_business_minutes is not None]

    def mean(values):
        return sum(values) / len(values) if values else None

    return Figures(
        backlog=len(open_then),
        overdue=sum(1 for r in open_then if r.resolution_due_at is not None and r.resolution_due_at < moment),
        response_measured=len(responding),
        response_met=sum(1 for r in responding if r.first_response_at and r.first_response_at <= r.response_due_at),
        resolution_measured=len(timed),
        resolution_met=sum(1 for r in timed if r.resolved_at <= r.resolution_due_at),
        resolved=len(resolved),
        business_minutes_to_resolve=mean(minutes),
        calendar_hours_to_resolve=mean([(r.resolved_at - r.created_at).total_seconds() / 3600 for r in resolved]),
        first_contact=sum(1 for r in resolved if not r.work_orders and r.escalation_level == 1 and not r.reopen_count),
        reopened=sum(1 for r in resolved if r.reopen_count),
        rated=len(rated),
        satisfaction=mean([r.satisfaction_rating for r in rated]),
        surveys_sent=len(sent),
        surveys_answered=sum(1 for s in sent if s.answered_at is not None),
    )


def assert_figures(actual: Figures, wanted: Figures) -> None:
    for name, value in vars(wanted).items():
        got = getattr(actual, name)
        if isinstance(value, float):
            assert got == pytest.approx(value, rel=1e-6), name
        else:
            assert got == value, name


@pytest.mark.parametrize("narrow", [None, "one", "two"])
def test_every_figure_of_the_period_and_the_one_before_matches_the_rows(app, rows, narrow):
    from app.extensions import db

    with app.app_context():
        session = db.session
        chosen = DashboardFilter(START, END, customer_id=rows[narrow] if narrow else None)
        current, previous = period_figures(session, chosen, STAFF, now=NOW, timezone=ZONE)
        requests = session.scalars(select(ServiceRequest)).all()
        surveys = session.scalars(select(SatisfactionSurvey)).all()
        if narrow:
            requests = [r for r in requests if r.customer_id == rows[narrow]]
            surveys = [s for s in surveys if s.request.customer_id == rows[narrow]]
        assert_figures(current, expected(requests, surveys, LOW, HIGH))
        assert_figures(previous, expected(requests, surveys, PREV_LOW, PREV_HIGH))


def test_the_fixture_exercises_every_figure(app, rows):
    """So that the comparison above cannot pass on zeros alone."""
    from app.extensions import db

    with app.app_context():
        chosen = DashboardFilter(START, END, customer_id=None)
        current, previous = period_figures(db.session, chosen, STAFF, now=NOW, timezone=ZONE)
    assert current.resolved >= 2 and current.first_contact >= 1 and current.reopened >= 1
    assert (
        current.response_measured > current.response_met >= 1 and current.resolution_measured > current.resolution_met
    )
    assert current.overdue >= 1 and current.rated >= 2 and current.surveys_sent > current.surveys_answered >= 1
    assert previous.resolved >= 1 and previous.backlog >= 1


def test_a_priority_filter_keeps_only_that_priority(app, rows):
    from app.extensions import db

    with app.app_context():
        chosen = DashboardFilter(START, END, priority=Priority.P1)
        current, _previous = period_figures(db.session, chosen, STAFF, now=NOW, timezone=ZONE)
    assert current.resolved == 1 and current.reopened == 1 and current.first_contact == 0
