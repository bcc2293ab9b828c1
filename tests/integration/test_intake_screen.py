"""The intake screen: a dispatcher finds the caller, sees their situation and opens the request."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from models.service_requests import ServiceRequest
from tests.helpers import form_csrf_token
from tests.integration import test_i18n as i18n
from tests.integration import test_intake_lookup as lookup

caller = lookup.caller  # ids of the customer C-T01 with a contact, a site, two assets and a contract


def request_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ServiceRequest))


def intake_page(client, caller, **args):
    return client.get("/intake/", query_string={"customer": caller.customer, **args})


def post_intake(client, caller, lang="en", **fields):
    data = {
        "csrf_token": form_csrf_token(intake_page(client, caller).text),
        "customer": caller.customer,
        "contact": caller.contact,
        "subject": "机房服务器硬盘告警",
        "impact": "2",
        "urgency": "2",
        **fields,
    }
    return client.post(f"/intake/?_l_={lang}", data=data)


def test_take_a_call_is_the_first_service_desk_entry_for_a_dispatcher(app, login_as):
    page = login_as("dispatcher").get("/intake/?_l_=en")
    assert page.status_code == 200
    assert 'href="/intake/"' in page.text
    with app.app_context():
        assert app.appbuilder.menu.find("Service desk").childs[0].name == "Take a call"


def test_customers_and_vendors_neither_see_nor_open_the_intake_screen(login_as):
    for username in ("customer1", "vendor1"):
        client = login_as(username)
        assert 'href="/intake/"' not in client.get("/").text
        assert client.get("/intake/").status_code in (302, 403)
        assert client.get("/intake/lookup?q=C-HZXH").status_code in (302, 403)


def test_lookup_answers_json_with_the_matching_customers(login_as, caller):
    data = login_as("dispatcher").get("/intake/lookup?q=欧阳测试&_l_=en").get_json()
    [result] = data["results"]
    assert result["customer"] == "C-T01 钱塘测试科技有限公司"
    assert result["matched_on"] == "Contact"
    assert f"contact={caller.contact}" in result["url"]


def test_without_javascript_the_search_form_lists_results_as_links(login_as, caller):
    page = login_as("dispatcher").get("/intake/?q=ZZT-EXPIRED&_l_=en")
    assert "C-T01 钱塘测试科技有限公司" in page.text
    assert f"asset={caller.expired}" in page.text


def test_picking_a_customer_shows_contract_assets_and_warnings(login_as, caller):
    page = intake_page(login_as("dispatcher"), caller, asset=caller.expired, _l_="en")
    assert page.status_code == 200
    assert "HT-T01" in page.text and "In force" in page.text
    assert "ZZT-COVERED-02" in page.text and "Out of warranty" in page.text
    warning = re.search(rf'data-asset-warning="{caller.expired}"([^>]*)>(.*?)</div>', page.text, re.S)
    assert warning and "hidden" not in warning.group(1)  # shown: it is the chosen asset
    assert "Asset ZZT-EXPIRED-01 is out of warranty since" in warning.group(2)
    assert f'<option value="{caller.site}" selected' in page.text  # the asset's site


def test_an_expired_contract_is_shown_as_a_warning_in_chinese(app, login_as, caller):
    from models.contracts import Contract

    with app.app_context():
        db.session.get(Contract, caller.contract).end_date = lookup.TODAY - timedelta(days=1)
        db.session.commit()
    page = intake_page(login_as("dispatcher"), caller, _l_="zh")
    assert "合同 HT-T01 已于" in page.text


def test_the_form_carries_category_templates_and_shows_the_matrix_priority(login_as, caller):
    page = intake_page(login_as("dispatcher"), caller, _l_="zh")
    assert "data-description=" in page.text and "【故障现象】" in page.text
    assert re.search(r'id="priority-preview"[^>]*>P3', page.text)
    assert "desk/intake.js" in page.text


def test_submitting_creates_the_request_and_opens_its_page(app, login_as, caller):
    before = request_count(app)
    resp = post_intake(login_as("dispatcher"), caller, asset=caller.covered, description="硬盘红灯")
    assert resp.status_code == 302, resp.text
    assert request_count(app) == before + 1
    with app.app_context():
        created = db.session.scalars(select(ServiceRequest).order_by(ServiceRequest.id.desc())).first()
        assert resp.headers["Location"].endswith(f"/requests/show/{created.id}")
        assert created.number.startswith("SR-")
        parts = (created.customer_id, created.contact_id, created.asset_id, created.site_id)
        assert parts == (caller.customer, caller.contact, caller.covered, caller.site)
        assert (created.description, created.priority.name) == ("硬盘红灯", "P2")  # impact 2 × urgency 2: P2
        assert created.created_by.username == "dispatcher"


def test_an_override_with_its_reason_is_recorded(app, login_as, caller):
    resp = post_intake(login_as("dispatcher"), caller, priority_override="P1", override_reason="客户生产停线")
    assert resp.status_code == 302
    with app.app_context():
        created = db.session.scalars(select(ServiceRequest).order_by(ServiceRequest.id.desc())).first()
        assert (created.priority.name, created.priority_override_reason) == ("P1", "客户生产停线")


def test_a_missing_subject_comes_back_with_the_error_and_saves_nothing(app, login_as, caller):
    before = request_count(app)
    resp = post_intake(login_as("dispatcher"), caller, lang="zh", subject="  ", description="保留我")
    assert resp.status_code == 400
    assert "请填写主题" in resp.text
    assert "保留我" in resp.text  # what was typed is kept
    assert request_count(app) == before


def test_another_customers_contact_or_asset_is_refused(app, login_as, caller):
    from models.assets import Asset
    from models.organisations import Contact

    with app.app_context():
        stranger = db.session.scalars(select(Contact.id).where(Contact.customer_id != caller.customer)).first()
        foreign = db.session.scalars(select(Asset.id).where(Asset.customer_id != caller.customer)).first()
    before = request_count(app)
    resp = post_intake(login_as("dispatcher"), caller, contact=stranger, asset=foreign)
    assert resp.status_code == 400
    assert "Choose a contact of this customer." in resp.text
    assert "Choose an asset of this customer." in resp.text
    assert request_count(app) == before


def test_an_override_without_reason_is_refused_in_the_users_language(app, login_as, caller):
    before = request_count(app)
    resp = post_intake(login_as("dispatcher"), caller, lang="en", priority_override="P1")
    assert resp.status_code == 400
    assert "Give a reason for priority" in resp.text
    assert request_count(app) == before


def test_impact_outside_the_levels_is_refused(login_as, caller):
    resp = post_intake(login_as("dispatcher"), caller, impact="9")
    assert resp.status_code == 400
    assert "Choose a level from 1 (highest) to 4 (lowest)." in resp.text


def test_a_customer_account_cannot_post_an_intake(app, login_as, caller):
    token = form_csrf_token(intake_page(login_as("dispatcher"), caller).text)
    before = request_count(app)
    resp = login_as("customer1").post(
        "/intake/", data={"csrf_token": token, "customer": caller.customer, "subject": "x"}
    )
    assert resp.status_code in (302, 400, 403)
    assert request_count(app) == before


translated = i18n.translated  # every msgid the zh catalogs translate


def test_intake_and_search_pages_show_no_english_in_chinese(login_as, caller, translated):
    client = login_as("dispatcher")
    pages = [
        {},
        {"q": "ZZT"},
        {"customer": caller.customer, "asset": caller.expired},
    ]
    htmls = [client.get("/intake/", query_string={**args, "_l_": "zh"}).text for args in pages]
    htmls.append(client.get("/search/", query_string={"q": "ZZT", "_l_": "zh"}).text)
    leftovers = [text for html in htmls for _, text in i18n.visible_texts(html) if text in translated]
    assert not leftovers, leftovers


def test_a_customer_deactivated_meanwhile_is_refused_with_a_message(app, login_as, caller):
    from models.organisations import Customer

    client = login_as("dispatcher")
    token = form_csrf_token(intake_page(client, caller).text)
    with app.app_context():
        db.session.get(Customer, caller.customer).active = False
        db.session.commit()
    before = request_count(app)
    data = {"csrf_token": token, "customer": caller.customer, "subject": "来电"}
    resp = client.post("/intake/?_l_=en", data=data)
    assert resp.status_code == 400
    assert "Find the caller and choose the customer first." in resp.text
    assert request_count(app) == before
