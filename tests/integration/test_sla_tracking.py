"""SLA due times on stored requests and vendor work orders, computed by hand for the demo catalog.

C-HZXH's contract names 金牌SLA (office hours Mon–Fri 09–12 and 13–18, Shanghai): P3 responds within
120 and resolves within 960 working minutes, P2 within 30 and 480. The vendors' 服务商OLA (same
calendar) gives P3 work orders 240 minutes to accept and 1,440 to complete. Requests open at 10:00 on the
Monday of a recent plain week (no holiday, no make-up day: ``plain_monday``), under C-HZXH's running contract.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from app.domain.escalation import sweep
from app.domain.service_requests import RequestDraft, create_request, perform, revise_request
from app.domain.sla_tracking import request_sla_report
from app.domain.work_orders import create_work_order, perform_work_order
from models.enums import (
    EscalationTarget,
    EscalationTrigger,
    Priority,
    RequestAction,
    RequestStatus,
    SLAChangeReason,
    WorkOrderAction,
    WorkOrderType,
)
from models.escalation import EscalationEvent, EscalationRule
from models.notifications import MailOutbox, Notification
from models.sla_clock import SLAChange
from tests.helpers import DemoRows, plain_monday, rendered

SHANGHAI = ZoneInfo("Asia/Shanghai")
ENGINEER = {"Engineer"}


MONDAY = plain_monday(datetime.now(SHANGHAI).date())
MON, TUE, WED, THU = range(4)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """``hour:minute`` in Shanghai on a day (MON … THU) of the plain week."""
    return datetime.combine(MONDAY + timedelta(days=day), time(hour, minute), tzinfo=SHANGHAI)


OPENED = at(MON, 10)


@pytest.fixture
def ctx(app):
    from app.extensions import db

    with app.app_context():
        # The demo's own rules are switched off (rolled back after the test): each test sets its own.
        db.session.execute(update(EscalationRule).values(active=False))
        yield DemoRows(db.session)


def open_request(ctx, *, now=OPENED, code="C-HZXH", impact=3, urgency=2):
    customer = ctx.customer(code)
    draft = RequestDraft(customer_id=customer.id, subject="打印机卡纸", contact_id=customer.contacts[0].id,
                         impact=impact, urgency=urgency)  # fmt: skip
    request = create_request(ctx.session, draft, actor=ctx.user("dispatcher"), now=now)
    ctx.session.flush()
    return request


def changes(ctx, request):
    query = select(SLAChange).where(SLAChange.request_id == request.id).order_by(SLAChange.at, SLAChange.id)
    return list(ctx.session.scalars(query))


def test_a_new_request_copies_its_slas_targets_and_gets_due_times_in_working_hours(ctx):
    request = open_request(ctx)
    assert request.sla.name == "金牌SLA"
    assert request.sla_selection == "contract"
    assert request.priority is Priority.P3
    assert (request.sla_response_minutes, request.sla_resolution_minutes) == (120, 960)
    assert request.response_due_at == at(MON, 12)  # 10–12
    assert request.resolution_due_at == at(WED, 10)  # Mon 7 h + Tue 8 h + Wed 09–10
    [created] = changes(ctx, request)
    assert created.reason is SLAChangeReason.CREATED
    assert created.at == OPENED and created.consumed_seconds == 0


def test_later_edits_of_the_sla_catalog_do_not_move_old_due_times(ctx):
    request = open_request(ctx)
    target = next(t for t in request.sla.targets if t.priority is Priority.P3)
    target.resolution_minutes = 60 * 60
    ctx.session.flush()
    ctx.session.refresh(request)
    assert request.sla_resolution_minutes == 960
    assert request.resolution_due_at == at(WED, 10)


def test_a_pause_for_the_customer_moves_the_due_times_by_the_working_time_it_covered(ctx):
    request = open_request(ctx)
    engineer = ctx.user("engineer1")
    request.status = RequestStatus.ASSIGNED
    perform(ctx.session, request, RequestAction.START, actor=engineer, roles=ENGINEER, now=OPENED)
    assert request.first_response_at == OPENED
    perform(ctx.session, request, RequestAction.WAIT_CUSTOMER, actor=engineer, roles=ENGINEER, now=at(MON, 11))
    assert request.sla_paused_since == at(MON, 11)
    assert request.escalation_check_at is None  # a paused clock fires nothing
    perform(ctx.session, request, RequestAction.RESUME, actor=engineer, roles=ENGINEER, now=at(TUE, 11))
    # Paused Mon 11–12, 13–18 and Tue 09–11: 8 working hours, so Wed 10:00 becomes Thu 10:00.
    assert request.resolution_due_at == at(THU, 10)
    assert request.sla_paused_since is None
    resumed = changes(ctx, request)[-1]
    assert resumed.reason is SLAChangeReason.RESUMED
    assert resumed.paused_seconds == 8 * 3600
    assert resumed.consumed_seconds == 3600  # 10–11 on Monday


def test_a_priority_change_keeps_the_working_time_already_used(ctx):
    request = open_request(ctx)
    request.priority = Priority.P2
    request.priority_override_reason = "客户高层投诉"
    revise_request(ctx.session, request, now=at(MON, 14))
    # 3 working hours used (10–12, 13–14); P2 resolves in 8: the rest of Monday (4 h) and Tue 09–10.
    assert request.resolution_due_at == at(TUE, 10)
    assert request.response_due_at == at(MON, 10, 30)  # already breached: nobody responded
    change = changes(ctx, request)[-1]
    assert change.reason is SLAChangeReason.PRIORITY
    assert change.consumed_seconds == 3 * 3600
    report = request_sla_report(ctx.session, request, now=at(MON, 14))
    assert report.response.met is False
    assert report.response.margin_seconds == -(2 * 3600 + 30 * 60)  # 10:30–12:00 and 13:00–14:00
    assert report.resolution.met is None and report.resolution.margin_seconds == 5 * 3600


def test_the_report_explains_a_met_response_and_the_clocks_spans(ctx):
    request = open_request(ctx)
    request.status = RequestStatus.ASSIGNED
    engineer = ctx.user("engineer1")
    perform(ctx.session, request, RequestAction.START, actor=engineer, roles=ENGINEER, now=at(MON, 11))
    report = request_sla_report(ctx.session, request, now=at(TUE, 10))
    assert report.response.met is True and report.response.margin_seconds == 3600
    kinds = [(span.kind, span.start, span.end) for span in report.spans]
    assert kinds[:3] == [
        ("running", at(MON, 10), at(MON, 12)),
        ("outside_hours", at(MON, 12), at(MON, 13)),
        ("running", at(MON, 13), at(MON, 18)),
    ]
    assert sum(span.working_seconds for span in report.spans) == report.resolution.consumed_seconds == 8 * 3600


def test_vendor_work_orders_get_acceptance_and_completion_due_times_from_the_ola(ctx):
    request = open_request(ctx)
    vendor = ctx.vendor("V-SHXX")
    work_order = create_work_order(
        ctx.session, request, work_type=WorkOrderType.ON_SITE, actor=ctx.user("dispatcher"), now=OPENED, vendor=vendor
    )
    assert work_order.ola.name == "服务商OLA"
    assert work_order.response_due_at == at(MON, 15)  # 240 min: 10–12, 13–15
    assert work_order.resolution_due_at == at(THU, 10)  # 1,440 min: Mon 7 h, Tue 8 h, Wed 8 h, Thu 09–10


def test_an_engineer_work_order_has_no_ola_unless_his_group_has_one(ctx):
    request = open_request(ctx)
    engineer = ctx.user("engineer1")
    work_order = create_work_order(
        ctx.session, request, work_type=WorkOrderType.REMOTE, actor=ctx.user("dispatcher"), now=OPENED,
        assignee_user=engineer,
    )  # fmt: skip
    assert work_order.response_due_at is None
    from models.support import EngineerProfile

    profile = ctx.session.scalars(select(EngineerProfile).where(EngineerProfile.user_id == engineer.id)).one()
    profile.support_group.ola = ctx.vendor("V-SHXX").ola
    other = create_work_order(
        ctx.session, request, work_type=WorkOrderType.REMOTE, actor=ctx.user("dispatcher"), now=OPENED,
        assignee_user=engineer,
    )  # fmt: skip
    assert other.response_due_at == at(MON, 15)


def test_a_late_vendor_work_order_escalates_to_the_vendors_users_in_their_language(ctx):
    request = open_request(ctx)
    vendor = ctx.vendor("V-GZFF")  # vendor3 (Tom Wong) reads English
    work_order = create_work_order(
        ctx.session, request, work_type=WorkOrderType.ON_SITE, actor=ctx.user("dispatcher"), now=OPENED, vendor=vendor
    )
    ctx.session.add(
        EscalationRule(
            name="vendor acceptance",
            target=EscalationTarget.WORK_ORDER_RESPONSE,
            trigger=EscalationTrigger.AFTER_DUE,
            trigger_value=0,
            level=1,
            notify_assignee=True,
        )
    )
    ctx.session.flush()
    sweep(ctx.session, now=at(MON, 14, 59), timezone="Asia/Shanghai")
    assert (
        ctx.session.scalars(select(EscalationEvent).where(EscalationEvent.work_order_id == work_order.id)).all() == []
    )
    sweep(ctx.session, now=at(MON, 15), timezone="Asia/Shanghai")
    [event] = ctx.session.scalars(select(EscalationEvent).where(EscalationEvent.work_order_id == work_order.id)).all()
    assert event.vendor_id == vendor.id and event.subject_key == f"W{work_order.id}"
    notices = ctx.session.scalars(select(Notification).where(Notification.escalation_event_id == event.id)).all()
    assert {notice.recipient.username for notice in notices} == {"vendor3"}
    mail = ctx.session.scalars(select(MailOutbox).where(MailOutbox.dedupe_key.like(f"escalation:{event.id}:%"))).one()
    assert mail.language == "en"
    subject, text, _html = rendered(mail)
    assert work_order.number in subject and "Escalation level 1" in subject
    assert f"was to be accepted by {at(MON, 15):%Y-%m-%d %H:%M}" in text

    # Accepting stops the acceptance clock: nothing more fires for it.
    perform_work_order(ctx.session, work_order, WorkOrderAction.ACCEPT, actor=ctx.user("vendor3"), roles={"Vendor"},
                       now=at(MON, 15, 5))  # fmt: skip
    sweep(ctx.session, now=at(MON, 16), timezone="Asia/Shanghai")
    ctx.session.refresh(work_order)
    assert work_order.escalation_check_at is None


@pytest.fixture
def web(app):
    """Set-up inside an app context, committed; requests outside it (the test client's ``g`` must be its own)."""
    from contextlib import contextmanager

    from app.extensions import db

    @contextmanager
    def setup():
        with app.app_context():
            yield DemoRows(db.session)
            db.session.commit()

    return setup


def test_the_request_page_shows_the_sla_panel_and_customers_do_not_see_escalations(web, login_as):
    with web() as ctx:
        pk = open_request(ctx).id
    page = login_as("dispatcher").get(f"/requests/show/{pk}?_l_=en").get_data(as_text=True)
    assert "sd-sla-target" in page and "Why the due times are what they are" in page
    assert "金牌SLA" in page and "named by the request" in page
    assert "sd-sla-breached" in page  # days later nobody has responded
    zh = login_as("dispatcher").get(f"/requests/show/{pk}?_l_=zh").get_data(as_text=True)
    assert "sd-sla-change-created" in zh
    customer = login_as("customer1").get(f"/requests/show/{pk}").get_data(as_text=True)
    assert "sd-sla-target" in customer and "sd-escalations" not in customer


def test_the_api_returns_the_sla_report_scoped(web, login_as):
    with web() as ctx:
        pk = open_request(ctx).id
        other = open_request(ctx, code="C-SEL").id
    body = login_as("dispatcher").get(f"/api/v1/servicerequest/{pk}/sla").get_json()
    result = body["result"]
    assert result["sla"] == "金牌SLA"
    assert datetime.fromisoformat(result["resolution"]["due_at"]) == at(WED, 10)
    assert result["changes"][0]["reason"] == "created"
    assert login_as("customer1").get(f"/api/v1/servicerequest/{other}/sla").status_code == 404


def test_the_sla_lists_hold_breached_due_soon_and_paused_requests(web, login_as):
    now = datetime.now(UTC)
    with web() as ctx:
        late = open_request(ctx).number  # last week: already breached, whatever the holidays since
        soon = open_request(ctx, now=now)
        soon.resolution_due_at = now + timedelta(minutes=30)
        soon = soon.number
        waiting = open_request(ctx, now=now)
        waiting.status = RequestStatus.ASSIGNED
        engineer = ctx.user("engineer1")
        perform(ctx.session, waiting, RequestAction.START, actor=engineer, roles=ENGINEER, now=now)
        perform(ctx.session, waiting, RequestAction.WAIT_CUSTOMER, actor=engineer, roles=ENGINEER, now=now)
        waiting = waiting.number
    client = login_as("dispatcher")
    breached = client.get("/requests/sla-breached/list/").get_data(as_text=True)
    assert late in breached and soon not in breached
    due_soon = client.get("/requests/due-within-an-hour/list/").get_data(as_text=True)
    assert soon in due_soon and late not in due_soon
    paused = client.get("/requests/sla-paused/list/").get_data(as_text=True)
    assert waiting in paused and soon not in paused
    assert login_as("customer1").get("/requests/sla-breached/list/").status_code in (302, 403)


def test_the_work_order_page_shows_its_ola_to_the_vendor(web, login_as):
    with web() as ctx:
        request = open_request(ctx)
        shxx = ctx.vendor("V-SHXX")
        work_order = create_work_order(ctx.session, request, work_type=WorkOrderType.ON_SITE,
                                       actor=ctx.user("dispatcher"), now=OPENED, vendor=shxx)  # fmt: skip
        pk = work_order.id
    page = login_as("vendor1").get(f"/workorders/show/{pk}?_l_=en").get_data(as_text=True)
    assert "服务商OLA" in page and "sd-ola-response" in page and "sd-ola-breached" in page


def test_an_sla_change_counts_the_time_before_in_the_old_calendar_and_after_in_the_new(ctx):
    from models.calendars import Calendar
    from models.service_catalog import ServiceCategory
    from models.sla import SLA, SLATarget

    request = open_request(ctx)  # 金牌SLA, office hours
    category = ctx.session.scalars(select(ServiceCategory).where(ServiceCategory.parent_id.is_(None))).first()
    always = ctx.session.scalars(select(Calendar).where(Calendar.name == "7×24 全天候")).one()
    round_the_clock = SLA(
        name="7×24 分类SLA",
        calendar=always,
        scope_categories=[category],
        targets=[SLATarget(priority=Priority.P3, response_minutes=120, resolution_minutes=960)],
    )
    ctx.session.add(round_the_clock)
    ctx.session.flush()
    request.contract = None
    request.category = category
    revise_request(ctx.session, request, now=at(MON, 14))
    assert request.sla is round_the_clock and request.sla_selection == "category"
    # 3 office hours used by Monday 14:00; the other 13 of 16 run round the clock: Tuesday 03:00.
    assert request.resolution_due_at == at(TUE, 3)
    assert request.response_due_at == at(MON, 12)  # 2 hours were used at noon, under the old calendar
    change = changes(ctx, request)[-1]
    assert change.reason is SLAChangeReason.SLA and change.consumed_seconds == 3 * 3600
    assert change.calendar is always
