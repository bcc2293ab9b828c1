"""The stock ledger (备件台账): the movement list, the forms that record movements, and its REST API.

Every quantity change goes through ``app.domain.stock_ledger.move``; nothing here edits or
deletes a movement (a mistake is corrected by another movement). Staff record receipts,
transfers, adjustments and the repair loop on the ledger's own forms. Whoever works a work
order — staff, or the vendor it is assigned to — issues parts to it, returns unused ones and
returns replaced parts as defective from the work order page (``desk/_parts_used.html``),
and only from warehouses they may use: staff any active one, a vendor its vendor-held ones.
A vendor sees only the movements of its vendor-held warehouses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlsplit

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.display import enum_labeller, refusal
from app.domain.errors import DomainError
from app.domain.stock_ledger import (
    CLOSED_REQUESTS,
    CLOSED_WORK_ORDERS,
    WORK_ORDER_KINDS,
    StockRefused,
    move,
)
from app.extensions import db
from app.security.permissions import RW_METHODS, WRITE
from app.security.roles import STOCK_LEDGER
from app.security.scoping import Scope, current_scope, scope_clause, scope_of
from models.base import utcnow
from models.enums import StockMoveKind, WarehouseKind
from models.stock import SparePart, StockLevel, StockMovement, Warehouse
from models.work_orders import WorkOrder
from views.base import AppModelApi, AppModelView
from views.interfaces import LeanInterface

K = StockMoveKind
STAFF_KINDS = (K.RECEIPT, K.TRANSFER, K.ADJUSTMENT, K.SENT_TO_REPAIR, K.REPAIRED, K.SCRAPPED)
MAX_SERIALS = 500


def N_(message: str) -> str:
    return message


# ---------------------------------------------------------------------------------------------
# Who may move what, and the translated refusal
# ---------------------------------------------------------------------------------------------


def usable_warehouses(session: Session, scope: Scope) -> list[Warehouse]:
    """The active warehouses a user may move stock out of or into: staff any, a vendor its vendor-held ones."""
    if scope.kind not in ("staff", "vendor"):
        return []
    stmt = select(Warehouse).where(Warehouse.active.is_(True)).order_by(Warehouse.code)
    if not scope.is_staff:
        stmt = stmt.where(Warehouse.kind == WarehouseKind.VENDOR, Warehouse.vendor_id == scope.organisation_id)
    return list(session.scalars(stmt))


@dataclass
class MoveRequest:
    """What a form or an API call asks for, before the ledger's rules are applied."""

    kind: StockMoveKind
    part_id: int | None
    warehouse_id: int | None
    quantity: int | None
    to_warehouse_id: int | None = None
    work_order_id: int | None = None
    serials_installed: list[str] = field(default_factory=list)
    serials_removed: list[str] = field(default_factory=list)
    reference: str | None = None
    note: str | None = None

    @classmethod
    def parse(cls, data: Mapping, kind: StockMoveKind | None = None) -> MoveRequest:
        """From form fields or a JSON object; a malformed value is refused with a sentence."""
        kind = kind or _kind(data.get("kind"))
        if kind is None:
            raise StockRefused(N_("Choose the kind of movement."))
        return cls(
            kind=kind,
            part_id=_whole(data.get("part_id"), N_("Choose a spare part.")),
            warehouse_id=_whole(data.get("warehouse_id"), N_("Choose a warehouse.")),
            quantity=_whole(data.get("quantity"), N_("The quantity must be a whole number.")),
            to_warehouse_id=_whole(data.get("to_warehouse_id"), N_("Choose the warehouse to transfer to.")),
            work_order_id=_whole(data.get("work_order_id"), N_("Choose the work order the parts are used on.")),
            serials_installed=_serial_list(data.get("serials_installed")),
            serials_removed=_serial_list(data.get("serials_removed")),
            reference=_string(data.get("reference")),
            note=_string(data.get("note")),
        )


def _kind(value) -> StockMoveKind | None:
    if isinstance(value, str):
        for kind in StockMoveKind:
            if value.strip().lower() in (kind.name.lower(), str(kind.value).lower()):
                return kind
    return None


def _whole(value, message: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise StockRefused(message)
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        raise StockRefused(message) from None


def _string(value) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise StockRefused(N_("A reference or note is text."))
    return value


def _serial_list(value) -> list[str]:
    """A list, or text with one serial number per line (commas and semicolons also separate)."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = value.replace(",", "\n").replace(";", "\n").replace("，", "\n").splitlines()
    if not isinstance(value, list) or len(value) > MAX_SERIALS or not all(isinstance(v, str) for v in value):
        raise StockRefused(N_("Serial numbers are a list of texts."))
    return [serial.strip() for serial in value if serial.strip()]


def record(session: Session, user, wanted: MoveRequest) -> StockMovement:
    """Apply the user's rights, then the ledger's rules; the caller commits or rolls back."""
    scope = scope_of(user)
    if wanted.kind in WORK_ORDER_KINDS:
        visible = wanted.work_order_id is not None and session.scalar(
            select(WorkOrder.id).where(WorkOrder.id == wanted.work_order_id, scope_clause(WorkOrder, scope))
        )
        if not visible or scope.kind not in ("staff", "vendor"):
            raise StockRefused(N_("Choose the work order the parts are used on."))
        if not scope.is_staff:
            warehouse = session.get(Warehouse, wanted.warehouse_id) if wanted.warehouse_id else None
            if warehouse is not None and warehouse.vendor_id != scope.organisation_id:
                raise StockRefused(N_("Choose one of your own warehouses."))
    elif not scope.is_staff:
        raise StockRefused(N_("Only service desk staff record receipts, transfers, adjustments and repairs."))
    if wanted.part_id is None:
        raise StockRefused(N_("Choose a spare part."))
    if wanted.warehouse_id is None:
        raise StockRefused(N_("Choose a warehouse."))
    if wanted.quantity is None:
        raise StockRefused(N_("The quantity must be a whole number."))
    return move(
        session,
        wanted.kind,
        part_id=wanted.part_id,
        warehouse_id=wanted.warehouse_id,
        quantity=wanted.quantity,
        now=utcnow(),
        to_warehouse_id=wanted.to_warehouse_id,
        work_order_id=wanted.work_order_id,
        serials_installed=wanted.serials_installed,
        serials_removed=wanted.serials_removed,
        reference=wanted.reference,
        note=wanted.note,
        actor_id=user.id,
    )


# ---------------------------------------------------------------------------------------------
# Parts used on a work order (desk/_parts_used.html)
# ---------------------------------------------------------------------------------------------


@dataclass
class PartLine:
    part: SparePart
    issued: int = 0
    returned: int = 0
    defective: int = 0
    cost: Decimal = Decimal("0")

    @property
    def used(self) -> int:
        return self.issued - self.returned


@dataclass
class PartsUsed:
    movements: list[StockMovement]
    lines: list[PartLine]
    total_cost: Decimal
    can_move: bool
    warehouses: list[Warehouse]
    stocked_parts: list[SparePart]  # parts with stock in a usable warehouse: what can be issued


def parts_used(work_order: WorkOrder) -> PartsUsed:
    """What the work order page shows of its parts, and what the user may still do with them."""
    session = db.session
    movements = list(
        session.scalars(
            select(StockMovement)
            .where(StockMovement.work_order_id == work_order.id)
            .order_by(StockMovement.created_at, StockMovement.id)
        )
    )
    lines: dict[int, PartLine] = {}
    for movement in movements:
        line = lines.setdefault(movement.spare_part_id, PartLine(movement.spare_part))
        if movement.kind is K.ISSUE:
            line.issued += movement.quantity
            line.cost += movement.quantity * movement.unit_cost
        elif movement.kind is K.RETURN:
            line.returned += movement.quantity
            line.cost -= movement.quantity * movement.unit_cost
        elif movement.kind is K.DEFECTIVE_RETURN:
            line.defective += movement.quantity
    is_open = work_order.status not in CLOSED_WORK_ORDERS and work_order.request.status not in CLOSED_REQUESTS
    can_move = is_open and g.user is not None and g.user.is_authenticated and _can_write()
    warehouses = usable_warehouses(session, current_scope()) if can_move else []
    stocked: list[SparePart] = []
    if warehouses:
        stocked = list(
            session.scalars(
                select(SparePart)
                .where(
                    SparePart.active.is_(True),
                    SparePart.id.in_(
                        select(StockLevel.spare_part_id).where(
                            StockLevel.on_hand > 0, StockLevel.warehouse_id.in_([w.id for w in warehouses])
                        )
                    ),
                )
                .order_by(SparePart.part_number)
            )
        )
    ordered = sorted(lines.values(), key=lambda line: line.part.part_number)
    return PartsUsed(
        movements, ordered, sum((line.cost for line in ordered), Decimal("0")), can_move, warehouses, stocked
    )


def _can_write() -> bool:
    return current_app.appbuilder.sm.has_access("can_write", STOCK_LEDGER)


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: an absolute or scheme-relative URL could send the user elsewhere."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


# ---------------------------------------------------------------------------------------------
# Screens
# ---------------------------------------------------------------------------------------------

LABELS = {
    "created_at": _l("When"),
    "kind": _l("Movement"),
    "spare_part": _l("Spare part"),
    "warehouse": _l("Warehouse"),
    "to_warehouse": _l("To warehouse"),
    "quantity": _l("Quantity"),
    "unit_cost": _l("Unit cost"),
    "work_order": _l("Work order"),
    "serials_installed": _l("Serial numbers installed"),
    "serials_removed": _l("Serial numbers removed"),
    "reference": _l("Reference"),
    "note": _l("Note"),
    "actor_label": _l("By"),
}
FORM_TITLES = {
    K.RECEIPT: _l("Record a receipt"),
    K.TRANSFER: _l("Transfer between warehouses"),
    K.ADJUSTMENT: _l("Adjust stock after a count"),
    K.SENT_TO_REPAIR: _l("Send defective parts to repair"),
    K.REPAIRED: _l("Repaired parts back to stock"),
    K.SCRAPPED: _l("Scrap parts beyond repair"),
}
FORM_HINTS = {
    K.RECEIPT: _l("Adds to the usable stock (on hand) of the warehouse."),
    K.TRANSFER: _l("Moves usable stock from one warehouse to another."),
    K.ADJUSTMENT: _l("Corrects the usable stock: a positive quantity adds, a negative one removes. Say why."),
    K.SENT_TO_REPAIR: _l("Moves defective parts of the warehouse to “in repair”; put the RMA number in the reference."),
    K.REPAIRED: _l("Moves parts back from “in repair” to the usable stock."),
    K.SCRAPPED: _l("Removes parts that are in repair and cannot be repaired; they leave the stock for good."),
}


def serial_list_text(value) -> str:
    return _(", ").join(value or ())


class StockLedgerView(AppModelView):
    route_base = "/stock-ledger"
    datamodel = LeanInterface(StockMovement)
    class_permission_name = STOCK_LEDGER
    method_permission_name = {**RW_METHODS, "move": WRITE, "work_order_move": WRITE}
    exclude_route_methods = {"add", "edit", "delete", "action", "action_post", "download"}
    noun = _l("Stock movement")
    list_template = "desk/stock_ledger_list.html"
    label_columns = LABELS
    list_columns = [
        "created_at",
        "kind",
        "spare_part",
        "warehouse",
        "to_warehouse",
        "quantity",
        "work_order",
        "serials_installed",
        "serials_removed",
        "actor_label",
    ]
    show_columns = [*list_columns[:6], "unit_cost", *list_columns[6:], "reference", "note"]
    export_columns = show_columns
    # Not by work order here: its dropdown would list every work order; the work order page shows its parts.
    search_columns = ["kind", "spare_part", "warehouse", "to_warehouse", "created_at", "reference"]
    order_columns = ["created_at", "quantity"]
    formatters_columns = {
        "kind": enum_labeller(StockMoveKind),
        "serials_installed": serial_list_text,
        "serials_removed": serial_list_text,
        "to_warehouse": lambda value: "" if value is None else str(value),
        "work_order": lambda value: "" if value is None else str(value),
    }
    base_order = ("created_at", "desc")

    def _export_value(self, item, column: str):
        if column in ("serials_installed", "serials_removed"):
            return serial_list_text(getattr(item, column))
        return super()._export_value(item, column)

    def render_template(self, template, **kwargs):
        staff_writer = current_scope().is_staff and _can_write()
        kwargs.setdefault("move_forms", [(kind, FORM_TITLES[kind]) for kind in STAFF_KINDS] if staff_writer else [])
        return super().render_template(template, **kwargs)

    @expose("/move/<kind>", methods=["GET", "POST"])
    @has_access
    def move(self, kind: str):
        """A staff form: receipt, transfer, adjustment, send to repair, repaired, scrapped."""
        move_kind = _kind(kind)
        if move_kind not in STAFF_KINDS or not current_scope().is_staff:
            abort(404)
        session = self.datamodel.session
        values = request.form if request.method == "POST" else {}
        if request.method == "POST":
            try:
                movement = record(session, g.user, MoveRequest.parse(request.form, move_kind))
                session.commit()
            except DomainError as error:
                session.rollback()
                flash(refusal(error), "danger")
            else:
                flash(_recorded(movement), "success")
                return redirect(url_for(".list"))
        return self.render_template(
            "desk/stock_move.html",
            kind=move_kind,
            title=str(FORM_TITLES[move_kind]),
            hint=FORM_HINTS[move_kind],
            values=values,
            parts=session.scalars(
                select(SparePart).where(SparePart.active.is_(True)).order_by(SparePart.part_number)
            ).all(),
            warehouses=usable_warehouses(session, current_scope()),
        )

    @expose("/work-order/<int:work_order_id>/<kind>", methods=["POST"])
    @has_access
    def work_order_move(self, work_order_id: int, kind: str):
        """Issue, return unused or return defective on a work order; back to where the form was."""
        move_kind = _kind(kind)
        if move_kind not in WORK_ORDER_KINDS:
            abort(404)
        session = self.datamodel.session
        form = {**request.form.to_dict(), "work_order_id": work_order_id}
        try:
            movement = record(session, g.user, MoveRequest.parse(form, move_kind))
            session.commit()
        except DomainError as error:
            session.rollback()
            flash(refusal(error), "danger")
        else:
            flash(_recorded(movement), "success")
        return redirect(_safe_next(request.form.get("next")) or url_for(".list"))


def _recorded(movement: StockMovement) -> str:
    return _(
        "Recorded: %(kind)s, %(quantity)s × %(part)s.",
        kind=movement.kind.label,
        quantity=movement.quantity,
        part=movement.spare_part,
    )


# ---------------------------------------------------------------------------------------------
# REST API
# ---------------------------------------------------------------------------------------------


class StockLedgerApi(AppModelApi):
    """The scoped ledger, and ``POST /api/v1/stockledger/`` to record a movement (400 with the reason if refused)."""

    resource_name = "stockledger"
    datamodel = SQLAInterface(StockMovement)  # dotted columns are loaded by FAB's own joins
    class_permission_name = STOCK_LEDGER
    exclude_route_methods = {"put", "delete"}
    label_columns = LABELS
    base_order = ("id", "desc")
    list_columns = show_columns = [
        "id",
        "created_at",
        "kind",
        "spare_part.id",
        "spare_part.part_number",
        "spare_part.name",
        "warehouse.id",
        "warehouse.code",
        "to_warehouse.id",
        "to_warehouse.code",
        "quantity",
        "unit_cost",
        "work_order.id",
        "work_order.number",
        "serials_installed",
        "serials_removed",
        "reference",
        "note",
        "actor_label",
    ]
    add_columns = ["kind", "spare_part", "warehouse", "to_warehouse", "quantity", "work_order", "reference", "note"]
    search_columns = ["kind", "spare_part", "warehouse", "to_warehouse", "work_order", "created_at"]
    order_columns = ["id", "created_at", "quantity"]

    def post_headless(self):
        payload = request.get_json(silent=True)
        if not isinstance(payload, dict):
            return self.response_400(message=_("Send the movement as a JSON object."))
        session = self.datamodel.session
        try:
            movement = record(session, g.user, MoveRequest.parse(payload))
            session.commit()
        except DomainError as error:
            session.rollback()
            return self.response_400(message=refusal(error))
        return self.response(201, id=movement.id, result=self.show_model_schema.dump(movement))


def register(appbuilder) -> None:
    from views import SERVICE_DESK, add_to_menu

    add_to_menu(appbuilder, StockLedgerView, "Stock ledger", _l("Stock ledger"), "fa-exchange", SERVICE_DESK)
    appbuilder.add_api(StockLedgerApi)
    current_app.jinja_env.globals["parts_used"] = parts_used
