"""Demo data: a believable service company to explore, in Chinese with a few English names.

Each later issue extends ``seed_demo`` for the models it adds. Loaded by
``flask setup`` into an empty database and by ``flask seed-demo``. The static tables
live in ``app.demo_data``; everything that varies is drawn from one
``random.Random(2026)``, and dates are relative to today, so every run gives the same
picture (warranties about to expire, contracts just started, …) whenever it is run.
"""

from __future__ import annotations

import random
import string
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app

from app.demo_data import assets as asset_data
from app.demo_data.catalog import CATEGORIES, PRIORITY_MATRIX, CategorySpec
from app.demo_data.contracts import CONTRACT_PLANS
from app.demo_data.customers import ACCOUNT_CONTACTS, MEDICAL_INDUSTRY, PROFILES, CustomerProfile
from app.demo_data.escalation import ESCALATION_RULES
from app.demo_data.holidays import china_calendar_days
from app.demo_data.parts import SHORT_PARTS, SPARE_PARTS, VAN_GROUPS, VENDOR_GROUPS, WAREHOUSES
from app.demo_data.people import (
    ENGLISH_NAMES,
    EXTRA_ENGINEERS,
    GIVEN_NAMES,
    JOB_TITLES_EN,
    JOB_TITLES_ZH,
    SURNAMES,
)
from app.demo_data.reference import REGIONS, SKILLS
from app.demo_data.sla import PAUSE_STATUSES, SLAS, VENDOR_OLA
from app.demo_data.support import ALWAYS_CALENDAR, CHINA_CALENDAR, ENGINEER_PROFILES, SUPPORT_GROUPS
from app.demo_data.vendors import VENDOR_CONTACTS, VENDOR_PROFILES
from app.domain.stock_ledger import move
from app.extensions import db
from models.assets import Asset, AssetModel
from models.calendars import Calendar, CalendarDay
from models.contracts import Contract, EntitlementCharge
from models.enums import (
    AssetStatus,
    CalendarDayKind,
    ChargeMode,
    EntitlementKind,
    EscalationTarget,
    EscalationTrigger,
    Priority,
    ServiceTier,
    SLAKind,
    StockMoveKind,
    SupportTier,
    WarehouseKind,
)
from models.escalation import EscalationRule
from models.organisations import Contact, Customer, Site, Vendor, VendorContact
from models.reference import Region, Skill
from models.service_catalog import PriorityCell, ServiceCategory
from models.sla import SLA, SLATarget
from models.stock import SparePart, StockLevel, Warehouse
from models.support import EngineerProfile, SupportGroup

DEMO_PASSWORD = "ServiceDesk#2026"
RANDOM_SEED = 2026

CUSTOMERS = [
    ("C-HZXH", "杭州西湖数码科技有限公司"),
    ("C-SZLH", "深圳蓝海物流有限公司"),
    ("C-GZZJ", "广州珠江电力设备有限公司"),
    ("C-CDJJ", "成都锦江酒店管理有限公司"),
    ("C-SZJJ", "苏州金鸡湖医院"),
    ("C-NJZJ", "南京紫金农商银行"),
    ("C-WHCJ", "武汉长江轨道交通运营有限公司"),
    ("C-TJBH", "天津滨海港务集团"),
    ("C-CQSC", "重庆山城制药有限公司"),
    ("C-SEL", "Sino-Euro Logistics Ltd."),
    ("C-PRH", "Pacific Rim Hotels (Shanghai) Co., Ltd."),
    ("C-XAQC", "西安秦川机床厂"),
]
INACTIVE_CUSTOMERS = {"C-XAQC"}

VENDORS = [
    ("V-SHXX", "上海迅修技术服务有限公司"),
    ("V-BJHT", "北京恒通网络工程有限公司"),
    ("V-GZFF", "Guangzhou FastFix Field Services"),
    ("V-XAQC", "西安秦川设备维修中心"),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    first_name: str  # given name (名)
    last_name: str  # family name (姓)
    role: str
    language: str = "zh"
    vendor_code: str | None = None
    customer_code: str | None = None
    active: bool = True


DEMO_ACCOUNTS = [
    DemoAccount("admin", "管理员", "系统", "Admin"),
    DemoAccount("manager", "建国", "王", "Manager"),
    DemoAccount("dispatcher", "晓梅", "李", "Dispatcher"),
    DemoAccount("engineer1", "伟", "张", "Engineer"),
    DemoAccount("engineer2", "洋", "刘", "Engineer"),
    DemoAccount("engineer3", "David", "Chen", "Engineer", language="en"),
    DemoAccount("vendor1", "强", "赵", "Vendor", vendor_code="V-SHXX"),
    DemoAccount("vendor2", "丽", "孙", "Vendor", vendor_code="V-BJHT"),
    DemoAccount("vendor3", "Tom", "Wong", "Vendor", language="en", vendor_code="V-GZFF"),
    DemoAccount("customer1", "静", "陈", "Customer", customer_code="C-HZXH"),
    DemoAccount("customer2", "Emma", "Schulz", "Customer", language="en", customer_code="C-SEL"),
    # People who left: their accounts are disabled, not deleted, so history keeps their names.
    DemoAccount("engineer_left", "鹏", "周", "Engineer", active=False),
    DemoAccount("vendor1_left", "军", "吴", "Vendor", vendor_code="V-SHXX", active=False),
]
LOGIN_ACCOUNTS = [account for account in DEMO_ACCOUNTS if account.active]
# More engineers for the support groups; they log in with the same password, but the
# set-up message lists only DEMO_ACCOUNTS (one engineer is enough to try the role).
ENGINEER_ACCOUNTS = [
    DemoAccount(username, first, last, "Engineer", language=language)
    for username, first, last, language in EXTRA_ENGINEERS
]

_ALNUM = string.ascii_uppercase.replace("I", "").replace("O", "") + string.digits  # no I/O: read as 1/0


def seed_demo(activity: bool = True) -> dict[str, int]:
    """Add the demo rows and commit; returns how many of each were added.

    ``activity`` adds 90 days of service desk work (app/demo_requests.py, ~40 s); the test suite
    leaves it out of its shared database and seeds it in the one test that checks it.
    """
    rng = random.Random(RANDOM_SEED)
    today = date.today()
    counts: dict[str, int] = {}
    db.session.info["actor_label"] = "flask seed-demo"  # names the author in the change history

    regions = _add_codes(Region, REGIONS)
    skills = _add_codes(Skill, SKILLS)
    customers, vendors = _add_organisations(regions)
    users = _add_accounts([*DEMO_ACCOUNTS, *ENGINEER_ACCOUNTS], customers, vendors)
    for customer in customers.values():
        customer.account_manager = users["manager"]
    counts.update(customers=len(customers), vendors=len(vendors), accounts=len(users))
    counts.update(regions=len(regions), skills=len(skills))

    sites = _add_contacts_and_sites(rng, customers, regions, counts)
    models = _add_asset_models()
    counts["asset_models"] = len(models)
    counts["assets"] = _add_assets(rng, today, sites, models)

    calendars = _add_calendars(today, counts)
    groups = _add_support(users, regions, skills, calendars, counts)
    counts["service_categories"] = _add_categories(skills, groups)
    counts["priority_cells"] = _add_priority_matrix()
    slas = _add_slas(calendars, customers, counts)
    counts["vendor_contacts"] = _complete_vendors(vendors, regions, skills, slas[VENDOR_OLA])
    _add_contracts(rng, today, customers, slas, counts)
    counts["escalation_rules"] = _add_escalation_rules(users, groups)
    _add_stock(rng, regions, users, vendors, models, counts)
    if activity:
        from app.demo_requests import seed_demo_requests

        counts.update(seed_demo_requests(db.session, now=datetime.now(UTC)))

    db.session.commit()
    return counts


# --- reference data and organisations -------------------------------------------------------------


def _add_codes(model: type[Region] | type[Skill], rows: Iterable[tuple[str, str]]) -> dict:
    objects = {code: model(code=code, name=name) for code, name in rows}
    db.session.add_all(objects.values())
    return objects


def _add_organisations(regions: dict[str, Region]) -> tuple[dict[str, Customer], dict[str, Vendor]]:
    profiles = {profile.code: profile for profile in PROFILES}
    names = dict(CUSTOMERS) | {profile.code: profile.name for profile in PROFILES if profile.name}
    customers = {}
    for code, name in names.items():
        profile = profiles[code]
        customers[code] = Customer(
            code=code,
            name=name,
            active=code not in INACTIVE_CUSTOMERS,
            short_name=profile.short_name,
            industry=profile.industry,
            region=regions[profile.region],
            service_tier=ServiceTier[profile.tier],
            address=profile.address,
            phone=profile.phone,
        )
    vendors = {}
    for code, name in VENDORS:
        phone, address, _, _ = VENDOR_PROFILES[code]
        vendors[code] = Vendor(code=code, name=name, active=True, phone=phone, address=address)
    db.session.add_all([*customers.values(), *vendors.values()])
    db.session.flush()
    return customers, vendors


def _add_accounts(
    accounts: list[DemoAccount], customers: dict[str, Customer], vendors: dict[str, Vendor]
) -> dict[str, object]:
    sm = current_app.appbuilder.sm
    password_hash = _hash(DEMO_PASSWORD)  # one salted hash, shared: scrypt per account would cost seconds
    roles = {name: sm.find_role(name) for name in sorted({account.role for account in accounts})}
    for name, role in roles.items():
        if role is None:
            raise RuntimeError(f"role {name} missing: run `flask roles sync` first")
    users = {}
    for account in accounts:
        user = sm.user_model(
            username=account.username,
            first_name=account.first_name,
            last_name=account.last_name,
            email=f"{account.username}@demo.servicedesk.cn",
            active=account.active,
            roles=[roles[account.role]],
            preferred_language=account.language,
            vendor=vendors.get(account.vendor_code) if account.vendor_code else None,
            customer=customers.get(account.customer_code) if account.customer_code else None,
        )
        user.password = password_hash
        users[account.username] = user
    db.session.add_all(users.values())
    db.session.flush()
    return users


def _hash(password: str) -> str:
    from werkzeug.security import generate_password_hash

    method = current_app.config.get("FAB_PASSWORD_HASH_METHOD", "scrypt")
    return generate_password_hash(password, method=method)


def _add_contacts_and_sites(
    rng: random.Random, customers: dict[str, Customer], regions: dict[str, Region], counts: dict[str, int]
) -> list[Site]:
    profiles = {profile.code: profile for profile in PROFILES}
    contacts: list[Contact] = []
    sites: list[Site] = []
    for code, customer in customers.items():
        profile = profiles[code]
        people = [
            Contact(customer=customer, name=name, email=email, job_title=title, preferred_language=language)
            for name, email, title, language in ACCOUNT_CONTACTS.get(code, [])
        ]
        for person in people:
            person.phone = _mobile(rng, profile)
        wanted = rng.randint(1, 3)
        while len(people) < wanted:
            person = _new_contact(rng, profile, {p.email for p in people}, {p.name for p in people})
            person.customer = customer
            people.append(person)
        contacts.extend(people)
        for spec in profile.sites:
            sites.append(
                Site(
                    customer=customer,
                    name=spec.name,
                    address=spec.address,
                    region=regions[spec.region or profile.region],
                    contact=rng.choice(people),
                )
            )
    db.session.add_all(contacts)
    db.session.add_all(sites)
    db.session.flush()
    counts.update(contacts=len(contacts), sites=len(sites))
    return sites


def _new_contact(rng: random.Random, profile: CustomerProfile, emails: set[str], names: set[str]) -> Contact:
    while True:
        if profile.english and rng.random() < 0.6:
            first, last = rng.choice(ENGLISH_NAMES)
            name, local, language = f"{first} {last}", f"{first}.{last}".lower(), "en"
            title = rng.choice(JOB_TITLES_EN)
        else:
            (surname, surname_py), (given, given_py) = rng.choice(SURNAMES), rng.choice(GIVEN_NAMES)
            name, local, language = f"{surname}{given}", f"{given_py}.{surname_py}", "zh"
            title = rng.choice(JOB_TITLES_ZH)
        email = f"{local}@{profile.domain}"
        if email not in emails and name not in names:
            return Contact(
                name=name, email=email, job_title=title, preferred_language=language, phone=_mobile(rng, profile)
            )


def _mobile(rng: random.Random, profile: CustomerProfile) -> str:
    if profile.region == "GA":
        prefix = "+852 " if profile.phone.startswith("+852") else "+853 "
        return f"{prefix}{rng.choice('569')}{rng.randint(100, 999)} {rng.randint(1000, 9999)}"
    return f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"


# --- equipment ------------------------------------------------------------------------------------


def _add_asset_models() -> dict[str, AssetModel]:
    models = {
        spec.key: AssetModel(brand=spec.brand, model=spec.model, category=spec.category)
        for spec in asset_data.ASSET_MODELS
    }
    db.session.add_all(models.values())
    db.session.flush()
    return models


def _add_assets(rng: random.Random, today: date, sites: list[Site], models: dict[str, AssetModel]) -> int:
    """ASSET_TOTAL assets: every site gets one, then more where the customer is bigger; modules under some."""
    specs = {spec.key: spec for spec in asset_data.ASSET_MODELS}
    placeable = [spec for spec in asset_data.ASSET_MODELS if spec.weight]
    kinds, shares = zip(*asset_data.WARRANTY_MIX, strict=True)
    tier_weight = {ServiceTier.VIP: 3, ServiceTier.GOLD: 2, ServiceTier.STANDARD: 1}
    site_weights = [tier_weight[site.customer.service_tier] for site in sites]
    serials: set[str] = set()
    parents: list[Asset] = []
    planned_modules: list[tuple[Asset, str]] = []

    while len(parents) + len(planned_modules) < asset_data.ASSET_TOTAL:
        n = len(parents)
        site = sites[n] if n < len(sites) else rng.choices(sites, site_weights)[0]
        spec = rng.choices(placeable, [s.weight for s in placeable])[0]
        kind = kinds[n] if n < len(kinds) else rng.choices(kinds, shares)[0]  # the first ones: one of each kind
        asset = Asset(
            serial_number=_serial(rng, spec.serial_pattern, serials),
            asset_model=models[spec.key],
            customer=site.customer,
            site=site,
            **_warranty(rng, today, kind, spec.warranty_years),
        )
        _set_status(rng, asset, kind)
        parents.append(asset)
        if spec.key in asset_data.CHILD_MODULES:
            module_key, probability, most = asset_data.CHILD_MODULES[spec.key]
            if rng.random() < probability:
                room = asset_data.ASSET_TOTAL - len(parents) - len(planned_modules)
                planned_modules += [(asset, module_key)] * min(rng.randint(1, most), room)
    db.session.add_all(parents)
    db.session.flush()

    modules = [
        Asset(
            serial_number=_serial(rng, specs[key].serial_pattern, serials),
            asset_model=models[key],
            customer_id=parent.customer_id,
            site_id=parent.site_id,
            parent_id=parent.id,
            install_date=parent.install_date,
            warranty_start=parent.warranty_start,
            warranty_end=parent.warranty_end,
            status=parent.status,
        )
        for parent, key in planned_modules
    ]
    db.session.add_all(modules)
    db.session.flush()
    return len(parents) + len(modules)


def _serial(rng: random.Random, pattern: str, taken: set[str]) -> str:
    while True:
        serial = "".join(
            rng.choice(string.digits) if char == "#" else rng.choice(_ALNUM) if char == "?" else char
            for char in pattern
        )
        if serial not in taken:
            taken.add(serial)
            return serial


def _warranty(rng: random.Random, today: date, kind: str, years: int) -> dict[str, date | None]:
    """Dates giving ``kind`` (as Asset.warranty_status_on(today) derives it); warranty starts at install."""
    term = timedelta(days=365 * years)
    if kind == "none":
        return {
            "install_date": today - timedelta(days=rng.randint(60, 2500)),
            "warranty_start": None,
            "warranty_end": None,
        }
    if kind == "in_warranty":
        end = today + timedelta(days=rng.randint(60, term.days - 30))
    elif kind == "expiring":
        end = today + timedelta(days=rng.randint(2, 28))
    else:  # expired
        end = today - timedelta(days=rng.randint(1, 1200))
    start = end - term
    return {"install_date": start, "warranty_start": start, "warranty_end": end}


def _set_status(rng: random.Random, asset: Asset, kind: str) -> None:
    draw = rng.random()
    if draw < 0.04:
        asset.status, asset.notes = AssetStatus.IN_REPAIR, "返修中：故障部件已寄回厂商检测。"
    elif kind in ("expired", "none") and draw < 0.14:
        asset.status, asset.notes = AssetStatus.RETIRED, "已报废，保留记录以便追溯维修历史。"
    else:
        asset.status = AssetStatus.IN_SERVICE


# --- calendars, people, catalog -------------------------------------------------------------------

_OFFICE_HOURS = [["09:00", "12:00"], ["13:00", "18:00"]]


def _add_calendars(today: date, counts: dict[str, int]) -> dict[str, Calendar]:
    china = Calendar(
        name=CHINA_CALENDAR,
        timezone="Asia/Shanghai",
        weekly_hours={str(day): (_OFFICE_HOURS if day < 5 else []) for day in range(7)},
    )
    always = Calendar(
        name=ALWAYS_CALENDAR,
        timezone="Asia/Shanghai",
        weekly_hours={str(day): [["00:00", "24:00"]] for day in range(7)},
    )
    days = [
        CalendarDay(calendar=china, day=day, kind=CalendarDayKind[kind], name=label, borrowed_weekday=weekday)
        for year in (today.year - 1, today.year, today.year + 1)
        for day, kind, label, weekday in china_calendar_days(year)
    ]
    db.session.add_all([china, always, *days])
    db.session.flush()
    counts.update(calendars=2, calendar_days=len(days))
    return {china.name: china, always.name: always}


def _add_support(
    users: dict, regions: dict[str, Region], skills: dict[str, Skill], calendars: dict[str, Calendar], counts: dict
) -> dict[str, SupportGroup]:
    groups = {
        name: SupportGroup(
            name=name,
            tier=SupportTier[tier],
            lead=users[lead],
            members=[users[member] for member in members],
            regions=[regions[code] for code in region_codes],
            skills=[skills[code] for code in skill_codes],
        )
        for name, tier, lead, members, region_codes, skill_codes in SUPPORT_GROUPS
    }
    profiles = [
        EngineerProfile(
            user=users[username],
            support_group=groups[group],
            region=regions[region],
            calendar=calendars[calendar],
            hourly_cost=cost,
            skills=[skills[code] for code in skill_codes],
        )
        for username, (group, region, calendar, cost, skill_codes) in ENGINEER_PROFILES.items()
    ]
    db.session.add_all([*groups.values(), *profiles])
    db.session.flush()
    counts.update(support_groups=len(groups), engineers=len(profiles))
    return groups


def _add_categories(skills: dict[str, Skill], groups: dict[str, SupportGroup]) -> int:
    rows: list[ServiceCategory] = []

    def add(spec: CategorySpec, parent: ServiceCategory | None) -> None:
        category = ServiceCategory(
            parent=parent,
            name=spec.name,
            standard_description=spec.description,
            standard_solution=spec.solution,
            default_impact=spec.impact,
            default_urgency=spec.urgency,
            required_skill=skills[spec.skill] if spec.skill else None,
            default_support_group=groups[spec.group] if spec.group else None,
        )
        rows.append(category)
        for child in spec.children:
            add(child, category)

    for spec in CATEGORIES:
        add(spec, None)
    db.session.add_all(rows)
    db.session.flush()
    return len(rows)


def _add_priority_matrix() -> int:
    cells = [
        PriorityCell(impact=impact, urgency=urgency, priority=Priority[code])
        for impact, row in enumerate(PRIORITY_MATRIX, start=1)
        for urgency, code in enumerate(row, start=1)
    ]
    db.session.add_all(cells)
    return len(cells)


def _add_slas(calendars: dict[str, Calendar], customers: dict[str, Customer], counts: dict) -> dict[str, SLA]:
    medical = [customer for customer in customers.values() if customer.industry == MEDICAL_INDUSTRY]
    slas = {}
    for spec in SLAS:
        slas[spec.name] = SLA(
            name=spec.name,
            kind=SLAKind[spec.kind],
            calendar=calendars[spec.calendar],
            is_default=spec.is_default,
            pause_statuses=list(PAUSE_STATUSES),
            scope_tiers=list(spec.scope_tiers),
            description=spec.description,
            scope_customers=medical if spec.scope_medical else [],
            targets=[
                SLATarget(priority=Priority[priority], response_minutes=response, resolution_minutes=resolution)
                for priority, (response, resolution) in spec.targets.items()
            ],
        )
    db.session.add_all(slas.values())
    db.session.flush()
    counts.update(slas=len(slas), sla_targets=sum(len(sla.targets) for sla in slas.values()))
    return slas


def _complete_vendors(vendors: dict[str, Vendor], regions: dict, skills: dict, ola: SLA) -> int:
    contacts = []
    for code, vendor in vendors.items():
        _, _, region_codes, skill_codes = VENDOR_PROFILES[code]
        vendor.regions = [regions[c] for c in region_codes]
        vendor.skills = [skills[c] for c in skill_codes]
        vendor.ola = ola
    for code, vendor in vendors.items():
        contacts += [
            VendorContact(vendor=vendor, name=name, phone=phone, email=email, job_title=title)
            for name, phone, email, title in VENDOR_CONTACTS[code]
        ]
    db.session.add_all(contacts)
    return len(contacts)


def _add_escalation_rules(users: dict, groups: dict[str, SupportGroup]) -> int:
    sm = current_app.appbuilder.sm
    rules = []
    for name, target, trigger, value, level, actions in ESCALATION_RULES:
        values = dict(actions)
        if "notify_role" in values:
            values["notify_role"] = sm.find_role(values["notify_role"])
        if "notify_users" in values:
            values["notify_users"] = [users[username] for username in values["notify_users"]]
        if "reassign_group" in values:
            values["reassign_group"] = groups[values["reassign_group"]]
        rules.append(
            EscalationRule(
                name=name,
                target=EscalationTarget[target],
                trigger=EscalationTrigger[trigger],
                trigger_value=value,
                level=level,
                **{"notify_assignee": False, **values},
            )
        )
    db.session.add_all(rules)
    return len(rules)


# --- contracts and stock --------------------------------------------------------------------------

CENT = Decimal("0.01")


def _add_contracts(
    rng: random.Random, today: date, customers: dict[str, Customer], slas: dict[str, SLA], counts: dict
) -> None:
    plans = sorted(CONTRACT_PLANS, key=lambda plan: plan[3])  # numbered in the order they were signed
    numbers: dict[int, int] = {}
    contracts, charges = [], []
    for code, sla_name, kind, offset, months, value, entitlement, mode, per_request, used in plans:
        start = today + timedelta(days=offset)
        end = _add_months(start, months) - timedelta(days=1)
        numbers[start.year] = numbers.get(start.year, 0) + 1
        contract = Contract(
            number=f"HT-{start.year}-{numbers[start.year]:04d}",
            customer=customers[code],
            sla=slas[sla_name],
            start_date=start,
            end_date=end,
            value=value,
            entitlement_kind=EntitlementKind[kind],
            entitlement_requests=entitlement if kind == "REQUESTS" else None,
            entitlement_amount=entitlement if kind == "MONEY" else None,
            charge_mode=ChargeMode[mode] if mode else None,
            charge_per_request=per_request,
            notes=f"{customers[code].short_name}年度维保服务合同（{months}个月）",
        )
        contracts.append(contract)
        if used and start <= today:
            charges += _charges(rng, contract, min(today, end), used)
    db.session.add_all(contracts)
    db.session.add_all(charges)
    db.session.flush()
    counts.update(contracts=len(contracts), entitlement_charges=len(charges))


def _charges(rng: random.Random, contract: Contract, until: date, used: float) -> list[EntitlementCharge]:
    """Monthly roll-ups of what the customer has used, adding up to ``used`` of the entitlement."""
    months = max(1, (until - contract.start_date).days // 30)
    rows = []

    def charge(month: int, requests: int, amount: Decimal) -> None:
        label = _add_months(contract.start_date, month).strftime("%Y-%m")
        rows.append(
            EntitlementCharge(
                contract=contract,
                customer_id=contract.customer.id,
                requests=requests,
                amount=amount,
                note=f"{label} 服务请求结算（导入）",
            )
        )

    if contract.entitlement_kind is EntitlementKind.REQUESTS:
        for month, requests in enumerate(_split(rng, round(contract.entitlement_requests * used), months)):
            if requests:
                charge(month, requests, Decimal("0"))
    elif contract.charge_mode is ChargeMode.PER_REQUEST:
        total = int(contract.entitlement_amount * Decimal(str(used)) / contract.charge_per_request)
        for month, requests in enumerate(_split(rng, total, months)):
            if requests:
                charge(month, requests, contract.charge_per_request * requests)
    else:  # time and material: what each month's hours and parts cost
        target = (contract.entitlement_amount * Decimal(str(used))).quantize(CENT)
        weights = [rng.uniform(0.5, 1.5) for _ in range(months)]
        spent = Decimal("0")
        for month, weight in enumerate(weights):
            amount = (
                target - spent
                if month == months - 1
                else (target * Decimal(weight / sum(weights))).quantize(CENT, ROUND_HALF_UP)
            )
            spent += amount
            charge(month, rng.randint(2, 9), amount)
    return rows


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """``total`` spread over ``parts`` months, unevenly, adding up exactly."""
    counts = [0] * parts
    for _ in range(total):
        counts[rng.randrange(parts)] += 1
    return counts


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _add_stock(
    rng: random.Random,
    regions: dict[str, Region],
    users: dict,
    vendors: dict[str, Vendor],
    models: dict[str, AssetModel],
    counts: dict,
) -> None:
    warehouses = [
        Warehouse(
            code=code,
            name=name,
            kind=WarehouseKind[kind],
            region=regions[region],
            owner=users[owner] if owner else None,
            vendor=vendors[vendor] if vendor else None,
            address=address,
        )
        for code, name, kind, region, owner, vendor, address in WAREHOUSES
    ]
    parts = [
        SparePart(
            part_number=number,
            name=name,
            unit=unit,
            unit_cost=cost,
            safety_stock=safety,
            reorder_quantity=reorder,
            serialized=serialized,
            returnable=returnable,
            compatible_models=[models[key] for key in model_keys],
        )
        for number, name, unit, cost, safety, reorder, serialized, returnable, model_keys in SPARE_PARTS
    ]
    db.session.add_all([*warehouses, *parts])
    db.session.flush()

    # Opening stock arrives as receipts in the ledger, so every level equals its movements' sum;
    # a level with nothing on hand is stocked (listed) but has no movement yet.
    received_at = datetime.combine(date.today() - timedelta(days=120), time(1, 0), tzinfo=UTC)
    levels, receipts = [], []
    for part in parts:
        group = part.part_number.split("-")[1]
        short = part.part_number in SHORT_PARTS
        for warehouse in warehouses:
            vendor = warehouse.vendor.code if warehouse.vendor is not None else None
            quantity = _on_hand(rng, warehouse.kind, group, part, short, vendor)
            if quantity is not None:
                levels.append(StockLevel(warehouse=warehouse, spare_part=part, vendor_id=warehouse.vendor_id))
                if quantity:
                    receipts.append((part, warehouse, quantity))
    db.session.add_all(levels)
    db.session.flush()
    for part, warehouse, quantity in receipts:
        move(
            db.session,
            StockMoveKind.RECEIPT,
            part_id=part.id,
            warehouse_id=warehouse.id,
            quantity=quantity,
            now=received_at,
            reference="期初库存",
            actor_label="flask seed-demo",
        )
    counts.update(warehouses=len(warehouses), spare_parts=len(parts), stock_levels=len(levels))
    counts["stock_movements"] = len(receipts)


def _on_hand(
    rng: random.Random, kind: WarehouseKind, group: str, part: SparePart, short: bool, vendor: str | None
) -> int | None:
    """How many of ``part`` the warehouse holds; None when it does not stock the part at all.

    A short part is below its safety stock in every warehouse and in total; the others
    have at least the safety stock in the central warehouse.
    """
    safety = part.safety_stock
    if kind is WarehouseKind.CENTRAL:
        low, high = (0, safety // 3) if short else (safety, safety * 3)
    elif kind is WarehouseKind.REGIONAL:
        if rng.random() > 0.85:
            return None
        low, high = (0, safety // 4) if short else (max(1, safety // 3), safety * 2)
    elif kind is WarehouseKind.VAN:
        if group not in VAN_GROUPS or part.unit_cost > 3000 or rng.random() > 0.7:
            return None
        low, high = 0, 1 if short else min(4, max(1, safety // 4))
    else:  # vendor-held consignment stock
        if group not in VENDOR_GROUPS.get(vendor or "", ()):
            return None
        low, high = (0, safety // 6) if short else (max(1, safety // 2), safety * 2)
    return rng.randint(low, max(low, high))
