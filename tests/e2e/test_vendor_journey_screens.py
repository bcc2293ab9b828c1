"""A vendor works its own work order end to end on the screens, in its user's language: vendor1 (zh) and
vendor3 (en, in a Chinese browser: the user's preference wins). The dispatcher sends a request with an
internal note to the vendor, and another vendor a work order on the same request; the vendor finds its
own on the list (never the other), reads what the visit needs (never the note), then accepts, schedules,
checks in, records time, issues parts from its vendor-held warehouse, adds an expense, attaches a photo,
records the customer's sign-off and submits — each through the work order page's forms, each step shown
in the user's language. Two bad inputs (a negative expense, a check-out before the check-in) are refused
in that language and change nothing. The database then holds what was recorded."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask_babel import Babel, force_locale
from flask_babel import gettext as babel_gettext
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from models.enums import ExpenseKind, StockMoveKind, WarehouseKind, WorkOrderAction, WorkOrderStatus
from tests.e2e.conftest import ROOT
from tests.e2e.test_browser import log_in
from tests.unit.test_work_orders import png_data_url

SECRET = "INTERNAL-NOTE-SENTINEL-7731"
BUSINESS_TIMEZONE = ZoneInfo("Asia/Shanghai")  # tests/settings.py: the live server's business time
LOCAL_MINUTE = "%Y-%m-%dT%H:%M"  # what a datetime-local field takes
OTHER_VENDOR = {"V-SHXX": "V-BJHT", "V-GZFF": "V-SHXX"}
ISSUED = 2
A, S = WorkOrderAction, WorkOrderStatus


# ---------------------------------------------------------------------------------------------
# The catalog the server speaks from
# ---------------------------------------------------------------------------------------------


@cache
def _catalog_app() -> Flask:
    app = Flask(__name__)
    Babel(app, default_translation_directories=str(ROOT / "translations"))
    return app


def tr(language: str, message, **params) -> str:
    """A msgid (or an enum's lazy label) as the app's catalog words it in ``language``."""
    with _catalog_app().test_request_context(), force_locale(language):
        return babel_gettext(message, **params) if isinstance(message, str) else str(message)


def test_the_catalog_speaks_both_languages():
    """Else every zh expectation below would silently be the English msgid."""
    assert tr("zh", S.SUBMITTED.label) != tr("en", S.SUBMITTED.label) == "Submitted for review"


# ---------------------------------------------------------------------------------------------
# The live server's database: read it, and seed what the demo lacks
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def database(live_server, live_database_url) -> Iterator[Session]:
    """A session on the live server's database (after ``flask setup``); every read starts fresh."""
    url = make_url(live_database_url)
    if url.drivername.startswith("postgresql"):
        url = url.set(drivername="postgresql+psycopg")
    engine = create_engine(url, connect_args={"timeout": 30} if url.drivername.startswith("sqlite") else {})
    with Session(engine, expire_on_commit=True) as session:
        yield session
    engine.dispose()


def vendor_stock(session: Session, vendor) -> tuple[int, int, int]:
    """(warehouse, part, on hand) of a part the vendor holds at least ``ISSUED`` of in a vendor-held
    warehouse; the demo has one for V-SHXX only, so others get a warehouse and a receipt here."""
    from app.domain.stock_ledger import move
    from models.stock import SparePart, StockLevel, Warehouse

    warehouse = session.scalars(
        select(Warehouse)
        .where(Warehouse.vendor_id == vendor.id, Warehouse.kind == WarehouseKind.VENDOR, Warehouse.active.is_(True))
        .order_by(Warehouse.id)
    ).first()
    if warehouse is None:
        warehouse = Warehouse(code=f"WH-E2E-{vendor.code}", name="E2E 寄售仓", kind=WarehouseKind.VENDOR, vendor=vendor)
        session.add(warehouse)
        session.flush()
    level = session.scalars(
        select(StockLevel)
        .join(SparePart)
        .where(StockLevel.warehouse_id == warehouse.id, StockLevel.on_hand >= ISSUED)
        .where(SparePart.serialized.is_(False), SparePart.active.is_(True))
        .order_by(StockLevel.id)
    ).first()
    if level is None:
        part = session.scalars(
            select(SparePart).where(SparePart.serialized.is_(False), SparePart.active.is_(True)).order_by(SparePart.id)
        ).first()
        move(session, StockMoveKind.RECEIPT, part_id=part.id, warehouse_id=warehouse.id, quantity=5,
             now=datetime.now(UTC), reference="e2e", actor_label="e2e")  # fmt: skip
        level = session.scalars(
            select(StockLevel).where(StockLevel.warehouse_id == warehouse.id, StockLevel.spare_part_id == part.id)
        ).one()
    found = (warehouse.id, level.spare_part_id, level.on_hand)
    session.commit()
    return found


def free_visit(session: Session, user_id: int, now: datetime) -> tuple[datetime, datetime]:
    """A 30-minute stretch in the last day when the user (with the demo's history) recorded no time."""
    from models.work_orders import TimeEntry

    end = now.replace(second=0, microsecond=0) - timedelta(minutes=10)
    for _ in range(48):
        start = end - timedelta(minutes=30)
        clash = session.scalar(
            select(func.min(TimeEntry.started_at)).where(
                TimeEntry.user_id == user_id, TimeEntry.started_at < end, TimeEntry.ended_at > start
            )
        )
        if clash is None:
            return start, end
        end = clash.replace(second=0, microsecond=0) - timedelta(minutes=1)
    raise AssertionError("no free half hour for the time entry in the last day")


# ---------------------------------------------------------------------------------------------
# The dispatcher's part, through the REST API of the live server (as the desk would)
# ---------------------------------------------------------------------------------------------


def api_post(page: Page, url: str, payload: dict, token: str) -> dict:
    response = page.request.post(url, data=payload, headers={"X-CSRFToken": token})
    assert response.ok, (url, response.status, response.text())
    return response.json()


@pytest.fixture
def dispatched(browser: Browser, live_server: str, database: Session):
    """``dispatched("vendor1")`` → what the vendor's work order is about, its id and number, another
    vendor's work order on the same request, the vendor's stock and a free visit time."""
    from models.assets import Asset
    from models.organisations import Customer, Site, Vendor
    from models.users import UserAccount

    def build(username: str) -> dict:
        session = database
        user = session.scalars(select(UserAccount).where(UserAccount.username == username)).one()
        vendor = session.get(Vendor, user.vendor_id)
        other = session.scalars(select(Vendor).where(Vendor.code == OTHER_VENDOR[vendor.code])).one()
        customer = session.scalars(select(Customer).where(Customer.code == "C-HZXH")).one()
        contact = next(contact for contact in customer.contacts if contact.active)
        site = session.scalars(
            select(Site).where(Site.customer_id == customer.id, Site.address.is_not(None)).order_by(Site.id)
        ).first()
        asset = session.scalars(select(Asset).where(Asset.customer_id == customer.id).order_by(Asset.id)).first()
        seen = {
            "user_id": user.id,
            "language": user.preferred_language,
            "customer": customer.name,
            "site": site.address,
            "contact": contact.name,
            "asset": asset.serial_number,
            "description": f"三楼打印机卡纸，报错 E-102 / paper jam on floor 3 ({username})",
        }
        ids = {"customer": customer.id, "contact": contact.id, "site": site.id, "asset": asset.id}
        vendor_id, other_id = vendor.id, other.id
        session.commit()
        seen["warehouse"], seen["part"], seen["on_hand"] = vendor_stock(session, session.get(Vendor, vendor_id))
        seen["visit"] = free_visit(session, seen["user_id"], datetime.now(UTC))
        session.commit()

        context = browser.new_context(base_url=live_server, locale="zh-CN")
        try:
            desk = context.new_page()
            log_in(desk, "dispatcher")
            desk.goto(f"/intake/?customer={ids['customer']}")  # the call's form carries the CSRF token
            token = desk.locator("#intake-form input[name=csrf_token]").input_value()
            created = api_post(desk, "/api/v1/servicerequest/", {
                "customer_id": ids["customer"], "contact_id": ids["contact"], "site_id": ids["site"],
                "asset_id": ids["asset"], "subject": "打印机卡纸 / paper jam", "description": seen["description"],
                "impact": 2, "urgency": 2, "channel": "phone",
            }, token)  # fmt: skip
            request_id = created["id"]
            api_post(desk, f"/api/v1/servicerequest/{request_id}/notes",
                     {"kind": "internal", "body": f"{SECRET} 客户欠款 / customer owes us"}, token)  # fmt: skip
            orders = {}
            for key, assignee in (("wo", vendor_id), ("other", other_id)):
                order = api_post(
                    desk,
                    "/api/v1/workorder/",
                    {"request_id": request_id, "work_type": "on_site", "vendor_id": assignee},
                    token,
                )
                orders[key] = order["work_order"]
        finally:
            context.close()
        return {**seen, "request": request_id, "wo": orders["wo"]["id"], "number": orders["wo"]["number"],
                "other": orders["other"]["id"], "other_number": orders["other"]["number"]}  # fmt: skip

    return build


# ---------------------------------------------------------------------------------------------
# On the screens
# ---------------------------------------------------------------------------------------------


def local(moment: datetime) -> str:
    return moment.astimezone(BUSINESS_TIMEZONE).strftime(LOCAL_MINUTE)


def submit(page: Page, form_selector: str) -> None:
    """Press the form's submit button and wait for the page it leads back to."""
    with page.expect_navigation():
        page.locator(f"{form_selector} button[type=submit]").click()


def expect_status(page: Page, language: str, status: WorkOrderStatus) -> None:
    expect(page.locator(".sd-work-order")).to_have_attribute("data-status", status.name)
    expect(page.locator(".sd-work-order .sd-status")).to_have_text(tr(language, status.label))


def expect_done(page: Page, language: str, message: str, **params) -> None:
    expect(page.locator(".alert-danger")).to_have_count(0)
    expect(page.locator(".alert-success").last).to_contain_text(tr(language, message, **params))


def take_step(page: Page, language: str, action: WorkOrderAction, status: WorkOrderStatus) -> None:
    submit(page, f"form.sd-action-{action.value}")
    expect_done(page, language, "Done: %(action)s.", action=tr(language, action.label))
    expect_status(page, language, status)


def counted(session: Session, model, work_order_id: int) -> int:
    session.commit()  # a fresh snapshot of what the server wrote
    return session.scalar(select(func.count()).select_from(model).where(model.work_order_id == work_order_id))


@pytest.mark.parametrize(("username", "language"), [("vendor1", "zh"), ("vendor3", "en")])
def test_vendor_works_its_order_on_the_screens(page: Page, database: Session, dispatched, tmp_path, username, language):
    from models.service_requests import Attachment
    from models.stock import StockLevel, StockMovement
    from models.work_orders import Expense, TimeEntry, WorkOrder

    order = dispatched(username)
    assert order["language"] == language  # the user's preference; the browser asks for Chinese in both runs
    wo, number = order["wo"], order["number"]
    arrived, left = order["visit"]
    now = datetime.now(UTC)

    # The list shows its work order, not the other vendor's on the same request (whose page is a 404).
    log_in(page, username)
    page.goto("/workorders/list/")
    rows = page.locator("table tbody tr", has=page.locator("a[href*='/workorders/show/']"))
    expect(rows.filter(has_text=number)).to_have_count(1)  # the newest: first on the first page
    assert order["other_number"] not in page.content()
    assert page.goto(f"/workorders/show/{order['other']}").status == 404
    page.goto("/workorders/list/")
    with page.expect_navigation():
        rows.filter(has_text=number).locator("a[href*='/workorders/show/']").first.click()
    expect_status(page, language, S.ASSIGNED)

    # What the visit needs, in the user's language; never the request's internal note.
    details = page.locator(".sd-request-details")
    for shown in ("customer", "site", "contact", "asset", "description"):
        expect(details).to_contain_text(order[shown])
    for label in ("Customer", "Site", "Contact", "Asset", "Description"):
        expect(details).to_contain_text(tr(language, label))
    expect(page.locator("tr.sd-ola-response th")).to_have_text(tr(language, "Accept by"))
    expect(page.locator("tr.sd-ola-resolution th")).to_have_text(tr(language, "Complete by"))
    assert SECRET not in page.content()

    take_step(page, language, A.ACCEPT, S.ACCEPTED)

    page.locator("#window-start").fill(local(now + timedelta(hours=1)))
    page.locator("#window-end").fill(local(now + timedelta(hours=3)))
    take_step(page, language, A.SCHEDULE, S.SCHEDULED)

    page.locator("#check-in-at").fill(local(arrived))
    take_step(page, language, A.CHECK_IN, S.ON_SITE)

    page.locator("#time-start").fill(local(arrived))
    page.locator("#time-end").fill(local(left))
    page.locator("#time-description").fill("更换搓纸轮 / new pick-up roller")
    submit(page, "form.sd-time-form")
    expect_done(page, language, "Time recorded.")
    expect(page.locator("#time tbody tr")).to_have_count(1)
    expect(page.locator("#time tbody tr")).to_contain_text("更换搓纸轮 / new pick-up roller")
    expect_status(page, language, S.ON_SITE)

    page.locator("#issue-warehouse").select_option(str(order["warehouse"]))
    page.locator("#issue-part").select_option(str(order["part"]))
    page.locator("#issue-quantity").fill(str(ISSUED))
    submit(page, "form.sd-parts-issue")
    expect(page.locator(".alert-success").last).to_contain_text(tr(language, StockMoveKind.ISSUE.label))
    expect(page.locator(".sd-parts-movements tbody tr")).to_have_count(1)
    expect_status(page, language, S.ON_SITE)

    # A negative expense: refused in the user's language, nothing recorded.
    today = now.astimezone(BUSINESS_TIMEZONE).date().isoformat()
    page.locator("#expense-kind").select_option(ExpenseKind.TRAVEL.name)
    page.locator("#expense-amount").fill("-35.50")
    page.locator("#expense-date").fill(today)
    submit(page, "form.sd-expense-form")
    expect(page.locator(".alert-danger")).to_contain_text(tr(language, "The amount must be more than zero."))
    expect(page.locator("#expenses")).to_contain_text(tr(language, "No expenses recorded yet."))
    assert counted(database, Expense, wo) == 0
    page.locator("#expense-kind").select_option(ExpenseKind.TRAVEL.name)
    page.locator("#expense-amount").fill("35.50")
    page.locator("#expense-date").fill(today)
    page.locator("#expense-description").fill("出租车 / taxi")
    submit(page, "form.sd-expense-form")
    expect_done(page, language, "Expense recorded.")
    expect(page.locator("#expenses tbody tr")).to_have_count(1)
    expect(page.locator("#expenses tbody tr")).to_contain_text("出租车 / taxi")

    photo = tmp_path / "site-photo.png"
    photo.write_bytes(base64.b64decode(png_data_url(8, 8).split(",", 1)[1]))
    page.locator("#attachments input[type=file]").set_input_files(photo)
    submit(page, "#attachments form")
    expect_done(page, language, "%(name)s was attached.", name=photo.name)
    expect(page.locator("#attachments tbody a[download]")).to_have_text(photo.name)

    # The customer signs with the mouse on the canvas.
    page.locator("#signer-name").fill("王经理")
    canvas = page.locator("form.sd-signoff-form canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 20, box["y"] + 40)
    page.mouse.down()
    for step in range(1, 8):
        page.mouse.move(box["x"] + 20 + step * 30, box["y"] + 40 + (step % 2) * 60)
    page.mouse.up()
    submit(page, "form.sd-signoff-form")
    expect_done(page, language, "The customer's sign-off is recorded.")
    expect(page.locator(".sd-signed")).to_contain_text("王经理")
    expect(page.locator("img.sd-signature")).to_be_visible()
    expect_status(page, language, S.ON_SITE)

    # Leaving before arriving: refused in the user's language; the work order stays on site.
    page.locator("#work-done").fill("更换搓纸轮，测试打印 20 页正常 / replaced the roller, 20 test pages fine")
    page.locator("#work-result").select_option("FIXED")
    page.locator("#check-out-at").fill(local(arrived - timedelta(hours=1)))
    submit(page, "form.sd-action-submit")
    refusal = tr(language, "The check-out time cannot be before the check-in time (%(checked_in)s).", checked_in="\0")
    expect(page.locator(".alert-danger")).to_contain_text(refusal.split("\0")[0])
    expect_status(page, language, S.ON_SITE)
    database.commit()
    assert database.get(WorkOrder, wo).submitted_at is None

    expect(page.locator("#work-done")).to_have_value("")  # nothing was saved: the form starts over
    page.locator("#work-done").fill("更换搓纸轮，测试打印 20 页正常 / replaced the roller, 20 test pages fine")
    page.locator("#work-result").select_option("FIXED")
    page.locator("#check-out-at").fill(local(left))
    take_step(page, language, A.SUBMIT, S.SUBMITTED)
    expect(page.locator("#actions")).to_have_count(0)  # the review is the desk's
    assert SECRET not in page.content()

    # What the screens recorded is in the database.
    database.commit()
    work_order = database.get(WorkOrder, wo)
    assert work_order.status is S.SUBMITTED and work_order.result.name == "FIXED"
    assert work_order.checked_in_at == arrived and work_order.checked_out_at == left
    assert work_order.signoff_name == "王经理" and work_order.signature_png.startswith("data:image/png;base64,")
    (entry,) = database.scalars(select(TimeEntry).where(TimeEntry.work_order_id == wo))
    assert (entry.user_id, entry.started_at, entry.ended_at, entry.minutes) == (order["user_id"], arrived, left, 30)
    (issue,) = database.scalars(select(StockMovement).where(StockMovement.work_order_id == wo))
    assert (issue.kind, issue.spare_part_id, issue.warehouse_id, issue.quantity) == (
        StockMoveKind.ISSUE, order["part"], order["warehouse"], ISSUED)  # fmt: skip
    on_hand = database.scalar(
        select(StockLevel.on_hand).where(
            StockLevel.warehouse_id == order["warehouse"], StockLevel.spare_part_id == order["part"]
        )
    )
    assert on_hand == order["on_hand"] - ISSUED
    (expense,) = database.scalars(select(Expense).where(Expense.work_order_id == wo))
    assert (expense.kind, expense.amount) == (ExpenseKind.TRAVEL, Decimal("35.50"))
    (attachment,) = database.scalars(select(Attachment).where(Attachment.work_order_id == wo))
    assert attachment.filename == photo.name and attachment.uploaded_by_id == order["user_id"]
    assert work_order.expense_cost == Decimal("35.50") and work_order.parts_cost == issue.unit_cost * ISSUED
