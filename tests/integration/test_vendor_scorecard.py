"""Vendor scorecards: every figure against a hand-computed expectation on a small fixture.

The fixture (built in the test transaction, rolled back): two demo vendors, A = V-SHXX and
B = V-BJHT, with work orders inserted directly at chosen times. The period is October 2026 in
Asia/Shanghai (UTC+8): [2026-10-01 00:00, 2026-11-01 00:00) local. Times below are local.

Vendor A (V-SHXX)
  A1 created 10-02 09:00, accepted 09:30 (30 min; due 10:00 → met), window ends 10-03 12:00, in 11:00 (on time),
     out 12:30, submitted 10-03 13:00 (28 h; due 10-04 09:00 → met), APPROVED, FIXED, asset X1, request R1 (★5), ¥300
  A2 created 10-05 09:00, accepted 11:00 (120 min; due 10:00 → missed), window ends 10-06 10:00, in 11:00 (late),
     submitted 10-06 14:00 (29 h; due 12:00 → missed), SUBMITTED, FIXED, asset X2, R2 (★3), ¥500
  A3 (follow-up on X2, 14 days after A2's submission) created 10-20 09:00, accepted 09:15 (15 min, no due),
     ON_SITE, never checked in, submitted 10-21 10:00 (25 h), SUBMITTED, FIXED, X2, R3 (★4), ¥200
  A4 created 10-01 00:00 (the first moment of the period), ASSIGNED; a MATERIAL expense and no part issued
  A5 created 09-30 23:59 (one minute before the period), submitted 11-01 00:00 (the period's end): counts nowhere
  A6 REMOTE, created 10-11 09:00, accepted 09:45 (45 min), checked in 10-12 10:00 but submitted 09:00 (24 h),
     APPROVED, PARTLY_FIXED, no asset, R4 (no rating), ¥100; a MATERIAL expense with a part issued (not suspicious)
  expenses: TRAVEL ¥80 on 10-03 on A1 and on A2 (a duplicate claim), TRAVEL ¥80 on 10-04 on A2 (another date)

  received 5 (A1 A2 A3 A4 A6)    completed 4 (A1 A2 A3 A6)     acceptance (30+120+15+45)/4 = 52.5 min
  on-time 1/2 (A1 of A1 A2)      first-time fix 2/3 (A1 A3 of A1 A2 A3; A3 followed A2)
  OLA acceptance 1/2 (A1 A2)     OLA completion 1/2 (A1 A2)    resolution (28+29+25+24)/4 = 26.5 h
  satisfaction (5+3+4)/3 = 4.0   cost (300+500+200+100)/4 = 275.00
  suspicious: A3 no_check_in, A6 check_out_before_check_in, A4 parts_not_issued, A1 + A2 duplicate_claim → 5
  score 100 × (0.5 + 0.5 + 0.5 + 2/3 + 4.0/5) / 5 = 59.333…

Vendor B (V-BJHT)
  B1 created 10-07 08:00, accepted 08:10 (10 min; due 09:00 met), window ends 14:00, in 13:00 (on time),
     out 15:00, submitted 16:00 (8 h; due 10-08 08:00 met), APPROVED, FIXED, asset X3, R5 (★5), ¥150
  B2 same request R5 (X3), created 10-08 08:00 (a follow-up of B1), accepted 08:20 (20 min; due 09:00 met),
     window ends 12:00, in 11:00 (on time), submitted 12:00 (4 h; due 10-09 08:00 met), APPROVED, FIXED, ¥250
  B3 created 10-09 10:00, accepted 10:30 (30 min, no due), window ends 10-10 09:00, in 09:30 (late),
     submitted 10:00 (24 h; due 09:00 missed), SUBMITTED, FIXED, asset X4, R6 (★2), ¥400
  B4 on X4, created 10-25 10:00 (15 days after B3's submission), accepted 11:00 (60 min; due 10:30 missed), ACCEPTED
  B5 created 10-15 10:00, CANCELLED
  B6 created 09-20, accepted 09-20, window ends 10-19 12:00, in 10-19 10:00 (on time), submitted 10-20 but sent
     back (ON_SITE): not completed
  expenses: TRAVEL ¥80 on 10-03 on B1 (the same as A's, but another vendor), MATERIAL on B1 with a part issued

  received 5 (B1–B5)             completed 3 (B1 B2 B3)        acceptance (10+20+30+60)/4 = 30 min
  on-time 3/4 (B1 B2 B6 of B1 B2 B3 B6)                        first-time fix 1/3 (B2; B1 followed by B2, B3 by B4)
  OLA acceptance 2/3 (B1 B2 of B1 B2 B4)   OLA completion 2/3 (B1 B2 of B1 B2 B3)   resolution (8+4+24)/3 = 12 h
  satisfaction (5+2)/2 = 3.5 (R5 once)     cost (150+250+400)/3 = 266.67             suspicious 0
  score 100 × (2/3 + 2/3 + 0.75 + 1/3 + 3.5/5) / 5 = 62.333…  → B ranks first, A second.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import bindparam, select, text

from tests.integration.test_query_budget import statements_for

ZONE = "Asia/Shanghai"
START, END = date(2026, 10, 1), date(2026, 11, 1)
PERIOD = {"start": START, "end": END, "timezone": ZONE}
PAGE = "/vendor-scorecards/?period=custom&from=2026-10-01&to=2026-10-31"


def at(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A local (Asia/Shanghai) moment of 2026 as an aware datetime."""
    return datetime(2026, month, day, hour, minute, tzinfo=ZoneInfo(ZONE)).astimezone(UTC)


class Builder:
    """Requests, work orders, expenses and issued parts inserted directly with chosen timestamps."""

    def __init__(self, session, prefix: str = "SC") -> None:
        from models.assets import Asset
        from models.stock import SparePart, Warehouse

        self.session = session
        self.prefix = prefix
        self.assets = list(session.scalars(select(Asset).order_by(Asset.id).limit(4)))
        assert len(self.assets) == 4, "the demo catalog has assets"
        self.customer_id = self.assets[0].customer_id
        self.part = session.scalars(select(SparePart).order_by(SparePart.id)).first()
        self.warehouse = session.scalars(select(Warehouse).order_by(Warehouse.id)).first()
        self.count = 0

    def request(self, asset: int | None = None, rating: int | None = None):
        from models.enums import Priority, RequestStatus
        from models.service_requests import ServiceRequest

        self.count += 1
        row = ServiceRequest(
            number=f"SR-{self.prefix}-{self.count}",
            customer_id=self.customer_id,
            asset_id=None if asset is None else self.assets[asset].id,
            subject="考核测试",
            priority=Priority.P3,
            status=RequestStatus.IN_PROGRESS,
            satisfaction_rating=rating,
        )
        self.session.add(row)
        self.session.flush()
        return row

    def order(self, number: str, vendor, request, created_at: datetime, **values):
        from models.enums import WorkOrderType
        from models.work_orders import WorkOrder

        values.setdefault("work_type", WorkOrderType.ON_SITE)
        row = WorkOrder(
            number=f"WO-{self.prefix}-{number}",
            request_id=request.id,
            customer_id=request.customer_id,
            vendor_id=vendor.id,
            created_at=created_at,
            **values,
        )
        self.session.add(row)
        self.session.flush()
        return row

    def expense(self, order, kind: str, amount: str, day: date) -> None:
        from models.enums import ExpenseKind
        from models.work_orders import Expense

        self.session.add(
            Expense(
                work_order_id=order.id,
                customer_id=order.customer_id,
                vendor_id=order.vendor_id,
                kind=ExpenseKind[kind],
                amount=Decimal(amount),
                incurred_on=day,
            )
        )

    def issue(self, order) -> None:
        from models.enums import StockMoveKind
        from models.stock import StockMovement

        self.session.add(
            StockMovement(
                kind=StockMoveKind.ISSUE,
                spare_part_id=self.part.id,
                warehouse_id=self.warehouse.id,
                vendor_id=order.vendor_id,
                quantity=1,
                work_order_id=order.id,
            )
        )


def build_fixture(session) -> dict:
    from models.enums import WorkOrderStatus as S
    from models.enums import WorkOrderType, WorkResult
    from tests.helpers import DemoRows

    demo = DemoRows(session)
    a, b = demo.vendor("V-SHXX"), demo.vendor("V-BJHT")
    build = Builder(session)
    fixed, money = WorkResult.FIXED, Decimal
    r1, r2, r3 = build.request(0, 5), build.request(1, 3), build.request(1, 4)
    r4, r8 = build.request(None, None), build.request(None, None)
    o = {}
    o["A1"] = build.order(
        "A1", a, r1, at(10, 2, 9), accepted_at=at(10, 2, 9, 30), response_due_at=at(10, 2, 10),
        scheduled_end=at(10, 3, 12), checked_in_at=at(10, 3, 11), checked_out_at=at(10, 3, 12, 30),
        submitted_at=at(10, 3, 13), resolution_due_at=at(10, 4, 9), status=S.APPROVED, result=fixed, cost=money("300"),
    )  # fmt: skip
    o["A2"] = build.order(
        "A2", a, r2, at(10, 5, 9), accepted_at=at(10, 5, 11), response_due_at=at(10, 5, 10),
        scheduled_end=at(10, 6, 10), checked_in_at=at(10, 6, 11), submitted_at=at(10, 6, 14),
        resolution_due_at=at(10, 6, 12), status=S.SUBMITTED, result=fixed, cost=money("500"),
    )  # fmt: skip
    o["A3"] = build.order(
        "A3", a, r3, at(10, 20, 9), accepted_at=at(10, 20, 9, 15), submitted_at=at(10, 21, 10),
        status=S.SUBMITTED, result=fixed, cost=money("200"),
    )  # fmt: skip
    o["A4"] = build.order("A4", a, r8, at(10, 1, 0), status=S.ASSIGNED)
    o["A5"] = build.order(
        "A5", a, r8, at(9, 30, 23, 59), accepted_at=at(9, 30, 23, 59) + timedelta(seconds=30),
        checked_in_at=at(11, 1), scheduled_end=at(11, 1, 2), submitted_at=at(11, 1), status=S.APPROVED,
        result=fixed, cost=money("999"), resolution_due_at=at(11, 2),
    )  # fmt: skip
    o["A6"] = build.order(
        "A6", a, r4, at(10, 11, 9), work_type=WorkOrderType.REMOTE, accepted_at=at(10, 11, 9, 45),
        checked_in_at=at(10, 12, 10), submitted_at=at(10, 12, 9), status=S.APPROVED,
        result=WorkResult.PARTLY_FIXED, cost=money("100"),
    )  # fmt: skip
    build.expense(o["A4"], "MATERIAL", "60", date(2026, 10, 2))
    build.expense(o["A6"], "MATERIAL", "45", date(2026, 10, 12))
    build.issue(o["A6"])
    build.expense(o["A1"], "TRAVEL", "80", date(2026, 10, 3))
    build.expense(o["A2"], "TRAVEL", "80", date(2026, 10, 3))
    build.expense(o["A2"], "TRAVEL", "80", date(2026, 10, 4))

    r5, r6, r7, r9 = build.request(2, 5), build.request(3, 2), build.request(3, None), build.request(None, None)
    o["B1"] = build.order(
        "B1", b, r5, at(10, 7, 8), accepted_at=at(10, 7, 8, 10), response_due_at=at(10, 7, 9),
        scheduled_end=at(10, 7, 14), checked_in_at=at(10, 7, 13), checked_out_at=at(10, 7, 15),
        submitted_at=at(10, 7, 16), resolution_due_at=at(10, 8, 8), status=S.APPROVED, result=fixed, cost=money("150"),
    )  # fmt: skip
    o["B2"] = build.order(
        "B2", b, r5, at(10, 8, 8), accepted_at=at(10, 8, 8, 20), response_due_at=at(10, 8, 9),
        scheduled_end=at(10, 8, 12), checked_in_at=at(10, 8, 11), submitted_at=at(10, 8, 12),
        resolution_due_at=at(10, 9, 8), status=S.APPROVED, result=fixed, cost=money("250"),
    )  # fmt: skip
    o["B3"] = build.order(
        "B3", b, r6, at(10, 9, 10), accepted_at=at(10, 9, 10, 30), scheduled_end=at(10, 10, 9),
        checked_in_at=at(10, 10, 9, 30), checked_out_at=at(10, 10, 10), submitted_at=at(10, 10, 10),
        resolution_due_at=at(10, 10, 9), status=S.SUBMITTED, result=fixed, cost=money("400"),
    )  # fmt: skip
    o["B4"] = build.order(
        "B4", b, r7, at(10, 25, 10), accepted_at=at(10, 25, 11), response_due_at=at(10, 25, 10, 30), status=S.ACCEPTED
    )
    o["B5"] = build.order("B5", b, r9, at(10, 15, 10), status=S.CANCELLED)
    o["B6"] = build.order(
        "B6", b, r9, at(9, 20, 10), accepted_at=at(9, 20, 11), scheduled_end=at(10, 19, 12),
        checked_in_at=at(10, 19, 10), submitted_at=at(10, 20, 10), status=S.ON_SITE,
    )  # fmt: skip
    build.expense(o["B1"], "TRAVEL", "80", date(2026, 10, 3))
    build.expense(o["B1"], "MATERIAL", "120", date(2026, 10, 7))
    build.issue(o["B1"])
    session.flush()
    return {"a": a.id, "b": b.id, "orders": {key: row.id for key, row in o.items()}, "numbers": o}


@pytest.fixture
def fixture(app):
    from app.extensions import db

    with app.app_context():
        built = build_fixture(db.session)
        result = {"a": built["a"], "b": built["b"], "orders": built["orders"]}
        db.session.commit()
    return result


def by_code(lines):
    return {line.vendor_code: line for line in lines}


def test_every_figure_matches_the_hand_computed_expectation(app, fixture):
    from app.extensions import db
    from reports.vendor_scorecard import scorecards

    with app.app_context():
        lines = by_code(scorecards(db.session, **PERIOD))
    a, b = lines["V-SHXX"], lines["V-BJHT"]

    assert (a.received, a.completed) == (5, 4)  # A4 at the first moment counts, A5 one minute early does not
    assert a.acceptance_minutes == pytest.approx(52.5, abs=0.01)
    assert a.on_time_arrival == pytest.approx(1 / 2)
    assert a.first_time_fix == pytest.approx(2 / 3)
    assert a.ola_acceptance == pytest.approx(1 / 2)
    assert a.ola_completion == pytest.approx(1 / 2)
    assert a.resolution_hours == pytest.approx(26.5, abs=0.001)
    assert a.satisfaction == pytest.approx(4.0)
    assert a.cost_per_work_order == Decimal("275.00")
    assert a.suspicious == 5
    assert a.score == pytest.approx(100 * (0.5 + 0.5 + 0.5 + 2 / 3 + 0.8) / 5)

    assert (b.received, b.completed) == (5, 3)  # B6 was sent back: submitted in the period but not completed
    assert b.acceptance_minutes == pytest.approx(30, abs=0.01)
    assert b.on_time_arrival == pytest.approx(3 / 4)
    assert b.first_time_fix == pytest.approx(1 / 3)
    assert b.ola_acceptance == pytest.approx(2 / 3)
    assert b.ola_completion == pytest.approx(2 / 3)
    assert b.resolution_hours == pytest.approx(12, abs=0.001)
    assert b.satisfaction == pytest.approx(3.5)  # R5 once, though two work orders completed it
    assert b.cost_per_work_order == Decimal("266.67")
    assert b.suspicious == 0
    assert b.score == pytest.approx(100 * (2 / 3 + 2 / 3 + 0.75 + 1 / 3 + 0.7) / 5)


def test_ranking_puts_the_best_score_first_and_idle_vendors_last_without_a_rank(app, fixture):
    from app.extensions import db
    from reports.vendor_scorecard import scorecards

    with app.app_context():
        lines = scorecards(db.session, **PERIOD)
    assert [(line.vendor_code, line.rank) for line in lines[:2]] == [("V-BJHT", 1), ("V-SHXX", 2)]
    rest = lines[2:]
    assert rest, "the other demo vendors are listed too"
    assert all(line.rank is None and line.score is None and line.received == 0 for line in rest)
    assert all(line.first_time_fix is None and line.cost_per_work_order is None for line in rest)


def test_the_fix_window_decides_whether_a_later_work_order_is_a_follow_up(app, fixture):
    from app.extensions import db
    from reports.vendor_scorecard import scorecards

    with app.app_context():
        ten_days = by_code(scorecards(db.session, **PERIOD, fix_window_days=10))
        twenty_days = by_code(scorecards(db.session, **PERIOD, fix_window_days=20))
    # B4 came 15 days after B3: a follow-up within 20 days, not within 10 (B1 → B2 is 16 hours either way).
    assert ten_days["V-BJHT"].first_time_fix == pytest.approx(2 / 3)
    assert twenty_days["V-BJHT"].first_time_fix == pytest.approx(1 / 3)
    # A3 came 14 days after A2.
    assert ten_days["V-SHXX"].first_time_fix == pytest.approx(1.0)
    assert twenty_days["V-SHXX"].first_time_fix == pytest.approx(2 / 3)


def test_suspicious_records_name_each_work_order_once_per_reason(app, fixture):
    from app.extensions import db
    from reports.vendor_scorecard import suspicious_records

    with app.app_context():
        records = suspicious_records(db.session, **PERIOD)
    found = {(record.number, record.reason) for record in records}
    assert found == {
        ("WO-SC-A3", "no_check_in"),
        ("WO-SC-A6", "check_out_before_check_in"),
        ("WO-SC-A4", "parts_not_issued"),
        ("WO-SC-A1", "duplicate_claim"),
        ("WO-SC-A2", "duplicate_claim"),  # its second ¥80 on another day is no duplicate, and listed once
    }
    assert len(records) == len(found)
    assert {record.vendor_id for record in records} == {fixture["a"]}


def test_a_check_out_before_the_check_in_is_suspicious(app, fixture):
    """The database refuses such rows now; older rows may have one. The constraint is lifted for this test."""
    from app.extensions import db
    from models.base import UTCDateTime
    from reports.vendor_scorecard import suspicious_records

    with app.app_context():
        connection = db.session.connection()
        if connection.dialect.name == "sqlite":
            connection.execute(text("PRAGMA ignore_check_constraints = ON"))
        else:
            connection.execute(text("ALTER TABLE work_order DROP CONSTRAINT ck_work_order_check_out_after_check_in"))
        update = text(
            "UPDATE work_order SET checked_in_at = :late, checked_out_at = :early, submitted_at = :late WHERE id = :id"
        ).bindparams(bindparam("late", type_=UTCDateTime), bindparam("early", type_=UTCDateTime))
        connection.execute(update, {"late": at(10, 7, 16), "early": at(10, 7, 12), "id": fixture["orders"]["B1"]})
        if connection.dialect.name == "sqlite":
            connection.execute(text("PRAGMA ignore_check_constraints = OFF"))
        records = suspicious_records(db.session, **PERIOD, vendor_id=fixture["b"])
    assert [(r.number, r.reason) for r in records] == [("WO-SC-B1", "check_out_before_check_in")]


def test_vendor_id_restricts_every_figure_to_that_vendor(app, fixture):
    from app.extensions import db
    from reports.vendor_scorecard import monthly_trend, scorecards, suspicious_records

    with app.app_context():
        everyone = by_code(scorecards(db.session, **PERIOD))
        only_b = scorecards(db.session, **PERIOD, vendor_id=fixture["b"])
        only_a = scorecards(db.session, **PERIOD, vendor_id=fixture["a"])
        records = suspicious_records(db.session, **PERIOD, vendor_id=fixture["b"])
        trend = monthly_trend(db.session, today=date(2026, 11, 15), timezone=ZONE, vendor_id=fixture["a"])
    assert [line.vendor_code for line in only_b] == ["V-BJHT"]
    assert only_b[0].rank == 1
    assert {**vars(only_b[0]), "rank": None} == {**vars(everyone["V-BJHT"]), "rank": None}
    assert [line.vendor_code for line in only_a] == ["V-SHXX"]
    assert only_a[0].suspicious == 5
    assert records == []
    assert {point.vendor_code for point in trend} == {"V-SHXX"}


def test_monthly_trend_by_month_of_submission(app, fixture):
    from app.extensions import db
    from reports.vendor_scorecard import monthly_trend

    with app.app_context():
        points = monthly_trend(db.session, today=date(2026, 11, 15), timezone=ZONE)
    cells = {(p.vendor_code, p.month): p for p in points}
    assert {p.vendor_code for p in points} == {"V-SHXX", "V-BJHT"}
    assert len(points) == 2 * 12  # every month of both vendors, December 2025 to November 2026
    assert min(p.month for p in points) == date(2025, 12, 1)
    october_a, october_b = cells[("V-SHXX", date(2026, 10, 1))], cells[("V-BJHT", date(2026, 10, 1))]
    assert (october_a.completed, october_a.ola_completion, october_a.satisfaction) == (4, 0.5, 4.0)
    assert october_b.completed == 3 and october_b.ola_completion == pytest.approx(2 / 3)
    assert october_b.satisfaction == pytest.approx(3.5)
    # A5 was submitted at midnight starting November (local): November's, though it is still October in UTC.
    november_a = cells[("V-SHXX", date(2026, 11, 1))]
    assert (november_a.completed, november_a.ola_completion, november_a.satisfaction) == (1, 1.0, None)
    assert cells[("V-BJHT", date(2026, 9, 1))].completed == 0  # B6 was sent back
    assert cells[("V-BJHT", date(2026, 11, 1))].ola_completion is None


def row_of(html: str, code: str) -> str:
    match = re.search(rf'<tr data-vendor="{code}".*?</tr>', html, re.S)
    assert match, f"no ranking row for {code}"
    return re.sub(r"\s+", " ", match.group(0))


def test_the_screen_in_chinese_shows_figures_definitions_and_suspicious_records(app, login_as, fixture):
    client = login_as("manager")
    html = client.get(PAGE + "&_l_=zh").get_data(as_text=True)
    assert "服务商考核" in html
    b = row_of(html, "V-BJHT")
    assert 'class="sd-rank">1<' in b
    assert ">62.3<" in b and ">75.0%<" in b and ">33.3%<" in b and ">66.7%<" in b and ">3.50<" in b
    assert "266.67" in b and "12 小时 00 分钟" in b and ">30 分钟<" in b
    a = row_of(html, "V-SHXX")
    assert 'class="sd-rank">2<' in a and ">59.3<" in a and ">50.0%<" in a and "275.00" in a
    assert "26 小时 30 分钟" in a and ">52 分钟<" in a and '<strong class="text-danger">5<' in a
    other = row_of(html, "V-GZFF")
    assert 'class="sd-rank">—<' in other and other.count("—") >= 8
    # definitions in Chinese, with the chosen window
    assert "计算方法" in html
    assert "开始日期" in html and "结束日期" in html and "收件地址" not in html  # not the mail "To"
    assert "30 天内" in html
    # every suspicious record links to its work order
    for key in ("A1", "A2", "A3", "A4", "A6"):
        assert f'/workorders/show/{fixture["orders"][key]}"' in html
    assert "重复报销" in html


def test_the_chart_loads_plotly_from_the_app_itself(app, login_as, fixture):
    from app.extensions import db
    from models.enums import WorkOrderStatus
    from tests.helpers import DemoRows

    with app.app_context():  # the trend covers the last 12 months: a work order completed today puts it on the chart
        build, now = Builder(db.session, prefix="SC-NOW"), datetime.now(UTC)
        build.order("N1", DemoRows(db.session).vendor("V-SHXX"), build.request(), now - timedelta(minutes=5),
                    submitted_at=now, status=WorkOrderStatus.APPROVED)  # fmt: skip
        db.session.commit()
    client = login_as("dispatcher")
    html = client.get(PAGE).get_data(as_text=True)
    assert 'src="/vendor-scorecards/plotly.min.js"' in html
    assert "Plotly.newPlot" in html and "cdn" not in html.lower()
    script = client.get("/vendor-scorecards/plotly.min.js")
    assert script.status_code == 200 and b"plotly" in script.data[:2000].lower()


def test_csv_export_of_the_ranking(app, login_as, fixture):
    client = login_as("dispatcher")
    response = client.get("/vendor-scorecards/export/csv/?period=custom&from=2026-10-01&to=2026-10-31&_l_=en")
    assert response.status_code == 200
    lines = response.get_data().decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Rank,Vendor,Score (0–100),Received,Completed")
    assert lines[1].startswith("1,V-BJHT ") and ",62.3,5,3,30.0,75.0,33.3,66.7,66.7,12.0,3.5,266.67,0" in lines[1]
    assert lines[2].startswith("2,V-SHXX ") and ",59.3,5,4,52.5,50.0,66.7,50.0,50.0,26.5,4.0,275.00,5" in lines[2]


def test_a_wrong_period_falls_back_to_this_month_and_says_so(app, login_as):
    client = login_as("manager")
    html = client.get("/vendor-scorecards/?period=custom&from=2026-10-31&to=2026-10-01&_l_=en").get_data(as_text=True)
    assert "Choose a valid period" in html


@pytest.mark.parametrize("user", ["manager", "dispatcher", "admin"])
def test_managers_and_dispatchers_open_the_page(app, login_as, user):
    assert login_as(user).get("/vendor-scorecards/").status_code == 200


@pytest.mark.parametrize("user", ["vendor1", "customer1", "engineer1"])
def test_vendors_customers_and_engineers_get_nothing(app, login_as, user):
    for path in ("/vendor-scorecards/", "/vendor-scorecards/export/csv/"):
        response = login_as(user).get(path)
        assert response.status_code in (302, 403)
        assert "V-BJHT" not in response.get_data(as_text=True)


def test_statements_do_not_grow_with_vendors_and_work_orders(app, login_as, fixture):
    from app.extensions import db
    from models.enums import WorkOrderStatus
    from models.organisations import Vendor

    client = login_as("manager")
    before = statements_for(app, client, PAGE)
    with app.app_context():
        session = db.session
        build = Builder(session, prefix="SCX")
        for index in range(4):
            vendor = Vendor(code=f"V-SCX{index}", name=f"考核服务商{index}")
            session.add(vendor)
            session.flush()
            for day in range(3, 9):
                request = build.request(index % 4, 1 + day % 5)
                order = build.order(
                    f"{index}-{day}", vendor, request, at(10, day, 9), accepted_at=at(10, day, 10),
                    submitted_at=at(10, day, 15), status=WorkOrderStatus.APPROVED,
                )  # fmt: skip
                build.expense(order, "MATERIAL", "10", date(2026, 10, day))
        session.commit()
    after = statements_for(app, client, PAGE)
    assert len(after) == len(before), "\n".join(after)
    assert len(after) <= 16, "\n".join(after)


def test_the_menu_offers_the_page_to_those_who_may_open_it(app, login_as):
    assert 'href="/vendor-scorecards/"' in login_as("dispatcher").get("/").get_data(as_text=True)
    assert "/vendor-scorecards/" not in login_as("engineer1").get("/").get_data(as_text=True)
    assert "/vendor-scorecards/" not in login_as("vendor1").get("/").get_data(as_text=True)
