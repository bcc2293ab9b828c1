"""Escalation e-mail through a real local SMTP server (aiosmtpd): once per recipient, in the recipient's
language; a non-urgent notice fired at night waits for the recipient's working hours, a P1 one does not.

Requests are opened on Monday 2026-11-23 10:00 Shanghai for C-HZXH (gold SLA) and assigned to
engineer1 (Chinese); the rules tell engineer1 and engineer3 (English). Both work the China office
calendar (09–12, 13–18 on working days), as the demo's engineer profiles say.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from app.domain.escalation import sweep
from models.enums import EscalationTarget, EscalationTrigger, MailStatus, Priority
from models.escalation import EscalationEvent, EscalationRule
from models.notifications import MailOutbox, Notification

SHANGHAI = ZoneInfo("Asia/Shanghai")
OPENED = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
TZ = "Asia/Shanghai"


@pytest.fixture
def ctx(app):
    """The app's session, with the demo's rules switched off (rolled back after the test)."""
    from app.extensions import db
    from models.users import UserAccount

    with app.app_context():
        session = db.session
        session.execute(update(EscalationRule).values(active=False))

        class Desk:
            @staticmethod
            def user(name):
                return session.scalars(select(UserAccount).where(UserAccount.username == name)).one()

        Desk.session = session
        yield Desk


def open_request(ctx, *, impact: int = 3, urgency: int = 2):
    from app.domain.service_requests import RequestDraft, assign, create_request
    from models.organisations import Customer

    customer = ctx.session.scalars(select(Customer).where(Customer.code == "C-HZXH")).one()
    draft = RequestDraft(
        customer_id=customer.id,
        subject="存储阵列告警",
        contact_id=customer.contacts[0].id,
        impact=impact,
        urgency=urgency,
    )
    dispatcher = ctx.user("dispatcher")
    request = create_request(ctx.session, draft, actor=dispatcher, now=OPENED)
    assign(ctx.session, request, actor=dispatcher, roles={"Dispatcher"}, now=OPENED, user=ctx.user("engineer1"))
    return request


def add_rule(ctx, minutes_after_due: int = 0) -> EscalationRule:
    rule = EscalationRule(
        name="mail test: resolution overdue",
        target=EscalationTarget.REQUEST_RESOLUTION,
        trigger=EscalationTrigger.AFTER_DUE,
        trigger_value=minutes_after_due,
        level=1,
        notify_assignee=False,
        notify_users=[ctx.user("engineer1"), ctx.user("engineer3")],
    )
    ctx.session.add(rule)
    return rule


def run_sweep(ctx, now: datetime):
    result = sweep(ctx.session, now=now, timezone=TZ)
    ctx.session.commit()  # mail not held for working hours is handed to the sender now
    return result


def body(message) -> str:
    return message.get_body(("plain",)).get_content()


def test_each_recipient_gets_one_mail_in_their_own_language(ctx, smtp):
    request = open_request(ctx)
    add_rule(ctx)
    ctx.session.commit()
    zh_address, en_address = ctx.user("engineer1").email, ctx.user("engineer3").email
    assert (ctx.user("engineer1").preferred_language, ctx.user("engineer3").preferred_language) == ("zh", "en")
    before = {address: len(smtp.to(address)) for address in (zh_address, en_address)}  # e.g. the assignment

    due = request.resolution_due_at
    assert due == datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI)  # Wednesday, in working hours
    assert run_sweep(ctx, due + timedelta(seconds=30)).fired == 1
    for minute in range(1, 4):  # later sweeps send nothing more
        run_sweep(ctx, due + timedelta(minutes=minute))

    [chinese] = smtp.to(zh_address)[before[zh_address] :]
    [english] = smtp.to(en_address)[before[en_address] :]
    assert chinese["Subject"].startswith(f"[{request.number}] 第 1 级升级")
    assert english["Subject"].startswith(f"[{request.number}] Escalation level 1")
    assert (chinese["Content-Language"], english["Content-Language"]) == ("zh", "en")
    assert f"{request.number} 自 2026-11-25 10:00 起解决已超时" in body(chinese)
    assert f"the resolution of {request.number} is overdue since 2026-11-25 10:00" in body(english)
    assert "Escalation" not in body(chinese)


def test_a_notice_fired_at_night_waits_for_working_hours_and_the_mail_sweep_sends_it_then(ctx, smtp):
    from models.base import simulated_clock
    from tasks.mail import sweep_mail

    request = open_request(ctx)
    assert request.priority is not Priority.P1
    due = request.resolution_due_at
    night = datetime(2026, 11, 25, 22, 0, tzinfo=SHANGHAI)  # Wednesday 22:00: both engineers are off
    add_rule(ctx, minutes_after_due=int((night - due).total_seconds() // 60))
    ctx.session.commit()
    addresses = [ctx.user("engineer1").email, ctx.user("engineer3").email]
    before = {address: len(smtp.to(address)) for address in addresses}

    assert run_sweep(ctx, night + timedelta(seconds=30)).fired == 1
    [event] = ctx.session.scalars(select(EscalationEvent).where(EscalationEvent.request_id == request.id)).all()
    morning = datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI)  # Thursday, the calendar's next opening
    mails = ctx.session.scalars(select(MailOutbox).where(MailOutbox.dedupe_key.like(f"escalation:{event.id}:%"))).all()
    assert sorted(mail.to_address for mail in mails) == sorted(addresses)
    assert {(mail.status, mail.next_attempt_at) for mail in mails} == {(MailStatus.PENDING, morning)}
    notices = ctx.session.scalars(select(Notification).where(Notification.escalation_event_id == event.id)).all()
    assert [notice.visible_from for notice in notices] == [morning, morning]

    for moment in (night + timedelta(minutes=1), morning - timedelta(minutes=1)):  # the mail sweep, overnight
        with simulated_clock(moment):
            sweep_mail.call_local()
    assert {address: len(smtp.to(address)) for address in addresses} == before

    with simulated_clock(morning):
        sweep_mail.call_local()
    with simulated_clock(morning + timedelta(minutes=1)):
        sweep_mail.call_local()
    for address in addresses:
        [sent] = smtp.to(address)[before[address] :]
        assert request.number in sent["Subject"] and request.number in body(sent)
    ctx.session.expire_all()
    assert {mail.status for mail in mails} == {MailStatus.SENT}


def test_a_p1_notice_fired_at_night_is_mailed_at_once(ctx, smtp):
    request = open_request(ctx, impact=1, urgency=1)
    assert request.priority is Priority.P1
    due = request.resolution_due_at
    night = datetime(2026, 11, 23, 22, 0, tzinfo=SHANGHAI)  # Monday 22:00, after the P1's 15:00 due time
    add_rule(ctx, minutes_after_due=int((night - due).total_seconds() // 60))
    ctx.session.commit()
    addresses = [ctx.user("engineer1").email, ctx.user("engineer3").email]
    before = {address: len(smtp.to(address)) for address in addresses}

    assert run_sweep(ctx, night + timedelta(seconds=30)).fired == 1
    for address in addresses:
        [sent] = smtp.to(address)[before[address] :]
        assert request.number in sent["Subject"]
    [event] = ctx.session.scalars(select(EscalationEvent).where(EscalationEvent.request_id == request.id)).all()
    notices = ctx.session.scalars(select(Notification).where(Notification.escalation_event_id == event.id)).all()
    assert [notice.visible_from for notice in notices] == [None, None]
