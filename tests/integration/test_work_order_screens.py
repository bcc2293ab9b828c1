"""Work-order screens: the list and "my work orders", a work order's page with its steps, time,
expenses and sign-off, the request page's panel — and a vendor user kept to its own vendor's orders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from models.enums import WorkOrderStatus
from tests.helpers import DemoRows, csrf_token
from tests.unit.test_work_orders import png_data_url

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local_field(moment: datetime) -> str:
    """What a datetime-local field sends: wall-clock business time, no offset."""
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def make_order(app):
    """``make_order(engineer="engineer1")`` or ``make_order(vendor="V-SHXX")`` → (work order id, request id)."""
    from app.extensions import db

    counter = iter(range(9100, 9999))

    def make(engineer: str | None = None, vendor: str | None = None, description: str = "三楼打印机卡纸，报错 E-102"):
        with app.app_context():
            order = DemoRows(db.session).work_order(
                f"SR-20261122-{next(counter)}", engineer=engineer, vendor=vendor, description=description
            )
            db.session.commit()
            return order.id, order.request_id

    return make


def state(app, order_id: int):
    from app.extensions import db
    from models.work_orders import WorkOrder

    with app.app_context():
        db.session.expire_all()
        order = db.session.get(WorkOrder, order_id)
        order.time_entries, order.expenses  # noqa: B018  (loaded while the session is open)
        return order


def count(app, model) -> int:
    from app.extensions import db

    with app.app_context():
        return db.session.scalar(select(func.count(model.id)))


def post(client, url: str, **data):
    return client.post(url, data={"csrf_token": csrf_token(client), **data}, follow_redirects=True)


def test_the_list_shows_number_request_status_and_assignee(login_as, make_order, app):
    order_id, _request_id = make_order(engineer="engineer1")
    number = state(app, order_id).number
    page = login_as("dispatcher").get("/workorders/list/?_l_=en")
    assert page.status_code == 200
    assert number in page.text and "SR-20261122-" in page.text and "Assigned" in page.text


def test_the_list_exports_as_csv(login_as, make_order, app):
    order_id, _ = make_order(engineer="engineer1")
    resp = login_as("dispatcher").get("/workorders/export/csv/")
    assert resp.status_code == 200 and state(app, order_id).number in resp.data.decode("utf-8-sig")


def test_my_work_orders_are_the_engineers_own_open_ones(login_as, make_order, app):
    mine, _ = make_order(engineer="engineer1")
    theirs, _ = make_order(engineer="engineer2")
    page = login_as("engineer1").get("/my-workorders/list/").text
    assert state(app, mine).number in page and state(app, theirs).number not in page


def test_the_page_gives_the_worker_the_request_details_and_the_next_step(login_as, make_order, app):
    order_id, _ = make_order(engineer="engineer1")
    page = login_as("engineer1").get(f"/workorders/show/{order_id}?_l_=en").text
    assert "三楼打印机卡纸，报错 E-102" in page and "C-HZXH" in page
    assert f"/workorders/perform/{order_id}/accept" in page and f"/workorders/perform/{order_id}/decline" in page
    assert f"/workorders/perform/{order_id}/approve" not in page


def test_an_engineer_works_the_order_through_the_page(login_as, make_order, app):
    order_id, _ = make_order(engineer="engineer1")
    client = login_as("engineer1")
    base = f"/workorders/perform/{order_id}"
    soon = datetime.now(UTC) + timedelta(hours=1)
    assert "Done: Accept." in post(client, f"{base}/accept?_l_=en").text
    post(
        client,
        f"{base}/schedule",
        scheduled_start=local_field(soon),
        scheduled_end=local_field(soon + timedelta(hours=2)),
    )
    post(client, f"{base}/check_in")
    page = post(client, f"{base}/submit?_l_=en", work_done="更换搓纸轮", result="FIXED")
    order = state(app, order_id)
    assert order.status is WorkOrderStatus.SUBMITTED and order.work_done == "更换搓纸轮"
    assert order.scheduled_start.replace(second=0, microsecond=0) == soon.replace(second=0, microsecond=0)
    assert "已提交待审核" in page.text  # the page after the redirect is in the user's language


def test_a_refused_step_says_why_in_the_users_language_and_changes_nothing(login_as, make_order, app):
    order_id, _ = make_order(engineer="engineer1")
    client = login_as("engineer1")
    assert "Say why you decline." in post(client, f"/workorders/perform/{order_id}/decline?_l_=en", reason=" ").text
    assert "请说明拒绝的原因。" in post(client, f"/workorders/perform/{order_id}/decline?_l_=zh", reason="").text
    assert state(app, order_id).status is WorkOrderStatus.ASSIGNED


def test_a_step_on_a_stale_page_is_refused(login_as, make_order, app):
    order_id, _ = make_order(engineer="engineer1")
    page = post(login_as("engineer1"), f"/workorders/perform/{order_id}/accept?_l_=en", version="99")
    assert "changed by someone else" in page.text and state(app, order_id).status is WorkOrderStatus.ASSIGNED


def test_time_and_expenses_are_recorded_with_their_costs(login_as, make_order, app):
    order_id, _ = make_order(engineer="engineer1")
    client = login_as("engineer1")
    end = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=5)
    post(
        client,
        f"/workorders/time/{order_id}",
        started_at=local_field(end - timedelta(minutes=90)),
        ended_at=local_field(end),
    )
    today = datetime.now(SHANGHAI).date().isoformat()
    page = post(client, f"/workorders/expense/{order_id}?_l_=en", kind="TRAVEL", amount="35.50", incurred_on=today).text
    order = state(app, order_id)
    assert order.time_entries[0].minutes == 90 and order.labour_cost > 0
    assert order.expense_cost == 35.5 and order.cost == order.labour_cost + order.expense_cost
    assert "¥35.50" in page and "Expense recorded." in page
    assert "time" in page.split("sd-history")[-1]  # the entry is in the work order's history


def test_bad_time_is_refused_and_nothing_saved(login_as, make_order, app):
    from models.work_orders import TimeEntry

    order_id, _ = make_order(engineer="engineer1")
    before = count(app, TimeEntry)
    now = datetime.now(UTC)
    page = post(
        login_as("engineer1"),
        f"/workorders/time/{order_id}?_l_=en",
        started_at=local_field(now - timedelta(hours=1)),
        ended_at=local_field(now - timedelta(hours=2)),
    ).text
    assert "must be after its start" in page and count(app, TimeEntry) == before
    page = post(login_as("engineer1"), f"/workorders/time/{order_id}?_l_=en", started_at="yesterday", ended_at="").text
    assert "is not a date and time" in page and count(app, TimeEntry) == before


def test_the_customer_signs_off_with_a_drawn_signature(login_as, make_order, app):
    order_id, _ = make_order(engineer="engineer1")
    client = login_as("engineer1")
    soon = datetime.now(UTC) + timedelta(hours=1)
    post(client, f"/workorders/perform/{order_id}/accept")
    post(
        client,
        f"/workorders/perform/{order_id}/schedule",
        scheduled_start=local_field(soon),
        scheduled_end=local_field(soon + timedelta(hours=1)),
    )
    post(client, f"/workorders/perform/{order_id}/check_in")
    assert "data-signature-pad" in client.get(f"/workorders/show/{order_id}").text
    page = post(client, f"/workorders/signoff/{order_id}?_l_=en", signer_name="陈静", signature_png=png_data_url()).text
    assert "陈静 于" in page and 'class="sd-signature" src="data:image/png;base64,' in page
    assert state(app, order_id).signoff_name == "陈静"


def test_a_forged_signature_is_refused(login_as, make_order, app):
    order_id, _ = make_order(engineer="engineer1")
    client = login_as("dispatcher")
    with app.app_context():
        from app.extensions import db
        from models.work_orders import WorkOrder

        db.session.get(WorkOrder, order_id).status = WorkOrderStatus.ON_SITE
        db.session.commit()
    page = post(
        client, f"/workorders/signoff/{order_id}?_l_=en", signer_name="x", signature_png="data:text/html,<b>"
    ).text
    assert "must be a PNG image" in page and state(app, order_id).signoff_at is None


def test_a_dispatcher_creates_a_work_order_from_the_request_page(login_as, make_order, app):
    from models.users import UserAccount
    from models.work_orders import WorkOrder

    _, request_id = make_order(engineer="engineer1")
    with app.app_context():
        from app.extensions import db

        engineer2 = db.session.scalars(select(UserAccount).filter_by(username="engineer2")).one().id
    before = count(app, WorkOrder)
    page = post(
        login_as("dispatcher"), f"/workorders/new/{request_id}?_l_=en", work_type="REPAIR", assignee_user_id=engineer2
    ).text
    assert "created and assigned" in page and count(app, WorkOrder) == before + 1
    page = post(login_as("engineer1"), f"/workorders/new/{request_id}?_l_=en", assignee_user_id=engineer2).text
    assert "Only dispatchers create work orders." in page and count(app, WorkOrder) == before + 1


def test_the_request_panel_lists_its_work_orders_with_the_new_form(app, login_as, make_order):
    from flask import g, render_template
    from flask_login import login_user

    from app.extensions import db
    from models.service_requests import ServiceRequest
    from models.users import UserAccount

    order_id, request_id = make_order(vendor="V-SHXX")
    number = state(app, order_id).number
    for username, sees_form in (("dispatcher", True), ("vendor1", False), ("vendor2", False)):
        with app.test_request_context("/?_l_=en"):
            g.user = db.session.scalars(select(UserAccount).filter_by(username=username)).one()
            login_user(g.user)
            html = render_template("desk/_work_orders.html", item=db.session.get(ServiceRequest, request_id))
        assert (number in html) is (username != "vendor2")
        assert ("New work order" in html) is sees_form


# ---------------------------------------------------------------------------------------------
# A vendor user sees and changes only its own vendor's work orders
# ---------------------------------------------------------------------------------------------


def test_a_vendor_lists_only_its_own_work_orders(login_as, make_order, app):
    own, _ = make_order(vendor="V-SHXX")
    other, _ = make_order(vendor="V-BJHT")
    engineers, _ = make_order(engineer="engineer1")
    for url in ("/workorders/list/", "/my-workorders/list/", "/workorders/export/csv/"):
        page = login_as("vendor1").get(url).get_data(as_text=True)
        assert state(app, own).number in page
        assert state(app, other).number not in page and state(app, engineers).number not in page


def test_a_vendor_cannot_open_or_change_another_vendors_order(login_as, make_order, app):
    from models.work_orders import Expense, TimeEntry

    other, _ = make_order(vendor="V-BJHT")
    client = login_as("vendor1")
    now = datetime.now(UTC)
    times, expenses = count(app, TimeEntry), count(app, Expense)
    assert client.get(f"/workorders/show/{other}").status_code == 404
    token = csrf_token(client)
    for url, data in (
        (f"/workorders/perform/{other}/accept", {}),
        (
            f"/workorders/time/{other}",
            {"started_at": local_field(now - timedelta(hours=1)), "ended_at": local_field(now)},
        ),
        (f"/workorders/expense/{other}", {"kind": "TRAVEL", "amount": "10", "incurred_on": "2026-11-20"}),
        (f"/workorders/signoff/{other}", {"signer_name": "x"}),
    ):
        assert client.post(url, data={"csrf_token": token, **data}).status_code == 404
    assert state(app, other).status is WorkOrderStatus.ASSIGNED
    assert (count(app, TimeEntry), count(app, Expense)) == (times, expenses)


def test_a_vendor_works_its_own_order_and_records_its_time(login_as, make_order, app):
    own, _ = make_order(vendor="V-SHXX")
    client = login_as("vendor1")
    page = post(client, f"/workorders/perform/{own}/accept?_l_=en").text
    assert "Done: Accept." in page
    end = datetime.now(UTC) - timedelta(minutes=5)
    post(client, f"/workorders/time/{own}", started_at=local_field(end - timedelta(hours=1)), ended_at=local_field(end))
    order = state(app, own)
    assert order.status is WorkOrderStatus.ACCEPTED and len(order.time_entries) == 1
    assert f"/workorders/perform/{own}/cancel" not in client.get(f"/workorders/show/{own}").text


def test_the_work_order_pages_in_chinese_show_no_translatable_english(app, login_as, make_order):
    from tests.integration import test_i18n

    order_id, _ = make_order(engineer="engineer1")
    translated = test_i18n.translated.__wrapped__()
    data = test_i18n.stored_names(app)
    client = login_as("admin")
    leftovers = [
        line
        for page in ("/workorders/list/", "/my-workorders/list/", f"/workorders/show/{order_id}")
        for line in test_i18n.english_leftovers(client, page, translated, data)
    ]
    assert not leftovers, "\n".join(leftovers)


def test_the_request_page_shows_its_work_orders_and_the_new_form(login_as, make_order, app):
    order_id, request_id = make_order(engineer="engineer1")
    page = login_as("dispatcher").get(f"/requests/show/{request_id}?_l_=en").text
    assert state(app, order_id).number in page and "New work order" in page


def test_a_list_page_costs_the_same_statements_whatever_its_size(app, login_as, make_order):
    from tests.integration.test_query_budget import counted_statements

    for _ in range(6):
        make_order(engineer="engineer1")
    make_order(vendor="V-SHXX")
    client = login_as("dispatcher")
    counts = []
    for size in (2, 7):
        url = f"/workorders/list/?psize_WorkOrderView={size}"
        client.get(url)
        with counted_statements(app) as statements:
            page = client.get(url)
        assert page.status_code == 200 and page.text.count("C-HZXH") >= size
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
