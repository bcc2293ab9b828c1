"""The global search box: numbers, phones, serial numbers and subject words, within each user's scope."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from tests.integration import test_intake_lookup as lookup

caller = lookup.caller  # ids of C-T01 with contact 欧阳测试 (0571-8765 4321) and assets ZZT-…


@pytest.fixture
def found(app, caller):
    """Requests with the same subject words at C-T01 and at customer1's company; a work order at each,
    one by vendor1's company (V-SHXX), the other by vendor2's. Ids and numbers."""
    from app.extensions import db
    from models.assets import Asset
    from models.organisations import Contact, Customer, Vendor
    from models.work_orders import WorkOrder

    with app.app_context():
        session = db.session
        own = session.scalars(select(Customer).where(Customer.code == "C-HZXH")).one()
        vendors = {v.code: v for v in session.scalars(select(Vendor).where(Vendor.code.in_(["V-SHXX", "V-BJHT"])))}
        theirs = lookup.add_request(
            session,
            session.get(Customer, caller.customer),
            "蓝屏 无法开机",
            contact=session.get(Contact, caller.contact),
            asset=session.get(Asset, caller.expired),
        )
        mine = lookup.add_request(session, own, "蓝屏 无法开机")
        orders = {}
        for request, vendor, number in ((theirs, "V-BJHT", "WO-TEST-0001"), (mine, "V-SHXX", "WO-TEST-0002")):
            order = WorkOrder(number=number, request=request, customer_id=request.customer_id, vendor=vendors[vendor])
            session.add(order)
            orders[vendor] = order
        session.commit()
        return SimpleNamespace(
            theirs=SimpleNamespace(id=theirs.id, number=theirs.number),
            mine=SimpleNamespace(id=mine.id, number=mine.number),
            orders={vendor: order.id for vendor, order in orders.items()},
        )


def results(client, query, lang="en"):
    resp = client.get("/search/", query_string={"q": query, "_l_": lang})
    assert resp.status_code == 200
    return resp.text


def test_staff_find_a_request_by_its_number(login_as, found):
    page = results(login_as("dispatcher"), found.theirs.number)
    assert f"/requests/show/{found.theirs.id}" in page
    assert f"/requests/show/{found.mine.id}" not in page


def test_staff_find_requests_by_subject_words_in_any_order(login_as, found):
    page = results(login_as("dispatcher"), "无法开机 蓝屏")
    assert found.theirs.number in page and found.mine.number in page


def test_a_phone_finds_the_customer_and_the_callers_requests(login_as, caller, found):
    page = results(login_as("dispatcher"), "87654321")
    assert f"/customers/show/{caller.customer}" in page
    assert found.theirs.number in page


def test_a_serial_number_finds_the_asset_and_its_requests(login_as, caller, found):
    page = results(login_as("manager"), "zzt-expired-01")
    assert f"/assets/show/{caller.expired}" in page
    assert found.theirs.number in page


def test_a_work_order_number_finds_the_work_order(login_as, found):
    page = results(login_as("dispatcher"), "WO-TEST-0001")
    assert f"/show/{found.orders['V-BJHT']}" in page and "WO-TEST-0001" in page


def test_a_customer_sees_only_its_own_requests_and_assets_and_no_work_orders(login_as, caller, found):
    page = results(login_as("customer1"), "蓝屏")
    assert found.mine.number in page
    assert found.theirs.number not in page
    assert "sd-search-work_orders" not in page
    assert "ZZT-EXPIRED-01" not in results(login_as("customer1"), "ZZT-EXPIRED")
    assert "C-T01" not in results(login_as("customer1"), "87654321")


def test_a_vendor_sees_only_its_own_work_orders_and_nothing_else(login_as, caller, found):
    page = results(login_as("vendor1"), "WO-TEST")
    assert "WO-TEST-0002" in page and "WO-TEST-0001" not in page
    for section in ("requests", "customers", "assets"):
        assert f"sd-search-{section}" not in page
    assert f"/requests/show/{found.theirs.id}" not in results(login_as("vendor1"), found.theirs.number)


def test_nothing_found_is_said_in_the_users_language(login_as):
    assert "没有与" in results(login_as("dispatcher"), "不存在的东西xyz", lang="zh")


def test_search_needs_a_login(client):
    resp = client.get("/search/?q=SR")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_the_navbar_box_posts_to_the_search_page(app, login_as):
    from flask import render_template

    with app.test_request_context("/?_l_=en"):
        from flask_login import login_user

        from app.extensions import db
        from models.users import UserAccount

        login_user(db.session.scalars(select(UserAccount).where(UserAccount.username == "dispatcher")).one())
        html = render_template("desk/_search_box.html")
    assert 'action="/search/"' in html and 'name="q"' in html and "<label" in html


def test_every_page_carries_the_search_box_for_logged_in_users(login_as, client):
    assert 'id="sd-global-search"' in login_as("vendor1").get("/").text
    assert 'id="sd-global-search"' not in client.get("/login/").text
