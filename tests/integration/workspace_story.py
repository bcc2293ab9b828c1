"""A day at the desk for the workspace tests: the requests, work orders, time, job runs and mail each card counts.

Every time is taken from now (the visit "today" from the business day now falls on), so the story holds
on any day the suite runs. Requests go through the domain (numbered, SLA applied, assigned); the due
times a card reads are then set as the story needs them, as a clock running late would leave them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from tests.helpers import DemoRows

TIMEZONE = "Asia/Shanghai"  # tests/settings.py


@dataclass(frozen=True)
class Story:
    """Ids of the rows the cards should count, or leave out."""

    unassigned: int  # new, nobody has it; its response due in half an hour
    late: int  # engineer1's, resolution overdue
    waiting: int  # engineer1's, waiting for the customer
    in_group: int  # assigned to the first-line group
    submitted: int  # work order of V-SHXX, submitted for review
    visit_today: int  # engineer1's work order, visit window in the middle of today
    visit_tomorrow: int  # engineer1's work order, visit window tomorrow
    late_work_order: int  # engineer1's work order, accepted, its OLA completion overdue
    time_this_week: int  # engineer1's 90 minutes on Monday of this week
    time_last_week: int  # engineer1's 60 minutes on Sunday of last week
    failed_run: int  # the escalation sweep, failed two hours ago (another failed two days ago, one ran fine)
    failed_mail: int  # given up after six tries
    overdue_mail: int  # waiting, its next try due an hour ago (another due five minutes ago, one kept)


def build_story(session, now: datetime | None = None, series: int = 0) -> Story:
    """The rows, committed; ``session`` is an app context's ``db.session``. Another ``series`` tells the
    numbers of a second story apart."""
    from app.domain.business_dates import day_bounds, week_bounds
    from app.domain.service_requests import RequestDraft, assign, create_request
    from models.enums import JobOutcome, MailStatus, RequestStatus, WorkOrderStatus
    from models.organisations import Customer
    from models.service_requests import ServiceRequest
    from models.support import SupportGroup
    from models.work_orders import WorkOrder

    now = now or datetime.now(UTC)
    demo = DemoRows(session, now)
    dispatcher, engineer = demo.user("dispatcher"), demo.user("engineer1")
    customer = session.scalars(select(Customer).where(Customer.code == "C-HZXH")).one()

    def request(subject: str, **assignee) -> ServiceRequest:
        draft = RequestDraft(customer_id=customer.id, subject=subject, contact_id=customer.contacts[0].id)
        item = create_request(session, draft, actor=dispatcher, now=now, timezone=TIMEZONE)
        if assignee:
            assign(session, item, actor=dispatcher, roles={"Dispatcher"}, now=now, **assignee)
        return item

    def times(model, row_id: int, **values) -> None:
        session.execute(model.__table__.update().where(model.id == row_id).values(**values))

    unassigned = request("门禁系统无法刷卡")
    late = request("服务器硬盘告警", user=engineer)
    waiting = request("邮箱无法登录", user=engineer)
    first_line = session.scalars(select(SupportGroup).order_by(SupportGroup.tier, SupportGroup.name)).first()
    in_group = request("会议室投影仪无信号", group=first_line)
    session.flush()
    hour = timedelta(hours=1)
    times(ServiceRequest, unassigned.id, response_due_at=now + hour / 2, resolution_due_at=now + 8 * hour)
    times(ServiceRequest, late.id, first_response_at=now - 5 * hour, resolution_due_at=now - hour)
    times(ServiceRequest, waiting.id, status=RequestStatus.PENDING_CUSTOMER.name, sla_paused_since=now - hour,
          first_response_at=now - 2 * hour, resolution_due_at=now + 4 * hour)  # fmt: skip
    times(ServiceRequest, in_group.id, response_due_at=now + 3 * hour, resolution_due_at=now + 9 * hour)

    submitted = demo.work_order(f"SR-WS{series}-0001", vendor="V-SHXX")
    visit_today = demo.work_order(f"SR-WS{series}-0002", engineer="engineer1")
    visit_tomorrow = demo.work_order(f"SR-WS{series}-0003", engineer="engineer1")
    late_work_order = demo.work_order(f"SR-WS{series}-0004", engineer="engineer1")
    session.flush()
    start, end = day_bounds(now, TIMEZONE)
    midday = start + (end - start) / 2
    times(WorkOrder, submitted.id, status=WorkOrderStatus.SUBMITTED.name, submitted_at=now - hour)
    times(WorkOrder, visit_today.id, status=WorkOrderStatus.SCHEDULED.name, scheduled_start=midday,
          scheduled_end=midday + hour)  # fmt: skip
    times(WorkOrder, visit_tomorrow.id, status=WorkOrderStatus.SCHEDULED.name, scheduled_start=midday + 24 * hour,
          scheduled_end=midday + 25 * hour)  # fmt: skip
    times(WorkOrder, late_work_order.id, status=WorkOrderStatus.ACCEPTED.name, accepted_at=now - 6 * hour,
          response_due_at=now - 5 * hour, resolution_due_at=now - hour)  # fmt: skip

    monday, _next_monday = week_bounds(now, TIMEZONE)
    this_week = time_entry(session, visit_today, engineer, monday + 9 * hour, minutes=90)
    last_week = time_entry(session, visit_today, engineer, monday - 15 * hour, minutes=60)
    failed_run = job_run(session, JobOutcome.FAILED, now - 2 * hour, "RuntimeError: database is locked")
    job_run(session, JobOutcome.FAILED, now - 48 * hour, "RuntimeError: disk full")
    job_run(session, JobOutcome.OK, now - hour)
    failed_mail = mail(session, late, MailStatus.FAILED, next_try=None, attempts=6)
    overdue_mail = mail(session, late, MailStatus.PENDING, next_try=now - hour)
    mail(session, late, MailStatus.PENDING, next_try=now - timedelta(minutes=5))
    mail(session, late, MailStatus.HELD, next_try=None)
    session.commit()
    return Story(unassigned.id, late.id, waiting.id, in_group.id, submitted.id, visit_today.id, visit_tomorrow.id,
                 late_work_order.id, this_week.id, last_week.id, failed_run.id, failed_mail.id,
                 overdue_mail.id)  # fmt: skip


def time_entry(session, work_order, user, started_at: datetime, *, minutes: int):
    from models.work_orders import TimeEntry

    entry = TimeEntry(work_order_id=work_order.id, customer_id=work_order.customer_id, user_id=user.id,
                      started_at=started_at, ended_at=started_at + timedelta(minutes=minutes), minutes=minutes,
                      description="现场处理")  # fmt: skip
    session.add(entry)
    session.flush()
    return entry


def job_run(session, outcome, started_at: datetime, error: str | None = None):
    from models.jobs import JobRun

    run = JobRun(job="escalation_sweep", outcome=outcome, started_at=started_at,
                 finished_at=started_at + timedelta(seconds=2), error=error)  # fmt: skip
    session.add(run)
    session.flush()
    return run


def mail(session, request, status, *, next_try: datetime | None, attempts: int = 1):
    """A closing mail to the request's contact, queued three hours ago, in ``status``."""
    from models.notifications import MailOutbox

    row = MailOutbox(to_address="contact@example.com", kind="request_closed", params={}, request_id=request.id,
                     status=status, attempts=attempts, next_attempt_at=next_try,
                     created_at=next_try or request.created_at)  # fmt: skip
    session.add(row)
    session.flush()
    return row
