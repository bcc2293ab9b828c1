"""Spare parts (备件), warehouses (仓库) and stock levels: screens and REST APIs.

Warehouses are central, regional, an engineer's van (owned by the engineer) or
vendor-held (consignment stock the vendor sees). Stock levels are read only, on screen
and in the API: quantities change only through the stock ledger (views/stock_ledger.py),
so each bucket always equals the sum of its movements.
A vendor user sees only its vendor-held warehouses and their stock.
"""

from __future__ import annotations

from flask import g
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from app.display import blank_if_none, enum_labeller, joined_names, yes_no
from app.domain.errors import ValidationError
from app.domain.stock_alerts import below_safety_stock
from app.domain.stock_scope import follow_warehouse_vendor
from app.extensions import db
from app.form_fields import ActiveOrCurrent, LabelledEnumField
from app.security.roles import STOCK
from models.enums import WarehouseKind
from models.stock import SparePart, StockLevel, Warehouse
from views.base import AppModelApi, AppModelView, refuse_as_bad_request
from views.interfaces import LeanInterface
from views.support import ENGINEER, HasRole, money

BELOW = "below_safety_stock"  # derived: on hand below the part's safety stock
SAFETY_STOCK = "spare_part.safety_stock"


def below_safety_stock_ids() -> set[int]:
    """The stock levels below safety stock (the domain's SQL rule), read once per request for every row shown."""
    if "below_safety_stock_ids" not in g:
        g.below_safety_stock_ids = set(db.session.scalars(select(StockLevel.id).where(below_safety_stock())))
    return g.below_safety_stock_ids


def below_badge(below) -> Markup:
    if below is None or below == "":
        return Markup("")
    if below:
        return Markup('<span class="label label-danger">{}</span>').format(yes_no(True))
    return Markup("{}").format(yes_no(False))


# ---------------------------------------------------------------------------------------------
# Rules. Nothing is flushed while checking: a half-edited record never reaches the database
# (nor trips its check constraints) before it passes.
# ---------------------------------------------------------------------------------------------


def warehouse_problems(session: Session, warehouse: Warehouse) -> list[str]:
    """Every rule the (unsaved) warehouse breaks, as translated sentences."""
    problems: list[str] = []
    with session.no_autoflush:
        warehouse.code = (warehouse.code or "").strip()
        taken = session.scalars(
            select(Warehouse).where(Warehouse.code == warehouse.code, Warehouse.id != (warehouse.id or 0))
        ).first()
        if taken is not None:
            problems.append(
                _("The code %(code)s is already used by %(warehouse)s.", code=warehouse.code, warehouse=taken)
            )
        owner, vendor, kind = warehouse.owner, warehouse.vendor, warehouse.kind
        if kind is WarehouseKind.VAN and owner is None:
            problems.append(_("An engineer van needs its engineer: choose the owner."))
        if owner is not None and ENGINEER not in {role.name for role in owner.roles}:
            problems.append(_("%(name)s is not a service engineer; a warehouse's owner must be one.", name=owner))
        if kind is WarehouseKind.VENDOR and vendor is None:
            problems.append(_("A vendor-held warehouse needs its service vendor."))
        if kind is not WarehouseKind.VENDOR and vendor is not None:
            problems.append(
                _(
                    "Only vendor-held warehouses belong to a service vendor (who then sees their stock): "
                    "choose the kind %(kind)s or clear the vendor.",
                    kind=WarehouseKind.VENDOR.label,
                )
            )
    return problems


def check_warehouse(session: Session, warehouse: Warehouse) -> None:
    problems = warehouse_problems(session, warehouse)
    if problems:
        raise ValidationError(" ".join(problems))


def save_warehouse(session: Session, warehouse: Warehouse) -> None:
    """Check an edited warehouse; its stock levels follow its vendor in the same transaction."""
    check_warehouse(session, warehouse)
    if warehouse.id is not None:
        vendor_id = warehouse.vendor.id if warehouse.vendor is not None else None
        follow_warehouse_vendor(session, warehouse.id, vendor_id)


def check_spare_part(session: Session, part: SparePart) -> None:
    problems: list[str] = []
    with session.no_autoflush:
        part.part_number = (part.part_number or "").strip()
        taken = session.scalars(
            select(SparePart).where(SparePart.part_number == part.part_number, SparePart.id != (part.id or 0))
        ).first()
        if taken is not None:
            problems.append(
                _(
                    "Part number %(number)s already exists: %(part)s. Each spare part needs its own part number.",
                    number=part.part_number,
                    part=taken,
                )
            )
        if part.unit_cost is not None and part.unit_cost < 0:
            problems.append(_("The unit cost cannot be negative."))
        if part.safety_stock is not None and part.safety_stock < 0:
            problems.append(_("The safety stock cannot be negative."))
        if part.reorder_quantity is not None and part.reorder_quantity < 0:
            problems.append(_("The reorder quantity cannot be negative."))
    if problems:
        raise ValidationError(" ".join(problems))


# ---------------------------------------------------------------------------------------------
# Screens
# ---------------------------------------------------------------------------------------------

LABELS = {
    "code": _l("Code"),
    "name": _l("Name"),
    "kind": _l("Kind"),
    "region": _l("Region"),
    "owner": _l("Owner (engineer)"),
    "vendor": _l("Service vendor"),
    "address": _l("Address"),
    "active": _l("Active"),
    "part_number": _l("Part number"),
    "unit": _l("Unit"),
    "unit_cost": _l("Unit cost"),
    "safety_stock": _l("Safety stock"),
    "reorder_quantity": _l("Reorder quantity"),
    "serialized": _l("Serialized"),
    "returnable": _l("Returnable"),
    "compatible_models": _l("Compatible asset models"),
    "spare_part": _l("Spare part"),
    "warehouse": _l("Warehouse"),
    "on_hand": _l("On hand"),
    "defective": _l("Defective"),
    "in_repair": _l("In repair"),
    SAFETY_STOCK: _l("Safety stock"),
    BELOW: _l("Below safety stock"),
    "created_at": _l("Created at"),
    "updated_at": _l("Updated at"),
}


class StockInterface(LeanInterface):
    """Stock levels plus the derived ``below_safety_stock`` column, for lists and pages."""

    def _get_attr_value(self, item, col):
        if col == BELOW and isinstance(item, StockLevel):
            return item.id in below_safety_stock_ids()
        return super()._get_attr_value(item, col)


class StockLevelView(AppModelView):
    route_base = "/stock-levels"
    datamodel = StockInterface(StockLevel)
    class_permission_name = STOCK
    base_permissions = ["can_read"]  # stock moves only through the stock ledger
    exclude_route_methods = {"add", "edit", "delete", "action", "action_post", "download"}
    noun = _l("Stock level")
    list_template = "desk/stock_levels_list.html"  # says where quantities change
    label_columns = LABELS
    list_columns = ["spare_part", "warehouse", "on_hand", "defective", "in_repair", SAFETY_STOCK, BELOW]
    show_columns = list_columns
    search_columns = ["spare_part", "warehouse", "on_hand"]
    order_columns = ["on_hand"]
    formatters_columns = {BELOW: below_badge}
    base_order = ("spare_part.part_number", "asc")

    def _export_value(self, item, column: str):
        if column == BELOW:
            return yes_no(item.id in below_safety_stock_ids())
        if column == SAFETY_STOCK:
            return item.spare_part.safety_stock
        return super()._export_value(item, column)


class PartStockView(StockLevelView):
    """A spare part's stock, warehouse by warehouse, shown on the part's page."""

    route_base = "/part-stock"
    list_columns = ["warehouse", "on_hand", "defective", "in_repair", SAFETY_STOCK, BELOW]
    formatters_columns = StockLevelView.formatters_columns  # a subclass's own declarations only are kept
    base_order = ("warehouse.code", "asc")


PartStockView.list_title = _l("Stock by warehouse")


class WarehouseView(AppModelView):
    route_base = "/warehouses"
    datamodel = LeanInterface(Warehouse)
    class_permission_name = STOCK
    noun = _l("Warehouse")
    label_columns = LABELS
    list_columns = ["code", "name", "kind", "region", "owner", "vendor", "active"]
    search_columns = ["code", "name", "kind", "region", "owner", "vendor", "active"]
    add_columns = edit_columns = ["code", "name", "kind", "region", "owner", "vendor", "address", "active"]
    show_columns = [*add_columns, "created_at", "updated_at"]
    description_columns = {
        "code": _l("Unique, e.g. WH-SH"),
        "owner": _l("The engineer whose van this is; required for engineer vans"),
        "vendor": _l("Required for vendor-held warehouses, and only for them: the vendor sees their stock"),
    }
    formatters_columns = {
        "kind": enum_labeller(WarehouseKind),
        **dict.fromkeys(["region", "owner", "vendor", "address"], blank_if_none),
    }
    add_form_query_rel_fields = edit_form_query_rel_fields = {
        "owner": [["id", ActiveOrCurrent, (Warehouse, "owner")], ["id", HasRole, (ENGINEER,)]],
    }
    search_form_query_rel_fields = {"owner": [["id", HasRole, (ENGINEER,)]]}
    search_form_extra_fields = {
        "kind": LabelledEnumField(WarehouseKind, label=LABELS["kind"], validators=[DataRequired()]),
    }
    related_views = [StockLevelView]
    base_order = ("code", "asc")

    def pre_add(self, item: Warehouse) -> None:
        check_warehouse(self.datamodel.session, item)

    def pre_update(self, item: Warehouse) -> None:
        save_warehouse(self.datamodel.session, item)


class SparePartView(AppModelView):
    route_base = "/spare-parts"
    datamodel = SQLAInterface(SparePart)
    class_permission_name = STOCK
    noun = _l("Spare part")
    label_columns = LABELS
    list_columns = [
        "part_number",
        "name",
        "unit",
        "unit_cost",
        "safety_stock",
        "reorder_quantity",
        "serialized",
        "returnable",
        "active",
    ]
    search_columns = ["part_number", "name", "compatible_models", "serialized", "returnable", "active"]
    add_columns = edit_columns = [
        "part_number",
        "name",
        "unit",
        "unit_cost",
        "safety_stock",
        "reorder_quantity",
        "serialized",
        "returnable",
        "compatible_models",
        "active",
    ]
    show_fieldsets = [
        (_l("Spare part"), {"fields": ["part_number", "name", "unit", "unit_cost", "active"]}),
        (_l("Stock rules"), {"fields": ["safety_stock", "reorder_quantity", "serialized", "returnable"]}),
        (_l("Fits"), {"fields": ["compatible_models"]}),
        (_l("Record"), {"fields": ["created_at", "updated_at"], "expanded": False}),
    ]
    description_columns = {
        "part_number": _l("Unique, e.g. SP-SRV-001"),
        "unit": _l("e.g. 个, 块, 套"),
        "safety_stock": _l("A reorder alert is raised when the stock falls below it"),
        "reorder_quantity": _l("How many to order when the stock falls below the safety stock"),
        "serialized": _l("Each piece has a serial number, recorded when it is issued"),
        "returnable": _l("The defective part is returned for repair (RMA) after replacement"),
    }
    formatters_columns = {"unit_cost": money, "compatible_models": joined_names}
    add_form_extra_fields = edit_form_extra_fields = {
        # FAB's own unique check says only "Already exists."; check_spare_part names the part.
        "part_number": StringField(LABELS["part_number"], validators=[DataRequired(), Length(max=60)]),
    }
    related_views = [PartStockView]
    base_order = ("part_number", "asc")

    save_rule = check_spare_part

    def _export_value(self, item, column: str):
        return item.unit_cost if column == "unit_cost" else super()._export_value(item, column)  # a number to sum


# ---------------------------------------------------------------------------------------------
# REST APIs
# ---------------------------------------------------------------------------------------------


class WarehouseApi(AppModelApi):
    resource_name = "warehouse"
    datamodel = SQLAInterface(Warehouse)
    class_permission_name = STOCK
    label_columns = LABELS
    base_order = ("code", "asc")  # stable pages: LIMIT/OFFSET without ORDER BY may repeat rows
    list_columns = ["id", "code", "name", "kind", "region.name", "owner.id", "vendor.id", "vendor.code", "active"]
    show_columns = [  # related rows by chosen fields: a whole user account would include its password hash
        "id",
        "code",
        "name",
        "kind",
        "region.id",
        "region.code",
        "owner.id",
        "owner.username",
        "vendor.id",
        "vendor.code",
        "address",
        "active",
    ]
    add_columns = edit_columns = WarehouseView.add_columns
    search_columns = ["code", "name", "kind", "region", "owner", "vendor", "active"]
    order_columns = ["code", "name", "kind"]
    add_query_rel_fields = edit_query_rel_fields = WarehouseView.add_form_query_rel_fields

    def pre_add(self, item: Warehouse) -> None:
        refuse_as_bad_request(check_warehouse, self.datamodel.session, item)

    def pre_update(self, item: Warehouse) -> None:
        refuse_as_bad_request(save_warehouse, self.datamodel.session, item)


class SparePartApi(AppModelApi):
    resource_name = "spare_part"
    datamodel = SQLAInterface(SparePart)
    class_permission_name = STOCK
    label_columns = LABELS
    base_order = ("part_number", "asc")
    list_columns = ["id", *SparePartView.list_columns]
    show_columns = [
        "id",
        "part_number",
        "name",
        "unit",
        "unit_cost",
        "safety_stock",
        "reorder_quantity",
        "serialized",
        "returnable",
        "compatible_models.id",
        "compatible_models.brand",
        "compatible_models.model",
        "active",
    ]
    add_columns = edit_columns = SparePartView.add_columns
    search_columns = ["part_number", "name", "compatible_models", "serialized", "returnable", "active"]
    order_columns = ["part_number", "name", "unit_cost"]

    save_rule = check_spare_part


class StockLevelApi(AppModelApi):
    """Read only for everyone: stock moves only through the stock ledger (``/api/v1/stockledger/``)."""

    resource_name = "stock_level"
    datamodel = SQLAInterface(StockLevel)
    class_permission_name = STOCK
    label_columns = LABELS
    base_permissions = ["can_read"]
    exclude_route_methods = {"post", "put", "delete"}
    base_order = ("id", "asc")
    list_columns = show_columns = [
        "id",
        "spare_part.id",
        "spare_part.part_number",
        "spare_part.name",
        SAFETY_STOCK,
        "warehouse.id",
        "warehouse.code",
        "warehouse.name",
        "on_hand",
        "defective",
        "in_repair",
    ]
    search_columns = ["spare_part", "warehouse", "on_hand"]
    order_columns = ["on_hand"]

    def pre_get(self, data) -> None:
        _add_below_flag(data["result"])

    def pre_get_list(self, data) -> None:
        for row in data["result"]:
            _add_below_flag(row)


def _add_below_flag(row: dict) -> None:
    row[BELOW] = row["id"] in below_safety_stock_ids()


def register(appbuilder) -> None:
    from views import RESOURCES, add_to_menu

    add_to_menu(appbuilder, WarehouseView, "Warehouses", _l("Warehouses"), "fa-home", RESOURCES)
    add_to_menu(appbuilder, SparePartView, "Spare parts", _l("Spare parts"), "fa-cogs", RESOURCES)
    add_to_menu(appbuilder, StockLevelView, "Stock levels", _l("Stock levels"), "fa-cubes", RESOURCES)
    appbuilder.add_view_no_menu(PartStockView)
    for api in (WarehouseApi, SparePartApi, StockLevelApi):
        appbuilder.add_api(api)
