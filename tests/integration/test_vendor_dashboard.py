"""A vendor user's landing page: its open work orders, OLA due times coming up and breached, each card
equal to the list it links to and counted only over the vendor's own work orders; the next ones due."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from models.enums import Priority, WorkOrderStatus
from tests.helpers import DemoRows
from tests.integration.test_home import cards, list_record_count

OPEN, ACCEPT, COMPLETE, BREACHED = (
    "Open work orders",
    "Accept by, due within 4 hours",
    "Complete by, due within 24 hours",
    "OLA breached",
)


@pytest.fixture
def make_order(app):
    """``make_order("V-SHXX", status, response_due=…, resolution_due=…, accepted=…, submitted=…)`` → number."""
    from app.extensions import db
    from models.work_orders import WorkOrder

    counter = iter(range(7100, 7999))

    def make(vendor: str, status: WorkOrderStatus, **times: datetime | None) -> str:
        with app.app_context():
            session = db.session
            order = DemoRows(session).work_order(
                f"SR-20261122-{next(counter)}", vendor=vendor, subject="空调不制冷", description="机房空调报警",
                priority=Priority.P2,
            )  # fmt: skip
            session.flush()
            # The dashboard reads stored due times; set them as the story needs.
            session.execute(
                WorkOrder.__table__.update()
                .where(WorkOrder.id == order.id)
                .values(
                    status=status.name,
                    response_due_at=times.get("response_due"),
                    resolution_due_at=times.get("resolution_due"),
                    accepted_at=times.get("accepted"),
                    submitted_at=times.get("submitted"),
                )
            )
            session.commit()
            return order.number

    return make


PAGE_SIZES = "&".join(
    f"psize_{view}=100" for view in ("WorkOrderView", "AcceptDueSoonView", "CompleteDueSoonView", "OlaBreachedView")
)


def listed_numbers(client, href: str) -> set[str]:
    page = client.get(f"{href}{'&' if '?' in href else '?'}_l_=en&{PAGE_SIZES}").text
    return set(re.findall(r"WO-[0-9A-Z-]+", page))


@pytest.fixture
def story(make_order):
    """Work orders of V-SHXX (vendor1) and V-BJHT (vendor2) around now."""
    now = datetime.now(UTC)
    hour = timedelta(hours=1)
    shxx = {
        "accept_soon": make_order("V-SHXX", WorkOrderStatus.ASSIGNED, response_due=now + 2 * hour,
                                  resolution_due=now + 30 * hour),
        "accept_later": make_order("V-SHXX", WorkOrderStatus.ASSIGNED, response_due=now + 6 * hour,
                                   resolution_due=now + 48 * hour),
        "complete_soon": make_order("V-SHXX", WorkOrderStatus.SCHEDULED, response_due=now - 20 * hour,
                                    resolution_due=now + 20 * hour, accepted=now - 21 * hour),
        "accept_overdue": make_order("V-SHXX", WorkOrderStatus.ASSIGNED, response_due=now - hour,
                                     resolution_due=now + 40 * hour),
        "complete_overdue": make_order("V-SHXX", WorkOrderStatus.ON_SITE, response_due=now - 50 * hour,
                                       resolution_due=now - 2 * hour, accepted=now - 51 * hour),
        "submitted_late": make_order("V-SHXX", WorkOrderStatus.SUBMITTED, response_due=now - 9 * 24 * hour,
                                     resolution_due=now - 5 * 24 * hour, accepted=now - 10 * 24 * hour,
                                     submitted=now - 4 * 24 * hour),
        "late_long_ago": make_order("V-SHXX", WorkOrderStatus.APPROVED, response_due=now - 60 * 24 * hour,
                                    resolution_due=now - 50 * 24 * hour, accepted=now - 59 * 24 * hour,
                                    submitted=now - 40 * 24 * hour),
        "on_time": make_order("V-SHXX", WorkOrderStatus.APPROVED, response_due=now - 9 * 24 * hour,
                              resolution_due=now - 5 * 24 * hour, accepted=now - 10 * 24 * hour,
                              submitted=now - 6 * 24 * hour),
        "cancelled": make_order("V-SHXX", WorkOrderStatus.CANCELLED, response_due=now - hour,
                                resolution_due=now + hour),
    }  # fmt: skip
    other = {
        "accept_soon": make_order("V-BJHT", WorkOrderStatus.ASSIGNED, response_due=now + hour,
                                  resolution_due=now + 10 * hour),
        "breached": make_order("V-BJHT", WorkOrderStatus.ACCEPTED, response_due=now - 30 * hour,
                               resolution_due=now - hour, accepted=now - 31 * hour),
    }  # fmt: skip
    return shxx, other


def test_vendor1_cards_count_its_own_work_orders_and_equal_their_lists(login_as, story):
    shxx, other = story
    client = login_as("vendor1")
    shown = cards(client)
    expected = {
        OPEN: {"accept_soon", "accept_later", "complete_soon", "accept_overdue", "complete_overdue"},
        ACCEPT: {"accept_soon"},
        COMPLETE: {"complete_soon"},
        BREACHED: {"accept_overdue", "complete_overdue", "submitted_late"},
    }
    for label, names in expected.items():
        count, href = shown[label]
        assert list_record_count(client, href) == count, label
        numbers = listed_numbers(client, href)
        mine = {shxx[name] for name in names}
        assert mine <= numbers, label  # the demo's seeded orders may add to the open ones
        assert not numbers & set(other.values()), f"{label} shows another vendor's work order"
        assert not numbers & {shxx[name] for name in set(shxx) - names}, label
    assert shown[ACCEPT][0] == 1 and shown[COMPLETE][0] == 1 and shown[BREACHED][0] == 3


def test_vendor2_sees_other_numbers_than_vendor1(login_as, story):
    shxx, other = story
    client = login_as("vendor2")
    shown = cards(client)
    assert shown[ACCEPT][0] == 1 and shown[BREACHED][0] == 1
    assert listed_numbers(client, shown[ACCEPT][1]) >= {other["accept_soon"]}
    assert not listed_numbers(client, shown[BREACHED][1]) & set(shxx.values())
    assert list_record_count(client, shown[BREACHED][1]) == 1


def test_an_empty_card_links_to_an_empty_list_not_to_every_work_order(login_as, make_order):
    now = datetime.now(UTC)
    make_order("V-SHXX", WorkOrderStatus.ASSIGNED, response_due=now + timedelta(hours=6),
               resolution_due=now + timedelta(hours=48))  # fmt: skip
    client = login_as("vendor1")
    shown = cards(client)
    assert shown[ACCEPT][0] == 0
    assert list_record_count(client, shown[ACCEPT][1]) == 0
    assert list_record_count(client, shown[OPEN][1]) == shown[OPEN][0] >= 1


def test_the_next_work_orders_due_come_in_due_order_with_what_is_due(login_as, story):
    shxx, other = story
    page = login_as("vendor1").get("/?_l_=en").text
    table = page.split('id="next-due"', 1)[1]
    rows = re.findall(r'<tr class="sd-due-row sd-due-(\w+)">.*?(WO-[0-9A-Z-]+)', table, re.S)
    numbers = [number for _, number in rows]
    assert numbers[:4] == [shxx["complete_overdue"], shxx["accept_overdue"], shxx["accept_soon"],
                           shxx["accept_later"]]  # fmt: skip
    assert dict((number, kind) for kind, number in rows)[shxx["complete_soon"]] == "complete"
    assert rows[0][0] == "complete" and rows[1][0] == "accept"
    assert len(rows) <= 10
    assert not set(numbers) & set(other.values())
    assert "Accept by" in table and "Complete by" in table


def test_breached_card_explains_its_definition(login_as):
    page = login_as("vendor1").get("/?_l_=en").text
    assert "accepted or submitted after it in the last 30 days" in page


def test_staff_keep_their_cards_without_the_vendor_dashboard(login_as, story):
    shown = cards(login_as("manager"))
    assert "Active customers" in shown
    assert OPEN not in shown and BREACHED not in shown
    assert 'id="next-due"' not in login_as("dispatcher").get("/?_l_=en").text


def test_the_dashboard_speaks_chinese(login_as, story):
    page = login_as("vendor1").get("/?_l_=zh").text
    for label in ("未完成的工单", "4小时内须接单", "24小时内须完成", "OLA已超时", "即将到期的工单"):
        assert label in page, label
    assert "Open work orders" not in page


def scorecard_cell(page: str, row: str) -> str:
    match = re.search(rf'<tr class="sd-score-{row}"><th>[^<]*</th><td class="text-right">([^<]*)</td>', page)
    assert match, row
    return match.group(1)


def test_the_scorecard_shows_the_vendors_own_last_90_days(login_as, story):
    shxx, other = story
    one = login_as("vendor1").get("/?_l_=en").text
    two = login_as("vendor2").get("/?_l_=en").text
    assert "My scorecard, last 90 days" in one
    assert scorecard_cell(one, "received") == str(len(shxx))
    assert scorecard_cell(two, "received") == str(len(other))
    assert scorecard_cell(one, "completed") == "3"  # submitted 4, 6 and 40 days ago
    assert re.fullmatch(r"\d+ / \d+|—", scorecard_cell(one, "rank"))
    assert 'id="scorecard"' not in login_as("dispatcher").get("/?_l_=en").text


def test_a_vendors_landing_page_does_not_load_the_sla_catalog(app, login_as, story):
    """SLAs load their targets, calendar and scope lists eagerly for the SLA screens; neither the logged-in
    vendor user (its vendor's OLA) nor the next-due table (the requests' SLA) needs them
    (bench/vendor_scorecard.py found ~40 such statements on this page)."""
    from sqlalchemy import select

    from app.extensions import db
    from models.service_requests import ServiceRequest
    from models.sla import SLA
    from models.work_orders import WorkOrder
    from tests.integration.test_query_budget import statements_for

    shxx, _ = story
    with app.app_context():
        sla = db.session.scalars(select(SLA).order_by(SLA.id)).first()
        requests = select(WorkOrder.request_id).where(WorkOrder.number.in_(shxx.values()))
        db.session.execute(
            ServiceRequest.__table__.update().where(ServiceRequest.id.in_(requests)).values(sla_id=sla.id)
        )
        db.session.commit()
    statements = statements_for(app, login_as("vendor1"), "/")
    catalog = [s for s in statements if re.search(r"\bFROM (sla|sla_\w+|business_calendar)\b", s)]
    assert catalog == [], "\n\n".join(catalog)


def test_the_scorecard_is_kept_for_the_configured_seconds_and_says_how_old_it_is(app, login_as, story, make_order,
                                                                                 monkeypatch):  # fmt: skip
    """Ranking a vendor means computing every vendor's figures: a vendor's landing page keeps them for
    SCORECARD_CACHE_SECONDS (0 in the other tests), says when they were computed, then computes them again."""
    import reports.vendor_scorecard as kept

    clock = [1000.0]
    monkeypatch.setattr(kept, "monotonic", lambda: clock[0])
    monkeypatch.setattr(kept, "_kept", {})
    monkeypatch.setitem(app.config, "SCORECARD_CACHE_SECONDS", 300)
    shxx, _ = story
    vendor1 = login_as("vendor1")
    first = vendor1.get("/?_l_=en").text
    assert scorecard_cell(first, "received") == str(len(shxx)) and "Figures as of " in first

    make_order("V-SHXX", WorkOrderStatus.ASSIGNED)
    clock[0] += 299
    assert scorecard_cell(vendor1.get("/?_l_=en").text, "received") == str(len(shxx))  # kept
    clock[0] += 2
    assert scorecard_cell(vendor1.get("/?_l_=en").text, "received") == str(len(shxx) + 1)  # computed again
    assert "数据截至" in vendor1.get("/?_l_=zh").text
