"""Vendors and customers see only their own organisation's rows, on screens and in the API."""

from __future__ import annotations

import pytest
from flask_appbuilder import ModelRestApi, ModelView

from app.security.scoping import STAFF, Scope, ScopeFilter, is_scoped_model, scope_of


def org_id(app, model, code):
    from app.extensions import db

    with app.app_context():
        return db.session.query(model).filter_by(code=code).one().id


def test_every_view_and_api_over_a_scoped_model_applies_the_scope_filter(app):
    """Guard: a new view over vendor- or customer-owned rows cannot forget scoping."""
    unscoped = []
    for view in app.appbuilder.baseviews:
        if not isinstance(view, (ModelView, ModelRestApi)):
            continue
        model = view.datamodel.obj
        if is_scoped_model(model):
            filters = [flt[1] for flt in (view.base_filters or [])]
            if ScopeFilter not in filters:
                unscoped.append(type(view).__name__)
    assert unscoped == []


def test_vendor_list_shows_only_its_own_vendor(login_as):
    page = login_as("vendor1").get("/vendors/list/?_l_=en")
    assert page.status_code == 200
    assert "上海迅修技术服务有限公司" in page.text
    assert "北京恒通网络工程有限公司" not in page.text


def test_vendor_cannot_open_another_vendors_record(app, login_as):
    from models.organisations import Vendor

    other = org_id(app, Vendor, "V-BJHT")
    resp = login_as("vendor1").get(f"/vendors/show/{other}")
    assert resp.status_code in (302, 404)
    assert "北京恒通网络工程有限公司" not in resp.text


def test_vendor_api_returns_only_its_own_vendor(app, login_as):
    from models.organisations import Vendor

    client = login_as("vendor1")
    listing = client.get("/api/v1/vendor/").get_json()
    assert [row["code"] for row in listing["result"]] == ["V-SHXX"]
    other = org_id(app, Vendor, "V-BJHT")
    assert client.get(f"/api/v1/vendor/{other}").status_code == 404


def test_customer_sees_only_its_own_company_and_no_vendors(app, login_as):
    client = login_as("customer1")
    page = client.get("/customers/list/")
    assert "杭州西湖数码科技有限公司" in page.text
    assert "深圳蓝海物流有限公司" not in page.text
    assert client.get("/api/v1/vendor/").status_code in (401, 403)
    assert client.get("/vendors/list/").status_code == 403


def test_directory_shows_a_vendor_only_its_colleagues(login_as):
    page = login_as("vendor1").get("/directory/list/")
    assert page.status_code == 200
    assert "vendor1@demo.servicedesk.cn" in page.text
    assert "vendor2@demo.servicedesk.cn" not in page.text
    assert "admin@demo.servicedesk.cn" not in page.text


def test_staff_see_every_organisation(login_as):
    page = login_as("dispatcher").get("/vendors/list/")
    assert "上海迅修技术服务有限公司" in page.text and "北京恒通网络工程有限公司" in page.text


@pytest.mark.parametrize(
    ("roles", "vendor_id", "customer_id", "expected"),
    [
        (["Dispatcher"], None, None, STAFF),
        (["Vendor"], 7, None, Scope("vendor", 7)),
        (["Customer"], None, 3, Scope("customer", 3)),
        (["Vendor"], None, None, Scope("nobody")),
        (["Vendor", "Dispatcher"], 7, None, Scope("vendor", 7)),
        ([], None, None, Scope("nobody")),
    ],
)
def test_scope_of_a_user(roles, vendor_id, customer_id, expected):
    class Role:
        def __init__(self, name):
            self.name = name

    class User:
        is_authenticated = True

    user = User()
    user.roles = [Role(name) for name in roles]
    user.vendor_id, user.customer_id = vendor_id, customer_id
    assert scope_of(user) == expected
