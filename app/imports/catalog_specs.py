"""One import spec per catalog: which columns a file may have, the key, the rules.

Headers are accepted in English and Chinese (case, spaces, underscores and a "*"
marking required columns do not matter). Plain columns take their parser from the
model column's type and length; references name what they look up. Asset rows pass
the same rules as the asset screen (``app.domain.assets``), checked on the file as a whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.assets import AssetDraft, batch_problems
from app.imports.parsers import (
    EmailValue,
    OneOfValue,
    PendingRef,
    Reference,
    RowContext,
    SameFileReference,
    TextValue,
    WeekdayValue,
    as_text,
    check_found,
    fold,
)
from app.imports.spec import Column, FileRow, ImportSpec, problem_text
from models.assets import Asset, AssetModel
from models.calendars import Calendar, CalendarDay
from models.enums import CalendarDayKind
from models.organisations import Contact, Customer, Site
from models.reference import Region
from models.stock import SparePart
from models.users import LANGUAGE_CODES

CUSTOMER_BY_CODE = Reference(Customer, ("code",), _l("Customer"), _l("customer code"))
REGION_BY_CODE_OR_NAME = Reference(Region, ("code", "name"), _l("Region"), _l("region code or name"))


@dataclass(frozen=True)
class AssetModelReference:
    """An asset model by "brand model" in one cell, or by model with the brand in ``brand_column``."""

    brand_column: str
    hint = _l('brand and model ("Dell PowerEdge R740"), or the model with a brand column')

    def __call__(self, raw: Any, ctx: RowContext) -> AssetModel:
        text = as_text(raw)
        brand = ctx.values.get(self.brand_column)
        every = ctx.lookups.cached(AssetModel, lambda: ctx.session.scalars(select(AssetModel)).all())
        if brand:
            found = [m for m in every if fold(m.brand) == fold(brand) and fold(m.model) == fold(text)]
            text = f"{brand} {text}"
        else:
            found = [m for m in every if fold(f"{m.brand} {m.model}") == fold(text)]
        return check_found(found, _l("Asset model"), text)


def customer_column(**options) -> Column:
    return Column("customer", ("customer code", "客户编码", "customer", "客户"), CUSTOMER_BY_CODE, **options)


def active_column() -> Column:
    return Column("active", ("active", "启用"))


def of_the_customer(name: str) -> Any:
    """A rule: the record in ``name`` (kept from before when not given) belongs to the row's customer."""

    def rule(values: Mapping[str, Any]) -> Iterable[tuple[str, Any]]:
        record, customer = values[name], values["customer"]
        if record is not None and customer is not None and record.customer_id != customer.id:
            yield name, _l("%(value)s belongs to another customer.", value=str(record))

    return rule


def assets_of_the_file(session: Session, rows: Sequence[FileRow]) -> Iterable[tuple[int, str, Any]]:
    """The asset rules (app.domain.assets) on every row to write at once: parents created by
    the file, loops through several rows, modules moved together with their server."""
    drafts = []
    for row in rows:
        values = row.values
        parent = values["parent"]
        drafts.append(
            AssetDraft(
                serial_number=values["serial_number"],
                customer=values["customer"],
                record=row.target,
                site=values["site"],
                parent=parent.key[0] if isinstance(parent, PendingRef) else parent,
                warranty_start=values["warranty_start"],
                warranty_end=values["warranty_end"],
            )
        )
    for index, problems in enumerate(batch_problems(session, drafts)):
        for problem in problems:
            yield index, problem.attribute, problem_text(problem)


def weekday_only_for_makeup_days(values: Mapping[str, Any]) -> Iterable[tuple[str, Any]]:
    kind, weekday = values["kind"], values["borrowed_weekday"]
    if kind is CalendarDayKind.MAKEUP_WORKDAY and weekday is None:
        yield "borrowed_weekday", _l("A make-up working day needs the weekday whose working hours it follows.")
    if kind is CalendarDayKind.HOLIDAY and weekday is not None:
        yield "borrowed_weekday", _l("Only make-up working days borrow a weekday; leave it empty for holidays.")


CUSTOMERS = ImportSpec(
    kind="customers",
    label=_l("Customers"),
    model=Customer,
    key=("code",),
    columns=(
        Column("code", ("code", "编码", "customer code", "客户编码"), required=True),
        Column("name", ("name", "名称", "customer name", "客户名称"), required=True),
        Column("short_name", ("short name", "简称")),
        Column("industry", ("industry", "行业")),
        Column("region", ("region", "区域"), REGION_BY_CODE_OR_NAME),
        Column("service_tier", ("service tier", "服务等级")),
        Column("phone", ("phone", "电话")),
        Column("address", ("address", "地址")),
        Column("notes", ("notes", "备注")),
        active_column(),
    ),
)

CONTACTS = ImportSpec(
    kind="contacts",
    label=_l("Contacts"),
    model=Contact,
    key=("customer", "email"),
    columns=(
        customer_column(required=True),
        Column(
            "email", ("e-mail", "邮箱", "email", "电子邮件", "电子邮箱"), EmailValue(200), required=True, fold_case=True
        ),
        Column("name", ("name", "姓名"), required=True),
        Column("phone", ("phone", "电话")),
        Column("job_title", ("job title", "职务")),
        Column(
            "preferred_language", ("language", "语言", "preferred language", "首选语言"), OneOfValue(LANGUAGE_CODES)
        ),
        active_column(),
    ),
)

SITES = ImportSpec(
    kind="sites",
    label=_l("Sites"),
    model=Site,
    key=("customer", "name"),
    columns=(
        customer_column(required=True),
        Column("name", ("site name", "站点名称", "name", "名称"), required=True),
        Column("address", ("address", "地址")),
        Column("region", ("region", "区域"), REGION_BY_CODE_OR_NAME),
        Column(
            "contact",
            ("contact e-mail", "联系人邮箱"),
            Reference(
                Contact,
                ("email",),
                _l("Contact"),
                _l("e-mail of a contact of the customer"),
                within=("customer", "customer_id"),
                fold_case=True,
            ),
        ),
        active_column(),
    ),
    rules=(of_the_customer("contact"),),
)

ASSETS = ImportSpec(
    kind="assets",
    label=_l("Assets"),
    model=Asset,
    key=("serial_number",),
    columns=(
        Column("serial_number", ("serial number", "序列号", "serial", "SN"), required=True),
        Column("asset_model_brand", ("brand", "品牌"), TextValue(100), stored=False),
        Column(
            "asset_model",
            ("asset model", "设备型号", "model", "型号"),
            AssetModelReference("asset_model_brand"),
            required=True,
        ),
        customer_column(required=True),
        Column(
            "site",
            ("site", "站点", "site name", "站点名称"),
            Reference(Site, ("name",), _l("Site"), _l("site name of the customer"), within=("customer", "customer_id")),
        ),
        Column(
            "parent",
            ("parent serial number", "上级设备序列号", "parent", "上级设备"),
            SameFileReference(Asset, ("serial_number",), _l("Asset"), _l("serial number, saved or in this file")),
        ),
        Column("install_date", ("install date", "安装日期")),
        Column("warranty_start", ("warranty start", "保修开始")),
        Column("warranty_end", ("warranty end", "保修结束")),
        Column("status", ("status", "状态")),
        Column("notes", ("notes", "备注")),
    ),
    file_rules=(assets_of_the_file,),
)

SPARE_PARTS = ImportSpec(
    kind="spare_parts",
    label=_l("Spare parts"),
    model=SparePart,
    key=("part_number",),
    columns=(
        Column("part_number", ("part number", "备件编号", "part no", "料号"), required=True),
        Column("name", ("name", "名称"), required=True),
        Column("unit", ("unit", "单位")),
        Column("unit_cost", ("unit cost", "单价")),
        Column("safety_stock", ("safety stock", "安全库存")),
        Column("reorder_quantity", ("reorder quantity", "补货数量")),
        Column("serialized", ("serialized", "序列号管理")),
        Column("returnable", ("returnable", "需返还")),
        active_column(),
    ),
)

HOLIDAYS = ImportSpec(
    kind="holidays",
    label=_l("Holidays and make-up working days"),
    model=CalendarDay,
    key=("calendar", "day"),
    columns=(
        Column(
            "calendar",
            ("calendar", "日历"),
            Reference(Calendar, ("name",), _l("Business calendar"), _l("calendar name")),
            required=True,
        ),
        Column("day", ("date", "日期"), required=True),
        Column("kind", ("kind", "类型"), required=True),
        Column("name", ("name", "名称")),
        Column("borrowed_weekday", ("borrowed weekday", "借用星期"), WeekdayValue(), blank_clears=True),
    ),
    rules=(weekday_only_for_makeup_days,),
    formats=("csv", "xlsx", "ics"),
)

SPECS: dict[str, ImportSpec] = {spec.kind: spec for spec in (CUSTOMERS, CONTACTS, SITES, ASSETS, SPARE_PARTS, HOLIDAYS)}
