"""How far the escalation sweep is from what the database needs to do to find the due records.

The sweep (``app.domain.escalation.sweep``) runs every minute over every open request, so it must
read only the due ones. This builds a scratch database (real migrations, roles, demo catalog), adds
``--rows`` open requests with their SLA fields and clock history, ``--due-share`` of them overdue,
and three active rules. Then it times, in the same run: the floor (raw SQL selecting the due ids),
the sweep's own selection (``due_record_ids``), and full sweeps with commits until nothing is due,
counting the SQL statements each issued. A measurement, not a test: nothing here passes or fails.

    .venv/bin/python -m bench.escalation_sweep [--rows 100000] [--due-share 0.05] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import bindparam, event, func, insert, select, text, update

from bench.list_pages import scratch_database
from bench.scratch_app import TIMEZONE, demo_app

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # Monday 11:00 in Shanghai, working hours

CHUNK = 5000
PRIORITY_WEIGHTS = {"P1": 10, "P2": 20, "P3": 50, "P4": 20}
FLOOR_SQL = "SELECT id FROM service_request WHERE escalation_check_at <= :now ORDER BY escalation_check_at, id"


def build(url: str, instance: Path, rows: int, due_share: float, seed: int = 2026):
    """A migrated app with the demo catalog, ``rows`` open requests and 3 rules; returns (app, due count)."""
    from app.extensions import db
    from models.escalation import EscalationRule

    started = time.perf_counter()
    app = demo_app(url, instance)
    with app.app_context():
        db.session.execute(update(EscalationRule).values(active=False))  # the demo's rules: only ours run
        add_rules(db.session)
        db.session.commit()
        seeded = time.perf_counter()
        due = add_requests(db.session, rows, due_share, random.Random(seed))
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
        print(
            f"built in {seeded - started:.0f} s (migrations, roles, demo catalog) + "
            f"{time.perf_counter() - seeded:.0f} s ({rows} requests, {due} due)"
        )
    return app, due


def add_rules(session) -> None:
    """Three active rules: resolution overdue, response due in 30 minutes, P1 at half its resolution time."""
    from models.enums import EscalationTarget, EscalationTrigger
    from models.escalation import EscalationRule

    common = {"level": 1, "notify_assignee": True}
    session.add_all(
        [
            EscalationRule(name="bench: resolution overdue", target=EscalationTarget.REQUEST_RESOLUTION,
                           trigger=EscalationTrigger.AFTER_DUE, trigger_value=0, **common),
            EscalationRule(name="bench: response due in 30 minutes", target=EscalationTarget.REQUEST_RESPONSE,
                           trigger=EscalationTrigger.BEFORE_DUE, trigger_value=30, **common),
            EscalationRule(name="bench: P1 half the resolution time", target=EscalationTarget.REQUEST_RESOLUTION,
                           trigger=EscalationTrigger.PERCENT_ELAPSED, trigger_value=50, priorities=["P1"],
                           **{**common, "level": 2, "notify_group_lead": True}),
        ]
    )  # fmt: skip


def add_requests(session, rows: int, due_share: float, rng: random.Random) -> int:
    """Bulk-insert open requests under the default SLA, each with its CREATED clock row; returns the due count.

    Due ones were opened 3–5 weeks ago and never responded to (both targets overdue); their next check
    is the earliest occurrence of a rule, long past. The others were opened in the last hour and have a
    first response; their next check (resolution due, or half of a P1's) lies ahead.
    """
    from app.domain.sla_clock import ClockSegment, due_at
    from app.domain.sla_tracking import business_calendar_of
    from models.enums import Priority, RequestStatus, SLAChangeReason
    from models.organisations import Customer
    from models.service_requests import ServiceRequest
    from models.sla import SLA
    from models.sla_clock import SLAChange
    from models.support import EngineerProfile

    sla = session.scalars(select(SLA).where(SLA.is_default.is_(True))).one()
    calendar = business_calendar_of(session, sla.calendar)
    targets = {target.priority: (target.response_minutes, target.resolution_minutes) for target in sla.targets}
    customers = list(session.scalars(select(Customer.id).where(Customer.active.is_(True)).order_by(Customer.id)))
    engineers = session.execute(
        select(EngineerProfile.user_id, EngineerProfile.support_group_id).order_by(EngineerProfile.user_id)
    ).all()
    priorities = [Priority[name] for name in PRIORITY_WEIGHTS]
    weights = list(PRIORITY_WEIGHTS.values())
    due_count = round(rows * due_share)
    due_rows = set(rng.sample(range(rows), due_count))
    cache: dict[tuple[datetime, Priority], tuple[datetime, datetime, datetime | None]] = {}

    def dues(created: datetime, priority: Priority) -> tuple[datetime, datetime, datetime | None]:
        """Response due, resolution due, and half the resolution time (P1's rule), as the SLA hook computes."""
        if (created, priority) not in cache:
            response, resolution = targets[priority]
            segments = [ClockSegment(created, calendar)]
            half = due_at(segments, [], resolution * 30) if priority is Priority.P1 else None
            cache[created, priority] = (
                due_at(segments, [], response * 60),
                due_at(segments, [], resolution * 60),
                half,
            )
        return cache[created, priority]

    sla_id, sla_name, calendar_id = sla.id, sla.name, sla.calendar_id
    session.commit()  # end the read (on SQLite it holds the write lock the bulk insert needs)
    requests, changes = [], []
    for index in range(rows):
        priority = rng.choices(priorities, weights)[0]
        user_id, group_id = rng.choice(engineers)
        overdue = index in due_rows
        ago = timedelta(minutes=rng.randint(21 * 1440, 35 * 1440) if overdue else rng.randint(2, 60))
        created = NOW - ago
        response_due, resolution_due, half = dues(created, priority)
        responded = None if overdue else created + timedelta(minutes=1)
        upcoming = [resolution_due, half] + ([response_due - timedelta(minutes=30)] if responded is None else [])
        check_at = min(moment for moment in upcoming if moment is not None)
        if (check_at <= NOW) != overdue or (overdue and resolution_due > NOW):
            raise SystemExit(f"request {index}: check {check_at} does not match its due share; change NOW")
        requests.append(
            {
                "number": f"SR-BENCH-{index:07d}",
                "customer_id": rng.choice(customers),
                "subject": f"压测请求 {index}",
                "priority": priority,
                "impact": 3,
                "urgency": 3,
                "status": RequestStatus.ASSIGNED if overdue else RequestStatus.IN_PROGRESS,
                "assignee_user_id": user_id,
                "assignee_group_id": group_id,
                "sla_id": sla_id,
                "sla_selection": "default",
                "sla_response_minutes": targets[priority][0],
                "sla_resolution_minutes": targets[priority][1],
                "response_due_at": response_due,
                "resolution_due_at": resolution_due,
                "escalation_check_at": check_at,
                "first_response_at": responded,
                "started_at": responded,
                "created_at": created,
                "updated_at": responded or created,
            }
        )
        changes.append(
            {
                "customer_id": requests[-1]["customer_id"],
                "at": created,
                "reason": SLAChangeReason.CREATED,
                "sla_id": sla_id,
                "sla_name": sla_name,
                "selection": "default",
                "calendar_id": calendar_id,
                "priority": priority,
                "response_minutes": targets[priority][0],
                "resolution_minutes": targets[priority][1],
                "consumed_seconds": 0,
                "paused_seconds": 0,
                "response_due_at": response_due,
                "resolution_due_at": resolution_due,
            }
        )
    table = ServiceRequest.__table__
    with session.get_bind().begin() as conn:
        for start in range(0, rows, CHUNK):
            ids = conn.execute(
                insert(table).returning(table.c.id, sort_by_parameter_order=True), requests[start : start + CHUNK]
            ).scalars()
            chunk = [
                {**change, "request_id": pk} for change, pk in zip(changes[start : start + CHUNK], ids, strict=True)
            ]
            conn.execute(insert(SLAChange.__table__), chunk)
    return due_count


def alternating_medians(first, second, repeat: int) -> tuple[float, float]:
    """Median ms of ``first`` and ``second``, run in alternation so both see the same machine load."""
    first(), second()  # warm caches
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for fn, spent in zip((first, second), times, strict=True):
            start = time.perf_counter()
            fn()
            spent.append((time.perf_counter() - start) * 1000)
    return statistics.median(times[0]), statistics.median(times[1])


def explain(conn, dialect: str, sql: str, when) -> list[str]:
    """The plan of ``sql``: SQLite's EXPLAIN QUERY PLAN details, PostgreSQL's EXPLAIN lines."""
    prefix = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN "
    rows = conn.execute(text(prefix + sql).bindparams(when)).all()
    return [row[-1] if dialect == "sqlite" else row[0] for row in rows]


def run(app, due: int, rows: int, repeat: int, top: int = 12) -> None:
    from app.domain.escalation import BATCH, due_record_ids, sweep
    from app.extensions import db
    from models.escalation import EscalationEvent
    from models.notifications import MailOutbox, Notification
    from models.service_requests import ServiceRequest

    with app.app_context():
        engine, session = db.engine, db.session
        dialect = engine.dialect.name
        when = bindparam("now", NOW, type_=ServiceRequest.__table__.c.escalation_check_at.type)

        def floor() -> list[int]:
            with engine.connect() as conn:
                return list(conn.execute(text(FLOOR_SQL).bindparams(when)).scalars())

        def selection() -> list[int]:
            found = due_record_ids(session, ServiceRequest, NOW, limit=rows)
            session.rollback()  # end the read transaction, as the floor's connection does
            return found

        print(f"{dialect}, {rows} open requests, {due} due at {NOW:%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores")
        with engine.connect() as conn:
            for label, sql in (
                ("floor", FLOOR_SQL),
                (f"one sweep batch (LIMIT {BATCH})", f"{FLOOR_SQL} LIMIT {BATCH}"),
            ):
                print(f"plan of the due-row query, {label}:")
                for line in explain(conn, dialect, sql, when):
                    print(f"    {line}")
        floor_ids, selected = floor(), selection()
        if floor_ids != selected or len(floor_ids) != due:
            print(f"  warning: floor found {len(floor_ids)}, due_record_ids {len(selected)}, expected {due}")
        selection_ms, floor_ms = alternating_medians(selection, floor, repeat)

        statements: list[str] = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        sweeps, checked, fired, late, skipped = 0, 0, 0, 0, 0
        started = time.perf_counter()
        while True:
            result = sweep(session, now=NOW, timezone=TIMEZONE)
            session.commit()
            sweeps += 1
            checked, fired, late, skipped = (
                checked + result.checked, fired + result.fired, late + result.late, skipped + result.skipped
            )  # fmt: skip
            if not result.checked:
                break
        sweep_ms = (time.perf_counter() - started) * 1000
        event.remove(engine, "before_cursor_execute", listener)
        issued = [s for s in statements if not s.startswith("BEGIN")]  # SQLite's BEGIN IMMEDIATE
        still_due = len(floor())
        kinds = Counter(s.split(None, 1)[0].upper() for s in issued)
        events = session.scalar(select(func.count()).select_from(EscalationEvent))
        notices = session.scalar(
            select(func.count()).select_from(Notification).where(Notification.kind == "escalation")
        )
        mails = session.scalar(select(func.count()).select_from(MailOutbox).where(MailOutbox.kind == "escalation"))
        session.rollback()

    per_record = sweep_ms / checked if checked else float("nan")
    print(f"{'step':<34} {'ms':>11} {'ms/due':>8} {'ratio':>8} {'statements':>11}")
    print(f"{'(a) floor: raw SQL, due ids':<34} {floor_ms:>11.2f} {floor_ms / due:>8.4f} {1:>8.1f} {1:>11}")
    print(
        f"{'(b) due_record_ids(limit=rows)':<34} {selection_ms:>11.2f} {selection_ms / due:>8.4f} "
        f"{selection_ms / floor_ms:>8.1f} {1:>11}"
    )
    print(
        f"{'(c) full sweeps + commits':<34} {sweep_ms:>11.0f} {per_record:>8.2f} "
        f"{sweep_ms / floor_ms:>8.0f} {len(issued):>11}"
    )
    print(
        f"(c): {sweeps} sweeps (batch {BATCH}), checked {checked}, fired {fired}, late {late}, skipped {skipped}; "
        f"{len(issued) / max(checked, 1):.1f} statements per record; "
        + ", ".join(f"{kind} {count}" for kind, count in kinds.most_common())
        + f"; the {top} most frequent:"
    )
    for statement, count in Counter(" ".join(s.split())[:110] for s in issued).most_common(top):
        print(f"    {count:>7}  {statement}")
    print(f"    stored: {events} events, {notices} notices, {mails} mails; due afterwards: {still_due}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="open requests to add (default 100000)")
    parser.add_argument("--due-share", type=float, default=0.05, help="share of them due now (default 0.05)")
    parser.add_argument("--database-url", help="an empty or missing PostgreSQL database (default: temp SQLite)")
    parser.add_argument("--repeat", type=int, default=9, help="timed selections of each kind (default 9)")
    args = parser.parse_args()
    if not 0 < args.due_share <= 1 or args.rows < 1:
        parser.error("--rows must be positive and --due-share in (0, 1]")
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        with scratch_database(url):
            run(*build(url, Path(tmp) / "instance", args.rows, args.due_share), args.rows, args.repeat)


if __name__ == "__main__":
    main()
