"""Support groups (支持组, L1/L2/L3) and engineer profiles (服务工程师档案)."""

from __future__ import annotations

from decimal import Decimal

from app.demo_data.catalog import L1, L2, L3

CHINA_CALENDAR = "中国大陆标准工作日历"
ALWAYS_CALENDAR = "7×24 全天候"

# name → (tier member name, lead username, member usernames, region codes, skill codes)
SUPPORT_GROUPS: list[tuple[str, str, str, list[str], list[str], list[str]]] = [
    (L1, "L1", "dispatcher", ["dispatcher", "engineer4", "engineer5", "engineer6"],
     ["HD", "HB", "HN", "XN", "HZ", "XB", "DB", "GA"], ["DESK", "PRN"]),
    (L2, "L2", "engineer1", ["engineer1", "engineer2", "engineer7", "engineer8", "engineer9"],
     ["HD", "HB", "HN", "XN", "HZ"], ["SRV", "NET", "PRN", "CCTV", "UPS", "OS", "CABL"]),
    (L3, "L3", "engineer3", ["engineer3", "engineer10"],
     ["HD", "HB", "HN", "XN", "HZ", "XB", "DB", "GA"], ["SRV", "DB", "STOR", "SEC", "VIRT", "NET"]),
]  # fmt: skip

# username → (group, region code, calendar, hourly cost in CNY, skill codes)
ENGINEER_PROFILES: dict[str, tuple[str, str, str, Decimal, list[str]]] = {
    "engineer1": (L2, "HD", CHINA_CALENDAR, Decimal("180.00"), ["SRV", "STOR", "OS", "UPS"]),
    "engineer2": (L2, "HN", CHINA_CALENDAR, Decimal("160.00"), ["NET", "CABL", "CCTV"]),
    "engineer3": (L3, "HD", CHINA_CALENDAR, Decimal("280.00"), ["DB", "VIRT", "SRV", "STOR"]),
    "engineer4": (L1, "HD", ALWAYS_CALENDAR, Decimal("90.00"), ["DESK", "PRN"]),
    "engineer5": (L1, "HB", CHINA_CALENDAR, Decimal("85.00"), ["DESK", "PRN", "OS"]),
    "engineer6": (L1, "HN", ALWAYS_CALENDAR, Decimal("95.00"), ["DESK", "CCTV"]),
    "engineer7": (L2, "XN", CHINA_CALENDAR, Decimal("150.00"), ["SRV", "UPS", "NET"]),
    "engineer8": (L2, "HZ", CHINA_CALENDAR, Decimal("145.00"), ["PRN", "CCTV", "UPS"]),
    "engineer9": (L2, "HB", CHINA_CALENDAR, Decimal("170.00"), ["NET", "SEC", "OS"]),
    "engineer10": (L3, "GA", CHINA_CALENDAR, Decimal("300.00"), ["SEC", "NET", "VIRT"]),
}
