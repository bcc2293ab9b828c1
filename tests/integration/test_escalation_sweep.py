"""The escalation sweep against the demo database: due rules fire once, repeat, catch up late, wait for
working hours, stop when acknowledged, and reassign or raise the priority through the domain.

Requests are opened on Monday 2026-11-23 10:00 Shanghai under the demo SLAs (office hours 09–12, 13–18);
each test reads the request's own due time and sweeps at moments relative to it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from app.domain.escalation import acknowledge, sweep
from app.domain.service_requests import RequestDraft, assign, create_request, perform
from models.enums import EscalationTarget, EscalationTrigger, Priority, RequestAction
from models.escalation import EscalationEvent, EscalationRule
from models.notifications import MailOutbox, Notification
from models.service_requests import ServiceRequest
from tests.helpers import DemoRows

SHANGHAI = ZoneInfo("Asia/Shanghai")
OPENED = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
TZ = "Asia/Shanghai"
DISPATCHER = {"Dispatcher"}


@pytest.fixture
def ctx(app):
    from app.extensions import db

    with app.app_context():
        # The demo's own rules are switched off (rolled back after the test): each test sets its own.
        db.session.execute(update(EscalationRule).values(active=False))
        yield DemoRows(db.session)


def open_request(ctx, *, impact=3, urgency=2, code="C-HZXH", at=OPENED) -> ServiceRequest:
    customer = ctx.customer(code)
    draft = RequestDraft(
        customer_id=customer.id,
        subject="打印机卡纸",
        contact_id=customer.contacts[0].id,
        impact=impact,
        urgency=urgency,
    )
    request = create_request(ctx.session, draft, actor=ctx.user("dispatcher"), now=at)
    assign(ctx.session, request, actor=ctx.user("dispatcher"), roles=DISPATCHER, now=at, user=ctx.user("engineer1"))
    ctx.session.flush()
    return request


def rule(ctx, **values) -> EscalationRule:
    defaults = {
        "name": "test rule",
        "target": EscalationTarget.REQUEST_RESOLUTION,
        "trigger": EscalationTrigger.AFTER_DUE,
        "trigger_value": 0,
        "level": 1,
        "notify_assignee": True,
    }
    row = EscalationRule(**{**defaults, **values})
    ctx.session.add(row)
    ctx.session.flush()
    return row


def events(ctx, request) -> list[EscalationEvent]:
    query = select(EscalationEvent).where(EscalationEvent.request_id == request.id).order_by(EscalationEvent.id)
    return list(ctx.session.scalars(query))


def run(ctx, now):
    result = sweep(ctx.session, now=now, timezone=TZ)
    ctx.session.flush()
    ctx.session.expire_all()
    return result


def test_a_due_rule_fires_once_however_often_the_sweep_runs(ctx):
    request = open_request(ctx)
    due = request.resolution_due_at
    assert due is not None
    made = rule(ctx)
    run(ctx, due - timedelta(minutes=1))
    assert events(ctx, request) == []
    for minute in range(3):
        run(ctx, due + timedelta(seconds=30 + minute))
    fired = events(ctx, request)
    assert [(e.rule_id, e.level, e.repeat, e.late) for e in fired] == [(made.id, 1, 0, False)]
    notices = ctx.session.scalars(select(Notification).where(Notification.escalation_event_id == fired[0].id)).all()
    assert [n.recipient.username for n in notices] == ["engineer1"]


def test_the_sweep_reads_only_records_whose_check_is_due(ctx):
    request = open_request(ctx)
    rule(ctx)
    run(ctx, OPENED + timedelta(minutes=1))  # plans the next check: the due time
    ctx.session.refresh(request)
    assert request.escalation_check_at == request.resolution_due_at
    result = run(ctx, request.resolution_due_at - timedelta(minutes=5))
    assert result.checked == 0


def test_repeats_follow_until_acknowledged(ctx):
    request = open_request(ctx)
    due = request.resolution_due_at
    rule(ctx, repeat_minutes=10, max_repeats=3)
    run(ctx, due)
    run(ctx, due + timedelta(minutes=10))
    assert [e.repeat for e in events(ctx, request)] == [0, 1]
    acknowledged = acknowledge(ctx.session, events(ctx, request)[0], actor=ctx.user("engineer1"), now=due)
    assert acknowledged == 2
    for minute in range(10, 60):
        run(ctx, due + timedelta(minutes=minute))
    assert [e.repeat for e in events(ctx, request)] == [0, 1]


def test_after_an_outage_the_missed_repeats_collapse_into_one_late_notice(ctx):
    request = open_request(ctx)
    due = request.resolution_due_at
    rule(ctx, repeat_minutes=10, max_repeats=3)
    run(ctx, due + timedelta(minutes=65))
    fired = events(ctx, request)
    assert [(e.repeat, e.late) for e in fired] == [(3, True)]
    run(ctx, due + timedelta(minutes=120))
    assert len(events(ctx, request)) == 1


def test_notices_wait_for_the_recipients_working_hours_unless_p1(ctx):
    request = open_request(ctx)
    rule(ctx, trigger=EscalationTrigger.BEFORE_DUE, trigger_value=0)
    night = datetime(2026, 11, 24, 22, 0, tzinfo=SHANGHAI)
    request.escalation_check_at = night
    request.resolution_due_at = night
    ctx.session.flush()
    run(ctx, night)
    [event] = events(ctx, request)
    notice = ctx.session.scalars(select(Notification).where(Notification.escalation_event_id == event.id)).one()
    assert notice.visible_from == datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI)
    mail = ctx.session.scalars(select(MailOutbox).where(MailOutbox.dedupe_key.like(f"escalation:{event.id}:%"))).one()
    assert mail.next_attempt_at == datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI)

    urgent = open_request(ctx, impact=1, urgency=1)
    assert urgent.priority is Priority.P1
    urgent.escalation_check_at = urgent.resolution_due_at = night
    ctx.session.flush()
    run(ctx, night)
    [event] = events(ctx, urgent)
    notice = ctx.session.scalars(select(Notification).where(Notification.escalation_event_id == event.id)).one()
    assert notice.visible_from is None


def test_a_paused_request_does_not_escalate_and_resumes_with_shifted_due_times(ctx):
    request = open_request(ctx)
    engineer = ctx.user("engineer1")
    perform(ctx.session, request, RequestAction.START, actor=engineer, roles={"Engineer"}, now=OPENED)
    due = request.resolution_due_at
    rule(ctx)
    pause_at = OPENED + timedelta(hours=1)
    perform(ctx.session, request, RequestAction.WAIT_CUSTOMER, actor=engineer, roles={"Engineer"}, now=pause_at)
    assert request.sla_paused_since == pause_at
    run(ctx, due + timedelta(minutes=5))
    assert events(ctx, request) == []
    resume_at = datetime(2026, 11, 23, 16, 0, tzinfo=SHANGHAI)  # 4 working hours later (lunch excluded)
    perform(ctx.session, request, RequestAction.RESUME, actor=engineer, roles={"Engineer"}, now=resume_at)
    assert request.sla_paused_since is None
    ctx.session.flush()
    ctx.session.refresh(request)
    from app.domain.sla_clock import consumed_seconds
    from app.domain.sla_tracking import request_clock

    clock = request_clock(ctx.session, request)
    assert consumed_seconds(clock.segments, clock.pauses, request.resolution_due_at) == clock.resolution_seconds
    assert request.resolution_due_at > due


def test_raise_priority_and_reassign_actions_go_through_the_domain(ctx):
    request = open_request(ctx)
    before = request.priority
    group = ctx.session.scalars(select(EscalationRule.reassign_group.property.mapper.class_).limit(1)).first()
    rule(ctx, raise_priority=True, reassign_group=group, notify_assignee=False)
    run(ctx, request.resolution_due_at)
    ctx.session.refresh(request)
    [event] = events(ctx, request)
    assert event.actions["priority"] == request.priority.name
    assert request.priority != before
    assert request.assignee_group_id == group.id
    assert ctx.session.scalar(select(func.count()).where(Notification.request_id == request.id)) >= 1


def test_planning_the_next_check_is_not_an_edit_of_the_request(ctx):
    request = open_request(ctx)
    rule(ctx)
    ctx.session.flush()
    ctx.session.refresh(request)
    before = (request.updated_at, request.version)
    run(ctx, OPENED + timedelta(minutes=1))
    ctx.session.refresh(request)
    assert request.escalation_check_at == request.resolution_due_at
    assert (request.updated_at, request.version) == before


def test_a_record_that_breaks_the_sweep_is_skipped_and_looked_at_again_later(ctx, monkeypatch):
    import app.domain.escalation as escalation

    broken, healthy = open_request(ctx), open_request(ctx)
    rule(ctx)
    real_tell = escalation._tell

    def tell(session, event, record, *args, **kwargs):
        if record.id == broken.id:
            raise RuntimeError("a mail template is broken")
        return real_tell(session, event, record, *args, **kwargs)

    monkeypatch.setattr(escalation, "_tell", tell)
    due = healthy.resolution_due_at
    result = run(ctx, due)
    assert result.skipped == 1 and result.fired == 1
    assert events(ctx, broken) == [] and len(events(ctx, healthy)) == 1
    ctx.session.refresh(broken)
    assert broken.escalation_check_at == due + escalation.RETRY_AFTER
