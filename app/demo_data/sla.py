"""Service level agreements (服务级别协议) and the vendors' OLA.

Targets are working minutes of the SLA's calendar: on the 9-hour-minus-lunch China
calendar a working day is 480 minutes; on the 7×24 calendar a day is 1,440.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.demo_data.support import ALWAYS_CALENDAR, CHINA_CALENDAR

PAUSE_STATUSES = ["pending_customer"]  # 等待客户: the clock stops


@dataclass(frozen=True)
class SLASpec:
    name: str
    kind: str  # SLAKind member name
    calendar: str
    description: str
    targets: dict[str, tuple[int, int]]  # priority → (response, resolution) minutes
    is_default: bool = False
    scope_tiers: list[str] = field(default_factory=list)  # ServiceTier member names
    scope_medical: bool = False  # scope_customers: every customer in the medical industry


STANDARD_SLA = "标准SLA"
GOLD_SLA = "金牌SLA"
VIP_SLA = "VIP 7×24 SLA"
MEDICAL_SLA = "医疗行业SLA"
VENDOR_OLA = "服务商OLA"

SLAS: list[SLASpec] = [
    SLASpec(
        STANDARD_SLA, "EXTERNAL", CHINA_CALENDAR,
        "默认服务级别：工作日 9:00–18:00（午休除外）响应与解决，节假日顺延；等待客户期间暂停计时。",
        {"P1": (30, 480), "P2": (60, 960), "P3": (240, 1920), "P4": (480, 4800)},
        is_default=True,
    ),
    SLASpec(
        GOLD_SLA, "EXTERNAL", CHINA_CALENDAR,
        "金牌客户：工作时间内更快响应，P1 故障 4 个工作小时内解决。",
        {"P1": (15, 240), "P2": (30, 480), "P3": (120, 960), "P4": (240, 2400)},
        scope_tiers=["GOLD"],
    ),
    SLASpec(
        VIP_SLA, "EXTERNAL", ALWAYS_CALENDAR,
        "VIP 客户：7×24 小时全天候响应，节假日不停表。",
        {"P1": (15, 240), "P2": (30, 480), "P3": (60, 1440), "P4": (240, 4320)},
        scope_tiers=["VIP"],
    ),
    SLASpec(
        MEDICAL_SLA, "EXTERNAL", ALWAYS_CALENDAR,
        "医疗行业客户：门急诊与住院系统 7×24 保障，P1 故障 10 分钟响应、2 小时解决。",
        {"P1": (10, 120), "P2": (30, 360), "P3": (120, 1440), "P4": (480, 2880)},
        scope_medical=True,
    ),
    SLASpec(
        VENDOR_OLA, "INTERNAL", CHINA_CALENDAR,
        "服务商运营级别协议：服务商接单、到场与修复时限，用于服务商考核。",
        {"P1": (30, 360), "P2": (60, 720), "P3": (240, 1440), "P4": (480, 2880)},
    ),
]  # fmt: skip
