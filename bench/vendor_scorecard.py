"""How far the vendor scorecards and the vendor dashboard are from what the database needs to do.

The scorecard page (``reports/vendor_scorecard.py``) promises every figure as one SQL aggregate over
all vendors, so it must cost a fixed number of statements whatever the number of vendors or work
orders, and little more than reading the period's rows. This builds a scratch database (real
migrations, roles, demo catalog), adds vendors and ``--work-orders`` work orders over 13 months
(with their requests, assets, time, expenses, stock issues, ratings and some made-up records), and
times, in the same run, each report function against the floor: the cheapest raw SQL reading the
same rows. It counts the statements each sent with 5 vendors and again with all of them, and prints
the plan of the main scorecard query. A measurement, not a test: nothing here passes or fails.

    .venv/bin/python -m bench.vendor_scorecard [--work-orders 100000] [--database-url URL] [--try-indexes]
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import tempfile
import time
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Date, bindparam, event, func, insert, select, text

from bench.escalation_sweep import alternating_medians
from bench.list_pages import scratch_database
from bench.scratch_app import TIMEZONE, demo_app

# The dashboard's cards and the vendor's own scorecard read the clock, so the data is laid out around it.
NOW = datetime.now(UTC).replace(second=0, microsecond=0)
TODAY = NOW.astimezone(ZoneInfo(TIMEZONE)).date()
HISTORY_DAYS = 395  # 13 months
CHUNK = 5000
FIRST_VENDORS = 5  # statements are counted with this many vendors, then with all
DEMO_VENDOR = "V-SHXX"  # vendor1's: the dashboard is measured for it
DONE = "('SUBMITTED', 'APPROVED')"
OPEN = "('ASSIGNED', 'ACCEPTED', 'SCHEDULED', 'ON_SITE')"
WORK_TYPES = {"ON_SITE": 70, "REMOTE": 15, "REPAIR": 10, "INSPECTION": 5}
RATINGS = {1: 2, 2: 3, 3: 8, 4: 30, 5: 57}
CANDIDATE_INDEXES = {  # --try-indexes: created on the scratch database only, to see whether they would help
    "bench_ix_work_order_created_at": "work_order (created_at)",
    "bench_ix_work_order_accepted_at": "work_order (accepted_at)",
    "bench_ix_work_order_checked_in_at": "work_order (checked_in_at)",
    "bench_ix_work_order_submitted_at": "work_order (submitted_at)",
    "bench_ix_expense_incurred_on": "expense (incurred_on)",
}


def epoch(dialect: str, column: str) -> str:
    """Seconds since 1970 of a stored UTC datetime, as the report's ``epoch_seconds`` compiles it."""
    if dialect == "sqlite":
        return f"((julianday({column}) - 2440587.5) * 86400.0)"
    return f"EXTRACT(EPOCH FROM {column})"


def within(column: str) -> str:
    return f"({column} >= :low AND {column} < :high)"


def scorecard_floor_sql(dialect: str) -> str:
    """One GROUP BY vendor_id over the work orders touching the period (the report's own predicate)."""
    touching = " OR ".join(within(c) for c in ("created_at", "accepted_at", "checked_in_at", "submitted_at"))
    resolution = f"{epoch(dialect, 'submitted_at')} - {epoch(dialect, 'created_at')}"
    return (
        f"SELECT vendor_id, count(CASE WHEN {within('created_at')} THEN 1 END), avg({resolution})"
        f" FROM work_order WHERE vendor_id IS NOT NULL AND ({touching}) GROUP BY vendor_id"
    )


TREND_FLOOR_SQL = (
    "SELECT vendor_id, count(*), sum(CASE WHEN submitted_at <= resolution_due_at THEN 1 ELSE 0 END)"
    f" FROM work_order WHERE vendor_id IS NOT NULL AND status IN {DONE} AND {within('submitted_at')}"
    " GROUP BY vendor_id"
)
SUSPICIOUS_FLOOR_SQL = (
    "SELECT (SELECT count(*) FROM work_order WHERE vendor_id IS NOT NULL"
    f" AND status IN {DONE} AND {within('submitted_at')}),"
    " (SELECT count(*) FROM expense WHERE vendor_id IS NOT NULL AND incurred_on >= :first AND incurred_on < :last)"
)
CARDS_FLOOR_SQL = (
    f"SELECT count(CASE WHEN status IN {OPEN} THEN 1 END),"
    " count(CASE WHEN status = 'ASSIGNED' AND response_due_at > :now AND response_due_at <= :accept_by THEN 1 END),"
    f" count(CASE WHEN status IN {OPEN} AND resolution_due_at > :now AND resolution_due_at <= :complete_by"
    " THEN 1 END),"
    " count(CASE WHEN (status = 'ASSIGNED' AND response_due_at <= :now)"
    f" OR (status IN {OPEN} AND resolution_due_at <= :now)"
    " OR (accepted_at > response_due_at AND accepted_at >= :since)"
    " OR (submitted_at > resolution_due_at AND submitted_at >= :since) THEN 1 END)"
    " FROM work_order WHERE vendor_id = :vendor"
)


# --------------------------------------------------------------------------------------------- building


def build(url: str, instance: Path, work_orders: int, vendors: int, seed: int = 2026):
    """A migrated app with the demo catalog; returns (app, a callable adding the rest of the vendors' work)."""
    from app.extensions import db

    started = time.perf_counter()
    app = demo_app(url, instance)
    seeded = time.perf_counter()
    with app.app_context():
        plan = Plan(db.session, random.Random(seed), work_orders, vendors)
        added = plan.add(db.session, plan.vendor_ids[:FIRST_VENDORS], internal=False)
        print(
            f"built in {seeded - started:.0f} s (migrations, roles, demo catalog) + "
            f"{time.perf_counter() - seeded:.0f} s ({FIRST_VENDORS} vendors: {added})"
        )

    def grow() -> None:
        with app.app_context():
            started = time.perf_counter()
            added = plan.add(db.session, plan.vendor_ids[FIRST_VENDORS:], internal=True)
            print(f"added in {time.perf_counter() - started:.0f} s ({len(plan.vendor_ids)} vendors in all: {added})")

    return app, plan, grow


class Plan:
    """The bench's vendors and how it spreads ``work_orders`` over them; ``add`` inserts a group's share."""

    def __init__(self, session, rng: random.Random, work_orders: int, vendors: int) -> None:
        from models.assets import Asset, AssetModel
        from models.organisations import Customer, Vendor
        from models.stock import SparePart, Warehouse
        from models.support import EngineerProfile
        from models.users import UserAccount

        self.rng = rng
        demo = session.execute(select(Vendor.id, Vendor.code, Vendor.ola_id).order_by(Vendor.id)).all()
        self.ola_id = next(row.ola_id for row in demo if row.code == DEMO_VENDOR)
        self.customers = list(session.scalars(select(Customer.id).where(Customer.active.is_(True))))
        self.engineers = list(session.scalars(select(EngineerProfile.user_id)))
        self.users = list(session.scalars(select(UserAccount.id)))
        self.parts = session.execute(select(SparePart.id, SparePart.unit_cost)).all()
        self.warehouses = session.execute(select(Warehouse.id, Warehouse.vendor_id)).all()
        models = list(session.scalars(select(AssetModel.id)))
        extra = [
            {"code": f"V-B{n:02d}", "name": f"压测服务商{n:02d}技术服务有限公司", "active": n != vendors - len(demo)}
            for n in range(1, vendors - len(demo) + 1)
        ]  # the last one retired: its work stops half a year ago
        session.commit()  # end the read (on SQLite it holds the write lock the inserts need)
        assets = [
            {"serial_number": f"BENCH-{n:06d}", "asset_model_id": rng.choice(models), "customer_id": customer}
            for n, customer in enumerate(rng.choices(self.customers, k=max(work_orders // 5, 1)))
        ]
        with session.get_bind().begin() as conn:
            vendor_rows = insert(Vendor.__table__).returning(Vendor.id, sort_by_parameter_order=True)
            new = list(conn.execute(vendor_rows, extra).scalars()) if extra else []
            self.assets = []
            for start in range(0, len(assets), CHUNK):
                chunk = assets[start : start + CHUNK]
                ids = conn.execute(insert(Asset.__table__).returning(Asset.id, sort_by_parameter_order=True), chunk)
                self.assets += [(pk, row["customer_id"]) for pk, row in zip(ids.scalars(), chunk, strict=True)]
        self.vendor_ids = [row.id for row in demo] + new
        self.retired = new[-1] if new and not extra[-1]["active"] else None
        # Big vendors and small ones (1/sqrt(rank)); each keeps promises to its own degree.
        weights = [1 / math.sqrt(rank) for rank in range(1, len(self.vendor_ids) + 1)]
        total = sum(weights) / 0.85  # 15 % of the work orders go to the company's own engineers
        self.share = {vid: round(work_orders * w / total) for vid, w in zip(self.vendor_ids, weights, strict=True)}
        self.internal = work_orders - sum(self.share.values())
        self.quality = {vid: rng.uniform(0.6, 1.6) for vid in self.vendor_ids}
        self.counter = 0

    def add(self, session, vendor_ids: list[int], internal: bool) -> str:
        """Insert the share of ``vendor_ids`` (and the internal work orders), then ANALYZE; returns a summary."""
        orders = [(vid, n) for vid in vendor_ids for n in range(self.share[vid])]
        if internal:
            orders += [(None, n) for n in range(self.internal)]
        self.rng.shuffle(orders)
        counts: Counter[str] = Counter()
        for start in range(0, len(orders), CHUNK):
            self._insert(session, [vid for vid, _ in orders[start : start + CHUNK]], counts)
        with session.get_bind().begin() as conn:
            conn.exec_driver_sql("ANALYZE")
        return ", ".join(f"{count} {name}" for name, count in counts.items())

    def _insert(self, session, vendor_ids: list[int | None], counts: Counter) -> None:
        from models.service_requests import ServiceRequest
        from models.stock import StockMovement
        from models.work_orders import Expense, TimeEntry, WorkOrder

        rng = self.rng
        pairs = [self._work_order(rng, vid) for vid in vendor_ids]
        with session.get_bind().begin() as conn:
            requests = [request for request, _, _ in pairs]
            ids = conn.execute(
                insert(ServiceRequest.__table__).returning(ServiceRequest.id, sort_by_parameter_order=True), requests
            ).scalars()
            orders = [{**order, "request_id": pk} for (_, order, _), pk in zip(pairs, ids, strict=True)]
            ids = conn.execute(
                insert(WorkOrder.__table__).returning(WorkOrder.id, sort_by_parameter_order=True), orders
            ).scalars()
            extras: dict[str, list[dict]] = defaultdict(list)
            for (_, _, make), pk in zip(pairs, ids, strict=True):
                for table, row in make(pk):
                    extras[table].append(row)
            tables = {"time_entry": TimeEntry, "expense": Expense, "stock_movement": StockMovement}
            for name, rows in extras.items():
                conn.execute(insert(tables[name].__table__), rows)
                counts[name] += len(rows)
        counts["work orders"] += len(orders)

    def _work_order(self, rng: random.Random, vendor_id: int | None):
        """One request with one work order, as the flow would have left them by NOW; and its extra rows."""
        self.counter += 1
        number = self.counter
        quality = self.quality.get(vendor_id, 1.0)
        newest = 180 * 1440 if vendor_id is not None and vendor_id == self.retired else 0
        created = NOW - timedelta(minutes=rng.randint(newest, HISTORY_DAYS * 1440))
        work_type = rng.choices(list(WORK_TYPES), list(WORK_TYPES.values()))[0]
        asset_id, customer_id = rng.choice(self.assets) if rng.random() < 0.6 else (None, rng.choice(self.customers))
        on_ola = vendor_id is not None and rng.random() < 0.95
        accept_within = timedelta(hours=rng.choice((2, 4)))
        complete_within = timedelta(hours=rng.choice((24, 48)))

        # The timeline as it would happen; whatever lies after NOW has not happened yet.
        accepted = created + timedelta(minutes=rng.lognormvariate(math.log(40 * quality), 0.9))
        start = end = checked_in = checked_out = None
        if work_type == "ON_SITE":
            start = accepted + timedelta(hours=rng.randint(1, 30))
            end = start + timedelta(hours=rng.choice((2, 3, 4)))
            late = rng.random() < 0.12 * quality
            checked_in = start + timedelta(minutes=rng.randint(5, 180) if late else rng.randint(-30, 100))
            checked_out = checked_in + timedelta(minutes=rng.randint(30, 240))
            submitted = checked_out + timedelta(minutes=rng.randint(0, 120))
        else:
            if work_type != "REMOTE":
                checked_in = accepted + timedelta(hours=rng.randint(1, 24))
                checked_out = checked_in + timedelta(minutes=rng.randint(30, 480))
            submitted = (checked_out or accepted) + timedelta(minutes=rng.lognormvariate(math.log(240 * quality), 1))
        approved = submitted + timedelta(hours=rng.randint(2, 72))
        fate = rng.random()
        stuck = fate < 0.015  # forgotten: never finished
        if work_type == "ON_SITE" and 0.015 <= fate < 0.02:
            checked_in = checked_out = None  # completed on site without ever checking in
        elif checked_in is not None and 0.02 <= fate < 0.024:
            submitted, checked_out = checked_in - timedelta(minutes=rng.randint(5, 90)), None
            approved = checked_in + timedelta(hours=6)

        def happened(moment):
            return moment if moment is not None and moment <= NOW else None

        if 0.03 <= fate < 0.06:
            status, accepted, start, end = "DECLINED", None, None, None
            checked_in = checked_out = submitted = approved = None
        elif 0.06 <= fate < 0.10:
            status, accepted = "CANCELLED", happened(accepted)
            checked_in = checked_out = submitted = approved = None
        else:
            accepted = None if stuck and fate < 0.0075 else happened(accepted)
            if stuck:  # half never accepted, half accepted and left
                checked_in = checked_out = submitted = approved = None
            if accepted is None:
                start = end = checked_in = checked_out = submitted = approved = None
            checked_in, checked_out = happened(checked_in), happened(checked_out)
            if checked_in is None:
                checked_out = None
            submitted, approved = happened(submitted), happened(approved)
            if submitted is None:
                approved = None
            if approved is not None:
                status = "APPROVED"
            elif submitted is not None:
                status = "SUBMITTED"
            elif checked_in is not None:
                status = "ON_SITE"
            elif accepted is not None:
                status = "SCHEDULED" if start is not None else "ACCEPTED"
            else:
                status = "ASSIGNED"
        done = status in ("SUBMITTED", "APPROVED")
        labour = Decimal(rng.randint(100, 800)) if done else Decimal(0)
        parts = Decimal(rng.randint(50, 2000)) if done and rng.random() < 0.2 else Decimal(0)
        spent = Decimal(rng.randint(2000, 30000)) / 100 if done and rng.random() < 0.3 else Decimal(0)
        rating = rng.choices(list(RATINGS), list(RATINGS.values()))[0] if done and rng.random() < 0.35 else None

        request = {
            "number": f"SR-BENCH-{number:07d}",
            "customer_id": customer_id,
            "asset_id": asset_id,
            "subject": f"压测请求 {number}",
            "priority": rng.choices(("P1", "P2", "P3", "P4"), (10, 20, 50, 20))[0],
            "status": "CLOSED" if approved else "RESOLVED" if submitted else "IN_PROGRESS",
            "assignee_vendor_id": vendor_id,
            "assignee_user_id": None if vendor_id else rng.choice(self.engineers),
            "escalation_level": 4 if vendor_id else 2,
            "satisfaction_rating": rating,
            "satisfaction_at": approved if rating else None,
            "resolved_at": submitted,
            "closed_at": approved,
            "created_at": created - timedelta(minutes=rng.randint(5, 60)),
            "updated_at": approved or submitted or created,
        }
        order = {
            "number": f"WO-BENCH-{number:07d}",
            "customer_id": customer_id,
            "work_type": work_type,
            "status": status,
            "vendor_id": vendor_id,
            "assignee_user_id": None if vendor_id else request["assignee_user_id"],
            "scheduled_start": start,
            "scheduled_end": end,
            "accepted_at": accepted,
            "decline_reason": "人手不足" if status == "DECLINED" else None,
            "checked_in_at": checked_in,
            "checked_out_at": checked_out,
            "submitted_at": submitted,
            "approved_at": approved,
            "result": rng.choices(("FIXED", "PARTLY_FIXED", "NOT_FIXED"), (82, 10, 8))[0] if done else None,
            "ola_id": self.ola_id if on_ola else None,
            "ola_response_minutes": accept_within.seconds // 60 if on_ola else None,
            "ola_resolution_minutes": int(complete_within.total_seconds() // 60) if on_ola else None,
            "response_due_at": created + accept_within if on_ola else None,
            "resolution_due_at": created + complete_within if on_ola else None,
            "labour_cost": labour,
            "parts_cost": parts,
            "expense_cost": spent,
            "cost": labour + parts + spent,
            "created_at": created,
            "updated_at": approved or submitted or checked_in or accepted or created,
        }

        def extras(work_order_id: int):
            """Time entries, expenses and stock issues of a completed work order (a made-up claim now and then)."""
            if not done:
                return
            day = (submitted + timedelta(hours=8)).date()  # the business date in Shanghai
            common = {"work_order_id": work_order_id, "customer_id": customer_id, "vendor_id": vendor_id}
            worked = checked_in or accepted
            if rng.random() < 0.5:
                minutes = rng.randint(30, 300)
                yield "time_entry", {**common, "user_id": rng.choice(self.users), "started_at": worked,
                                     "ended_at": worked + timedelta(minutes=minutes), "minutes": minutes,
                                     "hourly_cost": Decimal(120), "cost": Decimal(2 * minutes)}  # fmt: skip
            claims = []
            if spent:
                claims.append(("TRAVEL", spent))
            material = parts and rng.random() < 0.6
            if material:
                claims.append(("MATERIAL", parts))
            for kind, amount in claims:
                yield "expense", {**common, "kind": kind, "amount": amount, "incurred_on": day}
                if rng.random() < 0.01:  # the same claim twice
                    yield "expense", {**common, "kind": kind, "amount": amount, "incurred_on": day}
            if parts and (not material or rng.random() < 0.9):  # 1 in 10 material claims without a part issued
                part_id, unit_cost = rng.choice(self.parts)
                warehouse_id, holder = rng.choice(self.warehouses)
                issue = {"kind": "ISSUE", "spare_part_id": part_id, "warehouse_id": warehouse_id, "vendor_id": holder}
                issue |= {"quantity": rng.randint(1, 3), "unit_cost": unit_cost, "work_order_id": work_order_id}
                yield "stock_movement", {**issue, "serials_installed": [], "serials_removed": [], "created_at": worked}

        return request, order, extras


# --------------------------------------------------------------------------------------------- measuring


class Statements:
    """SQL statements sent on an engine while counting (SQLite's BEGIN IMMEDIATE left out), with their times."""

    def __init__(self, engine) -> None:
        self.engine, self.sent = engine, []
        self._started: list[float] = []

    def __enter__(self) -> Statements:
        self.sent.clear()
        event.listen(self.engine, "before_cursor_execute", self._before)
        event.listen(self.engine, "after_cursor_execute", self._after)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self._started.append(time.perf_counter())

    def _after(self, conn, cursor, statement, parameters, context, executemany) -> None:
        spent = (time.perf_counter() - self._started.pop()) * 1000
        if not statement.startswith("BEGIN"):
            self.sent.append((statement, parameters, spent))


def explain(engine, statement: str, parameters) -> list[str]:
    """The plan of a captured statement: SQLite's EXPLAIN QUERY PLAN details, PostgreSQL's EXPLAIN lines."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(("EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ") + statement, parameters).all()
    return [row[-1] if sqlite else row[0] for row in rows]


class Cases:
    """The report functions, the vendor's card counts and two pages, each with its floor."""

    def __init__(self, app, plan: Plan) -> None:
        from app.extensions import db
        from models.users import UserAccount
        from reports.periods import period_bounds, utc_bounds

        self.app, self.plan = app, plan
        self.start, self.end = period_bounds("last_90_days", TODAY)
        low, high = utc_bounds(self.start, self.end, TIMEZONE)
        first = TODAY.replace(day=1)
        months_low, months_high = utc_bounds(_months_back(first, 11), _months_back(first, -1), TIMEZONE)
        with app.app_context():
            self.engine = db.engine
            self.dialect = self.engine.dialect.name
            users = dict(db.session.execute(select(UserAccount.username, UserAccount.id)).all())
            self.vendor_user, self.manager = users["vendor1"], users["manager"]
            self.vendor_id = db.session.scalar(select(UserAccount.vendor_id).where(UserAccount.username == "vendor1"))
            db.session.rollback()
        self.period = {"low": low, "high": high}
        self.trend_period = {"low": months_low, "high": months_high}
        self.expense_period = {"first": self.start, "last": self.end, **self.period}

    # ---- the functions (in an app context, a session read ended by rollback as the floors' connections do)

    def scorecards(self):
        from app.extensions import db
        from reports.vendor_scorecard import scorecards

        lines = scorecards(db.session, start=self.start, end=self.end, timezone=TIMEZONE)
        db.session.rollback()
        return {line.vendor_id: line.received for line in lines if line.received}

    def trend(self):
        from app.extensions import db
        from reports.vendor_scorecard import monthly_trend

        points = monthly_trend(db.session, today=TODAY, timezone=TIMEZONE)
        db.session.rollback()
        completed: Counter[int] = Counter()
        for point in points:
            completed[point.vendor_id] += point.completed
        return dict(completed)

    def suspicious(self):
        from app.extensions import db
        from reports.vendor_scorecard import suspicious_records

        records = suspicious_records(db.session, start=self.start, end=self.end, timezone=TIMEZONE)
        db.session.rollback()
        return Counter(record.reason for record in records)

    def cards(self):
        """The vendor's four work-order cards, counted as ``views.cards.shown`` counts them."""
        from app.extensions import db
        from app.security.scoping import Scope, scope_clause
        from models.work_orders import WorkOrder
        from views.workspaces import VENDOR_WORK_CARDS

        scope = Scope("vendor", self.vendor_id)
        counts = []
        for card in VENDOR_WORK_CARDS:
            condition, _ = card.condition(None)
            stmt = select(func.count()).select_from(WorkOrder).where(scope_clause(WorkOrder, scope), condition)
            counts.append(db.session.execute(stmt).scalar_one())
        db.session.rollback()
        return counts

    # ---- the floors

    def _raw(self, sql: str, params: dict):
        """Plain SQL; datetimes and dates bound as the columns store them (SQLite compares them as text)."""
        from models.base import UTCDateTime

        def kind(value):
            return UTCDateTime() if isinstance(value, datetime) else Date() if isinstance(value, date) else None

        binds = [bindparam(name, value, type_=kind(value)) for name, value in params.items()]
        with self.engine.connect() as conn:
            return conn.execute(text(sql).bindparams(*binds)).all()

    def scorecard_floor(self):
        return {row[0]: row[1] for row in self._raw(scorecard_floor_sql(self.dialect), self.period) if row[1]}

    def trend_floor(self):
        return {row[0]: row[1] for row in self._raw(TREND_FLOOR_SQL, self.trend_period)}

    def suspicious_floor(self):
        return self._raw(SUSPICIOUS_FLOOR_SQL, self.expense_period)[0]

    def cards_floor(self):
        from app.domain.work_order_due import ACCEPT_WINDOW, COMPLETE_WINDOW, LATE_LOOKBACK
        from models.base import utcnow

        now = utcnow()
        params = {"now": now, "accept_by": now + ACCEPT_WINDOW, "complete_by": now + COMPLETE_WINDOW}
        params |= {"since": now - LATE_LOOKBACK, "vendor": self.vendor_id}
        return list(self._raw(CARDS_FLOOR_SQL, params)[0])

    def function_cases(self):
        """label, function, floor, whether their results must agree."""
        return [
            ("scorecards(last 90 days)", self.scorecards, self.scorecard_floor, True),
            ("monthly_trend(12 months)", self.trend, self.trend_floor, True),
            ("suspicious_records(90 days)", self.suspicious, self.suspicious_floor, False),
            ("vendor cards (4 counts)", self.cards, self.cards_floor, True),
        ]


def _months_back(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def count_statements(app, cases: Cases) -> dict[str, int]:
    """Statements each function and page sends, once, after a warm-up."""
    counted = {}
    with app.app_context():
        for label, function, _, _ in cases.function_cases():
            function()
            with Statements(cases.engine) as statements:
                function()
            counted[label] = len(statements.sent)
    for label, get in page_cases(app, cases):
        get()
        with Statements(cases.engine) as statements:
            get()
        counted[label] = len(statements.sent)
    return counted


def page_cases(app, cases: Cases):
    """The vendor's landing page (cards, next due, its own scorecard) and the manager's scorecard page."""
    clients = {}
    for name, user_id in (("vendor", cases.vendor_user), ("manager", cases.manager)):
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = str(user_id), True
        clients[name] = client

    def get(client, url: str):
        def request():
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"GET {url} answered {response.status_code}; is the user logged in?")
            return response.text

        return request

    return [
        ("vendor landing page", get(clients["vendor"], "/")),
        ("manager scorecard page", get(clients["manager"], "/vendor-scorecards/?period=last_90_days")),
    ]


def run(app, plan: Plan, grow, repeat: int, try_indexes: bool) -> None:
    cases = Cases(app, plan)
    print(f"{cases.dialect}, period {cases.start} – {cases.end} (last 90 days), now {NOW:%Y-%m-%d %H:%M} UTC")
    at_first = count_statements(app, cases)
    grow()
    at_all = count_statements(app, cases)

    main_plan = plan_of_main_query(app, cases)
    rows = measure(app, cases, repeat)
    print(f"{os.cpu_count()} cores, median of {repeat}, alternated with the floor after a warm-up")
    header = f"{'case':<30} {'ms':>9} {'floor ms':>9} {'ratio':>7} {'statements':>11} {'at 5 vendors':>13}"
    print(header)
    for label, ms, floor_ms in rows:
        print(
            f"{label:<30} {ms:>9.2f} {floor_ms:>9.2f} {ms / floor_ms:>7.1f} {at_all[label]:>11} {at_first[label]:>13}"
        )
    breakdown(app, cases, repeat)
    page_statements(app, cases)
    print("plan of the main scorecard query (the GROUP BY vendor_id over the work orders touching the period):")
    for line in main_plan:
        print(f"    {line}")
    if try_indexes:
        with cases.engine.begin() as conn:
            for name, target in CANDIDATE_INDEXES.items():
                conn.exec_driver_sql(f"CREATE INDEX {name} ON {target}")
            conn.exec_driver_sql("ANALYZE")
        print("with the candidate indexes " + ", ".join(f"{target}" for target in CANDIDATE_INDEXES.values()) + ":")
        for line in plan_of_main_query(app, cases):
            print(f"    {line}")
        for label, ms, floor_ms in measure(app, cases, repeat, pages=False):
            print(f"{label:<30} {ms:>9.2f} {floor_ms:>9.2f} {ms / floor_ms:>7.1f}")


def measure(app, cases: Cases, repeat: int, pages: bool = True) -> list[tuple[str, float, float]]:
    """(label, median ms, floor median ms) of every case; a warning when a function and its floor disagree."""
    rows = []
    with app.app_context():
        for label, function, floor, compare in cases.function_cases():
            ms, floor_ms = alternating_medians(function, floor, repeat)
            result, floored = function(), floor()
            if compare and result != floored:
                print(f"  warning: {label} gave {result}, its floor {floored}: not the same rows?")
            if not compare:
                print(f"  {label}: found {dict(result)}; floor read {floored[0]} work orders, {floored[1]} expenses")
            rows.append((label, ms, floor_ms))
    if pages:
        floors = {
            "vendor landing page": (cases.cards_floor, cases.scorecard_floor),
            "manager scorecard page": (cases.scorecard_floor, cases.trend_floor, cases.suspicious_floor),
        }
        for label, get in page_cases(app, cases):
            ms, floor_ms = alternating_medians(get, lambda parts=floors[label]: _in_context(app, parts), repeat)
            rows.append((label, ms, floor_ms))
    return rows


def _in_context(app, functions) -> None:
    """The floors of a page, one after the other (in an app context: the page's request runs outside one)."""
    with app.app_context():
        for function in functions:
            function()


def breakdown(app, cases: Cases, repeat: int) -> None:
    """Each statement of one scorecards() call re-run alone with its rows fetched (median ms): where the time goes.

    The listener's own timing would stop at the first row, which SQLite returns before finishing a grouped scan."""
    with app.app_context(), Statements(cases.engine) as statements:
        cases.scorecards()
    print(f"scorecards(), statement by statement, each re-run alone with its rows fetched (median of {repeat}):")
    queries = [sent for sent in statements.sent if sent[0].lstrip().upper().startswith("SELECT")]  # not SET LOCAL
    with cases.engine.connect() as conn:
        for statement, parameters, _ in queries:
            spent = []
            for _ in range(repeat):
                started = time.perf_counter()
                conn.exec_driver_sql(statement, parameters).all()
                spent.append((time.perf_counter() - started) * 1000)
            print(f"    {statistics.median(spent):>9.2f} ms  {' '.join(statement.split())[:100]}")
    if cases.dialect == "postgresql":  # a high cost estimate switches on JIT compilation: what it costs here
        statement, parameters, _ = queries[0]  # the work-order aggregate
        for setting in ("on", "off"):
            with cases.engine.begin() as conn:
                conn.exec_driver_sql(f"SET LOCAL jit = {setting}")
                spent = []
                for _ in range(repeat):
                    started = time.perf_counter()
                    conn.exec_driver_sql(statement, parameters).all()
                    spent.append((time.perf_counter() - started) * 1000)
                analysed = conn.exec_driver_sql("EXPLAIN (ANALYZE) " + statement, parameters).scalars().all()
            summary = [line.strip() for line in analysed if line.strip().startswith(("Timing:", "Execution Time"))]
            print(f"    the first with jit = {setting}: {statistics.median(spent):.2f} ms; " + "; ".join(summary))


def page_statements(app, cases: Cases, top: int = 8) -> None:
    """The most frequent statements of each page: what a count that is not a handful is made of."""
    for label, get in page_cases(app, cases):
        get()
        with Statements(cases.engine) as statements:
            get()
        kinds = Counter(" ".join(statement.split())[:100] for statement, _, _ in statements.sent)
        print(f"{label}: {len(statements.sent)} statements, the {top} most frequent:")
        for statement, count in kinds.most_common(top):
            print(f"    {count:>5}  {statement}")


def plan_of_main_query(app, cases: Cases) -> list[str]:
    with app.app_context(), Statements(cases.engine) as statements:
        cases.scorecards()
    main = next((s, p) for s, p, _ in statements.sent if "GROUP BY work_order.vendor_id" in s and "avg(" in s)
    return explain(cases.engine, *main)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work-orders", type=int, default=100_000, help="work orders to add (default 100000)")
    parser.add_argument("--vendors", type=int, default=20, help="vendors in all, the demo's 4 included (default 20)")
    parser.add_argument("--database-url", help="an empty or missing PostgreSQL database (default: temp SQLite)")
    parser.add_argument("--repeat", type=int, default=9, help="timed runs of each case (default 9)")
    parser.add_argument(
        "--try-indexes", action="store_true", help="then add candidate indexes to the scratch database and time again"
    )
    args = parser.parse_args()
    if args.vendors <= FIRST_VENDORS or args.work_orders < 100:
        parser.error(f"--vendors must be more than {FIRST_VENDORS} and --work-orders at least 100")
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        with scratch_database(url):
            app, plan, grow = build(url, Path(tmp) / "instance", args.work_orders, args.vendors)
            run(app, plan, grow, args.repeat, args.try_indexes)


if __name__ == "__main__":
    main()
