"""The dispatcher's workspace: the desk's work on cards (each equal to its list), the backlog per support group,
and numbers that move when the work is done."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests.helpers import csrf_token
from tests.integration.test_home import backlog, cards, list_record_count, with_args
from tests.integration.test_i18n import catalog_translations, english_leftovers, stored_names
from tests.integration.workspace_story import TIMEZONE

UNASSIGNED, RESPONSE_DUE, BREACHED, WAITING, REVIEW, VISITS = (
    "Unassigned requests",
    "Response due within 1 hour",
    "SLA breached",
    "Waiting for the customer",
    "Work orders waiting for review",
    "Today's visits",
)


def numbers(app, model, *ids: int) -> list[str]:
    from app.extensions import db

    with app.app_context():
        return [db.session.get(model, pk).number for pk in ids]


def listed(client, href: str) -> set[str]:
    return set(re.findall(r"\b(?:SR|WO)-[0-9A-Z-]+", client.get(with_args(href, "_l_=en")).text))


def post(client, url: str, **data):
    return client.post(url, data={"csrf_token": csrf_token(client), **data}, follow_redirects=True)


def local_field(moment: datetime) -> str:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(TIMEZONE)).strftime("%Y-%m-%dT%H:%M")


def test_the_dispatcher_lands_on_the_desks_work_not_on_catalog_counts(login_as, desk_story):
    shown = cards(login_as("dispatcher"))
    assert list(shown) == [UNASSIGNED, RESPONSE_DUE, BREACHED, WAITING, REVIEW, VISITS]
    assert all(count >= 1 for count, _ in shown.values()), shown


def test_each_card_lists_the_storys_rows_it_is_about_and_not_the_others(app, login_as, desk_story):
    from models.service_requests import ServiceRequest
    from models.work_orders import WorkOrder

    unassigned, late, waiting, in_group = numbers(
        app, ServiceRequest, desk_story.unassigned, desk_story.late, desk_story.waiting, desk_story.in_group
    )
    submitted, today, tomorrow = numbers(
        app, WorkOrder, desk_story.submitted, desk_story.visit_today, desk_story.visit_tomorrow
    )
    client = login_as("dispatcher")
    shown = cards(client)
    expected = {
        UNASSIGNED: ({unassigned}, {late, waiting, in_group}),
        RESPONSE_DUE: ({unassigned}, {late, waiting, in_group}),
        BREACHED: ({late}, {unassigned, waiting, in_group}),
        WAITING: ({waiting}, {unassigned, late, in_group}),
        REVIEW: ({submitted}, {today, tomorrow}),
        VISITS: ({today}, {submitted, tomorrow}),
    }
    for label, (included, excluded) in expected.items():
        rows = listed(client, shown[label][1])
        assert included <= rows and not excluded & rows, label


def test_the_cards_say_how_they_are_counted(login_as, desk_story):
    page = login_as("dispatcher").get("/?_l_=en").text
    assert "Open requests with no engineer, support group or vendor yet." in page
    assert "Work orders whose visit window starts today, unless declined or cancelled." in page


def test_assigning_a_request_to_a_group_moves_it_from_unassigned_to_that_groups_backlog(app, login_as, desk_story):
    from app.extensions import db
    from models.support import SupportGroup

    with app.app_context():
        group = db.session.scalars(select(SupportGroup).where(SupportGroup.active.is_(True))).first()
        group_id, name = group.id, group.name
    client = login_as("dispatcher")
    unassigned, in_group = cards(client)[UNASSIGNED][0], backlog(client)[name][0]
    post(client, f"/requests/assign/{desk_story.unassigned}", group_id=str(group_id))
    assert cards(client)[UNASSIGNED][0] == unassigned - 1
    assert backlog(client)[name][0] == in_group + 1


def test_approving_a_submitted_work_order_takes_it_off_the_review_card(login_as, desk_story):
    client = login_as("dispatcher")
    before = cards(client)[REVIEW][0]
    post(client, f"/workorders/perform/{desk_story.submitted}/approve")
    assert cards(client)[REVIEW][0] == before - 1


def test_moving_a_visit_to_today_adds_it_to_todays_visits(login_as, desk_story):
    from app.domain.business_dates import day_bounds

    client = login_as("dispatcher")
    before = cards(client)[VISITS][0]
    start, end = day_bounds(datetime.now(UTC), TIMEZONE)
    post(
        client,
        f"/workorders/perform/{desk_story.visit_tomorrow}/schedule",
        scheduled_start=local_field(start),
        scheduled_end=local_field(end),
    )
    assert cards(client)[VISITS][0] == before + 1


def test_the_backlog_shows_every_active_group_each_opening_exactly_its_open_requests(app, login_as, desk_story):
    from app.extensions import db
    from models.service_requests import ServiceRequest
    from models.support import SupportGroup

    with app.app_context():
        groups = db.session.scalars(select(SupportGroup).order_by(SupportGroup.tier, SupportGroup.name)).all()
        groups[-1].active = False
        db.session.commit()
        active_names = [group.name for group in groups[:-1]]
    (in_group,) = numbers(app, ServiceRequest, desk_story.in_group)
    client = login_as("dispatcher")
    lines = backlog(client)
    assert list(lines) == active_names
    for name, (count, href) in lines.items():
        assert list_record_count(client, href) == count, name
    assert in_group in listed(client, lines[active_names[0]][1])


@pytest.mark.parametrize("username", ["engineer1", "manager", "admin", "vendor1"])
def test_only_dispatchers_get_the_backlog(login_as, desk_story, username):
    assert 'id="group-backlog"' not in login_as(username).get("/").text


def test_the_chinese_workspace_and_its_lists_show_no_translatable_english(app, login_as, desk_story):
    translated = catalog_translations()
    client = login_as("dispatcher")
    pages = ["/", *(href for _count, href in cards(client).values()), *(href for _, href in backlog(client).values())]
    data = stored_names(app)
    leftovers = [line for page in pages for line in english_leftovers(client, page, translated, data)]
    assert not leftovers, "\n".join(leftovers)
    home = client.get("/?_l_=zh").text
    for words in ("未派单请求", "1 小时内须响应", "待审核的工单", "今日上门", "各支持组积压"):
        assert words in home, words
