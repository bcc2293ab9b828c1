"""Regions (区域) and skills (技能): admin screens, read-only for staff, APIs."""

from __future__ import annotations

import re

from tests.helpers import form_csrf_token


def post_form(client, url, data):
    token = form_csrf_token(client.get(url).text)
    return client.post(url, data={**data, "csrf_token": token}, follow_redirects=True)


def make(app, model_name, code, name, active=True):
    from app.extensions import db
    from models import reference

    with app.app_context():
        row = getattr(reference, model_name)(code=code, name=name, active=active)
        db.session.add(row)
        db.session.commit()
        return row.id


def find(app, model_name, code):
    from app.extensions import db
    from models import reference

    with app.app_context():
        return db.session.query(getattr(reference, model_name)).filter_by(code=code).one_or_none()


def test_admin_creates_a_region(app, login_as):
    resp = post_form(login_as("admin"), "/regions/add?_l_=en", {"code": "T-XZ", "name": "测试西藏", "active": "y"})
    assert "Added Row" in resp.text
    region = find(app, "Region", "T-XZ")
    assert region.name == "测试西藏" and region.active


def test_admin_deactivates_a_skill(app, login_as):
    skill_id = make(app, "Skill", "T-PLC", "测试工控PLC")
    post_form(login_as("admin"), f"/skills/edit/{skill_id}", {"code": "T-PLC", "name": "测试工控PLC"})
    assert find(app, "Skill", "T-PLC").active is False


def test_duplicate_region_code_is_refused(app, login_as):
    make(app, "Region", "T-DUP", "测试区域甲")
    resp = post_form(login_as("admin"), "/regions/add?_l_=en", {"code": "T-DUP", "name": "测试区域乙", "active": "y"})
    assert "Already exists." in resp.text
    assert find(app, "Region", "T-DUP").name == "测试区域甲"


def test_deleting_a_region_used_by_a_customer_is_refused(app, login_as):
    from app.extensions import db
    from models.organisations import Customer
    from models.reference import Region

    region_id = make(app, "Region", "T-USED", "测试在用区域")
    with app.app_context():
        db.session.query(Customer).filter_by(code="C-HZXH").one().region_id = region_id
        db.session.commit()
    client = login_as("admin")
    token = form_csrf_token(client.get("/regions/list/").text)
    resp = client.post(f"/regions/delete/{region_id}?_l_=en", data={"csrf_token": token}, follow_redirects=True)
    assert "is used by 1 customers" in resp.text and "Deactivate it instead" in resp.text
    with app.app_context():
        assert db.session.get(Region, region_id) is not None


def test_an_unused_skill_can_be_deleted(app, login_as):
    skill_id = make(app, "Skill", "T-TMP", "测试临时技能")
    client = login_as("admin")
    token = form_csrf_token(client.get("/skills/list/").text)
    client.post(f"/skills/delete/{skill_id}", data={"csrf_token": token})
    assert find(app, "Skill", "T-TMP") is None


def test_list_is_ordered_by_code_and_searchable(app, login_as):
    make(app, "Region", "T-ZB", "测试乙区")
    make(app, "Region", "T-ZA", "测试甲区")
    page = login_as("dispatcher").get("/regions/list/?_flt_0_code=T-Z&_l_=en").text
    assert page.index("T-ZA") < page.index("T-ZB")
    assert re.search(r"Record Count:\D*2\b", page)


def test_titles_and_descriptions_come_from_the_noun_and_catalog(login_as):
    client = login_as("admin")
    assert "Skill list" in client.get("/skills/list/?_l_=en").text
    english = client.get("/regions/add?_l_=en").text
    assert "New Region" in english and "Unique, e.g. HD for 华东" in english


def test_staff_read_regions_but_only_admin_edits_them(app, login_as):
    region_id = make(app, "Region", "T-RO", "测试只读区域")
    dispatcher = login_as("dispatcher")
    assert dispatcher.get("/regions/list/").status_code == 200
    assert dispatcher.get(f"/regions/show/{region_id}").status_code == 200
    assert dispatcher.get("/regions/add").status_code == 403
    assert dispatcher.get(f"/skills/edit/{region_id}").status_code == 403


def test_customers_and_vendors_cannot_open_reference_screens(login_as):
    assert login_as("customer1").get("/regions/list/").status_code == 403
    assert login_as("vendor1").get("/skills/list/").status_code == 403


def test_regions_and_skills_are_in_the_service_settings_menu(login_as):
    page = login_as("engineer1").get("/regions/list/?_l_=en").text
    menu = page[page.index("Service settings") :]
    assert 'href="/regions/list/"' in menu and 'href="/skills/list/"' in menu


def test_api_lists_skills_for_admin(app, login_as):
    make(app, "Skill", "T-API", "测试接口技能", active=False)
    resp = login_as("admin").get("/api/v1/skill/?q=(filters:!((col:code,opr:eq,value:T-API)))")
    assert resp.status_code == 200
    assert resp.json["result"] == [
        {"id": find(app, "Skill", "T-API").id, "code": "T-API", "name": "测试接口技能", "active": False}
    ]


def test_api_refuses_regions_to_customers(login_as):
    assert login_as("customer1").get("/api/v1/region/").status_code in (401, 403)
