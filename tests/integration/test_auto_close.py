"""Auto-close job: a resolved request is reminded once after N business days, closed after M.

Business days are those of the desk settings' calendar here (Mon–Fri, with a holiday when a test
adds one); the request was resolved on Monday 2026-11-23 10:00 in Shanghai; reminder after 3
business days, closing after 5.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from models.enums import CalendarDayKind, NoteKind, Priority, RequestStatus
from tests.helpers import rendered

SHANGHAI = ZoneInfo("Asia/Shanghai")
RESOLVED_AT = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in November 2026, Shanghai time."""
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


def resolved_request(session, *, resolved_at: datetime, customer_code: str = "C-HZXH", contact: bool = True):
    """A resolved request of a demo customer, with a contact who has an e-mail address."""
    from models.organisations import Contact, Customer
    from models.service_requests import ServiceRequest

    customer = session.scalars(select(Customer).where(Customer.code == customer_code)).one()
    person = session.scalars(
        select(Contact).where(Contact.customer_id == customer.id, Contact.email.is_not(None)).order_by(Contact.id)
    ).first()
    count = session.scalar(select(ServiceRequest.id).order_by(ServiceRequest.id.desc()).limit(1)) or 0
    request = ServiceRequest(
        number=f"SR-T{count + 1:06d}",
        customer_id=customer.id,
        contact=person if contact else None,
        subject="打印机卡纸 Printer jams",
        priority=Priority.P3,
        status=RequestStatus.RESOLVED,
        resolution="Replaced the roller.",
        resolved_at=resolved_at,
        auto_close_from=resolved_at,
    )
    session.add(request)
    session.commit()
    return request


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


@pytest.fixture
def session(ctx):
    from app.extensions import db

    return db.session


@pytest.fixture
def office_calendar(session):
    """Mon–Fri 09:00–18:00 as the desk's calendar; reminder after 3, closing after 5 business days."""
    from app.domain.service_requests import desk_settings
    from models.calendars import Calendar

    calendar = Calendar(
        name="Test office hours",
        timezone="Asia/Shanghai",
        weekly_hours={str(day): ([["09:00", "18:00"]] if day < 5 else []) for day in range(7)},
    )
    session.add(calendar)
    session.flush()
    settings = desk_settings(session)
    settings.calendar_id = calendar.id
    settings.reminder_business_days = 3
    settings.auto_close_business_days = 5
    session.commit()
    return calendar


def run(session, now):
    from tasks.auto_close import run as run_sweep

    return run_sweep(session, now)


def reminders(session, request):
    from models.notifications import MailOutbox

    return session.scalars(
        select(MailOutbox).where(MailOutbox.request_id == request.id, MailOutbox.kind == "auto_close_reminder")
    ).all()


def test_nothing_happens_before_the_reminder_is_due(session, office_calendar):
    request = resolved_request(session, resolved_at=RESOLVED_AT)
    assert run(session, at(26, 17, 59)) == {"reminded": [], "closed": [], "skipped": []}
    assert request.reminded_at is None and reminders(session, request) == []


def test_contact_is_reminded_once_after_three_business_days(session, office_calendar):
    request = resolved_request(session, resolved_at=RESOLVED_AT)
    assert run(session, at(26, 18, 1))["reminded"] == [request.id]
    assert run(session, at(26, 18, 11))["reminded"] == []
    assert run(session, at(27, 9, 0))["reminded"] == []
    mails = reminders(session, request)
    assert len(mails) == 1
    assert mails[0].to_address == request.contact.email
    assert request.number in rendered(mails[0]).subject
    assert request.reminded_at == at(26, 18, 1)
    assert request.status is RequestStatus.RESOLVED


def test_reminder_names_the_closing_day_in_the_contacts_language(session, office_calendar):
    request = resolved_request(session, resolved_at=RESOLVED_AT)
    run(session, at(26, 18, 1))
    mail = reminders(session, request)[0]
    assert mail.language == request.contact.preferred_language
    closing_day = {"zh": "2026年11月30日", "en": "Nov 30, 2026"}[mail.language]
    assert closing_day in rendered(mail).text


def test_request_is_closed_after_five_business_days_by_the_job(session, office_calendar):
    from models.history import ChangeLog

    request = resolved_request(session, resolved_at=RESOLVED_AT)
    run(session, at(26, 18, 1))
    assert run(session, at(30, 17, 59))["closed"] == []  # weekend skipped: Mon 30th is the 5th day
    assert run(session, at(30, 18, 0))["closed"] == [request.id]
    assert request.status is RequestStatus.CLOSED
    assert request.closed_at == at(30, 18, 0)
    entry = session.scalars(
        select(ChangeLog)
        .where(ChangeLog.entity == "service_request", ChangeLog.entity_id == request.id)
        .order_by(ChangeLog.id.desc())
    ).first()
    assert entry.actor_label == "auto-close" and entry.actor_id is None
    assert entry.changes["status"] == ["RESOLVED", "CLOSED"]


def test_running_again_after_closing_does_nothing(session, office_calendar):
    request = resolved_request(session, resolved_at=RESOLVED_AT)
    run(session, at(30, 18, 0))
    version = request.version
    assert run(session, at(30, 18, 10)) == {"reminded": [], "closed": [], "skipped": []}
    assert request.version == version


def test_holidays_are_not_business_days(session, office_calendar):
    from models.calendars import CalendarDay

    session.add(
        CalendarDay(calendar_id=office_calendar.id, day=date(2026, 11, 25), kind=CalendarDayKind.HOLIDAY, name="x")
    )
    session.commit()
    request = resolved_request(session, resolved_at=RESOLVED_AT)
    assert run(session, at(26, 18, 1))["reminded"] == []
    assert run(session, at(27, 18, 1))["reminded"] == [request.id]


def test_the_requests_sla_calendar_comes_before_the_desks(session, office_calendar):
    from models.calendars import Calendar
    from models.sla import SLA

    every_day = Calendar(
        name="Test every day", timezone="Asia/Shanghai", weekly_hours={str(d): [["00:00", "24:00"]] for d in range(7)}
    )
    session.add(every_day)
    session.flush()
    sla = SLA(name="Test 7x24", calendar_id=every_day.id)
    session.add(sla)
    request = resolved_request(session, resolved_at=RESOLVED_AT)
    request.sla = sla
    session.commit()
    # Every day counts: Tue, Wed, Thu end at Friday 00:00.
    assert run(session, at(27, 0, 1))["reminded"] == [request.id]


def test_a_reply_from_the_customer_restarts_the_clock(session, office_calendar):
    from app.domain.service_requests import add_note
    from models.users import UserAccount

    request = resolved_request(session, resolved_at=RESOLVED_AT)
    run(session, at(26, 18, 1))
    customer = session.scalars(select(UserAccount).where(UserAccount.username == "customer1")).one()
    add_note(session, request, kind=NoteKind.REPLY, body="Still jams sometimes", actor=customer, now=at(27, 10))
    session.commit()
    assert (request.auto_close_from, request.reminded_at) == (at(27, 10), None)
    assert run(session, at(30, 18, 0))["closed"] == []  # five business days now end on Friday 4 December
    assert run(session, at(30, 18, 1))["reminded"] == []
    assert run(session, datetime(2026, 12, 2, 18, 1, tzinfo=SHANGHAI))["reminded"] == [request.id]
    assert len(reminders(session, request)) == 2  # a new clock, a new reminder


def test_a_survey_answer_restarts_the_clock(session, office_calendar):
    from app.domain.surveys import answer_survey, create_survey

    request = resolved_request(session, resolved_at=RESOLVED_AT)
    _token, survey = create_survey(session, request, now=RESOLVED_AT, valid_days=14)
    run(session, at(26, 18, 1))
    answer_survey(session, survey, rating=5, comment=None, now=at(27, 9))
    session.commit()
    assert (request.auto_close_from, request.reminded_at) == (at(27, 9), None)
    assert run(session, at(30, 18, 0))["closed"] == []


def test_requests_without_a_contact_are_still_closed(session, office_calendar):
    request = resolved_request(session, resolved_at=RESOLVED_AT, contact=False)
    assert run(session, at(26, 18, 1))["reminded"] == [request.id]
    assert reminders(session, request) == []
    assert run(session, at(30, 18, 0))["closed"] == [request.id]


def test_other_statuses_are_left_alone(session, office_calendar):
    request = resolved_request(session, resolved_at=RESOLVED_AT)
    request.status = RequestStatus.IN_PROGRESS
    session.commit()
    assert run(session, at(30, 18, 0)) == {"reminded": [], "closed": [], "skipped": []}


def test_a_run_that_loses_the_race_for_a_row_skips_it(session, office_calendar, monkeypatch):
    """Another run reminds the contact between this run's select and its write: this run backs off."""
    import app.domain.auto_close as auto_close
    from models.service_requests import ServiceRequest

    request = resolved_request(session, resolved_at=RESOLVED_AT)
    select_due = auto_close.due_request_ids

    def select_then_lose_race(*args, **kwargs):
        ids = select_due(*args, **kwargs)
        session.execute(
            update(ServiceRequest)
            .where(ServiceRequest.id == request.id)
            .values(reminded_at=at(26, 18, 0), version=ServiceRequest.version + 1)
            .execution_options(synchronize_session=False)
        )
        return ids

    monkeypatch.setattr(auto_close, "due_request_ids", select_then_lose_race)
    assert run(session, at(26, 18, 1)) == {"reminded": [], "closed": [], "skipped": [request.id]}
    session.refresh(request)
    assert request.reminded_at == at(26, 18, 0)
    assert reminders(session, request) == []


def test_the_periodic_task_sweeps_now(session):
    from tasks.auto_close import auto_close

    result = auto_close.call_local()
    assert set(result) == {"reminded", "closed", "skipped"}


def test_closing_charges_the_contract_once_and_reopening_gives_it_back(session, office_calendar):
    from app.domain.contracts import entitlement_of, remaining, usage_by_contract
    from app.domain.service_requests import perform
    from models.contracts import Contract, EntitlementCharge
    from models.enums import EntitlementKind, RequestAction

    request = resolved_request(session, resolved_at=RESOLVED_AT)
    contract = Contract(
        number="HT-TEST-AUTO-CLOSE",
        customer_id=request.customer_id,
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
        entitlement_kind=EntitlementKind.REQUESTS,
        entitlement_requests=5,
    )
    request.contract = contract
    session.commit()

    def left():
        return remaining(entitlement_of(contract), usage_by_contract(session, [contract.id])[contract.id])

    run(session, at(30, 18, 0))
    run(session, at(30, 18, 10))
    assert left() == 4
    perform(session, request, RequestAction.REOPEN, actor=None, roles={"Admin"}, now=at(30, 19), reason="Jams again")
    session.commit()
    assert left() == 5
    rows = session.scalars(select(EntitlementCharge).where(EntitlementCharge.request_id == request.id)).all()
    assert [(row.requests, row.reverses_id) for row in rows] == [(1, None), (-1, rows[0].id)]
