"""Warehouses (仓库) and spare parts (备件) with the equipment models they fit."""

from __future__ import annotations

from decimal import Decimal

# code → (name, kind member name, region code, owner username, vendor code, address)
WAREHOUSES: list[tuple[str, str, str, str, str | None, str | None, str]] = [
    ("WH-SH", "上海中心仓", "CENTRAL", "HD", None, None, "上海市闵行区春东路508号3号库"),
    ("WH-GZ", "广州区域仓", "REGIONAL", "HN", None, None, "广东省广州市白云区太和镇大源北路88号"),
    ("WH-VAN-ZW", "张伟工程车", "VAN", "HD", "engineer1", None, "沪A·D72581（随车）"),
    ("WH-V-SHXX", "迅修寄售仓", "VENDOR", "HD", None, "V-SHXX", "上海市闵行区莘庄工业区申富路618号"),
    ("WH-V-BJHT", "恒通寄售仓", "VENDOR", "HB", None, "V-BJHT", "北京市海淀区上地信息路26号B1库房"),
]

# Which parts each kind of warehouse stocks: central everything; the others by part group, a vendor-held
# (consignment) warehouse the groups of the work that vendor is sent (app/demo_requests.py TOPICS).
VAN_GROUPS = {"PRN", "DSK", "NET", "SRV"}
VENDOR_GROUPS: dict[str, set[str]] = {"V-SHXX": {"PRN", "DSK", "UPS"}, "V-BJHT": {"NET"}}

D = Decimal
SERVERS = ["srv_huawei", "srv_dell", "srv_lenovo"]  # asset model keys (assets.py)
SWITCHES = ["sw_huawei", "sw_cisco", "nm_cisco"]

# (part number, name, unit, unit cost, safety stock, reorder quantity, serialized, returnable, model keys)
# The part number's middle group (SRV, PRN, NET, UPS, CAM, DSK) says what it belongs to.
SPARE_PARTS: list[tuple[str, str, str, Decimal, int, int, bool, bool, list[str]]] = [
    # 服务器
    ("SP-SRV-001", "服务器内存 32GB DDR4-3200 RDIMM", "条", D("1350.00"), 10, 20, True, True, SERVERS),
    ("SP-SRV-002", "服务器内存 64GB DDR4-3200 RDIMM", "条", D("2680.00"), 6, 10, True, True, SERVERS),
    ("SP-SRV-003", "SAS硬盘 2.4TB 10K 2.5英寸", "块", D("2150.00"), 8, 16, True, True, SERVERS),
    ("SP-SRV-004", "SATA固态硬盘 960GB 读密集型", "块", D("1680.00"), 8, 12, True, True, SERVERS),
    ("SP-SRV-005", "NVMe固态硬盘 3.84TB U.2", "块", D("6200.00"), 2, 4, True, True, ["srv_huawei", "srv_dell"]),
    ("SP-SRV-006", "华为服务器电源模块 900W", "个", D("1450.00"), 4, 6, True, True, ["srv_huawei", "psu_huawei"]),
    ("SP-SRV-007", "Dell服务器电源 1400W", "个", D("1880.00"), 4, 6, True, True, ["srv_dell"]),
    ("SP-SRV-008", "联想服务器电源 1100W", "个", D("1620.00"), 3, 5, True, True, ["srv_lenovo"]),
    ("SP-SRV-009", "Dell PERC H755 阵列卡", "块", D("4300.00"), 2, 3, True, True, ["srv_dell", "raid_dell"]),
    ("SP-SRV-010", "阵列卡超级电容", "个", D("680.00"), 4, 6, False, True, [*SERVERS, "raid_dell"]),
    ("SP-SRV-011", "服务器风扇模组", "个", D("420.00"), 6, 10, False, True, SERVERS),
    ("SP-SRV-012", "华为 2288H V6 主板", "块", D("12800.00"), 1, 1, True, True, ["srv_huawei"]),
    ("SP-SRV-013", "Dell R750 主板", "块", D("13500.00"), 1, 1, True, True, ["srv_dell"]),
    ("SP-SRV-014", "25GE双口网卡（SFP28）", "块", D("2380.00"), 3, 4, True, True, SERVERS),
    ("SP-SRV-015", "服务器导轨套件", "套", D("360.00"), 4, 6, False, False, SERVERS),
    # 打印机
    ("SP-PRN-001", "HP 77A 黑色硒鼓 CF277A", "个", D("680.00"), 20, 40, False, False, ["prn_hp_mono"]),
    ("SP-PRN-002", "HP 212A 黑色硒鼓 W2120A", "个", D("1250.00"), 8, 12, False, False, ["prn_hp_color"]),
    ("SP-PRN-003", "HP 212A 彩色硒鼓套装（青/品/黄）", "套", D("3450.00"), 4, 6, False, False, ["prn_hp_color"]),
    ("SP-PRN-004", "HP M404 定影组件 220V", "个", D("890.00"), 4, 6, False, True, ["prn_hp_mono"]),
    ("SP-PRN-005", "HP M555 定影组件 220V", "个", D("1680.00"), 2, 4, False, True, ["prn_hp_color"]),
    ("SP-PRN-006", "HP 搓纸轮套件", "套", D("160.00"), 15, 30, False, False, ["prn_hp_mono", "prn_hp_color"]),
    ("SP-PRN-007", "HP M555 转印带组件", "个", D("2100.00"), 2, 3, False, True, ["prn_hp_color"]),
    ("SP-PRN-008", "理光 IM C3000 墨粉 黑色", "个", D("420.00"), 12, 24, False, False, ["mfp_ricoh"]),
    ("SP-PRN-009", "理光 IM C3000 墨粉 四色套装", "套", D("1380.00"), 6, 10, False, False, ["mfp_ricoh"]),
    ("SP-PRN-010", "理光 感光鼓单元", "个", D("1150.00"), 4, 6, False, True, ["mfp_ricoh"]),
    ("SP-PRN-011", "理光 定影单元", "个", D("2450.00"), 2, 3, False, True, ["mfp_ricoh"]),
    ("SP-PRN-012", "理光 纸盒分页器", "个", D("95.00"), 10, 20, False, False, ["mfp_ricoh"]),
    ("SP-PRN-013", "打印机网络接口板", "块", D("560.00"), 3, 5, True, True, ["prn_hp_mono", "prn_hp_color"]),
    # 网络设备
    ("SP-NET-001", "10G SFP+ 多模光模块 300m", "个", D("180.00"), 30, 50, True, True, SWITCHES),
    ("SP-NET-002", "10G SFP+ 单模光模块 10km", "个", D("320.00"), 20, 30, True, True, SWITCHES),
    ("SP-NET-003", "25G SFP28 多模光模块", "个", D("560.00"), 10, 20, True, True, ["sw_huawei", *SERVERS[:2]]),
    ("SP-NET-004", "千兆电口模块 SFP-GE-T", "个", D("260.00"), 10, 20, True, True, ["sw_huawei", "sw_cisco"]),
    ("SP-NET-005", "华为交换机电源模块 150W", "个", D("980.00"), 4, 6, True, True, ["sw_huawei"]),
    ("SP-NET-006", "Cisco 9300 电源 715W", "个", D("3200.00"), 2, 4, True, True, ["sw_cisco"]),
    ("SP-NET-007", "Cisco 9300 风扇模块", "个", D("1150.00"), 3, 4, True, True, ["sw_cisco"]),
    ("SP-NET-008", "Cisco C9300-NM-8X 上行模块", "个", D("8600.00"), 1, 2, True, True, ["sw_cisco", "nm_cisco"]),
    ("SP-NET-009", "六类网线跳线 3米", "根", D("12.00"), 200, 300, False, False, []),
    ("SP-NET-010", "LC-LC 多模光纤跳线 3米", "根", D("25.00"), 100, 200, False, False, []),
    ("SP-NET-011", "华为 S5735 交换机整机（备机）", "台", D("6800.00"), 1, 2, True, True, ["sw_huawei"]),
    # UPS
    ("SP-UPS-001", "UPS蓄电池 12V 100Ah", "块", D("1250.00"), 32, 32, False, True, ["ups_schneider", "ups_santak"]),
    ("SP-UPS-002", "UPS蓄电池 12V 65Ah", "块", D("780.00"), 32, 32, False, True, ["ups_schneider", "ups_santak"]),
    ("SP-UPS-003", "UPS蓄电池 12V 9Ah", "块", D("160.00"), 40, 40, False, True, ["ups_santak"]),
    ("SP-UPS-004", "施耐德 Galaxy VS 功率模块 10kW", "个", D("16800.00"), 1, 1, True, True, ["ups_schneider"]),
    ("SP-UPS-005", "施耐德 Galaxy VS 控制板", "块", D("5600.00"), 1, 1, True, True, ["ups_schneider"]),
    ("SP-UPS-006", "山特 C10KS 主控板", "块", D("2300.00"), 2, 2, True, True, ["ups_santak"]),
    ("SP-UPS-007", "UPS散热风扇", "个", D("210.00"), 6, 10, False, False, ["ups_schneider", "ups_santak"]),
    ("SP-UPS-008", "UPS网络管理卡", "块", D("1850.00"), 2, 3, True, True, ["ups_schneider", "ups_santak"]),
    # 监控
    ("SP-CAM-001", "监控级硬盘 8TB", "块", D("1480.00"), 10, 20, True, True, ["nvr_hik"]),
    ("SP-CAM-002", "海康威视 400万 筒型网络摄像机", "台", D("620.00"), 6, 10, True, True, ["cam_hik", "nvr_hik"]),
    ("SP-CAM-003", "摄像机电源适配器 12V 2A", "个", D("35.00"), 30, 50, False, False, ["cam_hik"]),
    ("SP-CAM-004", "PoE供电模块（单口）", "个", D("88.00"), 15, 30, False, False, ["cam_hik"]),
    ("SP-CAM-005", "海康威视 NVR 电源", "个", D("760.00"), 2, 3, True, True, ["nvr_hik"]),
    ("SP-CAM-006", "摄像机防水接头套件", "套", D("18.00"), 50, 100, False, False, ["cam_hik"]),
    # 桌面
    ("SP-DSK-001", "台式机内存 16GB DDR5", "条", D("380.00"), 15, 30, False, True, ["pc_lenovo"]),
    ("SP-DSK-002", "笔记本内存 16GB DDR5 SO-DIMM", "条", D("420.00"), 10, 20, False, True, ["nb_dell"]),
    ("SP-DSK-003", "NVMe固态硬盘 512GB M.2", "块", D("360.00"), 20, 30, True, True, ["pc_lenovo", "nb_dell"]),
    ("SP-DSK-004", "笔记本电源适配器 65W USB-C", "个", D("260.00"), 15, 20, False, False, ["nb_dell"]),
    ("SP-DSK-005", "台式机电源 260W", "个", D("320.00"), 6, 10, False, True, ["pc_lenovo"]),
    ("SP-DSK-006", "笔记本电池 4芯 54Wh", "块", D("590.00"), 6, 10, True, True, ["nb_dell"]),
    ("SP-DSK-007", "USB有线键鼠套装", "套", D("85.00"), 30, 50, False, False, ["pc_lenovo"]),
]  # fmt: skip

# Parts short everywhere (on hand below safety stock in every warehouse): reorder alerts to show.
SHORT_PARTS = {"SP-SRV-003", "SP-PRN-001", "SP-NET-001", "SP-UPS-001", "SP-CAM-001", "SP-DSK-003", "SP-PRN-008"}
