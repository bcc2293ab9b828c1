"""Service vendors (服务商): OLA, contacts and user accounts; a vendor user sees only its own."""

from __future__ import annotations

import json
import re

import pytest

from tests.helpers import csrf_token

OTHER_VENDOR = ("V-BJHT", "北京恒通网络工程有限公司")
OTHER_CONTACT = "高建民"  # a contact of V-BJHT in the demo data


def mentions(page: str, text: str) -> bool:
    """``text`` appears in the page as HTML or inside a JSON blob (filter widgets escape Chinese)."""
    return text in page or json.dumps(text)[1:-1] in page


def select_options(page: str, name: str) -> dict[str, str]:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select, f"no select named {name}"
    return dict(re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1)))


def ids(app, model, **filters) -> list[int]:
    from app.extensions import db

    with app.app_context():
        return [row.id for row in db.session.query(model).filter_by(**filters).all()]


def make_sla(app, name, kind):
    from app.extensions import db
    from models.calendars import Calendar
    from models.sla import SLA

    with app.app_context():
        calendar = db.session.query(Calendar).first()
        sla = SLA(name=name, kind=kind, calendar=calendar)
        db.session.add(sla)
        db.session.commit()
        return sla.id


def test_vendor_ola_dropdown_lists_only_internal_slas(app, login_as):
    from models.enums import SLAKind
    from models.organisations import Vendor

    internal = make_sla(app, "测试OLA-内部", SLAKind.INTERNAL)
    external = make_sla(app, "测试SLA-客户", SLAKind.EXTERNAL)
    (vendor_id,) = ids(app, Vendor, code="V-SHXX")
    client = login_as("admin")
    for url in ("/vendors/add", f"/vendors/edit/{vendor_id}"):
        offered = select_options(client.get(url).text, "ola")
        assert str(internal) in offered and "测试OLA-内部" in offered.values()
        assert str(external) not in offered


def test_api_refuses_a_customer_sla_as_a_vendors_ola(app, login_as):
    from app.extensions import db
    from models.enums import SLAKind
    from models.organisations import Vendor

    external = make_sla(app, "测试SLA-客户", SLAKind.EXTERNAL)
    (vendor_id,) = ids(app, Vendor, code="V-SHXX")
    client = login_as("admin")
    resp = client.put(
        f"/api/v1/vendor/{vendor_id}?_l_=en", json={"ola": external}, headers={"X-CSRFToken": csrf_token(client)}
    )
    assert resp.status_code == 400
    assert "a vendor's service level must be an OLA" in resp.get_json()["message"]
    with app.app_context():
        assert db.session.get(Vendor, vendor_id).ola_id != external


def test_vendor_page_lists_its_contacts_and_user_accounts(app, login_as):
    from models.organisations import Vendor

    (vendor_id,) = ids(app, Vendor, code="V-SHXX")
    page = login_as("dispatcher").get(f"/vendors/show/{vendor_id}?_l_=en").text
    assert "钱晓峰" in page and "沈玉兰" in page  # contacts
    assert "vendor1@demo.servicedesk.cn" in page  # user accounts
    assert OTHER_CONTACT not in page and "vendor2@demo.servicedesk.cn" not in page


def test_vendor_user_sees_only_its_own_contacts(app, login_as):
    from models.organisations import VendorContact

    (other_contact,) = ids(app, VendorContact, name=OTHER_CONTACT)
    client = login_as("vendor1")
    page = client.get("/vendor-contacts/list/").text
    assert "钱晓峰" in page and OTHER_CONTACT not in page
    assert client.get(f"/vendor-contacts/show/{other_contact}").status_code in (302, 404)
    listing = client.get("/api/v1/vendor_contact/").get_json()
    assert {row["vendor"]["code"] for row in listing["result"]} == {"V-SHXX"}
    assert client.get(f"/api/v1/vendor_contact/{other_contact}").status_code == 404


def test_vendor_user_sees_only_its_own_vendors_user_accounts(app, login_as):
    from models.organisations import Vendor
    from models.users import UserAccount

    (vendor2,) = ids(app, UserAccount, username="vendor2")
    (own_vendor,) = ids(app, Vendor, code="V-SHXX")
    client = login_as("vendor1")
    listing = client.get("/vendor-users/list/").text
    assert "vendor1@demo.servicedesk.cn" in listing and "vendor2@demo.servicedesk.cn" not in listing
    assert client.get(f"/vendor-users/show/{vendor2}").status_code in (302, 404)
    own_page = client.get(f"/vendors/show/{own_vendor}").text
    assert "钱晓峰" in own_page and "vendor1@demo.servicedesk.cn" in own_page
    assert OTHER_CONTACT not in own_page and "vendor2@demo.servicedesk.cn" not in own_page


@pytest.mark.parametrize("url", ["/vendors/list/", "/vendor-contacts/list/", "/vendor-users/list/"])
def test_vendor_users_filters_offer_no_other_vendor(login_as, url):
    page = login_as("vendor1").get(url)
    assert page.status_code == 200
    assert not any(mentions(page.text, text) for text in (*OTHER_VENDOR, OTHER_CONTACT, "vendor2"))


@pytest.mark.parametrize("api", ["vendor", "vendor_contact"])
def test_vendor_users_api_info_lists_no_other_vendor(login_as, api):
    resp = login_as("vendor1").get(f"/api/v1/{api}/_info")
    assert resp.status_code == 200
    body = json.dumps(resp.get_json(), ensure_ascii=False)
    assert not any(text in body for text in (*OTHER_VENDOR, OTHER_CONTACT))


@pytest.mark.parametrize("url", ["/vendors/add", "/vendor-contacts/add", "/vendors/edit/1"])
def test_vendor_users_cannot_open_vendor_forms(login_as, url):
    assert login_as("vendor1").get(url).status_code in (302, 403, 404)
