"""Equipment models (设备型号) and how demo assets (设备) are spread over customers' sites."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ModelSpec:
    key: str
    brand: str
    model: str
    category: str
    serial_pattern: str  # '#' a digit, '?' a capital letter or digit, anything else literal
    weight: int  # how often it appears at a site; 0 = only as a module under another asset
    warranty_years: int = 3


ASSET_MODELS: list[ModelSpec] = [
    ModelSpec("srv_huawei", "华为", "FusionServer 2288H V6", "服务器", "2102313LNR10?#######", 3),
    ModelSpec("srv_dell", "Dell", "PowerEdge R750", "服务器", "???????", 3),
    ModelSpec("srv_lenovo", "联想", "ThinkSystem SR650 V2", "服务器", "J30?????", 2),
    ModelSpec("prn_hp_mono", "HP", "LaserJet Pro M404dn", "打印机", "PHB???####", 4, 1),
    ModelSpec("prn_hp_color", "HP", "Color LaserJet Enterprise M555dn", "打印机", "JPBC?#####", 2, 1),
    ModelSpec("mfp_ricoh", "理光", "IM C3000", "打印机", "31##R######", 2, 1),
    ModelSpec("sw_huawei", "华为", "CloudEngine S5735-L48T4X-A1", "网络设备", "21023525??#######", 3, 5),
    ModelSpec("sw_cisco", "Cisco", "Catalyst 9300-48P", "网络设备", "FOC####????", 2, 5),
    ModelSpec("ups_schneider", "施耐德", "Galaxy VS 20kVA", "UPS", "GVS####?####", 2, 2),
    ModelSpec("ups_santak", "山特", "C10KS", "UPS", "C10KS####?#####", 2, 2),
    ModelSpec("nvr_hik", "海康威视", "DS-9632NX-I8", "监控", "HK9632####?###", 1),
    ModelSpec("cam_hik", "海康威视", "DS-2CD3T47EWD-L", "监控", "HK2CD#######?", 4, 2),
    ModelSpec("pc_lenovo", "联想", "ThinkCentre M90t", "台式机", "MJ0?????", 4),
    ModelSpec("nb_dell", "Dell", "Latitude 5440", "笔记本", "???????", 3),
    # Modules mounted in another asset (Asset.parent).
    ModelSpec("raid_dell", "Dell", "PERC H755 阵列卡", "服务器组件", "CN0?????#####", 0),
    ModelSpec("psu_huawei", "华为", "PAC900S12-T1 电源模块", "服务器组件", "21023117??######", 0),
    ModelSpec("nm_cisco", "Cisco", "C9300-NM-8X 上行模块", "网络模块", "FOC####????", 0),
]

# parent model key → (module model key, probability that a parent has modules, most modules per parent)
CHILD_MODULES: dict[str, tuple[str, float, int]] = {
    "srv_dell": ("raid_dell", 0.7, 1),
    "srv_huawei": ("psu_huawei", 0.8, 2),
    "sw_cisco": ("nm_cisco", 0.6, 1),
}

ASSET_TOTAL = 300  # top-level assets and modules together

# Warranty kinds and their shares; every kind appears (see app.demo._warranty).
WARRANTY_MIX: list[tuple[str, int]] = [("in_warranty", 45), ("expiring", 10), ("expired", 30), ("none", 15)]
