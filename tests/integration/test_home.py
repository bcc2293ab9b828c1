"""The landing page: each role's workspace, every card equal to the list it opens, every list usable."""

from __future__ import annotations

import csv
import io
import re
from decimal import ROUND_HALF_UP, Decimal
from html import unescape
from urllib.parse import urlsplit

import pytest

from app.demo import LOGIN_ACCOUNTS
from tests.helpers import form_csrf_token

CARD = re.compile(
    r'<a class="sd-card" href="([^"]+)"[^>]*>\s*'
    r'<div class="sd-count">([^<]+)</div>\s*<div class="sd-label">([^<]+)</div>'
)
HOURS_CARDS = {"My time this week (hours)"}  # the sum of the listed entries' minutes, in hours
BACKLOG_ROW = re.compile(r'<tr class="sd-backlog-row">\s*<td>([^<]+)</td>.*?href="([^"]+)">([^<]+)</a>', re.S)
# A filter a user could set on each kind of list (FAB's URL arguments): the list must still answer.
FILTERS = {
    "ServiceRequest": "_flt_0_status=ASSIGNED",
    "WorkOrder": "_flt_0_status=SCHEDULED",
    "Customer": "_flt_2_name=杭州",
    "Vendor": "_flt_2_name=上海",
    "UserAccount": "_flt_2_username=engineer",
    "TimeEntry": "_flt_2_description=现场",
    "JobRun": "_flt_0_outcome=FAILED",
    "MailOutbox": "_flt_0_status=PENDING",
}


def cards(client) -> dict[str, tuple[Decimal, str]]:
    """Label → (number, link) of every card on the English landing page."""
    page = client.get("/?_l_=en")
    assert page.status_code == 200
    return {
        unescape(label): (Decimal(count.replace(",", "")), unescape(href))
        for href, count, label in CARD.findall(page.text)
    }


def backlog(client) -> dict[str, tuple[int, str]]:
    """Support group → (open requests, link) of the dispatcher's backlog table."""
    page = client.get("/?_l_=en").text
    return {unescape(group): (int(count), unescape(href)) for group, href, count in BACKLOG_ROW.findall(page)}


def with_args(href: str, args: str) -> str:
    return f"{href}{'&' if '?' in href else '?'}{args}"


def list_record_count(client, href: str) -> int:
    page = client.get(with_args(href, "_l_=en"))
    assert page.status_code == 200, href
    match = re.search(r"Record Count:\s*</?\w*>?\s*(\d+)", page.text) or re.search(r"Record Count:\D*(\d+)", page.text)
    if match:
        return int(match.group(1))
    assert "No records found" in page.text, f"cannot read the record count of {href}"
    return 0


def listed_hours(client, href: str) -> Decimal:
    """The hours of a time-entry list: the sum of its Minutes column (the list exported as CSV), in hours."""
    export = client.get(with_args(href.replace("/list/", "/export/csv/", 1), "_l_=en"))
    assert export.status_code == 200, href
    rows = csv.DictReader(io.StringIO(export.data.decode("utf-8-sig")))
    minutes = sum(int(row["Minutes"]) for row in rows)
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"), ROUND_HALF_UP)


def list_view(app, href: str):
    """The FAB view behind a list's link."""
    endpoint, _args = app.url_map.bind("localhost").match(urlsplit(href).path)
    return app.view_functions[endpoint].__self__


@pytest.mark.parametrize("username", [a.username for a in LOGIN_ACCOUNTS])
def test_every_card_of_every_role_counts_the_rows_of_the_list_it_opens(login_as, desk_story, username):
    client = login_as(username)
    shown = cards(client)
    assert len(shown) >= 3, f"{username} sees {sorted(shown)}"
    for label, (count, href) in shown.items():
        listed = listed_hours(client, href) if label in HOURS_CARDS else list_record_count(client, href)
        assert listed == count, f"{username}: card {label!r} says {count}"


@pytest.mark.parametrize("username", [a.username for a in LOGIN_ACCOUNTS])
def test_every_list_a_card_opens_sorts_filters_and_pages(app, login_as, desk_story, username):
    client = login_as(username)
    for label, (_count, href) in cards(client).items():
        view = list_view(app, href)
        name = type(view).__name__
        urls = [with_args(href, f"_oc_{name}={column}&_od_{name}=desc") for column in view.order_columns]
        urls.append(with_args(href, f"psize_{name}=1&page_{name}=1"))
        urls.append(with_args(href, FILTERS[view.datamodel.obj.__name__]))
        for url in urls:
            page = client.get(with_args(url, "_l_=en"))
            listed = "Record Count" in page.text or "No records found" in page.text
            assert page.status_code == 200 and listed, f"{username}: card {label!r}, {url} answered {page.status_code}"


def test_vendor_counts_cover_only_its_own_organisation(login_as):
    shown = cards(login_as("vendor1"))
    assert shown["My service vendor"][0] == 1
    assert shown["Active accounts of my organisation"][0] == 1
    assert shown["Disabled accounts of my organisation"][0] == 1  # vendor1_left


def test_adding_a_customer_raises_the_active_customers_count(login_as):
    client = login_as("admin")
    before = cards(client)["Active customers"][0]
    token = form_csrf_token(client.get("/customers/add").text)
    client.post("/customers/add", data={"code": "C-ADD", "name": "新增客户", "active": "y", "csrf_token": token})
    assert cards(client)["Active customers"][0] == before + 1


def test_deactivating_a_vendor_lowers_the_active_vendors_count(app, login_as):
    from app.extensions import db
    from models.organisations import Vendor

    client = login_as("manager")
    before = cards(client)["Active service vendors"][0]
    with app.app_context():
        db.session.query(Vendor).filter_by(code="V-XAQC").one().active = False
        db.session.commit()
    assert cards(client)["Active service vendors"][0] == before - 1


@pytest.mark.parametrize("username", ["dispatcher", "engineer1", "admin"])
def test_a_workspace_costs_the_same_statements_with_four_times_the_work(app, login_as, desk_story, username):
    """Each card is one statement, however many requests, work orders, runs and mails there are."""
    from app.extensions import db
    from tests.integration.test_query_budget import statements_for
    from tests.integration.workspace_story import build_story

    client = login_as(username)
    few = statements_for(app, client, "/")
    with app.app_context():
        for series in range(1, 4):
            build_story(db.session, series=series)
    many = statements_for(app, client, "/")
    assert len(few) == len(many), "\n".join(many)
