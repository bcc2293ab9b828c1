"""Escalations fire exactly once when sweeps repeat and overlap, and a sweep after an outage catches up once.

The overlap tests commit for real (threads cannot share the rolled-back test transaction): they ask for
the app inside the fixture, outside the per-test transaction, and delete what they made afterwards.
On PostgreSQL the overlapping sweeps really run side by side (the loser's event insert waits on the
unique index until the winner commits, then fails); on SQLite ``BEGIN IMMEDIATE`` makes them take turns.

Requests are opened on Monday 2026-11-23 10:00 Shanghai for C-HZXH (gold SLA, P3: resolution due
Wednesday 10:00) and assigned to engineer1; the rule tells the assignee and engineer3.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from app.domain.escalation import SweepResult, sweep
from models.enums import EscalationTarget, EscalationTrigger, JobOutcome
from models.escalation import EscalationEvent, EscalationRule, escalation_rule_user
from models.history import ChangeLog
from models.jobs import JobRun
from models.notifications import MailOutbox, Notification
from models.service_requests import DocumentCounter, RequestNote, ServiceRequest
from models.sla_clock import SLAChange, SLAPause
from models.work_orders import WorkOrder

SHANGHAI = ZoneInfo("Asia/Shanghai")
OPENED = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
TZ = "Asia/Shanghai"
COUNT = 20
RULE = "concurrency test: resolution overdue"


@dataclass
class World:
    app: object
    engine: object
    ids: set[int]
    rule_id: int
    due: datetime
    recipients: set[int]


def _users(session: Session, *names: str) -> list:
    from models.users import UserAccount

    return [session.scalars(select(UserAccount).where(UserAccount.username == name)).one() for name in names]


@pytest.fixture
def world(request):
    """20 committed open requests overdue for resolution, one repeating rule; the demo's rules off."""
    app = request.getfixturevalue("app")  # not in the signature: no per-test transaction around this test
    from app.domain.service_requests import RequestDraft, assign, create_request
    from app.extensions import db
    from models.organisations import Customer

    with app.app_context():
        engine = db.engine
        with Session(engine) as session:
            counters = dict(session.execute(select(DocumentCounter.key, DocumentCounter.value)).all())
            last_change = session.scalar(select(func.max(ChangeLog.id))) or 0
            last_run = session.scalar(select(func.max(JobRun.id))) or 0
            demo_rules = set(session.scalars(select(EscalationRule.id).where(EscalationRule.active.is_(True))))
            session.execute(update(EscalationRule).where(EscalationRule.id.in_(demo_rules)).values(active=False))
            dispatcher, engineer1, engineer3 = _users(session, "dispatcher", "engineer1", "engineer3")
            customer = session.scalars(select(Customer).where(Customer.code == "C-HZXH")).one()
            rows = []
            for index in range(COUNT):
                draft = RequestDraft(
                    customer_id=customer.id,
                    subject=f"并发升级测试 {index}",
                    contact_id=customer.contacts[0].id,
                    impact=3,
                    urgency=2,
                )
                row = create_request(session, draft, actor=dispatcher, now=OPENED)
                assign(session, row, actor=dispatcher, roles={"Dispatcher"}, now=OPENED, user=engineer1)
                rows.append(row)
            rule = EscalationRule(
                name=RULE,
                target=EscalationTarget.REQUEST_RESOLUTION,
                trigger=EscalationTrigger.AFTER_DUE,
                trigger_value=0,
                level=1,
                notify_assignee=True,
                notify_users=[engineer3],
                repeat_minutes=10,
                max_repeats=3,
            )
            session.add(rule)
            session.commit()
            ids = {row.id for row in rows}
            dues = {row.resolution_due_at for row in rows}
            made = World(app, engine, ids, rule.id, dues.pop(), {engineer1.id, engineer3.id})
    try:
        assert dues == set()  # the same SLA and priority: one due time for all
        assert made.due == datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI)
        yield made
    finally:
        _clean(engine, made, counters, last_change, last_run, demo_rules)


def _clean(engine, made: World, counters: dict, last_change: int, last_run: int, demo_rules: set[int]) -> None:
    """Delete what the test committed, children first; put back the counters and the demo's rules."""
    ids = made.ids
    with Session(engine) as session:
        events = select(EscalationEvent.id).where(
            or_(EscalationEvent.request_id.in_(ids), EscalationEvent.rule_id == made.rule_id)
        )
        session.execute(
            delete(Notification).where(
                or_(Notification.request_id.in_(ids), Notification.escalation_event_id.in_(events))
            )
        )
        session.execute(delete(MailOutbox).where(MailOutbox.request_id.in_(ids)))
        session.execute(delete(EscalationEvent).where(EscalationEvent.id.in_(events)))
        session.execute(delete(escalation_rule_user).where(escalation_rule_user.c.rule_id == made.rule_id))
        session.execute(delete(EscalationRule).where(EscalationRule.id == made.rule_id))
        session.execute(delete(SLAChange).where(SLAChange.request_id.in_(ids)))
        session.execute(delete(SLAPause).where(SLAPause.request_id.in_(ids)))
        session.execute(delete(RequestNote).where(RequestNote.request_id.in_(ids)))
        session.execute(delete(WorkOrder).where(WorkOrder.request_id.in_(ids)))
        session.execute(delete(ServiceRequest).where(ServiceRequest.id.in_(ids)))
        session.execute(delete(ChangeLog).where(ChangeLog.id > last_change))
        session.execute(delete(JobRun).where(JobRun.id > last_run))
        session.execute(delete(DocumentCounter).where(DocumentCounter.key.not_in(counters)))
        for key, value in counters.items():
            session.execute(update(DocumentCounter).where(DocumentCounter.key == key).values(value=value))
        session.execute(update(EscalationRule).where(EscalationRule.id.in_(demo_rules)).values(active=True))
        session.commit()


def sweeps_at_once(made: World, now: datetime, count: int) -> list[SweepResult]:
    """``count`` sweeps at the same ``now``, each in a thread with its own session, each committing."""
    start = threading.Barrier(count)
    results: list[SweepResult] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with made.app.app_context():
                start.wait(timeout=10)  # before the first statement, so all of them race for the same rows
                with Session(made.engine) as session:
                    result = sweep(session, now=now, timezone=TZ)
                    session.commit()
                    results.append(result)
        except BaseException as error:  # a thread's exception is otherwise lost
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert len(results) == count
    return results


def fired(made: World) -> list[tuple[int, int, int]]:
    """(event id, request id, repeat) of the test rule's events."""
    with Session(made.engine) as session:
        query = select(EscalationEvent.id, EscalationEvent.request_id, EscalationEvent.repeat).where(
            EscalationEvent.rule_id == made.rule_id
        )
        return [tuple(row) for row in session.execute(query.order_by(EscalationEvent.id))]


def assert_once_per_request_and_recipient(made: World, events: list[tuple[int, int, int]], repeat: int) -> None:
    assert sorted(request_id for _, request_id, _ in events) == sorted(made.ids)  # one each, none left out
    assert {r for _, _, r in events} == {repeat}
    event_ids = [event_id for event_id, _, _ in events]
    with Session(made.engine) as session:
        notices = session.execute(
            select(Notification.escalation_event_id, Notification.recipient_id).where(
                Notification.escalation_event_id.in_(event_ids)
            )
        ).all()
        mails = session.scalars(
            select(MailOutbox.dedupe_key).where(
                or_(*(MailOutbox.dedupe_key.like(f"escalation:{event_id}:%") for event_id in event_ids))
            )
        ).all()
    per_notice = Counter(map(tuple, notices))
    assert set(per_notice.values()) == {1}
    assert set(per_notice) == {(event_id, user_id) for event_id in event_ids for user_id in made.recipients}
    assert sorted(mails) == sorted(f"escalation:{e}:{u}" for e in event_ids for u in made.recipients)


@pytest.mark.parametrize("overlapping", [2, 4])
def test_overlapping_sweeps_fire_each_escalation_exactly_once(world, overlapping):
    now = world.due + timedelta(seconds=30)
    results = sweeps_at_once(world, now, overlapping)
    assert sum(result.fired for result in results) == COUNT
    assert sum(result.late for result in results) == 0
    first = fired(world)
    assert len(first) == COUNT
    assert_once_per_request_and_recipient(world, first, repeat=0)

    # The same minute again, and five minutes on: nothing is due, nothing new.
    for later in (now, now + timedelta(minutes=5)):
        again = sweeps_at_once(world, later, 2)
        assert sum(result.fired for result in again) == 0
        assert fired(world) == first

    # Ten minutes on, the first repeat: once per request, however many sweeps run.
    repeats = sweeps_at_once(world, now + timedelta(minutes=10), overlapping)
    assert sum(result.fired for result in repeats) == COUNT
    second = [event for event in fired(world) if event not in first]
    assert_once_per_request_and_recipient(world, second, repeat=1)
    with Session(world.engine) as session:
        checks = set(
            session.scalars(select(ServiceRequest.escalation_check_at).where(ServiceRequest.id.in_(world.ids)))
        )
    assert checks == {world.due + timedelta(minutes=20)}  # each request's next look: the second repeat


# ---------------------------------------------------------------------------------------------
# Catch-up after an outage, through the Huey task (rolled back like any other test)
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def ctx(app):
    from app.extensions import db

    with app.app_context():
        db.session.execute(update(EscalationRule).values(active=False))  # rolled back after the test
        yield db.session


def test_after_an_hour_without_sweeps_the_task_fires_one_late_notice_and_logs_its_run(ctx):
    from app.domain.service_requests import RequestDraft, assign, create_request
    from models.base import simulated_clock
    from models.organisations import Customer
    from tasks.escalation import escalation_sweep

    session = ctx
    dispatcher, engineer1 = _users(session, "dispatcher", "engineer1")
    customer = session.scalars(select(Customer).where(Customer.code == "C-HZXH")).one()
    draft = RequestDraft(customer_id=customer.id, subject="服务器宕机", contact_id=customer.contacts[0].id, impact=3)
    request = create_request(session, draft, actor=dispatcher, now=OPENED)
    assign(session, request, actor=dispatcher, roles={"Dispatcher"}, now=OPENED, user=engineer1)
    rule = EscalationRule(
        name=RULE,
        target=EscalationTarget.REQUEST_RESOLUTION,
        trigger=EscalationTrigger.AFTER_DUE,
        trigger_value=0,
        level=1,
        notify_assignee=True,
        repeat_minutes=10,
        max_repeats=3,
    )
    session.add(rule)
    session.commit()
    due = request.resolution_due_at

    with simulated_clock(due + timedelta(minutes=65)):  # the consumer was down since the due time
        escalation_sweep.call_local()
    session.expire_all()
    events = session.scalars(select(EscalationEvent).where(EscalationEvent.request_id == request.id)).all()
    assert [(e.rule_id, e.repeat, e.late, e.due_at) for e in events] == [
        (rule.id, 3, True, due + timedelta(minutes=30))
    ]  # repeats 0–2 collapse into the last one, marked late
    [job] = session.scalars(select(JobRun).where(JobRun.job == "escalation_sweep")).all()
    assert (job.outcome, job.items) == (JobOutcome.OK, 1)
    assert job.detail == "checked 1, fired 1, late 1, skipped 0"

    with simulated_clock(due + timedelta(minutes=120)):  # the repeats are used up: nothing more
        escalation_sweep.call_local()
    session.expire_all()
    assert session.scalar(select(func.count()).where(EscalationEvent.request_id == request.id)) == 1
    assert session.get(ServiceRequest, request.id).escalation_check_at is None
    runs = session.scalars(select(JobRun.items).where(JobRun.job == "escalation_sweep").order_by(JobRun.id)).all()
    assert runs == [1, 0]
