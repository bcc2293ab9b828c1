"""The import engine against the real schema (the `app` fixture's database, so SQLite and PostgreSQL).

Each test builds a small file, previews and commits it, and checks both the report
(action per row; errors as row, column, reason) and what the database holds.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from flask_babel import force_locale
from openpyxl import Workbook
from sqlalchemy import func, select

from app.imports import spec as engine
from app.imports.catalog_specs import ASSETS, CONTACTS, CUSTOMERS, HOLIDAYS, SITES, SPARE_PARTS
from app.imports.ics import read_ics
from app.imports.readers import read_csv, read_xlsx
from app.imports.spec import CREATE, UNCHANGED, UPDATE, commit, preview
from models.assets import Asset, AssetModel
from models.calendars import Calendar, CalendarDay
from models.enums import AssetStatus, CalendarDayKind, ServiceTier
from models.organisations import Contact, Customer, Site
from models.reference import Region
from models.stock import SparePart


@pytest.fixture
def session(app):
    """The app's session; messages in English whatever the catalogs hold, so they can be compared."""
    from app.extensions import db

    with app.app_context(), force_locale("en"):
        yield db.session


def table(text: str):
    return read_csv(text.encode("utf-8"))


def issues(result) -> list[tuple[int, str, str]]:
    return [(issue.row, issue.column, str(issue.message)) for issue in result.errors]


def actions(result) -> list[str | None]:
    return [row.action for row in result.rows]


def count(session, model) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def customer(session, code: str) -> Customer:
    return session.scalars(select(Customer).where(Customer.code == code)).one()


def test_customers_with_chinese_headers_are_created(session):
    result = commit(
        CUSTOMERS, table("编码,名称,服务等级,启用\nC-T1,测试客户一,Gold,是\nC-T2,测试客户二,VIP,否\n"), session
    )
    assert result.applied and actions(result) == [CREATE, CREATE]
    first, second = customer(session, "C-T1"), customer(session, "C-T2")
    assert (first.name, first.active) == ("测试客户一", True)
    assert (second.service_tier, second.active) == (ServiceTier.VIP, False)


def test_english_headers_in_any_case_with_spaces_or_underscores(session):
    session.add(Region(code="R-IMPORT", name="导入测试区"))
    session.flush()
    result = commit(
        CUSTOMERS, table("Code,NAME,short_name,Region,service tier\nC-T1,Test,T,导入测试区,gold\n"), session
    )
    assert result.applied, issues(result)
    saved = customer(session, "C-T1")
    assert (saved.short_name, saved.region.code, saved.service_tier) == ("T", "R-IMPORT", ServiceTier.GOLD)


def test_a_row_whose_key_exists_updates_only_the_columns_it_gives(session):
    before = count(session, Customer)
    commit(CUSTOMERS, table("code,name,phone,address\nC-T1,Old name,0571-1,西湖路1号\n"), session)
    result = commit(CUSTOMERS, table("code,name,phone,address\nC-T1,New name,,\n"), session)
    assert actions(result) == [UPDATE] and result.rows[0].changed == ["name"]
    saved = customer(session, "C-T1")
    assert (saved.name, saved.phone, saved.address) == ("New name", "0571-1", "西湖路1号")
    assert count(session, Customer) == before + 1


def test_importing_the_same_file_twice_changes_nothing(session):
    text = f"code,name,service tier,active\nC-T1,One,VIP,yes\nC-HZXH,{customer(session, 'C-HZXH').name},,\n"
    commit(CUSTOMERS, table(text), session)
    session.commit()
    stamp = customer(session, "C-T1").updated_at
    again = commit(CUSTOMERS, table(text), session)
    assert actions(again) == [UNCHANGED, UNCHANGED]
    assert not again.applied and not session.dirty and not session.new
    assert customer(session, "C-T1").updated_at == stamp


def test_bad_values_are_reported_by_row_column_and_reason(session):
    text = "编码,名称,服务等级,启用\nC-T1,,钻石,也许\n" + "C-T2," + "x" * 201 + ",,\n"
    result = preview(CUSTOMERS, table(text), session)
    assert issues(result) == [
        (2, "名称", "A value is required."),
        (2, "服务等级", "钻石 is not one of: VIP, Gold, Standard."),
        (2, "启用", "也许 is not yes or no."),
        (3, "名称", "At most 200 characters allowed, this has 201."),
    ]
    assert actions(result) == [None, None]


def test_the_same_key_twice_in_one_file_is_an_error(session):
    result = preview(CUSTOMERS, table("code,name\nC-T1,A\nC-T2,B\nC-T1,C\n"), session)
    assert issues(result) == [(4, "code", "Row 2 has the same key; each record may appear only once.")]


def test_unknown_and_missing_columns_are_file_errors(session):
    result = preview(CUSTOMERS, table("code,colour\nC-T1,red\n"), session)
    assert [str(message) for message in result.file_errors] == [
        "Unknown column colour: see the template for the accepted columns.",
        "The required column name / 名称 is missing.",
    ]
    assert result.rows == [] and not result.ok


def test_two_headers_for_one_field_are_a_file_error(session):
    result = preview(CUSTOMERS, table("code,编码,name\nA,B,C\n"), session)
    assert [str(message) for message in result.file_errors] == ["Columns code and 编码 are the same field."]


def test_a_file_with_headers_only_is_a_file_error(session):
    result = preview(CUSTOMERS, table("code,name\n"), session)
    assert [str(message) for message in result.file_errors] == ["The file has no data rows."]


def test_one_bad_row_means_nothing_is_written(session):
    before = count(session, Customer)
    result = commit(CUSTOMERS, table("code,name,active\nC-T1,Good,yes\nC-T2,Bad,perhaps\n"), session)
    assert not result.applied and issues(result) == [(3, "active", "perhaps is not yes or no.")]
    assert count(session, Customer) == before


def test_a_contact_of_an_inactive_customer_is_refused(session):
    result = commit(CONTACTS, table("customer code,name,e-mail\nC-XAQC,王工,wang@import-test.cn\n"), session)
    assert issues(result) == [(2, "customer code", "Customer C-XAQC is inactive.")]
    assert session.scalars(select(Contact).where(Contact.email == "wang@import-test.cn")).all() == []


def test_a_contact_of_an_unknown_customer_is_refused(session):
    result = preview(CONTACTS, table("客户编码,姓名,邮箱\nC-NONE,王工,wang@import-test.cn\n"), session)
    assert issues(result) == [(2, "客户编码", "Customer C-NONE does not exist.")]


def test_contacts_are_found_by_customer_and_email_without_regard_to_case(session):
    commit(CONTACTS, table("客户编码,姓名,邮箱,语言\nC-HZXH,王工,Wang@Import-Test.cn,zh\n"), session)
    result = commit(
        CONTACTS, table("customer code,name,e-mail,language\nC-HZXH,王建,wang@import-test.CN,EN\n"), session
    )
    assert actions(result) == [UPDATE]
    (saved,) = session.scalars(select(Contact).where(Contact.email.ilike("%@import-test.cn"))).all()
    assert (saved.name, saved.email, saved.preferred_language) == ("王建", "wang@import-test.CN", "en")


def test_two_saved_contacts_matching_one_row_are_a_row_error_not_a_crash(session):
    hz = customer(session, "C-HZXH")
    session.add_all(
        [
            Contact(customer=hz, name="A", email="a@import-test.cn"),
            Contact(customer=hz, name="B", email="A@import-test.cn"),
        ]
    )
    session.flush()
    result = commit(CONTACTS, table("customer code,name,e-mail\nC-HZXH,A,a@IMPORT-test.cn\n"), session)
    assert issues(result) == [
        (2, "customer code + e-mail", "2 saved records have this key; correct them before importing.")
    ]


def test_sites_are_keyed_by_customer_and_name_and_find_the_contact_by_email(session):
    hz = customer(session, "C-HZXH")
    session.add(Contact(customer=hz, name="王工", email="wang@import-test.cn"))
    session.flush()
    text = (
        "客户编码,站点名称,地址,联系人邮箱\nC-HZXH,导入测试机房,文三路,WANG@import-test.cn\nC-SZLH,导入测试机房,南山,\n"
    )
    result = commit(SITES, table(text), session)
    assert result.applied and actions(result) == [CREATE, CREATE]
    again = commit(SITES, table(text), session)
    assert actions(again) == [UNCHANGED, UNCHANGED]
    site = session.scalars(select(Site).where(Site.customer == hz, Site.name == "导入测试机房")).one()
    assert site.contact.email == "wang@import-test.cn"


def test_a_site_contact_must_belong_to_the_sites_customer(session):
    session.add(Contact(customer=customer(session, "C-SZLH"), name="李工", email="li@import-test.cn"))
    session.flush()
    result = preview(
        SITES, table("customer code,site name,contact e-mail\nC-HZXH,导入机房,li@import-test.cn\n"), session
    )
    assert issues(result) == [(2, "contact e-mail", "Contact li@import-test.cn does not exist.")]


@pytest.fixture
def asset_models(session):
    models = [
        AssetModel(brand="Dell", model="PowerEdge R740"),
        AssetModel(brand="HP", model="ProLiant DL380"),
        AssetModel(brand="IBM", model="x3650", active=False),
    ]
    session.add_all(models)
    session.flush()
    return models


def test_assets_find_their_model_by_brand_and_model_in_one_cell_or_two(session, asset_models):
    one_cell = commit(
        ASSETS, table("serial number,asset model,customer code\nSN-1,dell  poweredge r740,C-HZXH\n"), session
    )
    two_cells = commit(ASSETS, table("序列号,品牌,型号,客户编码\nSN-2,HP,ProLiant DL380,C-HZXH\n"), session)
    assert one_cell.applied and two_cells.applied, issues(one_cell) + issues(two_cells)
    assets = session.scalars(select(Asset).where(Asset.serial_number.in_(["SN-1", "SN-2"])))
    saved = {asset.serial_number: str(asset.asset_model) for asset in assets}
    assert saved == {"SN-1": "Dell PowerEdge R740", "SN-2": "HP ProLiant DL380"}


def test_an_inactive_asset_model_is_refused(session, asset_models):
    result = preview(ASSETS, table("serial number,asset model,customer code\nSN-1,IBM x3650,C-HZXH\n"), session)
    assert issues(result) == [(2, "asset model", "Asset model IBM x3650 is inactive.")]


def test_a_parent_asset_may_come_later_in_the_same_file(session, asset_models):
    text = (
        "serial number,asset model,customer code,parent serial number\n"
        "SN-DISK,Dell PowerEdge R740,C-HZXH,SN-SRV\n"
        "SN-SRV,Dell PowerEdge R740,C-HZXH,\n"
    )
    result = commit(ASSETS, table(text), session)
    assert result.applied, issues(result)
    disk = session.scalars(select(Asset).where(Asset.serial_number == "SN-DISK")).one()
    assert disk.parent.serial_number == "SN-SRV"
    assert actions(commit(ASSETS, table(text), session)) == [UNCHANGED, UNCHANGED]


def test_an_asset_cannot_be_its_own_parent_or_ancestor(session, asset_models):
    own = preview(
        ASSETS, table("serial number,asset model,customer code,parent\nSN-1,HP ProLiant DL380,C-HZXH,SN-1\n"), session
    )
    assert issues(own) == [(2, "parent", "An asset cannot be its own parent asset.")]  # the screen's words
    commit(
        ASSETS,
        table(
            "serial number,asset model,customer code,parent\n"
            "SN-A,HP ProLiant DL380,C-HZXH,\n"
            "SN-B,HP ProLiant DL380,C-HZXH,SN-A\n"
        ),
        session,
    )
    loop = preview(
        ASSETS, table("serial number,asset model,customer code,parent\nSN-A,HP ProLiant DL380,C-HZXH,SN-B\n"), session
    )
    assert issues(loop) == [
        (2, "parent", "SN-B is mounted in SN-A (directly or further down), so it cannot also be its parent asset.")
    ]


def test_warranty_end_before_start_is_a_row_error(session, asset_models):
    text = (
        "serial number,asset model,customer code,warranty start,warranty end\n"
        "SN-1,HP ProLiant DL380,C-HZXH,2026-05-01,2026-04-30\n"
    )
    assert issues(preview(ASSETS, table(text), session)) == [
        (2, "warranty end", "The warranty end (Apr 30, 2026) is before the warranty start (May 1, 2026).")
    ]


def test_an_asset_site_is_looked_up_within_its_customer(session, asset_models):
    session.add(Site(customer=customer(session, "C-SZLH"), name="导入测试仓"))
    session.flush()
    text = (
        "serial number,asset model,customer code,site\n"
        "SN-1,HP ProLiant DL380,C-HZXH,导入测试仓\n"
        "SN-2,HP ProLiant DL380,C-SZLH,导入测试仓\n"
    )
    result = preview(ASSETS, table(text), session)
    assert issues(result) == [(2, "site", "Site 导入测试仓 does not exist.")]
    assert result.rows[1].action == CREATE


def test_moving_an_asset_to_another_customer_without_a_site_keeps_the_site_and_is_refused(session, asset_models):
    session.add(Site(customer=customer(session, "C-HZXH"), name="导入机房"))
    session.flush()
    commit(
        ASSETS, table("serial number,asset model,customer code,site\nSN-1,HP ProLiant DL380,C-HZXH,导入机房\n"), session
    )
    result = preview(ASSETS, table("serial number,asset model,customer code\nSN-1,HP ProLiant DL380,C-SZLH\n"), session)
    assert issues(result) == [
        (
            2,
            "site / 站点",
            "The site 导入机房 belongs to C-HZXH 杭州西湖数码科技有限公司, not to C-SZLH 深圳蓝海物流有限公司.",
        )
    ]


def test_xlsx_assets_with_excel_dates_and_a_numeric_serial(session, asset_models):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序列号", "设备型号", "客户编码", "安装日期", "保修结束", "状态"])
    sheet.append([20260001, "Dell PowerEdge R740", "C-HZXH", datetime(2026, 1, 15), datetime(2029, 1, 14), "in_repair"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = commit(ASSETS, read_xlsx(buffer.getvalue()), session)
    assert result.applied, issues(result)
    saved = session.scalars(select(Asset).where(Asset.serial_number == "20260001")).one()
    assert (saved.serial_number, saved.install_date, saved.warranty_end, saved.status) == (
        "20260001",
        date(2026, 1, 15),
        date(2029, 1, 14),
        AssetStatus.IN_REPAIR,
    )


def test_spare_parts_with_money_quantities_and_flags(session):
    text = "备件编号,名称,单位,单价,安全库存,补货数量,序列号管理,需返还\nP-IMPORT-1,硬盘 1TB,块,450.50,5,10,是,否\n"
    result = commit(SPARE_PARTS, table(text), session)
    assert result.applied, issues(result)
    part = session.scalars(select(SparePart).where(SparePart.part_number == "P-IMPORT-1")).one()
    assert (part.unit_cost, part.safety_stock, part.reorder_quantity, part.serialized, part.returnable) == (
        Decimal("450.50"),
        5,
        10,
        True,
        False,
    )
    assert actions(commit(SPARE_PARTS, table(text.replace("450.50", "450.5")), session)) == [UNCHANGED]


def test_spare_part_bad_numbers_name_their_columns(session):
    result = preview(SPARE_PARTS, table("part number,name,unit cost,safety stock\nP-IMPORT-1,Disk,-3,2.5\n"), session)
    assert issues(result) == [
        (2, "unit cost", "The amount cannot be negative."),
        (2, "safety stock", "2.5 is not a whole number."),
    ]


@pytest.fixture
def calendar(session):
    calendar = Calendar(name="导入测试日历", weekly_hours={})
    session.add_all([calendar, Calendar(name="旧导入测试日历", weekly_hours={}, active=False)])
    session.flush()
    return calendar


ICS = b"""BEGIN:VCALENDAR
BEGIN:VEVENT
DTSTART;VALUE=DATE:20261001
DTEND;VALUE=DATE:20261004
SUMMARY:\xe5\x9b\xbd\xe5\xba\x86\xe8\x8a\x82
END:VEVENT
BEGIN:VEVENT
DTSTART;VALUE=DATE:20261010
SUMMARY:\xe5\x9b\xbd\xe5\xba\x86\xe8\x8a\x82 \xe8\xa1\xa5\xe7\x8f\xad
END:VEVENT
END:VCALENDAR
"""


def saved_days(session, calendar) -> dict[date, tuple]:
    days = session.scalars(select(CalendarDay).where(CalendarDay.calendar == calendar))
    return {day.day: (day.kind, day.borrowed_weekday, day.name) for day in days}


def test_ics_holidays_go_into_the_chosen_calendar_and_reimport_is_unchanged(session, calendar):
    result = commit(HOLIDAYS, read_ics(ICS, makeup_weekday=4), session, defaults={"calendar": calendar})
    assert result.applied, issues(result)
    assert saved_days(session, calendar) == {
        date(2026, 10, 1): (CalendarDayKind.HOLIDAY, None, "国庆节"),
        date(2026, 10, 2): (CalendarDayKind.HOLIDAY, None, "国庆节"),
        date(2026, 10, 3): (CalendarDayKind.HOLIDAY, None, "国庆节"),
        date(2026, 10, 10): (CalendarDayKind.MAKEUP_WORKDAY, 4, "国庆节 补班"),
    }
    again = commit(HOLIDAYS, read_ics(ICS, makeup_weekday=4), session, defaults={"calendar": calendar})
    assert actions(again) == [UNCHANGED] * 4 and not again.applied


def test_ics_recurring_event_is_a_row_error_and_nothing_is_saved(session, calendar):
    recurring = ICS.replace(b"DTSTART;VALUE=DATE:20261010", b"DTSTART;VALUE=DATE:20261010\nRRULE:FREQ=YEARLY")
    result = commit(HOLIDAYS, read_ics(recurring), session, defaults={"calendar": calendar})
    assert issues(result) == [(7, "RRULE", "Recurring events cannot be imported: list each day as its own event.")]
    assert saved_days(session, calendar) == {}


def test_csv_holidays_name_their_calendar_and_weekday_rules_apply(session, calendar):
    text = (
        "日历,日期,类型,名称,借用星期\n"
        "导入测试日历,2026-10-01,HOLIDAY,国庆节,\n"
        "导入测试日历,2026-10-10,MAKEUP_WORKDAY,补班,\n"
        "导入测试日历,2026-10-11,HOLIDAY,国庆节,周一\n"
        "旧导入测试日历,2026-10-01,HOLIDAY,国庆节,\n"
    )
    result = preview(HOLIDAYS, table(text), session)
    assert issues(result) == [
        (3, "借用星期", "A make-up working day needs the weekday whose working hours it follows."),
        (4, "借用星期", "Only make-up working days borrow a weekday; leave it empty for holidays."),
        (5, "日历", "Business calendar 旧导入测试日历 is inactive."),
    ]


def test_a_make_up_day_turned_into_a_holiday_drops_its_weekday(session, calendar):
    commit(HOLIDAYS, table("calendar,date,kind,borrowed weekday\n导入测试日历,2026-10-10,MAKEUP_WORKDAY,6\n"), session)
    result = commit(HOLIDAYS, table("calendar,date,kind,borrowed weekday\n导入测试日历,2026-10-10,holiday,\n"), session)
    assert result.applied and actions(result) == [UPDATE], issues(result)
    assert saved_days(session, calendar) == {date(2026, 10, 10): (CalendarDayKind.HOLIDAY, None, None)}


def test_a_row_for_the_same_day_twice_is_an_error(session, calendar):
    text = "date,kind\n2026-10-01,HOLIDAY\n2026/10/1,HOLIDAY\n"
    result = preview(HOLIDAYS, table(text), session, defaults={"calendar": calendar})
    assert issues(result) == [
        (3, "calendar / 日历 + date", "Row 2 has the same key; each record may appear only once.")
    ]


def test_a_conflicting_save_meanwhile_rolls_back_everything_and_is_reported(session, monkeypatch):
    # As if another admin saved C-T2 between our lookup and our insert.
    monkeypatch.setattr(engine._Run, "_existing", lambda self, keys: {})
    before = count(session, Customer)
    result = commit(CUSTOMERS, table("code,name\nC-T1,New\nC-HZXH,Clash\n"), session)
    assert not result.applied
    assert [str(message) for message in result.file_errors] == [
        "Someone saved changes to the same records meanwhile; nothing was imported. Preview the file again."
    ]
    assert count(session, Customer) == before
    assert customer(session, "C-HZXH").name == "杭州西湖数码科技有限公司"
