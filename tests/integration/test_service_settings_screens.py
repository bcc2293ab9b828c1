"""Service settings through the screens: calendars, categories, the priority matrix, SLAs, contracts."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import event, select

from tests.helpers import csrf_token, form_csrf_token

OFFICE = "09:00-12:00, 13:00-18:00"


def post_form(client, url, data, page_url=None):
    token = form_csrf_token(client.get(page_url or url).text)
    return client.post(url, data={**data, "csrf_token": token}, follow_redirects=True)


def calendar_form(name, hours=None, **extra):
    hours = hours if hours is not None else [OFFICE] * 5 + ["", ""]
    return {"name": name, "timezone": "Asia/Shanghai", "active": "y",
            **{f"hours_{day}": text for day, text in enumerate(hours)}, **extra}  # fmt: skip


def one(app, model, **criteria):
    from app.extensions import db

    with app.app_context():
        return db.session.scalars(select(model).filter_by(**criteria)).first()


def ids_of(app, model, **criteria):
    from app.extensions import db

    with app.app_context():
        return [row.id for row in db.session.scalars(select(model).filter_by(**criteria))]


@contextmanager
def counted_statements(app):
    from app.extensions import db

    statements: list[str] = []
    with app.app_context():
        bind = db.engines[None]
        engine = getattr(bind, "engine", bind)

    def record(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


# --- calendars ------------------------------------------------------------------------------------


def test_calendar_with_hours_and_a_make_up_day_previews_a_four_hour_target(app, login_as):
    from models.calendars import Calendar, CalendarDay

    client = login_as("admin")
    resp = post_form(client, "/calendars/add", calendar_form("测试工作日历", [OFFICE] * 5 + ["", "00:00-24:00"]))
    assert resp.status_code == 200
    calendar = one(app, Calendar, name="测试工作日历")
    assert calendar.weekly_hours["0"] == [["09:00", "12:00"], ["13:00", "18:00"]]
    assert calendar.weekly_hours["5"] == [] and calendar.weekly_hours["6"] == [["00:00", "24:00"]]

    saturday = date(2026, 10, 10)
    resp = post_form(
        client,
        "/calendar-days/add",
        {"calendar": str(calendar.id), "day": saturday.isoformat(), "kind": "MAKEUP_WORKDAY",
         "borrowed_weekday": "0", "name": "国庆节调休"},
    )  # fmt: skip
    day = one(app, CalendarDay, calendar_id=calendar.id, day=saturday)
    assert day is not None and day.borrowed_weekday == 0, resp.text

    page = client.get(f"/calendars/show/{calendar.id}?_l_=en").text
    assert "A 4-hour target starting now" in page and "ends at" in page and "(Asia/Shanghai)" in page
    assert "国庆节调休" in page  # the related list of days
    # Friday 16:00 + 4 working hours: 2 on Friday, 2 on the make-up Saturday (Monday's hours).
    tried = client.get(f"/calendars/show/{calendar.id}?_l_=en&preview_hours=4&preview_start=2026-10-09T16:00").text
    assert "A 4-hour target starting Friday, October 9, 2026" in tried
    assert re.search(r"ends at Saturday, October 10, 2026 11:00\W*AM", tried), tried


def test_invalid_hours_are_refused_naming_the_weekday_and_nothing_is_saved(app, login_as):
    from models.calendars import Calendar

    client = login_as("admin")
    hours = [OFFICE, OFFICE, "09:00-12:00, 11:00-13:00", OFFICE, OFFICE, "", ""]
    resp = post_form(client, "/calendars/add?_l_=en", calendar_form("坏日历", hours), page_url="/calendars/add")
    assert "Wednesday: 09:00-12:00 and 11:00-13:00 overlap." in resp.text
    assert one(app, Calendar, name="坏日历") is None

    hours = [OFFICE, "09:00-25:00", "", "", "", "", ""]
    resp = post_form(client, "/calendars/add?_l_=en", calendar_form("坏日历", hours), page_url="/calendars/add")
    assert "Tuesday: 25:00 is not a time between 00:00 and 24:00." in resp.text
    assert one(app, Calendar, name="坏日历") is None


def test_editing_a_calendar_shows_its_hours_as_text_and_a_bad_edit_changes_nothing(app, login_as):
    from models.calendars import Calendar

    china = one(app, Calendar, name="中国大陆标准工作日历")
    client = login_as("admin")
    page = client.get(f"/calendars/edit/{china.id}").text
    assert 'value="09:00-12:00, 13:00-18:00"' in page
    data = calendar_form(china.name, ["18:00-09:00"] + [OFFICE] * 4 + ["", ""])
    resp = post_form(client, f"/calendars/edit/{china.id}?_l_=en", data, page_url=f"/calendars/edit/{china.id}")
    assert "Monday: 18:00-09:00 must start before it ends." in resp.text
    assert one(app, Calendar, id=china.id).weekly_hours == china.weekly_hours


def test_make_up_day_needs_a_weekday_with_hours(app, login_as):
    from models.calendars import Calendar, CalendarDay

    china = one(app, Calendar, name="中国大陆标准工作日历")
    client = login_as("admin")
    base = {"calendar": str(china.id), "day": "2031-02-08", "kind": "MAKEUP_WORKDAY", "name": "调休"}
    resp = post_form(client, "/calendar-days/add?_l_=en", base, page_url="/calendar-days/add")
    assert "must name the weekday" in resp.text
    resp = post_form(client, "/calendar-days/add?_l_=en", {**base, "borrowed_weekday": "6"},
                     page_url="/calendar-days/add")  # fmt: skip
    assert "Sunday has no working hours" in resp.text
    assert one(app, CalendarDay, calendar_id=china.id, day=date(2031, 2, 8)) is None


def test_calendar_days_filter_by_calendar_and_year(app, login_as):
    from models.calendars import Calendar

    china = one(app, Calendar, name="中国大陆标准工作日历")
    client = login_as("dispatcher")
    year = date.today().year
    page = client.get(f"/calendar-days/list/?_flt_0_calendar={china.id}&_flt_0_day={year}&_l_=en").text
    listed_years = set(re.findall(r"\b(20\d\d)\b", re.sub(r'href="[^"]*"|value="[^"]*"', "", page)))
    assert str(year) in listed_years
    assert str(year - 1) not in listed_years and str(year + 1) not in listed_years
    # Any date of the year works too: the search form offers a date picker for this column.
    by_date = client.get(f"/calendar-days/list/?_flt_0_calendar={china.id}&_flt_0_day={year}-03-01&_l_=en").text
    assert re.search(r"Record Count:\D*(\d+)", by_date).group(1) == re.search(r"Record Count:\D*(\d+)", page).group(1)


def test_preview_explains_a_calendar_without_hours_and_a_bad_duration(app, login_as):
    from models.calendars import Calendar

    client = login_as("admin")
    post_form(client, "/calendars/add", calendar_form("空日历", [""] * 7))
    calendar = one(app, Calendar, name="空日历")
    assert calendar.weekly_hours == {str(day): [] for day in range(7)}
    page = client.get(f"/calendars/show/{calendar.id}?_l_=en").text
    assert "no working hours on any weekday" in page
    china = one(app, Calendar, name="中国大陆标准工作日历")
    page = client.get(f"/calendars/show/{china.id}?_l_=en&preview_hours=abc").text
    assert "Enter a number of working hours" in page
    page = client.get(f"/calendars/show/{china.id}?_l_=zh&preview_hours=9&preview_start=2026-11-12T09:00").text
    assert "2026年11月12日星期四" in page and "2026年11月13日星期五" in page  # 9 h from Thu 09:00: Fri 10:00


def test_calendar_day_api_filters_by_year(app, login_as):
    client = login_as("dispatcher")
    year = date.today().year
    resp = client.get(f"/api/v1/calendar_day/?q=(filters:!((col:day,opr:year,value:{year})),page_size:100)")
    days = [row["day"] for row in resp.get_json()["result"]]
    assert days and all(day.startswith(str(year)) for day in days)


def test_calendar_api_refuses_overlapping_hours(app, login_as):
    client = login_as("admin")
    headers = {"X-CSRFToken": csrf_token(client)}
    body = {"name": "API日历", "timezone": "Asia/Shanghai",
            "weekly_hours": {"0": [["09:00", "12:00"], ["11:00", "13:00"]]}}  # fmt: skip
    resp = client.post("/api/v1/calendar/?_l_=en", json=body, headers=headers)
    assert resp.status_code == 400 and "Monday" in resp.get_json()["message"]
    body["weekly_hours"] = {"0": [["09:00", "12:00"]], "6": [["00:00", "24:00"]]}
    resp = client.post("/api/v1/calendar/", json=body, headers=headers)
    assert resp.status_code == 201, resp.text


# --- service categories and the priority matrix ---------------------------------------------------


def test_category_list_shows_paths_and_the_parent_dropdown_excludes_the_subtree(app, login_as):
    from models.service_catalog import ServiceCategory

    client = login_as("admin")
    listing = client.get("/service-categories/list/?psize_ServiceCategoryView=100").text
    assert "硬件故障 / 打印机" in listing
    assert listing.index("硬件故障 / 打印机") < listing.index("软件问题")  # tree order
    hardware = one(app, ServiceCategory, name="硬件故障", parent_id=None)
    printers = one(app, ServiceCategory, name="打印机", parent_id=hardware.id)
    form = client.get(f"/service-categories/edit/{hardware.id}").text
    parent_select = re.search(r'<select[^>]*name="parent".*?</select>', form, re.S).group(0)
    assert f'value="{printers.id}"' not in parent_select and f'value="{hardware.id}"' not in parent_select
    assert "软件问题" in parent_select


def test_a_category_cannot_be_moved_under_its_own_subcategory(app, login_as):
    from models.service_catalog import ServiceCategory

    hardware = one(app, ServiceCategory, name="硬件故障", parent_id=None)
    printers = one(app, ServiceCategory, name="打印机", parent_id=hardware.id)
    client = login_as("admin")
    data = {"name": "硬件故障", "parent": str(printers.id), "default_impact": "3", "default_urgency": "2",
            "active": "y"}  # fmt: skip
    resp = post_form(client, f"/service-categories/edit/{hardware.id}?_l_=en", data,
                     page_url=f"/service-categories/edit/{hardware.id}")  # fmt: skip
    assert "Not a valid choice" in resp.text  # the form offers no such parent
    # The API has no dropdown: the rule itself refuses it.
    resp = client.put(f"/api/v1/service_category/{hardware.id}?_l_=en", json={"parent": printers.id},
                      headers={"X-CSRFToken": csrf_token(client)})  # fmt: skip
    assert resp.status_code == 400 and "cannot be its parent" in resp.get_json()["message"]
    assert one(app, ServiceCategory, id=hardware.id).parent_id is None


def matrix_form(overrides=None):
    grid = [["P1", "P1", "P2", "P3"], ["P1", "P2", "P3", "P3"], ["P2", "P3", "P3", "P4"], ["P3", "P3", "P4", "P4"]]
    data = {f"cell_{i}_{u}": grid[i - 1][u - 1] for i in range(1, 5) for u in range(1, 5)}
    data.update(overrides or {})
    return data


def matrix(app):
    from app.extensions import db
    from models.service_catalog import PriorityCell

    with app.app_context():
        return {(c.impact, c.urgency): c.priority.name for c in db.session.scalars(select(PriorityCell))}


def test_priority_matrix_grid_saves_sixteen_cells_with_their_history(app, login_as):
    client = login_as("admin")
    client.get("/lang/en")  # English for the whole session: the save redirects back to the page
    page = client.get("/priority-matrix/?_l_=en").text
    assert page.count("<select") == 16
    resp = post_form(client, "/priority-matrix/?_l_=en", matrix_form({"cell_4_4": "P3", "cell_1_4": "P2"}),
                     page_url="/priority-matrix/")  # fmt: skip
    assert resp.status_code == 200 and "The priority matrix was saved." in resp.text
    saved = matrix(app)
    assert len(saved) == 16 and saved[(4, 4)] == "P3" and saved[(1, 4)] == "P2" and saved[(1, 1)] == "P1"
    assert "impact 4 × urgency 4" in resp.text and "P4 → P3" in resp.text  # history panel, by admin
    assert "管理员" in resp.text


def test_priority_matrix_with_an_empty_cell_is_refused_and_nothing_is_saved(app, login_as):
    before = matrix(app)
    client = login_as("admin")
    resp = post_form(client, "/priority-matrix/?_l_=en", matrix_form({"cell_2_3": "", "cell_1_1": "P4"}),
                     page_url="/priority-matrix/")  # fmt: skip
    assert resp.status_code == 400
    assert "needs every cell filled" in resp.text and "impact 2 × urgency 3" in resp.text
    assert matrix(app) == before


def test_dispatcher_sees_the_matrix_read_only_and_cannot_post_it(app, login_as):
    before = matrix(app)
    client = login_as("dispatcher")
    page = client.get("/priority-matrix/?_l_=en")
    assert page.status_code == 200 and "<select" not in page.text and "P1 Critical" in page.text
    resp = client.post("/priority-matrix/", data={**matrix_form({"cell_1_1": "P4"}), "csrf_token": csrf_token(client)})
    assert resp.status_code == 403
    assert matrix(app) == before


# --- SLAs -----------------------------------------------------------------------------------------


def sla_form(app, name, **extra):
    from models.calendars import Calendar

    china = one(app, Calendar, name="中国大陆标准工作日历")
    targets = {"P1": (15, 240), "P2": (30, 480), "P3": (120, 960), "P4": (240, 2400)}
    data = {"name": name, "kind": "EXTERNAL", "calendar": str(china.id), "active": "y",
            "pause_statuses": ["pending_customer", "pending_vendor"], "scope_tiers": ["GOLD"]}  # fmt: skip
    for priority, (response, resolution) in targets.items():
        data[f"target_{priority}_response"] = str(response)
        data[f"target_{priority}_resolution"] = str(resolution)
    data.update(extra)
    return data


def test_sla_with_targets_is_created_and_its_page_explains_the_selection_rule(app, login_as):
    from models.sla import SLA

    client = login_as("admin")
    post_form(client, "/slas/add", sla_form(app, "测试金牌SLA"))
    sla = one(app, SLA, name="测试金牌SLA")
    assert sla is not None
    assert {t.priority.name: (t.response_minutes, t.resolution_minutes) for t in sla.targets} == {
        "P1": (15, 240), "P2": (30, 480), "P3": (120, 960), "P4": (240, 2400)}  # fmt: skip
    assert sla.pause_statuses == ["pending_customer", "pending_vendor"] and sla.scope_tiers == ["GOLD"]
    page = client.get(f"/slas/show/{sla.id}?_l_=en").text
    assert "Which SLA a request gets" in page and "customer → asset model → service category" in page
    assert "Waiting for the customer" in page and "Gold" in page and "2400" in page
    assert "Which SLA a request gets" in client.get("/slas/list/?_l_=en").text


def test_sla_targets_are_checked(app, login_as):
    from models.sla import SLA

    client = login_as("admin")
    resp = post_form(client, "/slas/add?_l_=en", sla_form(app, "坏SLA", target_P2_resolution="20"),
                     page_url="/slas/add")  # fmt: skip
    assert "P2 High: the resolution target (20 min) cannot be shorter than the response target (30 min)." in resp.text
    resp = post_form(client, "/slas/add?_l_=en", sla_form(app, "坏SLA", target_P4_response=""), page_url="/slas/add")
    assert one(app, SLA, name="坏SLA") is None


def test_a_second_default_sla_of_the_same_kind_is_refused(app, login_as):
    from models.sla import SLA

    client = login_as("admin")
    resp = post_form(client, "/slas/add?_l_=en", sla_form(app, "第二个默认SLA", is_default="y"), page_url="/slas/add")
    assert "标准SLA is already the default SLA (to customers)" in resp.text
    assert one(app, SLA, name="第二个默认SLA") is None
    # A default OLA is another kind: allowed.
    post_form(client, "/slas/add", sla_form(app, "默认OLA", is_default="y", kind="INTERNAL"))
    assert one(app, SLA, name="默认OLA").is_default


def test_sla_api_refuses_a_second_default_and_unknown_codes(app, login_as):
    from models.calendars import Calendar

    client = login_as("admin")
    headers = {"X-CSRFToken": csrf_token(client)}
    body = {"name": "API SLA", "kind": "external", "calendar": one(app, Calendar, name="7×24 全天候").id,
            "is_default": True}  # fmt: skip
    resp = client.post("/api/v1/sla/?_l_=en", json=body, headers=headers)
    assert resp.status_code == 400 and "already the default" in resp.get_json()["message"]
    resp = client.post("/api/v1/sla/?_l_=en", json={**body, "is_default": False, "scope_tiers": ["PLATINUM"]},
                       headers=headers)  # fmt: skip
    assert resp.status_code == 400 and "PLATINUM" in resp.get_json()["message"]
    resp = client.post("/api/v1/sla/", json={**body, "is_default": False, "pause_statuses": ["pending_customer"]},
                       headers=headers)  # fmt: skip
    assert resp.status_code == 201, resp.text


def test_an_sla_edit_shows_in_its_history_with_the_admins_name(app, login_as):
    from models.sla import SLA

    gold = one(app, SLA, name="金牌SLA")
    client = login_as("admin")
    edit_url = f"/slas/edit/{gold.id}"
    form = client.get(edit_url).text
    assert 'name="target_P1_response"' in form and 'value="15"' in form  # targets prefilled
    data = sla_form(app, "金牌SLA", target_P1_resolution="200", description="修订后的说明")
    post_form(client, edit_url, data)
    assert {t.priority.name: t.resolution_minutes for t in one(app, SLA, id=gold.id).targets}["P1"] == 200
    page = client.get(f"/slas/show/{gold.id}?_l_=en").text
    history = page[page.index("Change history") :]
    body = history[history.index("<tbody>") :]
    latest = body[: body.index("</tr>")]  # the newest entry comes first
    assert admin_name(app) in latest and "System" not in latest
    assert "Resolution (minutes)" in history and "240 → 200" in history


def admin_name(app):
    from models.users import UserAccount

    return one(app, UserAccount, username="admin").get_full_name()


# --- contracts ------------------------------------------------------------------------------------


def contract_form(app, number, start, end, **extra):
    from models.organisations import Customer
    from models.sla import SLA

    customer = one(app, Customer, code="C-HZXH")
    sla = one(app, SLA, name="金牌SLA")
    return {"number": number, "customer": str(customer.id), "sla": str(sla.id), "start_date": start.isoformat(),
            "end_date": end.isoformat(), "value": "1000", "entitlement_kind": "REQUESTS",
            "entitlement_requests": "2", "active": "y", **extra}  # fmt: skip


def test_contract_status_and_remaining_follow_dates_and_charges(app, login_as):
    from app.extensions import db
    from models.contracts import Contract, EntitlementCharge

    client = login_as("admin")
    today = date.today()
    post_form(
        client,
        "/contracts/add",
        contract_form(app, "HT-T-0001", today - timedelta(days=10), today + timedelta(days=10)),
    )
    post_form(
        client, "/contracts/add", contract_form(app, "HT-T-0002", today + timedelta(days=3), today + timedelta(days=30))
    )
    post_form(
        client, "/contracts/add", contract_form(app, "HT-T-0003", today - timedelta(days=30), today - timedelta(days=3))
    )
    used_up = one(app, Contract, number="HT-T-0001")
    with app.app_context():
        db.session.add(EntitlementCharge(contract_id=used_up.id, customer_id=used_up.customer_id, requests=1))
        db.session.commit()
    listing = client.get("/contracts/list/?_flt_0_number=HT-T-&_l_=en").text
    rows = {number: listing[listing.index(number) :][:2500] for number in ("HT-T-0001", "HT-T-0002", "HT-T-0003")}
    assert "In force" in rows["HT-T-0001"] and "1 requests" in rows["HT-T-0001"]
    assert "Not started" in rows["HT-T-0002"] and "Expired" in rows["HT-T-0003"]
    with app.app_context():
        db.session.add(EntitlementCharge(contract_id=used_up.id, customer_id=used_up.customer_id, requests=1))
        db.session.commit()
    page = client.get(f"/contracts/show/{used_up.id}?_l_=en").text
    assert "Entitlement used up" in page and "0 requests" in page


def test_contract_export_has_the_derived_columns(app, login_as):
    client = login_as("admin")
    rows = client.get("/contracts/export/csv/?_l_=en").data.decode("utf-8-sig").splitlines()
    assert rows[0].startswith(
        "Contract number,Customer,SLA,Start date,End date,Contract value,Entitlement,Remaining,Status"
    )
    assert any(",Expired," in row for row in rows[1:]) and any(",Not started," in row for row in rows[1:])


def test_contract_rules_are_checked(app, login_as):
    from models.contracts import Contract

    client = login_as("admin")
    start = date(2026, 1, 1)
    cases = [
        (contract_form(app, "HT-BAD", start, start - timedelta(days=1)), "is before the start date"),
        (contract_form(app, "HT-BAD", start, start, entitlement_requests=""), "needs that number"),
        (contract_form(app, "HT-BAD", start, start, entitlement_kind="MONEY", entitlement_amount="100"),
         "needs a charge mode"),
        (contract_form(app, "HT-BAD", start, start, entitlement_kind="MONEY", entitlement_amount="100",
                       charge_mode="PER_REQUEST"), "A fixed charge per request needs its amount"),
        (contract_form(app, "HT-BAD", start, start, value="-5"), "cannot be negative"),
    ]  # fmt: skip
    for data, message in cases:
        resp = post_form(client, "/contracts/add?_l_=en", data, page_url="/contracts/add")
        assert message in resp.text, message
    assert one(app, Contract, number="HT-BAD") is None
    # Values the kind does not use are cleared rather than kept.
    post_form(client, "/contracts/add", contract_form(app, "HT-OK", start, start, entitlement_kind="UNLIMITED",
                                                      entitlement_requests="5"))  # fmt: skip
    saved = one(app, Contract, number="HT-OK")
    assert saved.entitlement_requests is None and saved.end_date == start


def test_customer_sees_only_its_own_contracts(app, login_as):
    from models.contracts import Contract
    from models.organisations import Customer

    mine = one(app, Customer, code="C-HZXH")
    other = one(app, Contract, customer_id=one(app, Customer, code="C-SZLH").id)
    own_numbers = [c for c in ids_of(app, Contract, customer_id=mine.id)]
    client = login_as("customer1")
    listing = client.get("/contracts/list/").text
    assert one(app, Contract, id=own_numbers[0]).number in listing
    assert other.number not in listing
    assert client.get(f"/contracts/show/{other.id}").status_code == 404
    api = client.get("/api/v1/contract/").get_json()
    assert {row["customer"]["code"] for row in api["result"]} == {"C-HZXH"}
    assert all("status" in row and "remaining_entitlement" in row for row in api["result"])


def test_contract_list_costs_the_same_statements_at_page_size_10_and_50(app, login_as):
    from app.extensions import db
    from models.contracts import Contract, EntitlementCharge
    from models.organisations import Customer

    with app.app_context():
        customers = db.session.scalars(select(Customer)).all()
        for n in range(60):
            customer = customers[n % len(customers)]
            contract = Contract(number=f"HT-BULK-{n:03d}", customer=customer, start_date=date(2026, 1, 1),
                                end_date=date(2026, 12, 31), value=Decimal("1"))  # fmt: skip
            db.session.add(contract)
            db.session.add(EntitlementCharge(contract=contract, customer_id=customer.id, requests=1))
        db.session.commit()
    client = login_as("admin")
    counts = []
    for size in (10, 50):
        url = f"/contracts/list/?psize_ContractView={size}"
        client.get(url)
        with counted_statements(app) as statements:
            assert client.get(url).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
