"""The demo data a newcomer explores: enough of everything, consistent, and the same on every run.

The session's ``app`` fixture has already run ``seed_demo`` (tests/conftest.py); these
tests only read what it loaded.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, select

from app.demo import CUSTOMERS, DEMO_PASSWORD, ENGINEER_ACCOUNTS, INACTIVE_CUSTOMERS, VENDORS
from app.demo_data.holidays import OFFICIAL, SAMPLE_MARK
from models.assets import Asset, AssetModel
from models.calendars import Calendar
from models.contracts import Contract, EntitlementCharge
from models.enums import (
    AssetStatus,
    CalendarDayKind,
    EntitlementKind,
    Priority,
    ServiceTier,
    SLAKind,
    WarehouseKind,
    WarrantyStatus,
)
from models.organisations import Contact, Customer, Site, Vendor
from models.reference import Region, Skill
from models.service_catalog import PriorityCell, ServiceCategory
from models.sla import SLA
from models.stock import SparePart, StockLevel, Warehouse
from models.support import EngineerProfile, SupportGroup
from models.users import UserAccount

CHINA = "中国大陆标准工作日历"
ALWAYS = "7×24 全天候"


@pytest.fixture
def session(app):
    from app.extensions import db

    with app.app_context():
        yield db.session


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(
    ("model", "low", "high"),
    [
        (Customer, 28, 35),
        (Vendor, 4, 4),
        (Region, 8, 8),
        (Skill, 12, 12),
        (AssetModel, 12, 20),
        (Asset, 250, 350),
        (Calendar, 2, 2),
        (SupportGroup, 3, 3),
        (EngineerProfile, 10, 10),
        (ServiceCategory, 15, 40),
        (SLA, 5, 5),
        (Warehouse, 5, 5),
        (SparePart, 60, 60),
    ],
)
def test_there_is_enough_of_everything_to_explore(session, model, low, high):
    assert low <= count(session, model) <= high


def test_the_original_demo_organisations_keep_their_codes_names_and_flags(session):
    customers = {c.code: c for c in session.scalars(select(Customer))}
    for code, name in CUSTOMERS:
        assert customers[code].name == name
        assert customers[code].active is (code not in INACTIVE_CUSTOMERS)
    vendors = {v.code: v.name for v in session.scalars(select(Vendor))}
    assert {code: vendors[code] for code, _ in VENDORS} == dict(VENDORS)


def test_every_customer_has_a_profile_one_to_three_contacts_and_sites(session):
    tiers = Counter()
    for customer in session.scalars(select(Customer)):
        assert customer.short_name and customer.industry and customer.region and customer.address and customer.phone
        assert customer.account_manager.username == "manager"
        assert 1 <= len(customer.contacts) <= 3, customer.code
        assert 1 <= len(customer.sites) <= 3, customer.code
        assert len({contact.email for contact in customer.contacts}) == len(customer.contacts)
        for site in customer.sites:
            assert site.region is not None and site.contact in customer.contacts, site.name
        tiers[customer.service_tier] += 1
    assert tiers[ServiceTier.VIP] and tiers[ServiceTier.GOLD] and tiers[ServiceTier.STANDARD]
    languages = set(session.scalars(select(Contact.preferred_language)))
    assert languages == {"zh", "en"}
    industries = set(session.scalars(select(Customer.industry)))
    assert {"制造", "医疗", "金融", "物流", "酒店", "能源", "政府", "教育"} <= industries


def test_assets_have_unique_serials_and_every_warranty_status(session):
    assets = session.scalars(select(Asset)).all()
    serials = [asset.serial_number for asset in assets]
    assert len(set(serials)) == len(serials)
    today = date.today()
    assert {asset.warranty_status_on(today) for asset in assets} == set(WarrantyStatus)
    statuses = Counter(asset.status for asset in assets)
    assert statuses[AssetStatus.RETIRED] and statuses[AssetStatus.IN_REPAIR]
    assert statuses[AssetStatus.IN_SERVICE] > len(assets) * 0.8
    modules = [asset for asset in assets if asset.parent_id]
    assert modules
    for module in modules:
        assert (module.customer_id, module.site_id) == (module.parent.customer_id, module.parent.site_id)
    sites_with_assets = {asset.site_id for asset in assets}
    assert sites_with_assets == set(session.scalars(select(Site.id)))


def test_china_calendar_has_national_day_and_make_up_working_days_this_year(session):
    china = session.scalars(select(Calendar).filter_by(name=CHINA)).one()
    assert china.timezone == "Asia/Shanghai"
    office = [["09:00", "12:00"], ["13:00", "18:00"]]
    assert [china.weekly_hours[str(day)] for day in range(7)] == [office] * 5 + [[], []]

    year = date.today().year
    days = {day.day: day for day in china.days if day.day.year == year}
    national_day = days[date(year, 10, 1)]
    assert national_day.kind is CalendarDayKind.HOLIDAY and "国庆" in national_day.name
    makeup = [day for day in days.values() if day.kind is CalendarDayKind.MAKEUP_WORKDAY]
    assert makeup
    for day in makeup:
        assert day.day.weekday() >= 5 and 0 <= day.borrowed_weekday <= 4 and "调休" in day.name
    for day in china.days:  # a schedule not yet published says it is sample data
        assert (SAMPLE_MARK in day.name) is (day.day.year not in OFFICIAL), day


def test_the_business_time_engine_accepts_the_china_calendar(session):
    """Make-up days get the office hours, holiday weekdays none, National Day pushes deadlines past it."""
    from datetime import datetime, time, timedelta
    from zoneinfo import ZoneInfo

    from app.domain.sla import BusinessCalendar, business_seconds_between, deadline_after

    china = session.scalars(select(Calendar).filter_by(name=CHINA)).one()
    engine_calendar = BusinessCalendar(
        china.timezone,
        {int(day): [tuple(interval) for interval in hours] for day, hours in china.weekly_hours.items()},
        holidays=[d.day for d in china.days if d.kind is CalendarDayKind.HOLIDAY],
        extra_workdays={d.day: d.borrowed_weekday for d in china.days if d.kind is CalendarDayKind.MAKEUP_WORKDAY},
    )
    zone = ZoneInfo(china.timezone)

    def working_seconds(day: date) -> int:
        start = datetime.combine(day, time(0), zone)
        return business_seconds_between(engine_calendar, start, start + timedelta(days=1))

    year = date.today().year
    this_year = [d for d in china.days if d.day.year == year]
    for special in this_year:
        expected = 8 * 3600 if special.kind is CalendarDayKind.MAKEUP_WORKDAY else 0
        assert working_seconds(special.day) == expected, special
    national_day = datetime.combine(date(year, 10, 1), time(9), zone)
    assert deadline_after(engine_calendar, national_day, 60).date() > date(year, 10, 7)


def test_round_the_clock_calendar_has_no_special_days(session):
    always = session.scalars(select(Calendar).filter_by(name=ALWAYS)).one()
    assert always.weekly_hours == {str(day): [["00:00", "24:00"]] for day in range(7)}
    assert always.days == []


def test_every_sla_has_four_targets_and_one_external_sla_is_the_default(session):
    slas = session.scalars(select(SLA)).all()
    for sla in slas:
        assert [target.priority for target in sla.targets] == list(Priority), sla.name
        for target in sla.targets:
            assert 0 < target.response_minutes <= target.resolution_minutes
        assert sla.pause_statuses == ["pending_customer"]
        assert all(tier in ServiceTier.__members__ for tier in sla.scope_tiers)
    defaults = [sla for sla in slas if sla.is_default]
    assert len(defaults) == 1 and defaults[0].kind is SLAKind.EXTERNAL
    medical = next(sla for sla in slas if sla.name == "医疗行业SLA")
    assert medical.scope_customers and {c.industry for c in medical.scope_customers} == {"医疗"}
    (ola,) = [sla for sla in slas if sla.kind is SLAKind.INTERNAL]
    assert {vendor.ola_id for vendor in session.scalars(select(Vendor))} == {ola.id}


def test_vendors_have_coverage_skills_and_contacts(session):
    for vendor in session.scalars(select(Vendor)):
        assert vendor.regions and vendor.skills and vendor.phone and vendor.address, vendor.code
        assert 1 <= len(vendor.contacts) <= 2


def test_the_priority_matrix_has_sixteen_cells_from_p1_to_p4(session):
    cells = {(cell.impact, cell.urgency): cell.priority for cell in session.scalars(select(PriorityCell))}
    assert sorted(cells) == [(i, u) for i in range(1, 5) for u in range(1, 5)]
    assert cells[1, 1] is Priority.P1 and cells[4, 4] is Priority.P4
    order = list(Priority)
    for (impact, urgency), priority in cells.items():  # lower impact or urgency never raises the priority
        if impact < 4:
            assert order.index(cells[impact + 1, urgency]) >= order.index(priority)
        if urgency < 4:
            assert order.index(cells[impact, urgency + 1]) >= order.index(priority)


def test_categories_form_a_tree_with_templates(session):
    categories = session.scalars(select(ServiceCategory)).all()
    roots = {c.name for c in categories if c.parent_id is None}
    assert {"硬件故障", "软件问题", "服务申请", "投诉", "巡检", "咨询"} <= roots
    assert {"硬件故障 / 服务器", "硬件故障 / 打印机", "服务申请 / 账号开通"} <= {c.path for c in categories}
    for category in categories:
        assert category.standard_description and category.standard_solution, category.path
        assert category.default_support_group is not None
        if category.parent_id is not None and category.parent.name == "硬件故障":
            assert category.required_skill is not None


def test_ten_engineers_with_profiles_in_three_groups(session):
    profiles = session.scalars(select(EngineerProfile)).all()
    for profile in profiles:
        assert [role.name for role in profile.user.roles] == ["Engineer"]
        assert 80 <= profile.hourly_cost <= 300
        assert profile.skills and profile.region and profile.calendar and profile.support_group
    assert {p.user.username for p in profiles} == {f"engineer{n}" for n in range(1, 11)}
    for group in session.scalars(select(SupportGroup)):
        assert group.lead in group.members


def test_new_engineers_sign_in_with_the_demo_password(app, session):
    from werkzeug.security import check_password_hash

    for account in ENGINEER_ACCOUNTS:
        user = session.scalars(select(UserAccount).filter_by(username=account.username)).one()
        assert user.active and check_password_hash(user.password, DEMO_PASSWORD)
        assert (user.first_name, user.last_name) == (account.first_name, account.last_name)


def test_contracts_mix_kinds_and_states_and_some_are_nearly_used_up(session):
    today = date.today()
    contracts = session.scalars(select(Contract)).all()
    assert len({c.customer_id for c in contracts}) >= 20
    assert {c.entitlement_kind for c in contracts} == set(EntitlementKind)
    assert any(c.start_date > today for c in contracts)
    assert any(c.end_date < today for c in contracts)
    assert any(c.start_date <= today <= c.end_date for c in contracts)
    nearly_used = 0
    for contract in contracts:
        assert contract.number.startswith(f"HT-{contract.start_date.year}-")
        charges = contract.charges
        assert all(charge.customer_id == contract.customer_id for charge in charges)
        if contract.entitlement_kind is EntitlementKind.REQUESTS:
            used = sum(charge.requests for charge in charges)
            assert used <= contract.entitlement_requests
            nearly_used += contract.end_date >= today and used >= 0.9 * contract.entitlement_requests
        elif contract.entitlement_kind is EntitlementKind.MONEY:
            assert sum(charge.amount for charge in charges) <= contract.entitlement_amount
    assert nearly_used >= 1
    assert count(session, EntitlementCharge) > 0


def test_stock_levels_are_not_negative_and_vendor_held_ones_carry_the_vendor(session):
    levels = session.scalars(select(StockLevel)).all()
    kinds = {warehouse.kind for warehouse in session.scalars(select(Warehouse))}
    assert kinds == set(WarehouseKind)
    # Most parts are stocked in every warehouse but the vendor-held ones, which carry only the part groups
    # of the work their vendor is sent.
    general = [w for w in session.scalars(select(Warehouse)) if w.kind is not WarehouseKind.VENDOR]
    stocked = [level for level in levels if level.warehouse.kind is not WarehouseKind.VENDOR]
    assert len(stocked) >= 0.6 * count(session, SparePart) * len(general)
    for level in levels:
        assert level.on_hand >= 0
        assert level.vendor_id == level.warehouse.vendor_id
        if level.warehouse.kind is WarehouseKind.VENDOR:
            assert level.vendor_id is not None
    totals = Counter()
    for level in levels:
        totals[level.spare_part] += level.on_hand
    short = [part for part, on_hand in totals.items() if on_hand < part.safety_stock]
    assert 1 <= len(short) <= 15
    van = session.scalars(select(Warehouse).filter_by(kind=WarehouseKind.VAN)).one()
    assert van.owner.username == "engineer1"


def test_seeding_again_gives_the_same_data_quickly(app, app_env, tmp_path):
    """Deterministic and fast: a second, fresh database gets exactly the same rows."""
    import time

    from flask_migrate import upgrade

    from app import create_app
    from app.demo import seed_demo
    from app.extensions import db
    from app.security.roles import sync_roles

    def fingerprint():
        return (
            sorted(db.session.execute(select(Asset.serial_number, Asset.warranty_end, Asset.status)).all()),
            sorted(db.session.execute(select(Contact.email, Contact.phone)).all()),
            sorted(
                (level.warehouse.code, level.spare_part.part_number, level.on_hand)
                for level in db.session.scalars(select(StockLevel))
            ),
        )

    with app.app_context():
        expected = fingerprint()
    # Its own SQLite file: the session database may be PostgreSQL, or locked by this test's transaction.
    env = {**app_env, "DATABASE_URL": f"sqlite:///{tmp_path / 'again.db'}", "INSTANCE_PATH": str(tmp_path)}
    second = create_app({"TESTING": True, "FAB_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}, env=env)
    with second.app_context():
        upgrade()
        sync_roles(second.appbuilder)
        started = time.perf_counter()
        seed_demo(activity=False)
        elapsed = time.perf_counter() - started
        assert fingerprint() == expected
    assert elapsed < 15, f"seeding the catalog took {elapsed:.1f} s"


def test_demo_escalation_rules_pass_the_admin_checks_and_build_both_chains(session):
    from app.domain.escalation import check_rule_row
    from models.escalation import EscalationRule

    rules = session.scalars(select(EscalationRule).order_by(EscalationRule.level, EscalationRule.id)).all()
    assert len(rules) >= 6
    for rule in rules:
        check_rule_row(rule)
    functional = [rule.reassign_group.tier.name for rule in rules if rule.reassign_group is not None]
    assert functional == ["L2", "L3"]
    hierarchical = {rule.level: rule for rule in rules if rule.target.name == "REQUEST_RESOLUTION"}
    assert hierarchical[4].notify_role.name == "Manager" and hierarchical[4].notify_users[0].username == "manager"
