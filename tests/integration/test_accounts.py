"""Accounts: organisation rules when admins create users; users pick their language."""

from __future__ import annotations

import re

import pytest

from tests.helpers import form_csrf_token


def role_id(app, name):
    with app.app_context():
        return app.appbuilder.sm.find_role(name).id


def vendor_id(app, code):
    from app.extensions import db
    from models.organisations import Vendor

    with app.app_context():
        return db.session.query(Vendor).filter_by(code=code).one().id


def add_user(app, client, username, role, **extra):
    page = client.get("/users/add?_l_=en")
    data = {
        "first_name": "周",
        "last_name": "杰",
        "username": username,
        "email": f"{username}@example.cn",
        "active": "y",
        "roles": str(role_id(app, role)),
        "preferred_language": "zh",
        "password": "GoodPass#2026xx",
        "conf_password": "GoodPass#2026xx",
        "csrf_token": form_csrf_token(page.text),
        **extra,
    }
    return client.post("/users/add?_l_=en", data=data, follow_redirects=True)


def user_exists(app, username) -> bool:
    from app.extensions import db
    from models.users import UserAccount

    with app.app_context():
        return db.session.query(UserAccount).filter_by(username=username).count() == 1


def test_vendor_account_without_its_vendor_is_refused(app, login_as):
    resp = add_user(app, login_as("admin"), "vendorless", "Vendor")
    assert "Choose the service vendor this Vendor account belongs to." in resp.text
    assert not user_exists(app, "vendorless")


def test_vendor_account_with_its_vendor_is_created_and_scoped(app, login_as):
    add_user(app, login_as("admin"), "vendor1b", "Vendor", vendor=str(vendor_id(app, "V-SHXX")))
    assert user_exists(app, "vendor1b")
    directory = login_as("vendor1").get("/directory/list/")
    assert "vendor1b@example.cn" in directory.text


def test_staff_account_cannot_belong_to_a_vendor(app, login_as):
    resp = add_user(app, login_as("admin"), "confused", "Engineer", vendor=str(vendor_id(app, "V-SHXX")))
    assert "Only accounts with the Vendor role can belong to a service vendor." in resp.text
    assert not user_exists(app, "confused")


@pytest.mark.parametrize(("language", "expected"), [("en", "Logout"), ("zh", "退出")])
def test_user_changes_preferred_language_on_the_profile(app, login_as, language, expected):
    client = login_as("engineer1")
    page = client.get("/profileeditview/form")
    assert page.status_code == 200
    resp = client.post(
        "/profileeditview/form",
        data={
            "first_name": "张",
            "last_name": "伟",
            "preferred_language": language,
            "csrf_token": form_csrf_token(page.text),
        },
    )
    assert resp.status_code == 302
    from app.extensions import db
    from models.users import UserAccount

    with app.app_context():
        assert db.session.query(UserAccount).filter_by(username="engineer1").one().preferred_language == language
    assert expected in client.get("/").text


@pytest.mark.parametrize(("path", "view"), [("/users/list/", "UserAccountView"), ("/directory/list/", "DirectoryView")])
def test_account_lists_sort_by_each_sortable_column_and_not_by_organisation(login_as, path, view):
    client = login_as("admin")
    page = client.get(path).text
    sortable = set(re.findall(rf"_oc_{view}=(\w+)", page))
    assert {"first_name", "last_name", "email"} <= sortable and "organisation" not in sortable
    for column in sortable:
        for direction in ("asc", "desc"):
            assert client.get(f"{path}?_oc_{view}={column}&_od_{view}={direction}").status_code == 200, column
