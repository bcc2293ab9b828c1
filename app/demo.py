"""Demo data: a believable service company to explore, in Chinese with a few English names.

Each later issue extends ``seed_demo`` for the models it adds. Loaded by
``flask setup`` into an empty database and by ``flask seed-demo``.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from app.extensions import db
from models.organisations import Customer, Vendor

DEMO_PASSWORD = "ServiceDesk#2026"

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


def _add_organisations() -> tuple[dict[str, Customer], dict[str, Vendor]]:
    customers = {
        code: Customer(code=code, name=name, active=code not in INACTIVE_CUSTOMERS) for code, name in CUSTOMERS
    }
    vendors = {code: Vendor(code=code, name=name, active=True) for code, name in VENDORS}
    db.session.add_all([*customers.values(), *vendors.values()])
    db.session.flush()
    return customers, vendors


def _add_accounts(customers: dict[str, Customer], vendors: dict[str, Vendor]) -> int:
    sm = current_app.appbuilder.sm
    for account in DEMO_ACCOUNTS:
        role = sm.find_role(account.role)
        if role is None:
            raise RuntimeError(f"role {account.role} missing: run `flask roles sync` first")
        user = sm.user_model(
            username=account.username,
            first_name=account.first_name,
            last_name=account.last_name,
            email=f"{account.username}@demo.servicedesk.cn",
            active=account.active,
            roles=[role],
            preferred_language=account.language,
            vendor=vendors.get(account.vendor_code) if account.vendor_code else None,
            customer=customers.get(account.customer_code) if account.customer_code else None,
        )
        user.password = _hash(DEMO_PASSWORD)
        db.session.add(user)
    return len(DEMO_ACCOUNTS)


def _hash(password: str) -> str:
    from werkzeug.security import generate_password_hash

    method = current_app.config.get("FAB_PASSWORD_HASH_METHOD", "scrypt")
    return generate_password_hash(password, method=method)


def seed_demo() -> dict[str, int]:
    """Add the demo rows and commit; returns how many of each were added."""
    customers, vendors = _add_organisations()
    accounts = _add_accounts(customers, vendors)
    db.session.commit()
    return {"customers": len(customers), "vendors": len(vendors), "accounts": accounts}
