"""The engineer's workspace: their own requests, work orders, visits, breaches and hours of the week, each card
equal to its list, and numbers that move when the work is done."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from tests.helpers import csrf_token
from tests.integration.test_dispatcher_workspace import local_field, numbers, post
from tests.integration.test_home import cards, listed_hours, with_args
from tests.integration.test_i18n import catalog_translations, english_leftovers, stored_names
from tests.integration.workspace_story import TIMEZONE

REQUESTS, WORK_ORDERS, VISITS, LATE_REQUESTS, LATE_WORK_ORDERS, HOURS = (
    "My open requests",
    "My open work orders",
    "My visits today",
    "My requests past their SLA",
    "My work orders past their OLA",
    "My time this week (hours)",
)


def listed_in_order(client, href: str) -> list[str]:
    """Request and work-order numbers in the order the list shows them (each once)."""
    page = client.get(with_args(href, "_l_=en")).text
    return list(dict.fromkeys(re.findall(r"\b(?:SR|WO)-[0-9A-Z-]+", page.split("Record Count", 1)[-1])))


def test_the_engineer_lands_on_their_own_work(login_as, desk_story):
    shown = cards(login_as("engineer1"))
    assert list(shown) == [REQUESTS, WORK_ORDERS, VISITS, LATE_REQUESTS, LATE_WORK_ORDERS, HOURS]
    assert shown[HOURS][0] == Decimal("1.5")  # this week's 90 minutes; last week's hour stays out


def test_each_card_lists_the_engineers_rows_in_due_order(app, login_as, desk_story):
    from models.service_requests import ServiceRequest
    from models.work_orders import WorkOrder

    late, waiting, unassigned, in_group = numbers(
        app, ServiceRequest, desk_story.late, desk_story.waiting, desk_story.unassigned, desk_story.in_group
    )
    overdue, today, tomorrow, submitted = numbers(
        app,
        WorkOrder,
        desk_story.late_work_order,
        desk_story.visit_today,
        desk_story.visit_tomorrow,
        desk_story.submitted,
    )
    client = login_as("engineer1")
    lists = {label: listed_in_order(client, href) for label, (_count, href) in cards(client).items()}
    assert lists[REQUESTS] == [late, waiting]  # the overdue resolution first
    # the work order with an OLA due time first, then those without one by visit window
    assert [number for number in lists[WORK_ORDERS] if number.startswith("WO-")] == [overdue, today, tomorrow]
    assert today in lists[VISITS] and tomorrow not in lists[VISITS]
    assert late in lists[LATE_REQUESTS] and waiting not in lists[LATE_REQUESTS]
    assert overdue in lists[LATE_WORK_ORDERS] and today not in lists[LATE_WORK_ORDERS]
    assert not {unassigned, in_group, submitted} & {number for rows in lists.values() for number in rows}


def test_another_engineer_sees_none_of_it(login_as, desk_story):
    shown = cards(login_as("engineer2"))
    assert all(number == 0 for number, _href in shown.values()), shown


def test_recording_time_adds_its_hours_to_the_week_it_starts_in(app, login_as, desk_story):
    from app.domain.business_dates import week_bounds

    client = login_as("engineer1")
    before = cards(client)[HOURS][0]
    end = datetime.now(UTC).replace(second=0, microsecond=0)
    start = end - timedelta(minutes=45)
    post(client, f"/workorders/time/{desk_story.visit_today}", started_at=local_field(start), ended_at=local_field(end))
    count, href = cards(client)[HOURS]
    this_week = start >= week_bounds(end, TIMEZONE)[0]  # not in the first 45 minutes of a Monday
    assert count == before + (Decimal("0.8") if this_week else 0)  # 1.5 h + 45 minutes = 2.25 h, shown as 2.3
    assert listed_hours(client, href) == count


def test_an_entry_opens_on_its_work_orders_page_and_nobody_elses_entry_opens(app, login_as, desk_story):
    mine = login_as("engineer1").get(f"/time-entries/mine-this-week/show/{desk_story.time_this_week}")
    assert mine.status_code == 302 and mine.location.endswith(f"/workorders/show/{desk_story.visit_today}")
    assert (
        login_as("engineer2").get(f"/time-entries/mine-this-week/show/{desk_story.time_this_week}").status_code == 404
    )


def test_being_assigned_a_request_raises_my_open_requests(app, login_as, desk_story):
    from app.extensions import db
    from models.users import UserAccount

    with app.app_context():
        engineer = db.session.scalars(select(UserAccount).where(UserAccount.username == "engineer1")).one().id
    client = login_as("engineer1")
    before = cards(client)[REQUESTS][0]
    dispatcher = login_as("dispatcher")
    dispatcher.post(
        f"/requests/assign/{desk_story.unassigned}", data={"user_id": engineer, "csrf_token": csrf_token(dispatcher)}
    )
    assert cards(client)[REQUESTS][0] == before + 1


def test_the_chinese_workspace_and_its_lists_show_no_translatable_english(app, login_as, desk_story):
    translated, data = catalog_translations(), stored_names(app)
    client = login_as("engineer1")
    pages = ["/", *(href for _count, href in cards(client).values())]
    leftovers = [line for page in pages for line in english_leftovers(client, page, translated, data)]
    assert not leftovers, "\n".join(leftovers)
    home = client.get("/?_l_=zh").text
    for words in ("我的未完成工单", "我今天的上门", "本周我的工时（小时）", "1.5"):
        assert words in home, words
