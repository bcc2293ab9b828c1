"""The visit window is proposed and confirmed: the dispatcher plans it on dispatch, the vendor sees it in its
schedule form and keeps or changes it; whoever sets it, the other side is told, and the customer's contact
gets one mail per distinct window of an on-site visit, in the contact's language.

A window must be still to come, so the visit is planned for the next Thursday after today (Shanghai)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from models.enums import WorkOrderAction, WorkOrderStatus, WorkOrderType
from tests.helpers import DemoRows, csrf_token, rendered

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def next_thursday(today: date) -> date:
    return today + timedelta(days=(3 - today.weekday() - 1) % 7 + 1)


TODAY = datetime.now(SHANGHAI).date()
START = datetime.combine(next_thursday(TODAY), time(9, 30), tzinfo=SHANGHAI)  # a Thursday morning, to come
ZH_DAY = f"{START.year}年{START.month}月{START.day}日周四"
EN_DAY = f"Thu, {MONTHS[START.month - 1]} {START.day}, {START.year}"


def field(moment: datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")


def test_the_next_thursday_is_always_to_come():
    wednesday, thursday, friday = date(2026, 11, 25), date(2026, 11, 26), date(2026, 11, 27)
    week_after = date(2026, 12, 3)
    assert [next_thursday(day) for day in (wednesday, thursday, friday)] == [thursday, week_after, week_after]


@pytest.fixture
def planned(app):
    """``planned(language, work_type)`` → id of a V-SHXX work order the vendor accepted, planned 09:30–11:30
    on the next Thursday by the dispatcher, on a request whose contact reads ``language``."""
    from app.domain.work_orders import perform_work_order
    from app.extensions import db
    from models.organisations import Contact

    counter = iter(range(8100, 8999))

    def make(language: str = "zh", work_type: WorkOrderType = WorkOrderType.ON_SITE) -> int:
        with app.app_context():
            session = db.session
            demo = DemoRows(session)
            number = next(counter)
            contact = Contact(customer_id=demo.customer("C-HZXH").id, name=f"联系人 {number}",
                              email=f"contact{number}@example.com", preferred_language=language)  # fmt: skip
            session.add(contact)
            session.flush()
            order = demo.work_order(f"SR-{TODAY:%Y%m%d}-{number}", vendor="V-SHXX", contact_id=contact.id,
                                    subject="UPS 告警")  # fmt: skip
            order.work_type = work_type
            order.scheduled_start, order.scheduled_end = (
                START.astimezone(UTC),
                (START + timedelta(hours=2)).astimezone(UTC),
            )
            vendor = demo.user("vendor1")
            perform_work_order(session, order, WorkOrderAction.ACCEPT, actor=vendor, roles={"Vendor"}, now=demo.now)
            session.commit()
            return order.id

    return make


def schedule(client, order_id: int, start: datetime, hours: int = 2):
    version = _state(client.application, order_id)["version"]
    return client.post(
        f"/workorders/perform/{order_id}/schedule",
        data={"csrf_token": csrf_token(client), "version": version,
              "scheduled_start": field(start), "scheduled_end": field(start + timedelta(hours=hours))},
    )  # fmt: skip


def _state(app, order_id: int) -> dict:
    from app.extensions import db
    from models.notifications import MailOutbox, Notification
    from models.work_orders import WorkOrder

    with app.app_context():
        order = db.session.get(WorkOrder, order_id)
        mails = db.session.scalars(
            select(MailOutbox).where(MailOutbox.request_id == order.request_id, MailOutbox.kind == "visit_scheduled")
            .order_by(MailOutbox.id)
        ).all()  # fmt: skip
        notices = db.session.scalars(
            select(Notification).where(Notification.work_order_id == order_id, Notification.kind == "visit_scheduled")
            .order_by(Notification.id)
        ).all()  # fmt: skip
        return {
            "status": order.status,
            "request": order.request.number,
            "version": order.version,
            "window": (order.scheduled_start, order.scheduled_end),
            "mails": [(m.to_address, m.language, *rendered(m)[:2]) for m in mails],
            "notices": [(n.recipient.username, n.message, dict(n.params)) for n in notices],
        }


def test_the_vendor_sees_the_planned_window_and_confirming_it_tells_the_dispatcher_and_the_contact(
    app, login_as, planned
):
    order_id = planned("zh")
    vendor = login_as("vendor1")
    page = vendor.get(f"/workorders/show/{order_id}?_l_=zh").text
    assert f'name="scheduled_start" value="{field(START)}"' in page
    assert f'name="scheduled_end" value="{field(START + timedelta(hours=2))}"' in page
    assert "计划时间段" in page

    response = schedule(vendor, order_id, START)
    assert response.status_code == 302
    state = _state(app, order_id)
    assert state["status"] is WorkOrderStatus.SCHEDULED
    assert {username for username, _, _ in state["notices"]} == {"dispatcher"}
    assert state["notices"][0][1] == "%(who)s scheduled the visit of work order %(number)s (%(request)s)."
    assert state["notices"][0][2]["who"] == "赵强"
    [(to, language, subject, body)] = state["mails"]
    assert to.startswith("contact") and language == "zh"
    assert subject.startswith(f"[{state['request']}]") and "上门时间已确定：UPS 告警" in subject
    assert f"上门时间段：{ZH_DAY} 09:30 – 11:30" in body, body
    assert "上门方：" in body and "迅修" in body

    # Confirming the same window again mails nobody twice; another window is mailed.
    schedule(vendor, order_id, START)
    assert len(_state(app, order_id)["mails"]) == 1
    schedule(vendor, order_id, START + timedelta(days=1))
    assert len(_state(app, order_id)["mails"]) == 2


def test_a_window_the_dispatcher_sets_asks_the_vendor_to_confirm_and_mails_an_english_contact_in_english(
    app, login_as, planned
):
    order_id = planned("en")
    dispatcher = login_as("dispatcher")
    assert schedule(dispatcher, order_id, START + timedelta(hours=5), hours=1).status_code == 302
    state = _state(app, order_id)
    recipients = {username for username, _, _ in state["notices"]}
    assert "dispatcher" not in recipients and "vendor1" in recipients
    assert all("please confirm" in message for _, message, _ in state["notices"])
    [(_, language, subject, body)] = state["mails"]
    assert language == "en" and subject.endswith("Visit scheduled: UPS 告警")
    assert f"Visit window: {EN_DAY} 2:30\u202fPM – 3:30\u202fPM" in body, body
    assert "Who comes: " in body

    # vendor1 (who may not be logged in) gets the window by mail, in its language, once per window.
    with app.app_context():
        from app.extensions import db
        from models.notifications import MailOutbox

        to_vendor = db.session.scalars(
            select(MailOutbox).where(MailOutbox.kind == "work_order_window", MailOutbox.to_name == "赵强")
        ).all()
        [(subject, body)] = [rendered(mail)[:2] for mail in to_vendor]
    assert "上门时间段已安排，请确认" in subject and f"{ZH_DAY} 14:30 – 15:30" in body, body
    assert "李晓梅 已安排此工单的上门时间段" in body

    # The vendor reads the notice in its language, linking to the work order.
    bell = login_as("vendor1").get("/notifications/?_l_=zh").text
    assert "已安排工单" in bell and "请确认" in bell


def test_remote_work_is_not_a_visit_the_contact_is_not_mailed(app, login_as, planned):
    order_id = planned("zh", WorkOrderType.REMOTE)
    assert schedule(login_as("vendor1"), order_id, START).status_code == 302
    state = _state(app, order_id)
    assert state["status"] is WorkOrderStatus.SCHEDULED and state["mails"] == []
    assert [username for username, _, _ in state["notices"]] == ["dispatcher"]


def test_a_refused_window_changes_nothing_and_mails_nobody(app, login_as, planned):
    order_id = planned("zh")
    vendor = login_as("vendor1")
    page = schedule(vendor, order_id, START, hours=-1)  # ends before it starts
    assert page.status_code == 302
    state = _state(app, order_id)
    assert state["status"] is WorkOrderStatus.ACCEPTED and state["mails"] == [] and state["notices"] == []
    shown = vendor.get(page.headers["Location"]).text
    assert "上门时间段的结束时间必须晚于开始时间" in shown and "计划时间段" in shown
