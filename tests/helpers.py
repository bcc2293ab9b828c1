"""Helpers for integration tests: CSRF tokens, form scraping, demo rows, a plain working week."""

from __future__ import annotations

import hashlib
import os
import re
from datetime import date, timedelta

from itsdangerous import URLSafeTimedSerializer


def csrf_token(client) -> str:
    """The CSRF token a page would embed for this test client's session."""
    with client.session_transaction() as session:
        if "csrf_token" not in session:
            session["csrf_token"] = hashlib.sha1(os.urandom(64)).hexdigest()
        raw = session["csrf_token"]
    serializer = URLSafeTimedSerializer(client.application.config["SECRET_KEY"], salt="wtf-csrf-token")
    return serializer.dumps(raw)


def form_csrf_token(html: str) -> str:
    """The csrf_token hidden field of the first form in a page."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "the page has no csrf_token field"
    return match.group(1)


class DemoRows:
    """Demo rows by their natural keys in integration tests: ``demo.user("dispatcher")``, ``demo.vendor("V-SHXX")``."""

    def __init__(self, session, now=None) -> None:
        from datetime import UTC, datetime

        self.session = session
        self.now = now or datetime.now(UTC)

    def user(self, name: str):
        from models.users import UserAccount

        return self._one(UserAccount, UserAccount.username == name)

    def customer(self, code: str):
        from models.organisations import Customer

        return self._one(Customer, Customer.code == code)

    def vendor(self, code: str):
        from models.organisations import Vendor

        return self._one(Vendor, Vendor.code == code)

    def work_order(self, number: str, *, engineer: str | None = None, vendor: str | None = None, **request):
        """An on-site work order the dispatcher creates on a new assigned request of C-HZXH numbered ``number``;
        ``request`` overrides the request's fields (subject, description, priority)."""
        from app.domain.work_orders import create_work_order
        from models.enums import Priority, RequestStatus, WorkOrderType
        from models.service_requests import ServiceRequest

        dispatcher = self.user("dispatcher")
        fields = {
            "subject": "打印机卡纸",
            "description": "三楼打印机卡纸，报错 E-102",
            "priority": Priority.P3,
        } | request
        parent = ServiceRequest(number=number, customer_id=self.customer("C-HZXH").id, status=RequestStatus.ASSIGNED,
                                created_by_id=dispatcher.id, **fields)  # fmt: skip
        self.session.add(parent)
        self.session.flush()
        return create_work_order(
            self.session, parent, work_type=WorkOrderType.ON_SITE, actor=dispatcher, now=self.now,
            assignee_user=self.user(engineer) if engineer else None, vendor=self.vendor(vendor) if vendor else None,
        )  # fmt: skip

    def _one(self, model, condition):
        from sqlalchemy import select

        return self.session.scalars(select(model).where(condition)).one()


def rendered(mail):
    """An outbox row as it would be delivered now (subject, text, html), whatever its status; needs an app context."""
    from app.mail import render_outbox_mail

    return render_outbox_mail(mail)


def plain_monday(before: date) -> date:
    """The Monday of the latest week (Monday–Sunday) ending before ``before`` in which the demo's China calendar
    has no holiday and no make-up working day: Monday–Friday are plain office days whatever the date today.

    Due times computed by hand on such a week hold on any day the suite runs, and the week lies within the
    demo's running contracts (they started weeks before ``before``)."""
    from app.demo_data.holidays import china_calendar_days

    monday = before - timedelta(days=before.weekday() + 7)
    while True:
        week = {monday + timedelta(days=offset) for offset in range(7)}
        special = {row[0] for year in {day.year for day in week} for row in china_calendar_days(year)}
        if not week & special:
            return monday
        monday -= timedelta(days=7)
