"""Figures the dashboard reads are stored on the request when they happen: the working minutes it took to
resolve (in its calendar, waiting for the customer included) and how often it was reopened — and the
migration that added them fills them in for requests resolved and reopened before, the same way.

The requests live in a recent plain week (``plain_monday``: no holiday, no make-up day) of the demo's China
calendar (Monday–Friday 09:00–12:00, 13:00–18:00, Asia/Shanghai), so the minutes are counted by hand.
"""

from __future__ import annotations

import importlib.util
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from app.demo_data.support import CHINA_CALENDAR
from app.domain.service_requests import RequestDraft, assign, create_request, perform
from models.calendars import Calendar
from models.enums import RequestAction
from models.service_requests import ServiceRequest
from models.sla import SLA
from tests.helpers import DemoRows, plain_monday

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = plain_monday(datetime.now(SHANGHAI).date())
MIGRATION = Path(__file__).resolve().parents[2] / "models" / "migrations" / "versions" / "0008_request_figures.py"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(MONDAY + timedelta(days=day), time(hour, minute), tzinfo=SHANGHAI)


@pytest.fixture
def demo(app):
    from app.extensions import db

    with app.app_context():
        yield DemoRows(db.session)


def worked_request(demo, opened: datetime) -> ServiceRequest:
    """A C-HZXH request opened at ``opened`` under an SLA of the China calendar, assigned and started then."""
    customer = demo.customer("C-HZXH")
    draft = RequestDraft(customer_id=customer.id, subject="打印机卡纸", contact_id=customer.contacts[0].id,
                         site_id=customer.sites[0].id, impact=3, urgency=3)  # fmt: skip
    request = create_request(demo.session, draft, actor=demo.user("dispatcher"), now=opened)
    request.sla = demo.session.scalars(
        select(SLA).join(Calendar, SLA.calendar_id == Calendar.id).where(Calendar.name == CHINA_CALENDAR)
    ).first()
    engineer = demo.user("engineer1")
    assign(demo.session, request, actor=demo.user("dispatcher"), roles={"Dispatcher"}, now=opened, user=engineer)
    perform(demo.session, request, RequestAction.START, actor=engineer, roles={"Engineer"}, now=opened)
    demo.session.flush()
    return request


def act(demo, request, action: RequestAction, moment: datetime, **fields) -> None:
    perform(demo.session, request, action, actor=demo.user("dispatcher"), roles={"Dispatcher"}, now=moment,
            **fields)  # fmt: skip
    demo.session.flush()  # each step its own change in the history, as on the screens


def test_a_resolved_request_keeps_the_working_minutes_it_took(demo):
    request = worked_request(demo, at(0, 17))
    act(demo, request, RequestAction.RESOLVE, at(1, 10, 30), resolution="更换搓纸轮")
    assert request.resolution_business_minutes == 60 + 90  # Monday 17:00–18:00, Tuesday 09:00–10:30
    assert request.reopen_count == 0


def test_lunch_and_the_night_are_not_working_time(demo):
    request = worked_request(demo, at(2, 11, 30))
    act(demo, request, RequestAction.RESOLVE, at(3, 13, 15), resolution="重启服务")
    assert request.resolution_business_minutes == 30 + 300 + 180 + 15  # Wed 11:30–12, 13–18; Thu 9–12, 13–13:15


def test_reopening_counts_and_the_next_resolution_counts_from_creation(demo):
    request = worked_request(demo, at(0, 9))
    act(demo, request, RequestAction.RESOLVE, at(0, 10), resolution="已处理")
    act(demo, request, RequestAction.REOPEN, at(0, 11), reason="问题复现")
    assert request.reopen_count == 1 and request.resolution_business_minutes is None
    act(demo, request, RequestAction.RESOLVE, at(0, 14), resolution="更换硒鼓")
    assert request.resolution_business_minutes == 180 + 60
    act(demo, request, RequestAction.CLOSE, at(0, 15))
    act(demo, request, RequestAction.REOPEN, at(0, 16), reason="再次复现")
    assert request.reopen_count == 2


def test_the_migration_fills_in_what_the_rules_store_for_earlier_requests(demo):
    once = worked_request(demo, at(0, 17))
    act(demo, once, RequestAction.RESOLVE, at(1, 10, 30), resolution="更换搓纸轮")
    twice = worked_request(demo, at(0, 9))
    act(demo, twice, RequestAction.RESOLVE, at(0, 10), resolution="已处理")
    act(demo, twice, RequestAction.REOPEN, at(0, 11), reason="问题复现")
    act(demo, twice, RequestAction.RESOLVE, at(0, 14), resolution="更换硒鼓")
    stored = {r.id: (r.resolution_business_minutes, r.reopen_count) for r in (once, twice)}
    assert stored == {once.id: (150, 0), twice.id: (240, 1)}

    ids = list(stored)
    demo.session.execute(
        update(ServiceRequest)
        .where(ServiceRequest.id.in_(ids))
        .values(resolution_business_minutes=None, reopen_count=0)
    )
    spec = importlib.util.spec_from_file_location("request_figures_migration", MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    connection = demo.session.connection()
    migration._backfill_reopens(connection)
    migration._backfill_minutes(connection)
    demo.session.expire_all()
    rows = demo.session.execute(
        select(ServiceRequest.id, ServiceRequest.resolution_business_minutes, ServiceRequest.reopen_count).where(
            ServiceRequest.id.in_(ids)
        )
    )
    assert {row.id: (row.resolution_business_minutes, row.reopen_count) for row in rows} == stored
