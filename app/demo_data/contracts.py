"""Service contracts (服务合同): which customers have which entitlement, relative to today.

Each plan: (customer code, SLA name, kind, start offset in days from today, length in
months, value, entitlement, charge mode, charge per request, share of the entitlement
already used). Offsets keep the mix of not started / active / expired true on any day.
"""

from __future__ import annotations

from decimal import Decimal

from app.demo_data.sla import GOLD_SLA, MEDICAL_SLA, STANDARD_SLA, VIP_SLA

D = Decimal

# kind: UNLIMITED, REQUESTS, MONEY (EntitlementKind names); mode: PER_REQUEST, TIME_AND_MATERIAL
Plan = tuple[str, str, str, int, int, Decimal, int | Decimal | None, str | None, Decimal | None, float]
CONTRACT_PLANS: list[Plan] = [
    ("C-HZXH", GOLD_SLA, "REQUESTS", -200, 12, D("120000"), 60, None, None, 0.55),
    ("C-SZLH", STANDARD_SLA, "MONEY", -90, 12, D("80000"), D("80000"), "PER_REQUEST", D("600"), 0.35),
    ("C-GZZJ", GOLD_SLA, "UNLIMITED", -300, 24, D("360000"), None, None, None, 0),
    ("C-CDJJ", STANDARD_SLA, "REQUESTS", -330, 12, D("45000"), 30, None, None, 0.93),
    ("C-SZJJ", MEDICAL_SLA, "UNLIMITED", -150, 36, D("980000"), None, None, None, 0),
    ("C-NJZJ", VIP_SLA, "UNLIMITED", -400, 36, D("1250000"), None, None, None, 0),
    ("C-WHCJ", GOLD_SLA, "MONEY", -60, 12, D("200000"), D("200000"), "TIME_AND_MATERIAL", None, 0.2),
    ("C-TJBH", STANDARD_SLA, "REQUESTS", -500, 12, D("36000"), 40, None, None, 0.8),  # expired
    ("C-TJBH", STANDARD_SLA, "REQUESTS", 20, 12, D("40000"), 40, None, None, 0),  # renewal, not started
    ("C-CQSC", STANDARD_SLA, "MONEY", -120, 12, D("50000"), D("50000"), "PER_REQUEST", D("800"), 0.94),
    ("C-SEL", GOLD_SLA, "UNLIMITED", -30, 12, D("240000"), None, None, None, 0),
    ("C-PRH", VIP_SLA, "UNLIMITED", -250, 24, D("560000"), None, None, None, 0),
    ("C-XAQC", STANDARD_SLA, "REQUESTS", -800, 12, D("30000"), 20, None, None, 1.0),  # expired, used up
    ("C-BJYH", MEDICAL_SLA, "UNLIMITED", -100, 36, D("1100000"), None, None, None, 0),
    ("C-SHPJ", VIP_SLA, "UNLIMITED", -20, 12, D("680000"), None, None, None, 0),
    ("C-SHJQ", STANDARD_SLA, "REQUESTS", -45, 12, D("38000"), 24, None, None, 0.25),
    ("C-HZQT", MEDICAL_SLA, "MONEY", -210, 24, D("300000"), D("300000"), "TIME_AND_MATERIAL", None, 0.6),
    ("C-GZBY", STANDARD_SLA, "REQUESTS", -380, 12, D("42000"), 36, None, None, 0.9),  # expired
    ("C-SZNS", GOLD_SLA, "MONEY", -15, 12, D("150000"), D("150000"), "PER_REQUEST", D("1200"), 0.05),
    ("C-XMLJ", GOLD_SLA, "UNLIMITED", 45, 12, D("180000"), None, None, None, 0),  # not started
    ("C-CDTF", GOLD_SLA, "REQUESTS", -160, 12, D("96000"), 80, None, None, 0.96),
    ("C-CSXJ", STANDARD_SLA, "MONEY", -270, 12, D("60000"), D("60000"), "TIME_AND_MATERIAL", None, 0.88),
    ("C-ZZZY", MEDICAL_SLA, "REQUESTS", -75, 12, D("260000"), 150, None, None, 0.4),
    ("C-XAGX", STANDARD_SLA, "UNLIMITED", -420, 12, D("58000"), None, None, None, 0),  # expired
    ("C-HEBB", STANDARD_SLA, "REQUESTS", 10, 12, D("35000"), 30, None, None, 0),  # not started
    ("C-DLHW", STANDARD_SLA, "MONEY", -180, 12, D("40000"), D("40000"), "PER_REQUEST", D("500"), 0.5),
    ("C-HKVH", GOLD_SLA, "UNLIMITED", -90, 12, D("220000"), None, None, None, 0),
    ("C-MOLT", VIP_SLA, "REQUESTS", -40, 12, D("420000"), 200, None, None, 0.15),
]  # fmt: skip
