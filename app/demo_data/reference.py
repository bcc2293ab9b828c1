"""Regions (区域) and skills (技能)."""

from __future__ import annotations

# code → name. Codes are pinyin initials, as service companies in China usually write them.
REGIONS: list[tuple[str, str]] = [
    ("HD", "华东"),
    ("HB", "华北"),
    ("HN", "华南"),
    ("XN", "西南"),
    ("HZ", "华中"),
    ("XB", "西北"),
    ("DB", "东北"),
    ("GA", "港澳"),
]

SKILLS: list[tuple[str, str]] = [
    ("SRV", "服务器维护"),
    ("NET", "网络"),
    ("PRN", "打印机"),
    ("CCTV", "监控安防"),
    ("UPS", "UPS电源"),
    ("DB", "数据库"),
    ("DESK", "桌面运维"),
    ("STOR", "存储"),
    ("SEC", "信息安全"),
    ("OS", "操作系统"),
    ("VIRT", "虚拟化与云平台"),
    ("CABL", "综合布线"),
]
