"""Demo activity: ~500 service requests of the last 90 days, replayed through the desk's domain functions.

``seed_demo_requests`` runs after ``app.demo.seed_demo`` has loaded the catalog. It plans each
request (when it came in, from whom, about what, how far it has got by now) with one
``random.Random``, then replays every request's story as a generator that yields the moment of
its next step. A heap runs all steps in time order under ``simulated_clock``, each through the
same functions the screens call (create, assign, escalate, start, wait, resolve, close, reopen,
cancel, notes, merges, work orders with their steps, time, expenses, sign-off, the stock ledger,
surveys), so numbers, timestamps, the audit trail, costs, contract charges and stock agree.
Old requests are mostly closed; recent ones are spread over every status. Both demo vendors work
orders all through the 90 days, from their own warehouses, and a few of their expense claims are
doubtful (``DOUBTFUL_CLAIMS``), so the vendor scorecards have something to rank and to question.
"""

from __future__ import annotations

import heapq
import random
from collections import defaultdict
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from itertools import count
from zoneinfo import ZoneInfo

from sqlalchemy import event, select, update
from sqlalchemy.orm import ORMExecuteState, Session, lazyload, scoped_session, selectinload

from app.domain.auto_close import ACTOR_LABEL as AUTO_CLOSE_LABEL
from app.domain.errors import DomainError
from app.domain.service_requests import (
    RequestDraft,
    add_note,
    assign,
    create_request,
    desk_settings,
    escalate,
    merge,
    perform,
)
from app.domain.stock_ledger import move
from app.domain.surveys import answer_survey
from app.domain.work_orders import add_expense, add_time_entry, create_work_order, perform_work_order, sign_off
from models.assets import Asset, AssetModel
from models.base import simulated_clock
from models.calendars import Calendar
from models.contracts import Contract
from models.enums import (
    Channel,
    ExpenseKind,
    NoteKind,
    Priority,
    RequestAction,
    RequestStatus,
    RequestType,
    ServiceTier,
    StockMoveKind,
    WarehouseKind,
    WorkOrderAction,
    WorkOrderStatus,
    WorkOrderType,
    WorkResult,
)
from models.notifications import Notification
from models.organisations import Contact, Customer, Site, Vendor
from models.reference import Region, Skill
from models.service_catalog import PriorityCell, ServiceCategory
from models.service_requests import SatisfactionSurvey, ServiceRequest
from models.sla import SLA
from models.stock import SparePart, StockLevel, Warehouse
from models.support import EngineerProfile, SupportGroup
from models.users import UserAccount
from models.work_orders import TimeEntry

ZONE = ZoneInfo("Asia/Shanghai")
DAYS = 90
REQUESTS = 500
RS, WS, A, W = RequestStatus, WorkOrderStatus, RequestAction, WorkOrderAction
DISPATCHER, MANAGER = {"Dispatcher"}, {"Manager"}
STAFF_ROLES = {"Engineer"}
VENDOR_ROLES = {"Vendor"}
PORTAL_CUSTOMERS = {"C-HZXH": "customer1", "C-SEL": "customer2"}  # customers with a demo login
VENDOR_USERS = {"V-SHXX": "vendor1", "V-BJHT": "vendor2"}
VENDOR_WAREHOUSE = {"V-SHXX": "WH-V-SHXX", "V-BJHT": "WH-V-BJHT"}  # vendor-held stock (app/demo_data/parts.py)
# Claims a vendor scorecard should question (reports/vendor_scorecard.py "suspicious records"), oldest first,
# each on its own completed vendor work order, spread over the 90 days: "material" is a material expense
# on a visit that took no part from stock, "duplicate" the visit's travel claimed twice. The domain lets
# both through (they are claims, judged later); it refuses a completion without check-in or a check-out
# before the check-in, so those never occur here.
DOUBTFUL_CLAIMS = {"V-SHXX": ["material", "duplicate", "material"], "V-BJHT": ["duplicate"]}
# Share of visits that arrive after their window closed, by vendor (None: own engineers): the scorecard's
# on-time arrival then differs between the vendors.
LATE_ARRIVALS = {"V-SHXX": 0.12, "V-BJHT": 0.05, None: 0.04}
OPEN_WORK_ORDER_STAGES = [WS.ASSIGNED, WS.ACCEPTED, WS.SCHEDULED, WS.ON_SITE, WS.SUBMITTED, WS.DECLINED, WS.APPROVED]
VENDOR_WAIT_STAGES = [WS.ASSIGNED, WS.ACCEPTED, WS.SCHEDULED, WS.ON_SITE]

# --- what the calls are about ------------------------------------------------------------------------

# category name → (weight, part group, vendor code the work may go to, [(zh subject, en subject)])
TOPICS: dict[str, tuple[int, str | None, str | None, list[tuple[str, str]]]] = {
    "打印机": (18, "PRN", "V-SHXX", [
        ("打印机卡纸，面板报错 13.A2", "Printer paper jam, error 13.A2"),
        ("打印出来有黑线、底灰严重", "Printouts show black streaks"),
        ("复印机无法扫描到邮箱", "Copier cannot scan to e-mail"),
        ("打印机定影组件报错 50.2", "Printer fuser error 50.2"),
        ("打印机一次进多张纸", "Printer feeds several sheets at once"),
        ("打印机掉线，IP 地址丢失", "Printer offline, lost its IP address"),
    ]),
    "台式机与笔记本": (14, "DSK", "V-SHXX", [
        ("电脑开机蓝屏 0x0000007B", "PC shows a blue screen at start-up"),
        ("笔记本电池鼓包，无法充电", "Laptop battery swollen, not charging"),
        ("台式机按电源键无反应", "Desktop does not power on"),
        ("电脑运行缓慢，硬盘 SMART 告警", "PC very slow, disk SMART warning"),
        ("笔记本屏幕闪烁", "Laptop screen flickering"),
    ]),
    "服务器": (12, "SRV", "V-SHXX", [
        ("服务器硬盘告警，RAID 阵列降级", "Server disk alarm, RAID degraded"),
        ("服务器电源模块故障，面板告警灯亮红", "Server power supply failed, amber light"),
        ("服务器内存 ECC 报错，管理口告警", "Server memory ECC errors in the BMC log"),
        ("服务器风扇告警，机箱温度偏高", "Server fan alarm, chassis temperature high"),
        ("服务器宕机无法开机，业务中断", "Server down and will not boot"),
        ("阵列卡超级电容故障告警", "RAID controller capacitor alarm"),
    ]),
    "网络设备": (10, "NET", "V-BJHT", [
        ("核心交换机端口 down，三楼断网", "Core switch port down, 3rd floor offline"),
        ("光模块告警，上联链路中断", "Optical module alarm, uplink down"),
        ("交换机电源故障告警", "Switch power supply alarm"),
        ("无线 AP 频繁掉线", "Wi-Fi access points keep dropping"),
        ("分支机构专线时断时续", "Branch office line keeps dropping"),
    ]),
    "UPS电源": (5, "UPS", "V-SHXX", [
        ("UPS 电池更换：后备时间不足 5 分钟", "UPS battery replacement: runtime under 5 minutes"),
        ("UPS 转旁路运行告警", "UPS switched to bypass"),
        ("UPS 面板报电池故障", "UPS reports a battery fault"),
    ]),
    "监控设备": (6, "CAM", None, [
        ("监控录像机硬盘故障，部分通道无录像", "NVR disk failed, some channels not recording"),
        ("大门摄像机画面黑屏", "Gate camera shows a black picture"),
        ("门禁读卡器故障，员工无法刷卡进出", "Access card reader not working at the entrance"),
        ("停车场摄像机夜视模糊", "Car park camera blurry at night"),
    ]),
    "操作系统": (4, None, None, [
        ("系统补丁更新后服务无法启动", "Service fails to start after patching"),
        ("Windows 服务器 C 盘空间不足", "Windows server C: drive full"),
        ("Linux 服务器时间不同步", "Linux server clock out of sync"),
    ]),
    "数据库": (3, None, None, [
        ("数据库连接数满，业务系统报错", "Database connections exhausted, application errors"),
        ("Oracle 表空间不足告警", "Oracle tablespace almost full"),
        ("SQL Server 慢查询导致系统卡顿", "Slow SQL Server queries freeze the system"),
    ]),
    "办公软件": (6, None, None, [
        ("Outlook 无法收发邮件", "Outlook cannot send or receive mail"),
        ("WPS 文档打不开，提示文件损坏", "Document will not open, reported as damaged"),
        ("Office 激活失效", "Office activation lost"),
    ]),
    "病毒与安全": (3, None, "V-BJHT", [
        ("终端杀毒软件告警：发现木马", "Antivirus alert: trojan found on a PC"),
        ("防火墙检测到异常外联", "Firewall reports suspicious outbound traffic"),
        ("员工点击了钓鱼邮件链接", "Staff member clicked a phishing link"),
    ]),
    "账号开通": (6, None, None, [
        ("新员工入职开通 OA 与邮箱账号", "New starter: e-mail and intranet accounts"),
        ("VPN 账号开通申请", "VPN account request"),
        ("ERP 系统权限变更", "ERP permission change"),
    ]),
    "设备搬迁": (2, None, None, [
        ("机房设备搬迁：3 台服务器迁至新机柜", "Move three servers to a new rack"),
        ("办公室搬迁，打印机与网络点位迁移", "Office move: printers and network points"),
    ]),
    "设备安装": (2, None, None, [
        ("新到服务器上架安装", "Install newly delivered servers"),
        ("新增监控摄像机安装调试", "Install and set up new cameras"),
    ]),
    "投诉": (2, None, None, [
        ("投诉：工程师上门超时未到", "Complaint: engineer arrived late"),
        ("投诉：同一故障反复出现", "Complaint: the same fault keeps coming back"),
        ("投诉：服务商未按约定时间上门", "Complaint: vendor missed the appointment"),
    ]),
    "机房巡检": (3, None, "V-SHXX", [
        ("月度机房巡检", "Monthly server room inspection"),
        ("季度机房巡检（UPS/空调/消防）", "Quarterly server room inspection (UPS, cooling, fire)"),
    ]),
    "网络巡检": (2, None, "V-BJHT", [
        ("月度网络设备巡检", "Monthly network inspection"),
        ("季度网络巡检及配置备份", "Quarterly network inspection and config backup"),
    ]),
    "咨询": (4, None, None, [
        ("咨询：设备保修期查询", "Question: is our equipment still under warranty?"),
        ("咨询：合同剩余服务次数", "Question: how many service calls are left on our contract?"),
        ("咨询：如何申请备用机", "Question: how do we request a loan unit?"),
    ]),
}  # fmt: skip

# asset model category (assets.py) → service category
ASSET_CATEGORY = {
    "服务器": "服务器", "服务器组件": "服务器", "打印机": "打印机", "网络设备": "网络设备", "网络模块": "网络设备",
    "UPS": "UPS电源", "监控": "监控设备", "台式机": "台式机与笔记本", "笔记本": "台式机与笔记本",
}  # fmt: skip
HARDWARE = {"打印机", "台式机与笔记本", "服务器", "网络设备", "UPS电源", "监控设备"}
SOFTWARE = {"操作系统", "数据库", "办公软件", "病毒与安全"}
INSPECTIONS = {"机房巡检", "网络巡检"}
REQUEST_TYPE = {
    "投诉": RequestType.COMPLAINT, "咨询": RequestType.CONSULTATION, "机房巡检": RequestType.INSPECTION,
    "网络巡检": RequestType.INSPECTION, "账号开通": RequestType.SERVICE_REQUEST,
    "设备搬迁": RequestType.SERVICE_REQUEST, "设备安装": RequestType.SERVICE_REQUEST,
}  # fmt: skip

FIXES = {
    "打印机": [
        "清理搓纸通道并更换搓纸轮，打印测试页正常",
        "更换定影组件，连续打印 50 页无异常",
        "重新配置静态 IP 并绑定，打印恢复",
    ],
    "台式机与笔记本": [
        "更换固态硬盘并恢复系统与用户数据",
        "更换电池，充放电测试正常",
        "更换电源后开机正常，已做备份",
    ],
    "服务器": [
        "热插拔更换故障硬盘，阵列重建完成，业务无中断",
        "更换电源模块，冗余恢复",
        "更换故障内存条，压力测试 2 小时无报错",
    ],
    "网络设备": [
        "更换光模块，链路恢复，收发光功率正常",
        "更换交换机电源模块，双电源冗余恢复",
        "调整 AP 信道与功率，观察一天无掉线",
    ],
    "UPS电源": [
        "更换整组蓄电池并做放电测试，后备时间恢复至 25 分钟",
        "检修后由旁路切回逆变供电",
    ],
    "监控设备": [
        "更换录像机硬盘并恢复录像计划，回放正常",
        "更换摄像机电源适配器，画面恢复",
        "更换读卡器并重新授权门禁卡",
    ],
}
GENERIC_FIXES = [
    "远程排查并按标准方案处理，与用户确认恢复正常",
    "调整配置并验证，业务恢复",
    "已按申请完成实施并通知申请人",
]
ENGLISH_FIXES = [
    "Fixed remotely and confirmed with the user",
    "Replaced the faulty part; tested fine",
    "Done as requested",
]

INTERNAL_NOTES = [
    "已远程查看设备日志，初步判断为硬件故障，准备备件。",
    "与客户电话确认故障现象，影响范围有限，按 SLA 处理。",
    "查询知识库有同类案例，按案例步骤处理。",
    "客户合同在保，备件走保内流程。",
    "联系了厂商二线确认固件版本问题。",
]
REPLIES = [
    "您好，已收到您的报修，工程师正在处理，请保持电话畅通。",
    "您好，工程师已安排上门，预计明天上午到场。",
    "您好，请协助提供设备序列号和报错照片，便于我们判断故障。",
]
ENGLISH_REPLIES = [
    "Hello, we have your request and an engineer is on it.",
    "Hello, an engineer will be on site tomorrow morning.",
    "Hello, could you send us the serial number and a photo of the error?",
]
CUSTOMER_ANSWERS = [
    "序列号和照片已发到邮箱，请查收。",
    "今天下午两点后有人在现场，可以上门。",
    "已按你们说的重启过，问题依旧。",
]
ENGLISH_ANSWERS = [
    "Photo and serial number attached.",
    "Someone is on site after 2 pm today.",
    "Restarted, same problem.",
]
LOW_RATINGS = ["等了两天才有人上门，太慢了。", "工程师态度不错，但问题反复出现。", "上门时间一改再改，希望改进。"]
PRAISE = ["工程师很专业，处理及时！", "响应很快，谢谢。", None, None, None]
DECLINES = ["该时段工程师已满排，无法接单", "缺少对应备件，建议转其他工程师", "不在服务区域内"]
REWORKS = ["服务报告缺少更换部件序列号，请补充后重新提交", "客户反馈仍有告警，请复查"]
LOCATIONS = ["3楼机房", "2楼财务部", "1楼前台", "5楼会议室", "B1 弱电间", "4楼研发区"]

OPEN_TARGETS = [RS.NEW, RS.ASSIGNED, RS.IN_PROGRESS, RS.PENDING_CUSTOMER, RS.PENDING_VENDOR, RS.RESOLVED, RS.CANCELLED]


@dataclass
class WorkPlan:
    kind: WorkOrderType
    vendor: Vendor | None
    stop_at: WorkOrderStatus = WS.APPROVED  # the stage the work order has reached by now
    decline: bool = False
    rework: bool = False
    parts: bool = False
    result: WorkResult = WorkResult.FIXED
    claim: str | None = None  # a doubtful claim (DOUBTFUL_CLAIMS) made when the visit is finished


@dataclass
class Plan:
    created_at: datetime
    customer: Customer
    contact: Contact | None
    site: Site | None
    asset: Asset | None
    category: ServiceCategory
    subject: str
    english: bool
    channel: Channel
    request_type: RequestType
    impact: int
    urgency: int
    target: RequestStatus = RS.CLOSED
    works: list[WorkPlan] = field(default_factory=list)
    override: Priority | None = None
    duplicate_of: Plan | None = None
    request: ServiceRequest | None = None  # while its story runs
    request_id: int | None = None  # afterwards


@dataclass
class Desk:
    """The catalog the stories draw on, loaded once with few queries."""

    users: dict[str, UserAccount]
    engineers_by_group: dict[int, list[EngineerProfile]]
    customers: list[Customer]
    contacts: dict[int, list[Contact]]
    sites: dict[int, list[Site]]
    assets: dict[tuple[int, str], list[Asset]]
    categories: dict[str, ServiceCategory]
    vendors: dict[str, Vendor]
    warehouses: dict[str, Warehouse]
    parts: dict[str, list[SparePart]]
    on_hand: dict[tuple[int, int], int]
    busy: dict[int, list[tuple[datetime, datetime]]]
    # Rows every step reads again (SLAs with their calendars, contracts, settings …): held here, the
    # session's weak identity map keeps them loaded, so each read is one query, not a cascade of loads.
    held: list[object]

    @classmethod
    def load(cls, session: Session) -> Desk:
        users = {user.username: user for user in session.scalars(select(UserAccount).options(selectinload("*")))}
        profiles = session.scalars(select(EngineerProfile).where(EngineerProfile.active.is_(True))).all()
        by_group: dict[int, list[EngineerProfile]] = defaultdict(list)
        for profile in sorted(profiles, key=lambda p: p.user.username):
            if profile.user.active:
                by_group[profile.support_group_id].append(profile)
        customers = session.scalars(select(Customer).where(Customer.active.is_(True)).order_by(Customer.code)).all()
        contacts: dict[int, list[Contact]] = defaultdict(list)
        for contact in session.scalars(select(Contact).where(Contact.active.is_(True)).order_by(Contact.id)):
            contacts[contact.customer_id].append(contact)
        sites: dict[int, list[Site]] = defaultdict(list)
        for site in session.scalars(select(Site).where(Site.active.is_(True)).order_by(Site.id)):
            sites[site.customer_id].append(site)
        assets: dict[tuple[int, str], list[Asset]] = defaultdict(list)
        for asset in session.scalars(select(Asset).where(Asset.parent_id.is_(None)).order_by(Asset.id)):
            category = ASSET_CATEGORY.get(asset.asset_model.category)
            if category and asset.site_id is not None:
                assets[(asset.customer_id, category)].append(asset)
        parts: dict[str, list[SparePart]] = defaultdict(list)
        query = select(SparePart).where(SparePart.active.is_(True)).options(selectinload(SparePart.compatible_models))
        for part in session.scalars(query.order_by(SparePart.part_number)):
            parts[part.part_number.split("-")[1]].append(part)
        busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
        for user_id, start, end in session.execute(select(TimeEntry.user_id, TimeEntry.started_at, TimeEntry.ended_at)):
            busy[user_id].append((start, end))
        return cls(
            users=users,
            engineers_by_group=by_group,
            customers=list(customers),
            contacts=contacts,
            sites=sites,
            assets=assets,
            categories={c.name: c for c in session.scalars(select(ServiceCategory).order_by(ServiceCategory.id))},
            vendors={v.code: v for v in session.scalars(select(Vendor).order_by(Vendor.code))},
            warehouses={
                w.code: w
                for w in session.scalars(select(Warehouse).where(Warehouse.active.is_(True)).order_by(Warehouse.code))
            },
            parts=parts,
            on_hand={
                (row.warehouse_id, row.spare_part_id): row.on_hand
                for row in session.execute(
                    select(StockLevel.warehouse_id, StockLevel.spare_part_id, StockLevel.on_hand)
                )
            },
            busy=busy,
            held=[
                *session.scalars(select(SLA)),
                *session.scalars(select(Calendar).options(selectinload(Calendar.days))),
                *session.scalars(select(Contract)),
                *session.scalars(select(SupportGroup)),
                *session.scalars(select(PriorityCell)),
                *session.scalars(select(AssetModel)),
                *session.scalars(select(Region)),
                *session.scalars(select(Skill)),
                desk_settings(session),
            ],
        )


def seed_demo_requests(session: Session, *, now: datetime, rng_seed: int = 2026) -> dict[str, int]:
    """Replay ~500 requests of the last 90 days up to ``now``; returns how many of each were made.

    Called once on a freshly seeded, empty desk; the caller commits.
    """
    rng = random.Random(rng_seed)
    with _lazy_relationships(session):
        desk = Desk.load(session)
        plans = _plan(rng, desk, now)
        return Replay(session, rng, desk, now).run(plans)


@contextmanager
def _lazy_relationships(session: Session) -> Iterator[None]:
    """Load relationships on first use while replaying, not eagerly with every query.

    The models load most relationships eagerly (a request brings its SLA, the SLA its customers,
    their account managers with their roles …), which is right for a page showing one record but
    makes thousands of small steps re-load the same rows again and again. Only how rows are
    loaded changes, not which rows or what the steps do.
    """
    target = session() if isinstance(session, scoped_session) else session

    def lazy(state: ORMExecuteState) -> None:
        if state.is_select and not state.is_relationship_load and not state.is_column_load:
            state.statement = state.statement.options(lazyload("*"))

    event.listen(target, "do_orm_execute", lazy)
    try:
        yield
    finally:
        event.remove(target, "do_orm_execute", lazy)


# --- planning ----------------------------------------------------------------------------------------


def _plan(rng: random.Random, desk: Desk, now: datetime) -> list[Plan]:
    moments = sorted(_arrival(rng, now) for _ in range(REQUESTS))
    plans = [_draw(rng, desk, moment) for moment in moments]
    _choose_targets(rng, plans, now)
    _fill_vendor_stages(plans)
    _add_duplicates(rng, desk, plans, now)
    _add_doubtful_claims(rng, plans)
    return sorted(plans, key=lambda plan: plan.created_at)


def _arrival(rng: random.Random, now: datetime) -> datetime:
    """A moment in the last 90 days: mostly weekday office hours, a few nights and weekends.

    The last week is busier (a wave of calls), so the open statuses are well filled.
    """
    local_now = now.astimezone(ZONE)
    while True:
        day = local_now.date() - timedelta(days=rng.randrange(DAYS) if rng.random() > 0.12 else rng.randrange(7))
        weekend = day.weekday() >= 5
        if weekend and rng.random() > 0.25:
            continue
        if rng.random() < 0.08:  # out of hours
            minute = rng.choice([rng.randrange(0, 8 * 60), rng.randrange(19 * 60, 24 * 60)])
        else:
            minute = rng.choice([rng.randrange(9 * 60, 12 * 60), rng.randrange(13 * 60, 18 * 60)])
        moment = datetime.combine(day, time(), tzinfo=ZONE) + timedelta(minutes=minute, seconds=rng.randrange(60))
        if moment < local_now - timedelta(minutes=20):
            return moment.astimezone(now.tzinfo)


def _draw(rng: random.Random, desk: Desk, moment: datetime) -> Plan:
    names = list(TOPICS)
    while True:
        name = rng.choices(names, [TOPICS[n][0] for n in names])[0]
        weights = [_customer_weight(c) for c in desk.customers]
        customer = rng.choices(desk.customers, weights)[0]
        assets = desk.assets.get((customer.id, name), [])
        if name in HARDWARE and not assets:
            continue
        if not desk.contacts.get(customer.id) or not desk.sites.get(customer.id):
            continue
        break
    category = desk.categories[name]
    contact = rng.choice(desk.contacts[customer.id])
    asset = rng.choice(assets) if assets else None
    site = asset.site if asset is not None else rng.choice(desk.sites[customer.id])
    english = customer.name.isascii() and contact.preferred_language == "en"
    zh, en = rng.choice(TOPICS[name][3])
    if name in INSPECTIONS:
        channel = Channel.SCHEDULED
    elif customer.code in PORTAL_CUSTOMERS and rng.random() < 0.35:
        channel = Channel.PORTAL
    else:
        channel = rng.choices([Channel.PHONE, Channel.EMAIL, Channel.WEB], [55, 30, 15])[0]
    request_type = REQUEST_TYPE.get(name, RequestType.INCIDENT)
    if request_type is RequestType.INCIDENT and rng.random() < 0.03:
        request_type = RequestType.PROBLEM
    plan = Plan(
        created_at=moment,
        customer=customer,
        contact=contact,
        site=site,
        asset=asset,
        category=category,
        subject=en if english else zh,
        english=english,
        channel=channel,
        request_type=request_type,
        impact=_jitter(rng, category.default_impact),
        urgency=_jitter(rng, category.default_urgency),
    )
    if customer.service_tier is ServiceTier.VIP and name in HARDWARE and rng.random() < 0.08:
        plan.override = Priority.P1
    plan.works = _works(rng, desk, name)
    return plan


def _customer_weight(customer: Customer) -> float:
    weight = {ServiceTier.VIP: 3, ServiceTier.GOLD: 2}.get(customer.service_tier, 1)
    return weight * (4 if customer.code in PORTAL_CUSTOMERS else 1)


def _jitter(rng: random.Random, level: int) -> int:
    return min(4, max(1, level + rng.choice([-1, 0, 0, 0, 1])))


def _works(rng: random.Random, desk: Desk, name: str) -> list[WorkPlan]:
    _, part_group, vendor_code, _ = TOPICS[name]
    if name in HARDWARE or name in {"设备搬迁", "设备安装"}:
        share, kind = 0.75, WorkOrderType.REPAIR if rng.random() < 0.1 else WorkOrderType.ON_SITE
    elif name in INSPECTIONS:
        share, kind = 1.0, WorkOrderType.INSPECTION
    elif name in SOFTWARE:
        share, kind = 0.2, WorkOrderType.REMOTE
    else:
        share, kind = 0.0, WorkOrderType.ON_SITE
    if rng.random() >= share:
        return []
    vendor_share = 0.45 if vendor_code == "V-BJHT" else 0.3
    vendor = desk.vendors.get(vendor_code) if vendor_code and rng.random() < vendor_share else None
    work = WorkPlan(
        kind=kind,
        vendor=vendor,
        decline=rng.random() < 0.07,
        rework=rng.random() < 0.06,
        parts=part_group is not None and kind is not WorkOrderType.REMOTE and rng.random() < 0.6,
    )
    works = [work]
    if name in HARDWARE and rng.random() < 0.08:  # the first visit could not finish: waiting for a part
        work.result = WorkResult.PARTLY_FIXED
        work.parts = False
        works.append(WorkPlan(kind=WorkOrderType.ON_SITE, vendor=vendor, parts=part_group is not None))
    return works


def _choose_targets(rng: random.Random, plans: list[Plan], now: datetime) -> None:
    """How far each request has got by now: old ones closed, recent ones in every open status."""
    for plan in plans:
        age = (now - plan.created_at).total_seconds() / 86400
        has_vendor = any(work.vendor is not None for work in plan.works)
        if age > 14:
            weights = {RS.CLOSED: 90, RS.CANCELLED: 5, RS.IN_PROGRESS: 2, RS.PENDING_CUSTOMER: 2, RS.PENDING_VENDOR: 2}
        elif age > 6:
            weights = {RS.CLOSED: 60, RS.IN_PROGRESS: 12, RS.PENDING_CUSTOMER: 8, RS.PENDING_VENDOR: 10,
                       RS.CANCELLED: 5, RS.ASSIGNED: 4}  # fmt: skip
        else:
            weights = {RS.NEW: 30, RS.ASSIGNED: 15, RS.IN_PROGRESS: 20, RS.PENDING_CUSTOMER: 10, RS.PENDING_VENDOR: 25,
                       RS.RESOLVED: 20, RS.CLOSED: 12, RS.CANCELLED: 5}  # fmt: skip
            if age > 3:  # nobody leaves a call untouched for longer
                weights.pop(RS.NEW)
            if age > 4:  # the auto-close job would have closed it by now
                weights.pop(RS.RESOLVED)
        if not has_vendor:
            weights.pop(RS.PENDING_VENDOR, None)
        plan.target = rng.choices(list(weights), list(weights.values()))[0]
    present = {plan.target for plan in plans}
    for status in OPEN_TARGETS:  # every status shows up, whatever the draw
        if status not in present:
            newest = [p for p in reversed(plans) if p.target not in (RS.NEW, RS.RESOLVED, RS.PENDING_VENDOR)]
            if status is RS.PENDING_VENDOR:
                newest = [p for p in newest if any(w.vendor for w in p.works)]
            newest[0].target = status
    stage = count()
    for plan in plans:  # open work orders stand at every stage
        if plan.works and plan.target in (RS.IN_PROGRESS, RS.PENDING_VENDOR):
            stages = OPEN_WORK_ORDER_STAGES
            if plan.target is RS.PENDING_VENDOR:
                plan.works, stages = [w for w in plan.works if w.vendor is not None][:1], VENDOR_WAIT_STAGES
            plan.works[-1].stop_at = stages[next(stage) % len(stages)]
    closed = [plan for plan in plans if plan.target is RS.CLOSED and plan.works]
    for plan in closed[3::25]:  # the visit was called off: the customer's own restart fixed it
        plan.works[0].stop_at = WS.CANCELLED


def _fill_vendor_stages(plans: list[Plan]) -> None:
    """Each demo vendor's portal has open work at every stage it acts on (to accept, to schedule, to check in,
    on site), whatever the draw of the day: a missing stage is taken by the newest open work order of that
    vendor whose stage another one also has, else by the vendor's newest closed request, now waiting for it."""
    for code in VENDOR_USERS:

        def vendors(work: WorkPlan, code: str = code) -> bool:
            return work.vendor is not None and work.vendor.code == code

        def stages() -> dict[WorkOrderStatus, list[Plan]]:
            held = defaultdict(list)
            for plan in reversed(plans):  # newest first
                if plan.target in (RS.IN_PROGRESS, RS.PENDING_VENDOR) and plan.works and vendors(plan.works[-1]):
                    held[plan.works[-1].stop_at].append(plan)
            return held

        for stage in VENDOR_WAIT_STAGES:
            held = stages()
            if held[stage]:
                continue
            spare = [plan for plans_at in held.values() if len(plans_at) > 1 for plan in plans_at]
            if spare:
                max(spare, key=lambda plan: plan.created_at).works[-1].stop_at = stage
                continue
            closed = [plan for plan in reversed(plans) if plan.target is RS.CLOSED and any(map(vendors, plan.works))]
            if closed:
                plan = closed[0]
                plan.target, plan.works = RS.PENDING_VENDOR, [next(w for w in plan.works if vendors(w))]
                plan.works[0].stop_at = stage


def _add_duplicates(rng: random.Random, desk: Desk, plans: list[Plan], now: datetime) -> None:
    """A few callers report the same fault twice; the dispatcher merges the second into the first."""
    originals = [p for p in plans if p.target is RS.CLOSED and p.works and (now - p.created_at).days > 3]
    for original in rng.sample(originals, min(6, len(originals))):
        contacts = desk.contacts[original.customer.id]
        plans.append(
            Plan(
                created_at=original.created_at + timedelta(minutes=rng.randint(8, 50)),
                customer=original.customer,
                contact=rng.choice(contacts),
                site=original.site,
                asset=original.asset,
                category=original.category,
                subject=original.subject,
                english=original.english,
                channel=Channel.EMAIL,
                request_type=original.request_type,
                impact=original.impact,
                urgency=original.urgency,
                duplicate_of=original,
            )
        )


def _add_doubtful_claims(rng: random.Random, plans: list[Plan]) -> None:
    """Mark the few vendor visits whose expense claims look wrong (DOUBTFUL_CLAIMS): one per equal slice
    of time of the vendor's finished on-site visits, so they spread over the whole 90 days."""
    for code, claims in DOUBTFUL_CLAIMS.items():
        for claim, works in zip(claims, _slices(_finished_vendor_visits(plans, code), len(claims)), strict=True):
            if claim == "material":  # a part bought on the way and billed, instead of one taken from stock
                works = [w for w in works if w.kind in (WorkOrderType.ON_SITE, WorkOrderType.REPAIR)] or works
            work = rng.choice(works)
            work.claim = claim
            if claim == "material":
                work.parts = False


def _finished_vendor_visits(plans: list[Plan], code: str) -> list[WorkPlan]:
    """The vendor's visits (not remote work) that get to approval, in order of their request's creation."""
    return [
        work
        for plan in sorted(plans, key=lambda plan: plan.created_at)
        if plan.target is RS.CLOSED and plan.duplicate_of is None
        for work in plan.works
        if work.vendor is not None
        and work.vendor.code == code
        and work.stop_at is WS.APPROVED
        and work.kind is not WorkOrderType.REMOTE
    ]


def _slices(items: list, parts: int) -> list[list]:
    """``items`` cut into ``parts`` consecutive slices of (nearly) equal length."""
    return [items[len(items) * index // parts : len(items) * (index + 1) // parts] for index in range(parts)]


# --- replaying ---------------------------------------------------------------------------------------

Story = Generator[datetime, datetime, None]


class Replay:
    """Runs every request's story step by step in time order, each step at its simulated moment."""

    def __init__(self, session: Session, rng: random.Random, desk: Desk, now: datetime) -> None:
        self.session, self.rng, self.desk, self.now = session, rng, desk, now
        self.counts: dict[str, int] = defaultdict(int)
        self.refusals: list[str] = []  # what the domain refused (none, when the plans are right)
        self.dispatcher = desk.users["dispatcher"]
        self.manager = desk.users["manager"]

    def run(self, plans: list[Plan]) -> dict[str, int]:
        heap: list[tuple[datetime, int, Story]] = []
        order = count()
        plan_of = {}
        for plan in plans:
            story = self.story(plan)
            plan_of[id(story)] = plan
            heapq.heappush(heap, (next(story), next(order), story))
        saved = {key: self.session.info.get(key) for key in ("actor_id", "actor_label")}
        try:
            while heap:
                moment, _, story = heapq.heappop(heap)
                with simulated_clock(moment):
                    try:
                        following = story.send(moment)
                    except StopIteration:
                        following = None
                    except DomainError as error:  # a rule said no: that story ends where it stands
                        self.refusals.append(f"{plan_of[id(story)].subject}: {error}")
                        following = None
                    self.session.flush()
                if following is not None:
                    heapq.heappush(heap, (max(following, moment), next(order), story))
                else:  # done: let the session forget the request (its identity map is weak)
                    plan = plan_of.pop(id(story))
                    plan.request_id, plan.request = plan.request.id if plan.request else None, None
        finally:
            self.session.info.update(saved)
        self._read_old_notifications()
        self.counts["requests"] = sum(1 for plan in plans if plan.request_id is not None)
        self.counts["refused"] = len(self.refusals)
        return dict(self.counts)

    # --- time ---

    def later(self, plan: Plan, t: datetime, low: float, high: float, office: bool = True) -> datetime:
        """A moment ``low``–``high`` minutes after ``t`` (moved into office hours), always before now."""
        moment = t + timedelta(minutes=self.rng.uniform(low, high))
        if office and plan.request.priority is not Priority.P1:  # P1 is worked around the clock
            moment = _office_hours(moment, self.rng)
        limit = self.now - timedelta(minutes=2)
        if moment >= limit:
            moment = t + (limit - t) * self.rng.uniform(0.15, 0.45)
        return max(moment, t + timedelta(seconds=1))

    def act(self, user: UserAccount | None, label: str | None = None) -> None:
        """Whose change the audit trail records for the next steps (as a logged-in screen would)."""
        self.session.info["actor_id"] = user.id if user is not None else None
        self.session.info["actor_label"] = label

    # --- a request ---

    def story(self, plan: Plan) -> Story:
        t = yield plan.created_at
        request = self.create(plan)
        if plan.duplicate_of is not None:
            t = yield self.later(plan, t, 10, 40, office=False)
            original = plan.duplicate_of
            into = original.request or self.session.get(ServiceRequest, original.request_id)
            self.act(self.dispatcher)
            merge(self.session, request, into, actor=self.dispatcher, roles=DISPATCHER, now=t)
            self.counts["merged"] += 1
            return
        if plan.target is RS.NEW:
            return
        t = yield self.later(plan, t, 3, 45, office=False)
        if plan.target is RS.CANCELLED and self.rng.random() < 0.5:
            return self.cancel(plan, t)
        engineer, group = self.assign_first(plan, t)
        if plan.target is RS.ASSIGNED:
            return
        if plan.target is RS.CANCELLED:
            t = yield self.later(plan, t, 10, 120)
            return self.cancel(plan, t)
        if engineer is None:  # from the group's queue or a vendor: someone picks it up
            t = yield self.later(plan, t, 10, 90)
            engineer = self.pick_up(plan, t, group)
        t = yield self.later(plan, t, 5, 60)
        worker = engineer or self.dispatcher
        roles = STAFF_ROLES if engineer is not None else DISPATCHER
        self.act(worker)
        perform(self.session, request, A.START, actor=worker, roles=roles, now=t)
        if self.rng.random() < 0.6:
            self.note(request, NoteKind.INTERNAL, self.rng.choice(INTERNAL_NOTES), worker, t)
        if (
            plan.category.name in HARDWARE
            and engineer is not None
            and engineer.username in self.l1
            and self.rng.random() < 0.25
        ):
            t = yield self.later(plan, t, 20, 180)
            engineer, t = yield from self.escalate(plan, t, engineer)
            worker, roles = engineer, STAFF_ROLES
            t = yield self.later(plan, t, 10, 60)
        if plan.target is RS.PENDING_CUSTOMER or self.rng.random() < 0.18:
            t = yield self.later(plan, t, 10, 120)
            text = self.rng.choice(ENGLISH_REPLIES[2:] if plan.english else REPLIES[2:])
            self.note(request, NoteKind.REPLY, text, worker, t)
            perform(self.session, request, A.WAIT_CUSTOMER, actor=worker, roles=roles, now=t)
            if plan.target is RS.PENDING_CUSTOMER:
                return
            t = yield self.later(plan, t, 60, 60 * 30)
            self.customer_reply(plan, t)
        elif self.rng.random() < 0.5:
            t = yield self.later(plan, t, 5, 60)
            text = self.rng.choice(ENGLISH_REPLIES[:2] if plan.english else REPLIES[:2])
            self.note(request, NoteKind.REPLY, text, worker, t)
        if plan.target is RS.IN_PROGRESS and not plan.works:
            return
        for work in plan.works:
            t = yield self.later(plan, t, 10, 120)
            finished = yield from self.work_order(plan, work, t, engineer)
            t = finished
            if work.stop_at is not WS.APPROVED and work.stop_at is not WS.CANCELLED:
                return  # still under way
            if plan.target is RS.IN_PROGRESS and work is plan.works[-1]:
                return
        t = yield self.later(plan, t, 20, 240)
        self.act(worker)
        perform(self.session, request, A.RESOLVE, actor=worker, roles=roles, now=t, resolution=self.resolution(plan))
        if plan.target is RS.RESOLVED:
            return
        yield from self.close(plan, t)

    def create(self, plan: Plan) -> ServiceRequest:
        customer_user = self.desk.users.get(PORTAL_CUSTOMERS.get(plan.customer.code, ""))
        actor = customer_user if plan.channel is Channel.PORTAL else self.dispatcher
        self.act(actor)
        draft = RequestDraft(
            customer_id=plan.customer.id,
            subject=plan.subject,
            contact_id=plan.contact.id if plan.contact else None,
            site_id=plan.site.id if plan.site else None,
            asset_id=plan.asset.id if plan.asset else None,
            category_id=plan.category.id,
            request_type=plan.request_type,
            channel=plan.channel,
            description=self.description(plan),
            impact=plan.impact,
            urgency=plan.urgency,
            priority_override=plan.override,
            override_reason="VIP 客户核心业务中断，按 P1 处理" if plan.override else None,
        )
        plan.request = create_request(self.session, draft, actor=actor, now=plan.created_at)
        return plan.request

    def description(self, plan: Plan) -> str:
        when = plan.created_at.astimezone(ZONE).strftime("%Y-%m-%d %H:%M")
        place = f"{plan.site.name if plan.site else ''} {self.rng.choice(LOCATIONS)}".strip()
        if plan.english:
            serial = f" (serial {plan.asset.serial_number})" if plan.asset else ""
            return f"{plan.subject}{serial} at {place}, since {when}. Reported by {plan.contact.name}."
        asset = plan.asset
        values = {
            "故障现象": plan.subject,
            "设备型号/序列号": f"{asset.asset_model.brand} {asset.asset_model.model} / {asset.serial_number}"
            if asset
            else "",
            "所在站点及位置": place,
            "发生时间": when,
            "影响范围": f"约 {self.rng.choice([1, 3, 10, 30, 200])} 人",
            "已尝试的处理": self.rng.choice(["已重启，故障依旧", "未处理", "已检查电源和线缆"]),
            "申请内容": plan.subject,
            "咨询内容": plan.subject,
            "投诉内容": plan.subject,
            "问题现象与报错信息": plan.subject,
            "问题现象": plan.subject,
            "联系人及联系方式": f"{plan.contact.name} {plan.contact.phone or ''}".strip(),
            "申请人及部门": plan.contact.name,
        }
        lines = []
        for line in (plan.category.standard_description or "").splitlines():
            label = line.strip().strip("【】")
            value = next((v for k, v in values.items() if label.startswith(k)), "")
            lines.append(f"{line}{value}")
        return "\n".join(lines) or plan.subject

    def resolution(self, plan: Plan) -> str:
        name = plan.category.name
        if plan.english:
            return self.rng.choice(ENGLISH_FIXES)
        fix = self.rng.choice(FIXES.get(name, GENERIC_FIXES))
        return f"{fix}。"

    @property
    def l1(self) -> set[str]:
        group = self.desk.categories["硬件故障"].default_support_group_id
        return {p.user.username for p in self.desk.engineers_by_group.get(group, [])}

    def engineer_for(self, plan: Plan, group_id: int | None = None) -> EngineerProfile:
        group_id = group_id or plan.category.default_support_group_id
        candidates = self.desk.engineers_by_group.get(group_id) or [
            p for profiles in self.desk.engineers_by_group.values() for p in profiles
        ]
        return self.rng.choice(candidates)

    def assign_first(self, plan: Plan, t: datetime) -> tuple[UserAccount | None, object]:
        """Dispatch: mostly to an engineer of the category's group, some to the group's queue or a vendor."""
        request = plan.request
        self.act(self.dispatcher)
        vendor_work = next((w for w in plan.works if w.vendor is not None), None)
        draw = self.rng.random()
        if vendor_work is not None and draw < 0.5:
            reason = "服务商区域覆盖，备件在服务商仓库"
            assign(self.session, request, actor=self.dispatcher, roles=DISPATCHER, now=t, vendor=vendor_work.vendor,
                   reason=reason)  # fmt: skip
            return None, None
        profile = self.engineer_for(plan)
        if draw > 0.8 or plan.target is RS.ASSIGNED and draw > 0.5:
            assign(self.session, request, actor=self.dispatcher, roles=DISPATCHER, now=t, group=profile.support_group)
            return None, profile.support_group
        assign(self.session, request, actor=self.dispatcher, roles=DISPATCHER, now=t, user=profile.user,
               group=profile.support_group)  # fmt: skip
        return profile.user, profile.support_group

    def pick_up(self, plan: Plan, t: datetime, group) -> UserAccount | None:
        if group is None:
            return None  # with a vendor: the dispatcher follows it
        profile = self.rng.choice(self.desk.engineers_by_group[group.id])
        self.act(self.dispatcher)
        assign(self.session, plan.request, actor=self.dispatcher, roles=DISPATCHER, now=t, user=profile.user,
               group=group)  # fmt: skip
        return profile.user

    def escalate(
        self, plan: Plan, t: datetime, engineer: UserAccount
    ) -> Generator[datetime, datetime, tuple[UserAccount, datetime]]:
        self.act(self.dispatcher)
        reason = f"{engineer.get_full_name()}：需要二线技术支持，现场判断为硬件故障"
        escalate(self.session, plan.request, actor=self.dispatcher, roles=DISPATCHER, now=t, reason=reason)
        group = plan.request.assignee_group
        t = yield self.later(plan, t, 10, 90)
        profile = self.rng.choice(self.desk.engineers_by_group[group.id])
        assign(self.session, plan.request, actor=self.dispatcher, roles=DISPATCHER, now=t, user=profile.user,
               group=group)  # fmt: skip
        t = yield self.later(plan, t, 5, 60)
        self.act(profile.user)
        perform(self.session, plan.request, A.START, actor=profile.user, roles=STAFF_ROLES, now=t)
        self.counts["escalated"] += 1
        return profile.user, t

    def cancel(self, plan: Plan, t: datetime) -> None:
        actor = self.desk.users.get(PORTAL_CUSTOMERS.get(plan.customer.code, ""))
        roles = {"Customer"}
        if actor is None or self.rng.random() < 0.5:
            actor, roles = self.dispatcher, DISPATCHER
        reason = (
            "Fixed itself after a restart"
            if plan.english
            else self.rng.choice(["客户来电告知已自行恢复", "重复报修，已在其他单据处理", "客户撤回申请"])
        )
        self.act(actor)
        perform(self.session, plan.request, A.CANCEL, actor=actor, roles=roles, now=t, reason=reason)

    def note(self, request: ServiceRequest, kind: NoteKind, body: str, actor: UserAccount, t: datetime) -> None:
        self.act(actor)
        add_note(self.session, request, kind=kind, body=body, actor=actor, now=t)
        self.counts["notes"] += 1

    def customer_reply(self, plan: Plan, t: datetime) -> None:
        body = self.rng.choice(ENGLISH_ANSWERS if plan.english else CUSTOMER_ANSWERS)
        self.act(None, plan.contact.email)
        add_note(self.session, plan.request, kind=NoteKind.REPLY, body=body, actor=None, now=t,
                 author_label=plan.contact.email, from_customer=True)  # fmt: skip
        self.counts["notes"] += 1

    def close(self, plan: Plan, t: datetime) -> Story:
        request = plan.request
        if self.rng.random() < 0.55:
            t = yield self.later(plan, t, 60, 60 * 24 * 2, office=False)
            survey = self.session.scalars(
                select(SatisfactionSurvey)
                .where(SatisfactionSurvey.request_id == request.id)
                .order_by(SatisfactionSurvey.id.desc())
                .limit(1)
            ).first()
            if survey is not None:
                rating = self.rng.choices([5, 4, 3, 2, 1], [55, 30, 8, 4, 3])[0]
                comment = self.rng.choice(LOW_RATINGS) if rating <= 3 else self.rng.choice(PRAISE)
                self.act(None, plan.contact.email if plan.contact else None)
                answer_survey(self.session, survey, rating=rating, comment=comment, now=t)
                self.counts["surveys_answered"] += 1
        draw = self.rng.random()
        customer_user = self.desk.users.get(PORTAL_CUSTOMERS.get(plan.customer.code, ""))
        if draw < 0.25:  # nobody answered: the auto-close job closes it after its business days
            t = yield self.later(plan, t, 60 * 24 * 7, 60 * 24 * 8, office=False)
            self.act(None, AUTO_CLOSE_LABEL)
            perform(self.session, request, A.CLOSE, actor=None, roles={"Admin"}, now=t, actor_label=AUTO_CLOSE_LABEL)
        else:
            t = yield self.later(plan, t, 30, 60 * 24)
            actor, roles = (
                (customer_user, {"Customer"}) if customer_user and draw > 0.85 else (self.dispatcher, DISPATCHER)
            )
            self.act(actor)
            perform(self.session, request, A.CLOSE, actor=actor, roles=roles, now=t)
        if self.rng.random() < 0.04:  # the fault came back within days: reopened, fixed, closed again
            t = yield self.later(plan, t, 60 * 24, 60 * 24 * 5)
            self.act(self.dispatcher)
            perform(self.session, request, A.REOPEN, actor=self.dispatcher, roles=DISPATCHER, now=t,
                    reason="客户来电反馈故障复现")  # fmt: skip
            self.counts["reopened"] += 1
            t = yield self.later(plan, t, 60, 60 * 8)
            worker = request.assignee or self.dispatcher
            roles = STAFF_ROLES if request.assignee is not None else DISPATCHER
            self.act(worker)
            perform(self.session, request, A.RESOLVE, actor=worker, roles=roles, now=t,
                    resolution=f"复查后再次处理：{self.resolution(plan)}")  # fmt: skip
            t = yield self.later(plan, t, 60, 60 * 24)
            self.act(self.dispatcher)
            perform(self.session, request, A.CLOSE, actor=self.dispatcher, roles=DISPATCHER, now=t)

    # --- a work order ---

    def work_order(self, plan: Plan, work: WorkPlan, t: datetime, engineer: UserAccount | None):
        """One work order from creation to the stage it has reached; returns the moment it got there."""
        request = plan.request
        if work.vendor is not None:
            worker, roles = self.desk.users[VENDOR_USERS[work.vendor.code]], VENDOR_ROLES
            assignee = None
        else:
            worker = engineer if engineer is not None else self.engineer_for(plan).user
            roles, assignee = STAFF_ROLES, worker
        instructions = f"{plan.subject}：请按标准方案处理，完成后请客户签字确认。"
        self.act(self.dispatcher)
        wo = create_work_order(self.session, request, work_type=work.kind, actor=self.dispatcher, now=t,
                               assignee_user=assignee, vendor=work.vendor, instructions=instructions)  # fmt: skip
        self.counts["work_orders"] += 1
        waiting = False
        if work.vendor is not None and request.status is RS.IN_PROGRESS:
            self.act(self.dispatcher)
            perform(self.session, request, A.WAIT_VENDOR, actor=self.dispatcher, roles=DISPATCHER, now=t)
            waiting = True
        if work.stop_at is WS.ASSIGNED:
            return t
        t = yield self.later(plan, t, 10, 180)
        if work.decline or work.stop_at is WS.DECLINED:
            self.act(worker)
            perform_work_order(self.session, wo, W.DECLINE, actor=worker, roles=roles, now=t,
                               reason=self.rng.choice(DECLINES))  # fmt: skip
            if work.stop_at is WS.DECLINED:
                return t
            t = yield self.later(plan, t, 10, 120)
            if work.vendor is None:
                worker = self.other_engineer(plan, worker)
                assignee = worker
            self.act(self.dispatcher)
            perform_work_order(self.session, wo, W.REASSIGN, actor=self.dispatcher, roles=DISPATCHER, now=t,
                               assignee_user=assignee, vendor=work.vendor)  # fmt: skip
            t = yield self.later(plan, t, 10, 120)
        self.act(worker)
        perform_work_order(self.session, wo, W.ACCEPT, actor=worker, roles=roles, now=t)
        if work.stop_at is WS.ACCEPTED:
            return t
        if work.stop_at is WS.CANCELLED:
            t = yield self.later(plan, t, 30, 240)
            self.act(self.dispatcher)
            perform_work_order(self.session, wo, W.CANCEL, actor=self.dispatcher, roles=DISPATCHER, now=t)
            self.note(request, NoteKind.INTERNAL, "客户来电告知重启后已恢复，取消上门。", self.dispatcher, t)
            if waiting:
                perform(self.session, request, A.RESUME, actor=self.dispatcher, roles=DISPATCHER, now=t)
            return t
        t = yield self.later(plan, t, 10, 90)
        start = _office_hours(t + timedelta(minutes=self.rng.uniform(60, 60 * 20)), self.rng)
        end = start + timedelta(hours=self.rng.choice([2, 3, 4]))
        self.act(worker)
        perform_work_order(self.session, wo, W.SCHEDULE, actor=worker, roles=roles, now=t, window=(start, end))
        if work.stop_at is WS.SCHEDULED:
            return t
        arrival = start + timedelta(minutes=self.rng.uniform(-20, 40))
        late = random.Random(f"late:{wo.number}")  # its own stream: the rest of the story stays as it was
        if late.random() < LATE_ARRIVALS.get(work.vendor.code if work.vendor else None, 0.0):
            arrival = end + timedelta(minutes=late.uniform(15, 120))  # after the window: not on time
        t = yield self.later_to(plan, t, arrival)
        checked_in = t
        self.act(worker)
        perform_work_order(self.session, wo, W.CHECK_IN, actor=worker, roles=roles, now=t)
        issued = []
        if work.parts:
            t = yield self.later(plan, t, 10, 40, office=False)
            issued = self.issue_parts(plan, work, wo, worker, t)
        if work.stop_at is WS.ON_SITE:
            return t
        t = yield self.later(plan, t, 40, 200, office=False)
        self.finish_visit(plan, work, wo, worker, roles, checked_in, issued, t)
        if work.stop_at is WS.SUBMITTED:
            return t
        if work.rework:
            t = yield self.later(plan, t, 30, 60 * 6)
            self.act(self.manager)
            perform_work_order(self.session, wo, W.REWORK, actor=self.manager, roles=MANAGER, now=t,
                               reason=self.rng.choice(REWORKS))  # fmt: skip
            t = yield self.later(plan, t, 60, 60 * 20)
            self.act(worker)
            perform_work_order(self.session, wo, W.SUBMIT, actor=worker, roles=roles, now=t,
                               work_done=f"已按要求复查补充：{self.resolution(plan)}", result=work.result)  # fmt: skip
        t = yield self.later(plan, t, 30, 60 * 8)
        approver, approver_roles = (self.manager, MANAGER) if self.rng.random() < 0.3 else (self.dispatcher, DISPATCHER)
        self.act(approver)
        perform_work_order(self.session, wo, W.APPROVE, actor=approver, roles=approver_roles, now=t)
        if waiting and request.status is RS.PENDING_VENDOR:
            perform(self.session, request, A.RESUME, actor=self.dispatcher, roles=DISPATCHER, now=t)
        return t

    def later_to(self, plan: Plan, t: datetime, target: datetime) -> datetime:
        """``target`` (e.g. the start of a visit window) if it is still to come and before now."""
        if target <= t or target >= self.now - timedelta(minutes=2):
            return self.later(plan, t, 1, 5, office=False)
        return target

    def other_engineer(self, plan: Plan, current: UserAccount) -> UserAccount:
        for _ in range(5):
            profile = self.engineer_for(plan)
            if profile.user.id != current.id:
                return profile.user
        return current

    def finish_visit(self, plan, work, wo, worker, roles, checked_in, issued, t) -> None:
        """Parts back, the customer's signature, time and expenses, then the work order goes for review."""
        for part, warehouse, quantity in issued:
            if quantity > 1 and self.rng.random() < 0.3:
                self.stock(StockMoveKind.RETURN, part, warehouse, 1, wo, worker, t)
                quantity -= 1
            if part.returnable:
                serials = [_serial(self.rng) for _ in range(quantity)] if part.serialized else []
                self.stock(StockMoveKind.DEFECTIVE_RETURN, part, warehouse, quantity, wo, worker, t, removed=serials)
        if work.kind is not WorkOrderType.REMOTE and plan.contact is not None:
            sign_off(self.session, wo, signer_name=plan.contact.name, signature_png=None, now=t)
        slot = self.free_slot(worker, checked_in, t)
        if slot is not None:
            self.act(worker)
            add_time_entry(self.session, wo, user=worker, started_at=slot[0], ended_at=slot[1],
                           description="现场处理" if work.kind is not WorkOrderType.REMOTE else "远程处理",
                           now=t)  # fmt: skip
            self.counts["time_entries"] += 1
        if work.kind is not WorkOrderType.REMOTE:
            day = t.astimezone(ZONE).date()
            travel = Decimal(self.rng.randrange(30, 260))
            add_expense(self.session, wo, kind=ExpenseKind.TRAVEL, amount=travel, incurred_on=day,
                        description="往返交通费", actor=worker, now=t)  # fmt: skip
            self.counts["expenses"] += 1
            if work.vendor is not None:
                add_expense(self.session, wo, kind=ExpenseKind.OTHER, amount=Decimal(self.rng.randrange(300, 1500)),
                            incurred_on=day, description="服务商上门服务费", actor=worker, now=t)  # fmt: skip
                self.counts["expenses"] += 1
            self.doubtful_claim(work, wo, worker, day, travel, t)
        done = self.resolution(plan) if work.result is WorkResult.FIXED else "已初步处理，需备件到货后再次上门更换。"
        self.act(worker)
        perform_work_order(self.session, wo, W.SUBMIT, actor=worker, roles=roles, now=t, work_done=done,
                           result=work.result)  # fmt: skip

    def doubtful_claim(self, work: WorkPlan, wo, worker: UserAccount, day, travel: Decimal, t: datetime) -> None:
        """The visit's doubtful claim, if it has one (DOUBTFUL_CLAIMS), entered as the vendor would."""
        if work.claim == "duplicate":  # the same ticket entered twice
            add_expense(self.session, wo, kind=ExpenseKind.TRAVEL, amount=travel, incurred_on=day,
                        description="交通费", actor=worker, now=t)  # fmt: skip
        elif work.claim == "material":
            amount = Decimal(self.rng.randrange(12, 90) * 10)
            add_expense(self.session, wo, kind=ExpenseKind.MATERIAL, amount=amount, incurred_on=day,
                        description="现场更换配件材料费（自购）", actor=worker, now=t)  # fmt: skip
        else:
            return
        self.counts["expenses"] += 1
        self.counts["doubtful_claims"] += 1

    def free_slot(self, user: UserAccount, start: datetime, end: datetime) -> tuple[datetime, datetime] | None:
        """The longest part of [start, end] the person has not already booked (time entries may not overlap)."""
        busy = sorted(self.desk.busy[user.id])
        best, cursor = None, start
        for b_start, b_end in [*busy, (end, end)]:
            if b_end <= cursor:
                continue
            gap_end = min(b_start, end)
            if gap_end > cursor and (best is None or gap_end - cursor > best[1] - best[0]):
                best = (cursor, gap_end)
            cursor = max(cursor, b_end)
            if cursor >= end:
                break
        if best is None or best[1] - best[0] < timedelta(minutes=10):
            return None
        best = (best[0].replace(microsecond=0) + timedelta(seconds=1), best[1].replace(microsecond=0))
        self.desk.busy[user.id].append(best)
        return best

    def issue_parts(self, plan: Plan, work: WorkPlan, wo, worker: UserAccount, t: datetime) -> list:
        group = TOPICS[plan.category.name][1]
        parts = self.desk.parts.get(group, [])
        model_id = plan.asset.asset_model_id if plan.asset else None
        fitting = [p for p in parts if any(m.id == model_id for m in p.compatible_models)] or parts
        if not fitting:
            return []
        part = self.rng.choice(fitting)
        quantity = self.rng.choice([1, 1, 1, 2]) if not part.serialized else 1
        if group == "UPS" and part.part_number in ("SP-UPS-001", "SP-UPS-002", "SP-UPS-003"):
            quantity = self.rng.choice([4, 8, 16])
        warehouse = self.warehouse_for(work, worker, part, quantity, t)
        serials = [_serial(self.rng) for _ in range(quantity)] if part.serialized else []
        self.stock(StockMoveKind.ISSUE, part, warehouse, quantity, wo, worker, t, installed=serials)
        return [(part, warehouse, quantity)]

    def warehouse_for(self, work: WorkPlan, worker: UserAccount, part: SparePart, quantity: int, t: datetime):
        """The vendor's own stock for vendor work (the centre's for a part it does not carry); else the
        engineer's van, a regional warehouse, the centre. When none has enough, a delivery arrives first
        (a reorder): at the vendor's warehouse for its own stock, else at the centre."""
        w = self.desk.warehouses
        central = next(c for c, h in w.items() if h.kind is WarehouseKind.CENTRAL)
        if work.vendor is not None:
            own = VENDOR_WAREHOUSE.get(work.vendor.code)
            carried = own is not None and (w[own].id, part.id) in self.desk.on_hand  # a level: it stocks the part
            codes = [own] if carried else [central]
        else:
            codes = [c for c, h in w.items() if h.kind is WarehouseKind.VAN and h.owner_user_id == worker.id]
            codes += [c for c, h in w.items() if h.kind is WarehouseKind.REGIONAL]
            codes.append(central)
        for code in codes:
            if self.desk.on_hand.get((w[code].id, part.id), 0) >= quantity:
                return w[code]
        # A vendor's consignment stock is topped up where it is; everyone else's reorder arrives at the centre.
        target = w[codes[0] if work.vendor is not None else central]
        receipt = max(part.reorder_quantity, quantity)
        move(self.session, StockMoveKind.RECEIPT, part_id=part.id, warehouse_id=target.id, quantity=receipt,
             now=t - timedelta(minutes=5), reference=f"PO-{t.astimezone(ZONE):%Y%m%d}-{part.id:03d}",
             actor_id=self.manager.id)  # fmt: skip
        self.desk.on_hand[(target.id, part.id)] = self.desk.on_hand.get((target.id, part.id), 0) + receipt
        self.counts["stock_movements"] += 1
        return target

    def stock(self, kind, part, warehouse, quantity, wo, worker, t, installed=(), removed=()) -> None:
        move(self.session, kind, part_id=part.id, warehouse_id=warehouse.id, quantity=quantity, now=t,
             work_order_id=wo.id, serials_installed=installed, serials_removed=removed,
             actor_id=worker.id)  # fmt: skip
        if kind is StockMoveKind.ISSUE:
            self.desk.on_hand[(warehouse.id, part.id)] -= quantity
        elif kind is StockMoveKind.RETURN:
            self.desk.on_hand[(warehouse.id, part.id)] += quantity
        self.counts["stock_movements"] += 1

    def _read_old_notifications(self) -> None:
        """People have read what reached them before the last three days (one UPDATE)."""
        cutoff = self.now - timedelta(days=3)
        self.session.execute(
            update(Notification)
            .where(Notification.created_at < cutoff, Notification.read_at.is_(None))
            .values(read_at=Notification.created_at)
            .execution_options(synchronize_session=False)
        )


def _office_hours(moment: datetime, rng: random.Random) -> datetime:
    """``moment`` if it is in office hours (09:00–18:00 on a weekday), else the next working morning."""
    local = moment.astimezone(ZONE)
    if local.weekday() < 5 and 9 <= local.hour < 18:
        return moment
    day = local.date() + timedelta(days=0 if local.hour < 9 else 1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    start = datetime.combine(day, time(9), tzinfo=ZONE) + timedelta(minutes=rng.uniform(0, 90))
    return start.astimezone(moment.tzinfo)


def _serial(rng: random.Random) -> str:
    return "SN" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(10))
