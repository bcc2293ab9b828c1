"""The landing page: per-role counts, each equal to the list it links to."""

from __future__ import annotations

import re

import pytest

from app.demo import LOGIN_ACCOUNTS
from tests.helpers import form_csrf_token

CARD = re.compile(
    r'<a class="sd-card" href="([^"]+)"[^>]*>\s*'
    r'<div class="sd-count">([^<]+)</div>\s*<div class="sd-label">([^<]+)</div>'
)


def cards(client) -> dict[str, tuple[int, str]]:
    page = client.get("/?_l_=en")
    assert page.status_code == 200
    return {
        label: (int(count.replace(",", "")), href.replace("&amp;", "&"))
        for href, count, label in CARD.findall(page.text)
    }


def list_record_count(client, href: str) -> int:
    page = client.get(href + ("&" if "?" in href else "?") + "_l_=en")
    assert page.status_code == 200, href
    match = re.search(r"Record Count:\s*</?\w*>?\s*(\d+)", page.text) or re.search(r"Record Count:\D*(\d+)", page.text)
    if match:
        return int(match.group(1))
    assert "No records found" in page.text, f"cannot read the record count of {href}"
    return 0


@pytest.mark.parametrize("username", [a.username for a in LOGIN_ACCOUNTS])
def test_every_role_gets_at_least_three_counts_that_match_their_lists(login_as, username):
    client = login_as(username)
    shown = cards(client)
    assert len(shown) >= 3, f"{username} sees {sorted(shown)}"
    for label, (count, href) in shown.items():
        assert list_record_count(client, href) == count, f"{username}: card {label!r} says {count}"


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

    client = login_as("dispatcher")
    before = cards(client)["Active service vendors"][0]
    with app.app_context():
        db.session.query(Vendor).filter_by(code="V-XAQC").one().active = False
        db.session.commit()
    assert cards(client)["Active service vendors"][0] == before - 1
