"""The spare-parts stock ledger: every change of a stock level is one append-only movement.

A ``StockLevel`` holds three buckets per part and warehouse: ``on_hand`` (usable),
``defective`` (replaced parts awaiting repair) and ``in_repair`` (away at the repairer).
``EFFECTS`` says which buckets each kind of movement changes:

    RECEIPT           +on_hand                      goods received (delivery note in ``reference``)
    ISSUE             −on_hand                      installed on a work order (serials_installed)
    RETURN            +on_hand                      unused, back from a work order (≤ issued − returned)
    TRANSFER          −on_hand here, +on_hand at ``to_warehouse_id``
    ADJUSTMENT        ±on_hand                      a stock count's correction (signed, note required)
    DEFECTIVE_RETURN  +defective                    the replaced part, back from a work order (serials_removed)
    SENT_TO_REPAIR    −defective, +in_repair        off to the repairer (RMA number in ``reference``)
    REPAIRED          −in_repair, +on_hand          back from repair, usable again
    SCRAPPED          −in_repair                    the repairer's verdict "beyond repair": only a part
                                                    sent to repair is scrapped, so every defective part
                                                    goes through the repairer's assessment first

Every decrement is ONE conditional ``UPDATE ... SET b = b - n WHERE ... AND b >= n`` whose
row count says whether the stock was there, in the same transaction as the ledger row:
concurrent issues of the last units can never take more than there is, on any backend,
without reading the level first. A missing level row is created by the first increment
(in a savepoint; a concurrent creator's row makes the insert fail, and the update is retried).

A movement's ``vendor_id`` is its warehouse's vendor (for a transfer out of a staff warehouse,
the target's), so a vendor sees the movements of its vendor-held warehouses. The unit cost is
copied from the part, so later price changes do not rewrite what a work order cost.

Refusals are ``StockRefused`` with a msgid (marked ``N_``) and parameters the caller translates.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, insert, literal, select, union_all, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain.errors import DomainError, Msgid
from models.enums import RequestStatus, StockMoveKind, WorkOrderStatus
from models.stock import SparePart, StockLevel, StockMovement, Warehouse
from models.work_orders import WorkOrder

K = StockMoveKind
BUCKETS = ("on_hand", "defective", "in_repair")

# kind → the (bucket, sign) pairs it changes in ``warehouse_id``, decrements first; a transfer also
# adds on_hand at the target.
EFFECTS: dict[StockMoveKind, tuple[tuple[str, int], ...]] = {
    K.RECEIPT: (("on_hand", 1),),
    K.ISSUE: (("on_hand", -1),),
    K.RETURN: (("on_hand", 1),),
    K.TRANSFER: (("on_hand", -1),),
    K.ADJUSTMENT: (("on_hand", 1),),  # the quantity carries the sign
    K.DEFECTIVE_RETURN: (("defective", 1),),
    K.SENT_TO_REPAIR: (("defective", -1), ("in_repair", 1)),
    K.REPAIRED: (("in_repair", -1), ("on_hand", 1)),
    K.SCRAPPED: (("in_repair", -1),),
}
WORK_ORDER_KINDS = frozenset({K.ISSUE, K.RETURN, K.DEFECTIVE_RETURN})
CLOSED_WORK_ORDERS = frozenset({WorkOrderStatus.APPROVED, WorkOrderStatus.CANCELLED})
CLOSED_REQUESTS = frozenset({RequestStatus.CLOSED, RequestStatus.CANCELLED})
MAX_REFERENCE, MAX_NOTE, MAX_SERIAL = 100, 300, 100


def N_(message: str) -> str:
    """Marks a msgid for extraction; the caller translates it."""
    return message


BUCKET_NAMES = {
    "on_hand": N_("on hand"),
    "defective": N_("defective"),
    "in_repair": N_("in repair"),
}


class StockRefused(DomainError):
    """A movement the ledger refuses; ``message`` is a msgid, ``params`` its values. Nothing was written."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message % {key: str(value) for key, value in params.items()})
        self.message = message
        self.params = params


def move(
    session: Session,
    kind: StockMoveKind,
    *,
    part_id: int,
    warehouse_id: int,
    quantity: int,
    now: datetime,
    to_warehouse_id: int | None = None,
    work_order_id: int | None = None,
    serials_installed: Sequence[str] = (),
    serials_removed: Sequence[str] = (),
    reference: str | None = None,
    note: str | None = None,
    actor_id: int | None = None,
    actor_label: str | None = None,
) -> StockMovement:
    """Record one movement and change the stock levels it moves, or refuse and change nothing.

    Runs in the caller's transaction (the caller commits). Work-order movements roll the
    work order's costs up afterwards.
    """
    part = session.get(SparePart, part_id)
    warehouse = session.get(Warehouse, warehouse_id)
    if part is None:
        raise StockRefused(N_("Choose a spare part."))
    if warehouse is None:
        raise StockRefused(N_("Choose a warehouse."))
    _check_quantity(kind, quantity)
    _check_active(part, warehouse)
    target = _transfer_target(kind, warehouse, to_warehouse_id)
    work_order = _work_order(session, kind, work_order_id)
    installed = _serials(
        part,
        kind,
        K.ISSUE,
        serials_installed,
        quantity,
        N_("%(part)s is serialized: enter the serial numbers of the %(quantity)s pieces installed; %(count)s given."),
    )
    removed = _serials(
        part,
        kind,
        K.DEFECTIVE_RETURN,
        serials_removed,
        quantity,
        N_("%(part)s is serialized: enter the serial numbers of the %(quantity)s pieces removed; %(count)s given."),
    )
    reference, note = _text(reference, MAX_REFERENCE), _text(note, MAX_NOTE)
    if kind is K.ADJUSTMENT and not note:
        raise StockRefused(N_("Say why the stock is adjusted: a note is required."))
    if kind is K.RETURN:
        _check_returnable(session, part, work_order, quantity)

    for bucket, sign in EFFECTS[kind]:  # decrements come first: a refusal leaves nothing changed
        _change(session, part, warehouse, bucket, sign * quantity)
    if target is not None:
        _change(session, part, target, "on_hand", quantity)

    movement = StockMovement(
        kind=kind,
        spare_part_id=part.id,
        warehouse_id=warehouse.id,
        to_warehouse_id=target.id if target is not None else None,
        vendor_id=warehouse.vendor_id or (target.vendor_id if target is not None else None),
        quantity=quantity,
        unit_cost=part.unit_cost,
        work_order_id=work_order.id if work_order is not None else None,
        serials_installed=installed,
        serials_removed=removed,
        reference=reference,
        note=note,
        actor_id=actor_id,
        actor_label=(actor_label or _actor_name(session, actor_id) or "")[:100] or None,
        created_at=now,
    )
    session.add(movement)
    session.flush()
    if work_order is not None:
        from app.domain.work_orders import roll_up_costs  # written alongside; imported late, no cycle

        roll_up_costs(session, work_order)
    return movement


# --- checks ---------------------------------------------------------------------------------------


def _check_quantity(kind: StockMoveKind, quantity: object) -> None:
    if not isinstance(quantity, int) or isinstance(quantity, bool):
        raise StockRefused(N_("The quantity must be a whole number."))
    if kind is K.ADJUSTMENT:
        if quantity == 0:
            raise StockRefused(N_("An adjustment changes the stock: enter a quantity other than 0."))
    elif quantity <= 0:
        raise StockRefused(N_("The quantity must be at least 1."))


def _check_active(part: SparePart, *warehouses: Warehouse) -> None:
    if not part.active:
        raise StockRefused(N_("%(part)s is inactive: its stock no longer moves."), part=part)
    for warehouse in warehouses:
        if not warehouse.active:
            raise StockRefused(
                N_("Warehouse %(warehouse)s is inactive: its stock no longer moves."), warehouse=warehouse
            )


def _transfer_target(kind: StockMoveKind, warehouse: Warehouse, to_warehouse_id: int | None) -> Warehouse | None:
    session = Session.object_session(warehouse)
    if kind is not K.TRANSFER:
        if to_warehouse_id is not None:
            raise StockRefused(N_("Only a transfer has a target warehouse."))
        return None
    target = session.get(Warehouse, to_warehouse_id) if to_warehouse_id is not None else None
    if target is None:
        raise StockRefused(N_("Choose the warehouse to transfer to."))
    if target.id == warehouse.id:
        raise StockRefused(N_("A transfer goes to another warehouse: choose a different target."))
    if not target.active:
        raise StockRefused(N_("Warehouse %(warehouse)s is inactive: its stock no longer moves."), warehouse=target)
    return target


def _work_order(session: Session, kind: StockMoveKind, work_order_id: int | None) -> WorkOrder | None:
    if kind not in WORK_ORDER_KINDS:
        if work_order_id is not None:
            raise StockRefused(N_("Only issues and returns of parts belong to a work order."))
        return None
    if work_order_id is None:
        raise StockRefused(N_("Choose the work order the parts are used on."))
    # Lock the work order: its returns are checked against what was issued, race-free on PostgreSQL.
    work_order = session.scalars(
        select(WorkOrder)
        .where(WorkOrder.id == work_order_id)
        .with_for_update(of=WorkOrder)
        .execution_options(populate_existing=True)
    ).first()
    if work_order is None:
        raise StockRefused(N_("Choose the work order the parts are used on."))
    if work_order.status in CLOSED_WORK_ORDERS or work_order.request.status in CLOSED_REQUESTS:
        raise StockRefused(
            N_("Work order %(work_order)s is %(status)s: its parts can no longer change."),
            work_order=work_order.number,
            status=work_order.status.label,
        )
    return work_order


def _serials(
    part: SparePart, kind: StockMoveKind, carrier: StockMoveKind, serials: Iterable[str], quantity: int, message: str
) -> list[str]:
    """The serial numbers a serialized part's issue (installed) or defective return (removed) records."""
    cleaned = [str(serial).strip() for serial in serials or () if str(serial).strip()]
    if kind is not carrier or not part.serialized:
        if cleaned:
            raise StockRefused(N_("Serial numbers are recorded only when a serialized part is installed or removed."))
        return []
    if len(cleaned) != quantity:
        raise StockRefused(message, part=part, quantity=quantity, count=len(cleaned))
    duplicates = sorted({serial for serial in cleaned if cleaned.count(serial) > 1})
    if duplicates:
        raise StockRefused(N_("Serial number %(serial)s is entered twice."), serial=duplicates[0])
    too_long = [serial for serial in cleaned if len(serial) > MAX_SERIAL]
    if too_long:
        raise StockRefused(N_("A serial number has at most %(max)s characters."), max=MAX_SERIAL)
    return cleaned


def _text(value: str | None, limit: int) -> str | None:
    value = (value or "").strip()
    if len(value) > limit:
        raise StockRefused(N_("A reference or note has at most %(max)s characters."), max=limit)
    return value or None


def issued_net(session: Session, work_order_id: int, part_id: int) -> int:
    """Issued minus returned unused: how many of the part the work order still holds."""
    signed = case((StockMovement.kind == K.ISSUE, StockMovement.quantity), else_=-StockMovement.quantity)
    return session.scalar(
        select(func.coalesce(func.sum(signed), 0)).where(
            StockMovement.work_order_id == work_order_id,
            StockMovement.spare_part_id == part_id,
            StockMovement.kind.in_([K.ISSUE, K.RETURN]),
        )
    )


def _check_returnable(session: Session, part: SparePart, work_order: WorkOrder, quantity: int) -> None:
    held = issued_net(session, work_order.id, part.id)
    if quantity > held:
        raise StockRefused(
            N_("Only %(held)s of %(part)s were issued to %(work_order)s and not yet returned."),
            held=held,
            part=part,
            work_order=work_order.number,
        )


def _actor_name(session: Session, actor_id: int | None) -> str | None:
    if actor_id is None:
        return None
    from models.users import UserAccount

    user = session.get(UserAccount, actor_id)
    return str(user) if user is not None else None


# --- the level update -----------------------------------------------------------------------------


def _change(session: Session, part: SparePart, warehouse: Warehouse, bucket: str, delta: int) -> None:
    """Add ``delta`` to one bucket with one statement; a decrement only if that much is there."""
    table = StockLevel.__table__
    column = table.c[bucket]
    where = [table.c.warehouse_id == warehouse.id, table.c.spare_part_id == part.id]
    if delta < 0:
        stmt = update(table).where(*where, column >= -delta).values({bucket: column + delta})
        if session.execute(stmt).rowcount != 1:
            available = session.scalar(select(column).where(*where)) or 0
            raise StockRefused(
                N_("Only %(available)s of %(part)s %(bucket)s in %(warehouse)s."),
                available=available,
                part=part,
                bucket=Msgid(BUCKET_NAMES[bucket]),
                warehouse=warehouse,
            )
    else:
        stmt = update(table).where(*where).values({bucket: column + delta})
        if session.execute(stmt).rowcount != 1:
            try:
                with session.begin_nested():
                    session.execute(
                        insert(table).values(
                            warehouse_id=warehouse.id,
                            spare_part_id=part.id,
                            vendor_id=warehouse.vendor_id,
                            **{bucket: delta},
                        )
                    )
            except IntegrityError:  # created meanwhile by a concurrent transaction
                session.execute(stmt)
    _expire_loaded_level(session, warehouse.id, part.id)


def _expire_loaded_level(session: Session, warehouse_id: int, part_id: int) -> None:
    """The statements bypass the ORM: a level object already loaded would show the old numbers."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, StockLevel) and obj.warehouse_id == warehouse_id and obj.spare_part_id == part_id:
            session.expire(obj)


# --- checking the ledger --------------------------------------------------------------------------


@dataclass(frozen=True)
class Mismatch:
    warehouse_id: int
    spare_part_id: int
    level: tuple[int, int, int]  # on_hand, defective, in_repair as stored
    ledger: tuple[int, int, int]  # the same summed from the movements


def _ledger_legs():
    """Per movement, the signed change of each bucket at ``warehouse_id`` (and a transfer's target leg)."""
    m = StockMovement

    def signed(bucket: str):
        whens = [
            (m.kind == kind, sign * m.quantity)
            for kind, effects in EFFECTS.items()
            for b, sign in effects
            if b == bucket
        ]
        return case(*whens, else_=0)

    zero = literal(0)
    source = select(
        m.warehouse_id.label("warehouse_id"),
        m.spare_part_id.label("spare_part_id"),
        *(signed(bucket).label(f"ledger_{bucket}") for bucket in BUCKETS),
        *(zero.label(f"level_{bucket}") for bucket in BUCKETS),
    )
    target = select(
        m.to_warehouse_id,
        m.spare_part_id,
        m.quantity,
        zero,
        zero,
        *(zero for _ in BUCKETS),
    ).where(m.kind == K.TRANSFER)
    levels = select(
        StockLevel.warehouse_id,
        StockLevel.spare_part_id,
        *(zero for _ in BUCKETS),
        *(getattr(StockLevel, bucket) for bucket in BUCKETS),
    )
    return union_all(source, target, levels).subquery()


def ledger_mismatches(session: Session) -> list[Mismatch]:
    """Stock levels whose buckets differ from the sums of their movements (empty when all is well)."""
    legs = _ledger_legs()
    ledger = [func.sum(legs.c[f"ledger_{bucket}"]) for bucket in BUCKETS]
    level = [func.sum(legs.c[f"level_{bucket}"]) for bucket in BUCKETS]
    stmt = (
        select(legs.c.warehouse_id, legs.c.spare_part_id, *level, *ledger)
        .group_by(legs.c.warehouse_id, legs.c.spare_part_id)
        .having((ledger[0] != level[0]) | (ledger[1] != level[1]) | (ledger[2] != level[2]))
    )
    return [
        Mismatch(row[0], row[1], (int(row[2]), int(row[3]), int(row[4])), (int(row[5]), int(row[6]), int(row[7])))
        for row in session.execute(stmt)
    ]
