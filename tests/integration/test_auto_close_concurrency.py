"""Two auto-close sweeps at the same moment, on two connections: every request is closed exactly once.

This test commits for real (two threads cannot share the rolled-back test transaction), so it asks
for the app inside the test, outside the per-test transaction, and deletes what it made afterwards.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models.enums import Priority, RequestStatus

NOW = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)
COUNT = 20


def test_two_sweeps_at_once_close_each_request_exactly_once(request):
    app = request.getfixturevalue("app")
    from app.domain.auto_close import sweep
    from app.extensions import db
    from models.organisations import Customer
    from models.service_requests import DeskSettings, ServiceRequest

    with app.app_context():
        engine = db.engine
    with Session(engine) as session:
        had_settings = session.scalar(select(DeskSettings.id)) is not None
        if not had_settings:
            session.add(DeskSettings())
        customer_id = session.scalars(select(Customer.id).where(Customer.code == "C-HZXH")).one()
        rows = [
            ServiceRequest(
                number=f"SR-RACE-{index:04d}",
                customer_id=customer_id,
                subject="race",
                priority=Priority.P3,
                status=RequestStatus.RESOLVED,
                resolved_at=NOW - timedelta(days=60),
                auto_close_from=NOW - timedelta(days=60),
            )
            for index in range(COUNT)
        ]
        session.add_all(rows)
        session.commit()
        ids = {row.id for row in rows}

    start = threading.Barrier(2)
    results, errors = [], []

    def run_sweep() -> None:
        try:
            start.wait(timeout=10)  # before the first statement: SQLite's BEGIN IMMEDIATE makes the other wait
            with Session(engine) as session:
                settings = session.scalars(select(DeskSettings).order_by(DeskSettings.id)).first()
                result = sweep(session, now=NOW, settings=settings)
                session.commit()
                results.append(result)
        except Exception as error:  # reported below; a thread's exception is otherwise lost
            errors.append(error)

    try:
        threads = [threading.Thread(target=run_sweep) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == []
        closed = [request_id for result in results for request_id in result.closed if request_id in ids]
        assert sorted(closed) == sorted(ids)  # each exactly once, between the two runs
        with Session(engine) as session:
            statuses = session.scalars(select(ServiceRequest.status).where(ServiceRequest.id.in_(ids))).all()
            versions = session.scalars(select(ServiceRequest.version).where(ServiceRequest.id.in_(ids))).all()
        assert set(statuses) == {RequestStatus.CLOSED}
        assert set(versions) == {2}  # one write per request
    finally:
        with Session(engine) as session:
            session.execute(delete(ServiceRequest).where(ServiceRequest.id.in_(ids)))
            if not had_settings:
                session.execute(delete(DeskSettings))
            session.commit()
