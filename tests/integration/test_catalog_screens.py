"""Behaviour every catalog screen shares, shown on customers, contacts and sites."""

from __future__ import annotations

import csv
import io
import re

from openpyxl import load_workbook

from tests.helpers import form_csrf_token


def add(client, url, data):
    token = form_csrf_token(client.get(url).text)
    return client.post(url, data={**data, "csrf_token": token}, follow_redirects=True)


def make_region(app, code, active=True):
    from app.extensions import db
    from models.reference import Region

    with app.app_context():
        region = Region(code=code, name=f"区域{code}", active=active)
        db.session.add(region)
        db.session.commit()
        return region.id


def test_csv_export_keeps_chinese_for_excel_and_follows_the_screen_filter(login_as):
    client = login_as("admin")
    resp = client.get("/customers/export/csv/?_flt_0_active=y&_l_=zh")
    assert resp.status_code == 200
    assert resp.data.startswith("\ufeff".encode())  # the BOM that makes Excel read UTF-8
    rows = list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["编码", "名称"]
    codes = [row[0] for row in rows[1:]]
    assert "C-HZXH" in codes and "C-XAQC" not in codes  # C-XAQC is inactive
    assert codes == sorted(codes)


def test_xlsx_export_has_translated_headers_and_every_filtered_row(login_as):
    client = login_as("admin")
    listing = client.get("/customers/list/?_flt_0_active=y&_l_=en").text
    resp = client.get("/customers/export/xlsx/?_flt_0_active=y&_l_=en")
    sheet = load_workbook(io.BytesIO(resp.data), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Code", "Name", "Industry")
    shown = re.search(r"Record Count:\D*(\d+)", listing).group(1)
    assert len(rows) - 1 == int(shown)


def test_deleting_a_referenced_customer_is_refused_with_what_uses_it(app, login_as):
    from app.extensions import db
    from models.organisations import Customer

    with app.app_context():
        customer_id = db.session.query(Customer).filter_by(code="C-HZXH").one().id
    client = login_as("admin")
    token = form_csrf_token(client.get("/customers/list/").text)
    resp = client.post(f"/customers/delete/{customer_id}?_l_=en", data={"csrf_token": token}, follow_redirects=True)
    assert "is used by" in resp.text and "user accounts" in resp.text
    assert "Deactivate it instead" in resp.text
    with app.app_context():
        assert db.session.get(Customer, customer_id) is not None


def test_an_unreferenced_customer_can_be_deleted_by_post_but_not_by_a_get_link(app, login_as):
    from app.extensions import db
    from models.organisations import Customer

    client = login_as("admin")
    add(client, "/customers/add", {"code": "C-TMP", "name": "临时客户", "service_tier": "STANDARD", "active": "y"})
    with app.app_context():
        customer_id = db.session.query(Customer).filter_by(code="C-TMP").one().id
    client.get(f"/customers/delete/{customer_id}")  # a link someone was tricked into opening
    with app.app_context():
        assert db.session.get(Customer, customer_id) is not None
    token = form_csrf_token(client.get("/customers/list/").text)
    client.post(f"/customers/delete/{customer_id}", data={"csrf_token": token})
    with app.app_context():
        assert db.session.get(Customer, customer_id) is None


def test_service_tier_choices_are_translated_labels_not_codes(login_as):
    client = login_as("admin")
    english = client.get("/customers/add?_l_=en").text
    assert ">Standard<" in english and ">VIP<" in english
    assert ">STANDARD<" not in english and ">standard<" not in english


def test_inactive_region_is_not_offered_for_new_sites(app, login_as):
    make_region(app, "R-OLD", active=False)
    make_region(app, "R-NEW", active=True)
    page = login_as("admin").get("/sites/add").text
    assert "区域R-NEW" in page
    assert "区域R-OLD" not in page


def test_editing_a_site_keeps_its_since_deactivated_region(app, login_as):
    from app.extensions import db
    from models.organisations import Customer, Site
    from models.reference import Region

    region_id = make_region(app, "R-GONE")
    with app.app_context():
        customer = db.session.query(Customer).filter_by(code="C-SZLH").one()
        site = Site(customer=customer, name="旧仓库", region_id=region_id)
        db.session.add(site)
        db.session.commit()
        site_id, customer_id = site.id, customer.id
        db.session.get(Region, region_id).active = False
        db.session.commit()
    client = login_as("admin")
    page = client.get(f"/sites/edit/{site_id}").text
    assert "区域R-GONE" in page
    client.post(
        f"/sites/edit/{site_id}",
        data={
            "customer": str(customer_id),
            "name": "旧仓库（改）",
            "region": str(region_id),
            "active": "y",
            "csrf_token": form_csrf_token(page),
        },
    )
    with app.app_context():
        site = db.session.get(Site, site_id)
        assert site.name == "旧仓库（改）" and site.region_id == region_id


def test_customer_page_has_tabs_for_its_assets_and_contracts(app, login_as):
    from app.extensions import db
    from models.assets import Asset
    from models.contracts import Contract

    with app.app_context():
        asset, contract = (
            db.session.query(Asset, Contract).join(Contract, Contract.customer_id == Asset.customer_id).first()
        )
        customer_id, number, serial = contract.customer_id, contract.number, asset.serial_number
    page = login_as("dispatcher").get(f"/customers/show/{customer_id}?_l_=en").text
    assert number in page and serial in page


def test_customer_page_lists_its_contacts_and_sites(app, login_as):
    from app.extensions import db
    from models.organisations import Contact, Customer, Site

    with app.app_context():
        customer = db.session.query(Customer).filter_by(code="C-CDJJ").one()
        db.session.add_all([Contact(customer=customer, name="联系人甲"), Site(customer=customer, name="锦江宾馆")])
        db.session.commit()
        customer_id = customer.id
    page = login_as("dispatcher").get(f"/customers/show/{customer_id}").text
    assert "联系人甲" in page and "锦江宾馆" in page


def test_customer_user_sees_only_its_own_contacts(app, login_as):
    from app.extensions import db
    from models.organisations import Contact, Customer

    with app.app_context():
        mine = db.session.query(Customer).filter_by(code="C-HZXH").one()
        other = db.session.query(Customer).filter_by(code="C-SZLH").one()
        db.session.add_all([Contact(customer=mine, name="本公司联系人"), Contact(customer=other, name="别家联系人")])
        db.session.commit()
    page = login_as("customer1").get("/contacts/list/").text
    assert "本公司联系人" in page and "别家联系人" not in page


def test_unticking_active_deactivates_a_customer(app, login_as):
    from app.extensions import db
    from models.organisations import Customer

    with app.app_context():
        customer = db.session.query(Customer).filter_by(code="C-SZLH").one()
        customer_id, name = customer.id, customer.name
    client = login_as("admin")
    page = client.get(f"/customers/edit/{customer_id}").text
    client.post(
        f"/customers/edit/{customer_id}",
        data={"code": "C-SZLH", "name": name, "service_tier": "STANDARD", "csrf_token": form_csrf_token(page)},
    )
    with app.app_context():
        assert db.session.get(Customer, customer_id).active is False


def test_customer_list_shows_tier_labels_not_codes(app, login_as):
    from app.extensions import db
    from models.enums import ServiceTier
    from models.organisations import Customer

    with app.app_context():
        db.session.query(Customer).filter_by(code="C-SZLH").one().service_tier = ServiceTier.GOLD
        db.session.commit()
    page = login_as("admin").get("/customers/list/?_l_=en").text
    cells = re.findall(r"<td>\s*([^<]*?)\s*</td>", page)
    assert "Gold" in cells and "Standard" in cells
    assert ">gold<" not in page and ">GOLD<" not in page and "gold\\u003c" not in page


def test_customer_users_filter_dropdowns_list_only_their_own_company(login_as):
    page = login_as("customer1").get("/contacts/list/").text
    assert "杭州西湖数码科技有限公司" in page
    assert "深圳蓝海物流有限公司" not in page  # another customer: not even as a filter choice


def test_api_info_offers_only_the_callers_own_related_rows_and_no_catalog_header(login_as):
    info = login_as("customer1").get("/api/v1/contact/_info").get_json()
    texts = repr(info)
    assert "深圳蓝海物流有限公司" not in texts and "C-SZLH" not in texts
    assert "Content-Type" not in texts and "Project-Id-Version" not in texts


def test_filtering_customers_by_tier_shows_only_that_tier(app, login_as):
    from app.extensions import db
    from models.enums import ServiceTier
    from models.organisations import Customer

    with app.app_context():
        vip = db.session.query(Customer).filter_by(service_tier=ServiceTier.VIP).count()
    page = login_as("admin").get("/customers/list/?_flt_0_service_tier=VIP&_l_=en").text
    assert int(re.search(r"Record Count:\D*(\d+)", page).group(1)) == vip > 0


def test_dates_show_per_locale_on_screens_and_stay_dates_in_exports(login_as):
    from datetime import date, datetime

    client = login_as("admin")
    listing = client.get("/contracts/list/?_l_=zh").text
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", listing) and not re.search(r">\s*\d{4}-\d{2}-\d{2}\s*<", listing)
    sheet = load_workbook(io.BytesIO(client.get("/contracts/export/xlsx/?_l_=zh").data), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert any(isinstance(cell, (date, datetime)) for cell in rows[1])  # a date cell Excel can sort
    text = client.get("/contracts/export/csv/?_l_=zh").data.decode("utf-8-sig")
    assert re.search(r"\b\d{4}-\d{2}-\d{2}\b", text)  # ISO in the CSV
