"""Service vendors (服务商): coverage, skills and the people the dispatcher calls.

The four codes are the original demo vendors (names in ``app.demo.VENDORS``).
"""

from __future__ import annotations

# code → (phone, address, region codes, skill codes)
VENDOR_PROFILES: dict[str, tuple[str, str, list[str], list[str]]] = {
    "V-SHXX": ("021-54887766", "上海市闵行区莘庄工业区申富路618号", ["HD"], ["PRN", "DESK", "SRV", "UPS"]),
    "V-BJHT": ("010-82563300", "北京市海淀区上地信息路26号", ["HB", "DB"], ["NET", "CABL", "SEC"]),
    "V-GZFF": ("020-38892211", "广东省广州市天河区天河北路233号", ["HN", "GA"], ["PRN", "UPS", "CCTV"]),
    "V-XAQC": ("029-83565520", "陕西省西安市灞桥区纺织城正街102号", ["XB", "XN"], ["SRV", "UPS"]),
}

# code → [(name, phone, e-mail, job title)]
VENDOR_CONTACTS: dict[str, list[tuple[str, str, str, str]]] = {
    "V-SHXX": [
        ("钱晓峰", "13816627301", "qian.xiaofeng@xunxiu.com.cn", "调度主管"),
        ("沈玉兰", "13917735502", "shen.yulan@xunxiu.com.cn", "客户经理"),
    ],
    "V-BJHT": [("高建民", "13701128873", "gao.jianmin@hengtong-net.cn", "技术总监")],
    "V-GZFF": [
        ("Alan Cheung", "13925506618", "alan.cheung@fastfix.com.cn", "Service Manager"),
        ("Mandy Chan", "13602287740", "mandy.chan@fastfix.com.cn", "Dispatcher"),
    ],
    "V-XAQC": [("任卫东", "13891975526", "ren.weidong@qcrepair.cn", "维修部经理")],
}
