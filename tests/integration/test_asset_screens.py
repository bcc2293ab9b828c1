"""Asset models and assets (设备): screens, rules, serial-number lookup, scoping, export and API."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta

import pytest

from tests.helpers import csrf_token, form_csrf_token
from tests.integration.test_query_budget import counted_statements

MINE = "C-HZXH"  # customer1's customer
OTHER = "C-SZLH"


def post_form(client, url, data):
    token = form_csrf_token(client.get(url).text)
    return client.post(url, data={**data, "csrf_token": token}, follow_redirects=True)


@pytest.fixture
def fleet(app):
    """Two customers' equipment: a server with a module at C-HZXH, a switch at C-SZLH."""
    from app.extensions import db
    from models.assets import Asset, AssetModel
    from models.organisations import Customer, Site

    today = date.today()
    with app.app_context():
        mine = db.session.query(Customer).filter_by(code=MINE).one()
        other = db.session.query(Customer).filter_by(code=OTHER).one()
        server_model = AssetModel(brand="测试品牌", model="TS-2288 服务器", category="服务器")
        module_model = AssetModel(brand="测试品牌", model="TS-PSU 电源模块", category="服务器组件")
        old_model = AssetModel(brand="测试品牌", model="TS-OLD 停产型号", category="服务器", active=False)
        hq = Site(customer=mine, name="测试总部机房", address="杭州市西湖区文三路1号")
        branch = Site(customer=mine, name="测试分部机房")
        warehouse = Site(customer=other, name="测试东莞仓")
        server = Asset(
            serial_number="T-SRV-0001",
            asset_model=server_model,
            customer=mine,
            site=hq,
            install_date=today - timedelta(days=400),
            warranty_start=today - timedelta(days=400),
            warranty_end=today + timedelta(days=700),
        )
        module = Asset(
            serial_number="T-PSU-0001",
            asset_model=module_model,
            customer=mine,
            site=hq,
            parent=server,
            warranty_start=today - timedelta(days=400),
            warranty_end=today - timedelta(days=35),
        )
        switch = Asset(serial_number="T-SW-0001", asset_model=server_model, customer=other, site=warehouse)
        db.session.add_all([server_model, module_model, old_model, hq, branch, warehouse, server, module, switch])
        db.session.commit()
        return {
            "mine": mine.id,
            "other": other.id,
            "server_model": server_model.id,
            "module_model": module_model.id,
            "old_model": old_model.id,
            "hq": hq.id,
            "branch": branch.id,
            "warehouse": warehouse.id,
            "server": server.id,
            "module": module.id,
            "switch": switch.id,
        }


def asset_form(fleet, **changes) -> dict[str, str]:
    data = {
        "serial_number": "T-NEW-0001",
        "asset_model": str(fleet["server_model"]),
        "customer": str(fleet["mine"]),
        "site": str(fleet["hq"]),
        "parent": "__None",
        "install_date": "2024-03-01",
        "warranty_start": "2024-03-01",
        "warranty_end": "2027-02-28",
        "status": "IN_SERVICE",
        "notes": "",
    }
    data.update({key: str(value) for key, value in changes.items()})
    return data


def edit_form_of(app, fleet, key: str, **changes) -> dict[str, str]:
    """The edit form of an existing asset as the browser would post it, with some fields changed."""
    from app.extensions import db
    from models.assets import Asset

    with app.app_context():
        asset = db.session.get(Asset, fleet[key])
        data = {
            "serial_number": asset.serial_number,
            "asset_model": str(asset.asset_model_id),
            "customer": str(asset.customer_id),
            "site": str(asset.site_id) if asset.site_id else "__None",
            "parent": str(asset.parent_id) if asset.parent_id else "__None",
            "install_date": asset.install_date.isoformat() if asset.install_date else "",
            "warranty_start": asset.warranty_start.isoformat() if asset.warranty_start else "",
            "warranty_end": asset.warranty_end.isoformat() if asset.warranty_end else "",
            "status": asset.status.name,
            "notes": asset.notes or "",
        }
    data.update({key: str(value) for key, value in changes.items()})
    return data


def load(app, asset_id):
    from app.extensions import db
    from models.assets import Asset

    with app.app_context():
        asset = db.session.get(Asset, asset_id)
        if asset is not None:
            db.session.expunge(asset)
        return asset


def asset_by_serial(app, serial):
    from app.extensions import db
    from models.assets import Asset

    with app.app_context():
        return db.session.query(Asset).filter_by(serial_number=serial).one_or_none()


# --- create, edit, retire -------------------------------------------------------------------


def test_admin_creates_an_asset(app, login_as, fleet):
    client = login_as("admin")
    resp = post_form(client, "/assets/add?_l_=en", asset_form(fleet, notes="新装"))
    assert "Added Row" in resp.text
    created = asset_by_serial(app, "T-NEW-0001")
    assert created.customer_id == fleet["mine"] and created.site_id == fleet["hq"]
    assert created.warranty_end == date(2027, 2, 28) and created.status.name == "IN_SERVICE"


def test_admin_edits_an_asset(app, login_as, fleet):
    client = login_as("admin")
    data = edit_form_of(app, fleet, "server", site=fleet["branch"], warranty_end="2030-12-31")
    post_form(client, f"/assets/edit/{fleet['server']}", data)
    edited = load(app, fleet["server"])
    assert edited.site_id == fleet["branch"] and edited.warranty_end == date(2030, 12, 31)


def test_admin_retires_an_asset_instead_of_deleting_it(app, login_as, fleet):
    client = login_as("admin")
    post_form(client, f"/assets/edit/{fleet['switch']}", edit_form_of(app, fleet, "switch", status="RETIRED"))
    assert load(app, fleet["switch"]).status.name == "RETIRED"
    retired = client.get("/assets/list/?_flt_0_status=RETIRED&_flt_0_serial_number=T-&_l_=en").text
    assert listed_ids(retired) == {fleet["switch"]}
    assert ">Retired<" in retired or "Retired</td>" in retired


# --- rules ----------------------------------------------------------------------------------


def test_warranty_end_before_start_is_refused_with_a_message(app, login_as, fleet):
    client = login_as("admin")
    data = asset_form(fleet, warranty_start="2025-06-01", warranty_end="2025-05-31")
    resp = post_form(client, "/assets/add?_l_=en", data)
    assert "The warranty end (May 31, 2025) is before the warranty start (Jun 1, 2025)." in resp.text
    assert asset_by_serial(app, "T-NEW-0001") is None


def test_warranty_end_before_start_message_is_in_chinese_for_zh(app, login_as, fleet):
    client = login_as("admin")
    data = asset_form(fleet, warranty_start="2025-06-01", warranty_end="2025-05-31")
    resp = post_form(client, "/assets/add?_l_=zh", data)
    assert "2025年5月31日" in resp.text and "2025年6月1日" in resp.text
    assert asset_by_serial(app, "T-NEW-0001") is None


def test_site_of_another_customer_is_refused(app, login_as, fleet):
    resp = post_form(login_as("admin"), "/assets/add?_l_=en", asset_form(fleet, site=fleet["warehouse"]))
    assert "The site 测试东莞仓 belongs to C-SZLH 深圳蓝海物流有限公司, not to C-HZXH" in resp.text
    assert asset_by_serial(app, "T-NEW-0001") is None


def test_parent_of_another_customer_is_refused(app, login_as, fleet):
    resp = post_form(login_as("admin"), "/assets/add?_l_=en", asset_form(fleet, parent=fleet["switch"]))
    assert "The parent asset T-SW-0001 belongs to C-SZLH 深圳蓝海物流有限公司" in resp.text
    assert asset_by_serial(app, "T-NEW-0001") is None


def test_asset_cannot_be_its_own_parent(app, login_as, fleet):
    data = edit_form_of(app, fleet, "server", parent=fleet["server"])
    resp = post_form(login_as("admin"), f"/assets/edit/{fleet['server']}?_l_=en", data)
    assert "An asset cannot be its own parent asset." in resp.text
    assert load(app, fleet["server"]).parent_id is None


def test_asset_cannot_be_mounted_in_one_of_its_own_modules(app, login_as, fleet):
    from app.extensions import db
    from models.assets import Asset

    with app.app_context():  # server ← module ← fan: the server may not go under the fan either
        module = db.session.get(Asset, fleet["module"])
        fan = Asset(
            serial_number="T-FAN-0001", asset_model_id=fleet["module_model"], customer_id=fleet["mine"], parent=module
        )
        db.session.add(fan)
        db.session.commit()
        fan_id = fan.id
    client = login_as("admin")
    for parent_id in (fleet["module"], fan_id):
        data = edit_form_of(app, fleet, "server", parent=parent_id)
        resp = post_form(client, f"/assets/edit/{fleet['server']}?_l_=en", data)
        assert "mounted in T-SRV-0001 (directly or further down), so it cannot also be its parent" in resp.text
    assert load(app, fleet["server"]).parent_id is None


def test_duplicate_serial_number_is_refused_with_a_clear_message(app, login_as, fleet):
    resp = post_form(login_as("admin"), "/assets/add?_l_=en", asset_form(fleet, serial_number=" T-SW-0001 "))
    assert "Serial number T-SW-0001 is already registered to C-SZLH 深圳蓝海物流有限公司." in resp.text
    assert "Already exists" not in resp.text and "IntegrityError" not in resp.text
    with app.app_context():
        from app.extensions import db
        from models.assets import Asset

        assert db.session.query(Asset).filter_by(serial_number="T-SW-0001").count() == 1


def test_renaming_to_another_assets_serial_number_is_refused(app, login_as, fleet):
    data = edit_form_of(app, fleet, "server", serial_number="T-SW-0001")
    resp = post_form(login_as("admin"), f"/assets/edit/{fleet['server']}?_l_=en", data)
    assert "Serial number T-SW-0001 is already registered" in resp.text
    assert load(app, fleet["server"]).serial_number == "T-SRV-0001"


def test_moving_an_asset_with_modules_to_another_customer_is_refused(app, login_as, fleet):
    data = edit_form_of(app, fleet, "server", customer=fleet["other"], site=fleet["warehouse"])
    resp = post_form(login_as("admin"), f"/assets/edit/{fleet['server']}?_l_=en", data)
    assert "1 asset mounted in T-SRV-0001 belongs to another customer" in resp.text
    assert load(app, fleet["server"]).customer_id == fleet["mine"]


def test_moving_an_asset_with_modules_is_refused_in_chinese_for_zh(app, login_as, fleet):
    data = edit_form_of(app, fleet, "server", customer=fleet["other"], site=fleet["warehouse"])
    resp = post_form(login_as("admin"), f"/assets/edit/{fleet['server']}?_l_=zh", data)
    assert "T-SRV-0001 的 1 台下级设备属于其他客户；请先移走或解除挂接，再更改此设备的客户。" in resp.text
    assert load(app, fleet["server"]).customer_id == fleet["mine"]


def test_every_broken_rule_is_named_at_once(app, login_as, fleet):
    reversed_warranty = {"warranty_start": "2025-06-01", "warranty_end": "2025-05-31"}
    data = asset_form(fleet, serial_number="T-SW-0001", site=fleet["warehouse"], **reversed_warranty)
    resp = post_form(login_as("admin"), "/assets/add?_l_=zh", data)
    assert "序列号 T-SW-0001 已登记在 C-SZLH 深圳蓝海物流有限公司 名下。" in resp.text
    assert "保修结束日期（2025年5月31日）早于保修开始日期（2025年6月1日）。" in resp.text
    assert "站点 测试东莞仓 属于 C-SZLH 深圳蓝海物流有限公司，而不是 C-HZXH" in resp.text


def test_inactive_asset_model_is_not_offered_in_the_add_form(login_as, fleet):
    page = login_as("admin").get("/assets/add").text
    assert "TS-2288 服务器" in page
    assert "TS-OLD 停产型号" not in page


def test_editing_an_asset_keeps_its_since_deactivated_model(app, login_as, fleet):
    from app.extensions import db
    from models.assets import Asset

    with app.app_context():
        db.session.get(Asset, fleet["switch"]).asset_model_id = fleet["old_model"]
        db.session.commit()
    page = login_as("admin").get(f"/assets/edit/{fleet['switch']}").text
    assert "TS-OLD 停产型号" in page


def test_deleting_a_referenced_asset_model_is_refused(app, login_as, fleet):
    from app.extensions import db
    from models.assets import AssetModel

    client = login_as("admin")
    token = form_csrf_token(client.get("/asset-models/list/").text)
    resp = client.post(
        f"/asset-models/delete/{fleet['server_model']}?_l_=en", data={"csrf_token": token}, follow_redirects=True
    )
    assert "is used by 2 assets" in resp.text and "Deactivate it instead" in resp.text
    with app.app_context():
        assert db.session.get(AssetModel, fleet["server_model"]) is not None


def test_duplicate_asset_model_is_refused_with_a_message(app, login_as, fleet):
    data = {"brand": "测试品牌", "model": "TS-2288 服务器", "category": "服务器", "active": "y"}
    resp = post_form(login_as("admin"), "/asset-models/add?_l_=en", data)
    assert "The asset model 测试品牌 TS-2288 服务器 already exists." in resp.text


def test_api_refuses_a_duplicate_asset_model_in_the_users_language(login_as, fleet):
    client = login_as("admin")
    body = {"brand": " 测试品牌 ", "model": "TS-2288 服务器", "category": "服务器", "active": True}
    resp = client.post("/api/v1/asset_model/?_l_=zh", json=body, headers={"X-CSRFToken": csrf_token(client)})
    assert resp.status_code == 400
    assert resp.json["message"] == "设备型号 测试品牌 TS-2288 服务器 已存在。"


# --- pages ----------------------------------------------------------------------------------


def test_child_assets_are_listed_on_the_parent_asset_page(login_as, fleet):
    page = login_as("dispatcher").get(f"/assets/show/{fleet['server']}?_l_=en").text
    assert "T-PSU-0001" in page and "TS-PSU 电源模块" in page
    assert "T-SW-0001" not in page


def test_asset_model_page_lists_its_assets(login_as, fleet):
    page = login_as("dispatcher").get(f"/asset-models/show/{fleet['server_model']}?_l_=en").text
    assert "T-SRV-0001" in page and "T-SW-0001" in page
    assert "T-PSU-0001" not in page


def test_warranty_status_is_a_translated_label_on_the_list(login_as, fleet):
    client = login_as("dispatcher")
    english = client.get("/assets/list/?_flt_0_serial_number=T-&_l_=en").text
    assert "In warranty" in english and "Out of warranty" in english and "No warranty recorded" in english
    chinese = client.get("/assets/list/?_flt_0_serial_number=T-&_l_=zh").text
    assert "IN_WARRANTY" not in chinese and "in_warranty" not in chinese and ">None<" not in chinese


def test_status_filter_offers_translated_labels(login_as, fleet):
    page = login_as("admin").get("/assets/list/?_l_=en").text
    filters = re.search(r"new AdminFilters\(\s*'#filter_form',\s*\{.*?\},\s*(\{.*?\}),", page, re.S).group(1)
    status = json.loads(filters)["status"]
    assert ">In repair<" in status and ">in_repair<" not in status


def listed_ids(page: str) -> set[int]:
    return {int(pk) for pk in re.findall(r"/assets/show/(\d+)", page)}


def test_list_filters_by_customer_model_and_warranty_end(login_as, fleet):
    client = login_as("admin")
    by_customer = client.get(f"/assets/list/?_flt_0_customer={fleet['other']}&_flt_0_serial_number=T-").text
    assert listed_ids(by_customer) == {fleet["switch"]}
    by_model = client.get(f"/assets/list/?_flt_0_asset_model={fleet['module_model']}&_flt_0_serial_number=T-").text
    assert listed_ids(by_model) == {fleet["module"]}
    # FAB's date filters: 0 equal, 1 greater than, 2 smaller than
    ended = client.get(f"/assets/list/?_flt_2_warranty_end={date.today().isoformat()}&_flt_0_serial_number=T-").text
    assert listed_ids(ended) == {fleet["module"]}


def test_list_page_statement_count_is_the_same_at_page_size_10_and_100(app, login_as, fleet):
    from app.extensions import db
    from models.assets import Asset

    with app.app_context():  # more than 100 assets, most mounted in parents on other pages
        parents = [
            Asset(
                serial_number=f"T-P-{i:03}",
                asset_model_id=fleet["server_model"],
                customer_id=fleet["mine"],
                site_id=fleet["hq"],
            )
            for i in range(60)
        ]
        modules = [
            Asset(
                serial_number=f"T-M-{i:03}",
                asset_model_id=fleet["module_model"],
                customer_id=fleet["mine"],
                parent=parents[i % 60],
            )
            for i in range(120)
        ]
        db.session.add_all(parents + modules)
        db.session.commit()
    client = login_as("dispatcher")
    counts = {}
    for size in (10, 100):
        url = f"/assets/list/?psize_AssetView={size}&_flt_0_serial_number=T-M-"  # modules, parents elsewhere
        client.get(url)  # warm caches (e.g. the user's roles)
        with counted_statements(app) as statements:
            page = client.get(url)
        assert page.status_code == 200
        assert len(listed_ids(page.text)) == size
        counts[size] = len(statements)
    assert counts[10] == counts[100], counts


# --- serial-number lookup -------------------------------------------------------------------


def test_lookup_finds_owner_site_model_parent_and_warranty(login_as, fleet):
    page = login_as("dispatcher").get("/assets/lookup?serial=T-PSU-0001&_l_=en").text
    owner = re.search(r'class="sd-owner">(.*?)</td>', page, re.S).group(1)
    assert "C-HZXH 杭州西湖数码科技有限公司" in owner
    assert "测试总部机房" in re.search(r'class="sd-site">(.*?)</td>', page, re.S).group(1)
    assert "T-SRV-0001" in re.search(r'class="sd-parent">(.*?)</td>', page, re.S).group(1)
    assert "TS-PSU 电源模块" in page
    warranty = re.search(r'class="panel panel-default sd-warranty">(.*?)</table>', page, re.S).group(1)
    assert "Out of warranty" in warranty
    assert (date.today() - timedelta(days=35)).strftime("%Y") in warranty


def test_lookup_shows_modules_and_an_empty_service_history(login_as, fleet):
    page = login_as("engineer1").get("/assets/lookup?serial=t-srv-0001&_l_=en").text  # case does not matter
    children = re.search(r'class="panel panel-default sd-children">(.*?)</div>\s*<div', page, re.S).group(1)
    assert "T-PSU-0001" in children
    assert "In warranty" in page
    assert "No service requests are recorded for this asset yet." in page


def test_lookup_of_an_unknown_serial_number_says_so(login_as, fleet):
    page = login_as("dispatcher").get("/assets/lookup?serial=NO-SUCH-SN&_l_=en").text
    assert "No asset with serial number NO-SUCH-SN was found." in page


def test_lookup_refuses_other_customers_serials_for_customer1(login_as, fleet):
    client = login_as("customer1")
    other = client.get("/assets/lookup?serial=T-SW-0001&_l_=en").text
    assert "No asset with serial number T-SW-0001 was found." in other
    assert "深圳蓝海物流" not in other and "测试东莞仓" not in other
    own = client.get("/assets/lookup?serial=T-SRV-0001&_l_=en").text
    assert "C-HZXH 杭州西湖数码科技有限公司" in own and "T-PSU-0001" in own


def test_lookup_is_in_the_menu_for_customers_and_staff(login_as, fleet):
    assert 'href="/assets/lookup"' in login_as("customer1").get("/assets/list/").text
    assert 'href="/assets/lookup"' in login_as("engineer1").get("/assets/list/").text


def test_vendor_cannot_open_assets_or_the_lookup(login_as, fleet):
    client = login_as("vendor1")
    assert client.get("/assets/list/").status_code == 403
    assert client.get("/assets/lookup?serial=T-SRV-0001").status_code == 403


# --- scoping --------------------------------------------------------------------------------


def test_customer_user_sees_only_its_own_assets(login_as, fleet):
    page = login_as("customer1").get("/assets/list/?_l_=en").text
    assert "T-SRV-0001" in page and "T-PSU-0001" in page
    assert "T-SW-0001" not in page


def test_customer_user_cannot_open_another_customers_asset(login_as, fleet):
    client = login_as("customer1")
    assert client.get(f"/assets/show/{fleet['switch']}").status_code == 404
    assert client.get(f"/assets/show/{fleet['server']}").status_code == 200


def test_customer_filter_offers_customer1_only_its_own_customer_and_sites(login_as, fleet):
    page = login_as("customer1").get("/assets/list/?_l_=en").text
    filters = re.search(r"new AdminFilters\(\s*'#filter_form',\s*\{.*?\},\s*(\{.*?\}),", page, re.S).group(1)
    fields = json.loads(filters)
    assert "C-HZXH" in fields["customer"] and "C-SZLH" not in fields["customer"]
    assert "测试总部机房" in fields["site"] and "测试东莞仓" not in fields["site"]


def test_customer_user_cannot_add_assets(login_as, fleet):
    assert login_as("customer1").get("/assets/add").status_code == 403


# --- export ---------------------------------------------------------------------------------


def test_csv_export_of_assets_has_labels_and_follows_the_filter(login_as, fleet):
    resp = login_as("admin").get("/assets/export/csv/?_flt_0_serial_number=T-&_l_=en")
    assert resp.status_code == 200
    rows = list(csv.DictReader(io.StringIO(resp.data.decode("utf-8-sig"))))
    by_serial = {row["Serial number"]: row for row in rows}
    assert set(by_serial) == {"T-SRV-0001", "T-PSU-0001", "T-SW-0001"}
    module = by_serial["T-PSU-0001"]
    assert module["Parent asset"] == "T-SRV-0001"
    assert module["Customer"] == "C-HZXH 杭州西湖数码科技有限公司"
    assert module["Warranty status"] == "Out of warranty" and module["Status"] == "In service"
    assert by_serial["T-SW-0001"]["Warranty status"] == "No warranty recorded"
    assert "<span" not in resp.data.decode("utf-8-sig")


def test_csv_export_for_customer1_holds_only_its_assets(login_as, fleet):
    resp = login_as("customer1").get("/assets/export/csv/?_l_=en")
    text = resp.data.decode("utf-8-sig")
    assert "T-SRV-0001" in text and "T-SW-0001" not in text


# --- REST API -------------------------------------------------------------------------------


def api_serials(client, query="(page_size:100,filters:!((col:serial_number,opr:sw,value:T-)))"):
    resp = client.get(f"/api/v1/asset/?q={query}")
    assert resp.status_code == 200, resp.text
    return {row["serial_number"]: row for row in resp.json["result"]}


def test_api_lists_assets_for_admin(login_as, fleet):
    rows = api_serials(login_as("admin"))
    assert set(rows) == {"T-SRV-0001", "T-PSU-0001", "T-SW-0001"}
    assert rows["T-PSU-0001"]["parent_id"] == fleet["server"]
    assert rows["T-PSU-0001"]["customer"]["code"] == MINE


def test_api_lists_only_own_assets_for_customer1(login_as, fleet):
    client = login_as("customer1")
    assert set(api_serials(client)) == {"T-SRV-0001", "T-PSU-0001"}
    assert client.get(f"/api/v1/asset/{fleet['switch']}").status_code == 404
    assert client.get(f"/api/v1/asset/{fleet['server']}").status_code == 200


def test_api_offers_a_reading_customer_no_choices_at_all(login_as, fleet):
    """customer1 may only read assets, so _info lists no related rows: none of another customer's."""
    info = login_as("customer1").get("/api/v1/asset/_info?q=(keys:!(add_columns))").json
    columns = {column["name"]: column for column in info["add_columns"]}
    assert columns["customer"]["values"] == []
    assert "T-SW-0001" not in repr(info) and "C-SZLH" not in repr(info)


def test_api_refuses_an_inconsistent_asset_with_the_rule_message(app, login_as, fleet):
    client = login_as("admin")
    body = {
        "serial_number": "T-API-0001",
        "asset_model": fleet["server_model"],
        "customer": fleet["mine"],
        "site": fleet["warehouse"],
        "status": "in_service",
    }
    resp = client.post("/api/v1/asset/?_l_=en", json=body, headers={"X-CSRFToken": csrf_token(client)})
    assert resp.status_code == 400
    assert "The site 测试东莞仓 belongs to C-SZLH" in resp.json["message"]
    assert asset_by_serial(app, "T-API-0001") is None


def test_api_creates_a_valid_asset(app, login_as, fleet):
    client = login_as("admin")
    body = {
        "serial_number": "T-API-0002",
        "asset_model": fleet["server_model"],
        "customer": fleet["mine"],
        "site": fleet["hq"],
        "parent": fleet["server"],
        "status": "in_service",
    }
    resp = client.post("/api/v1/asset/", json=body, headers={"X-CSRFToken": csrf_token(client)})
    assert resp.status_code == 201, resp.text
    assert asset_by_serial(app, "T-API-0002").parent_id == fleet["server"]


def test_admin_deactivates_an_asset_model(app, login_as, fleet):
    from app.extensions import db
    from models.assets import AssetModel

    data = {"brand": "测试品牌", "model": "TS-PSU 电源模块", "category": "服务器组件"}  # "active" unticked
    post_form(login_as("admin"), f"/asset-models/edit/{fleet['module_model']}", data)
    with app.app_context():
        assert db.session.get(AssetModel, fleet["module_model"]).active is False
