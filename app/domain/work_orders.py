"""Work orders (工单): creation, the status steps with their inputs, sign-off, time, expenses and costs.

Every function validates all of its input before it changes anything, so a refusal leaves
nothing half-saved; refusals are ``WorkOrderRefused`` (a msgid + params, translated by the
caller). Who may take which step is ``app.domain.work_order_flow``; this module adds what
each step needs (a reason, a window, the work done) and what it records (times, people told).
Costs are rolled up in SQL from time entries, the stock ledger and expenses.
"""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.domain.notices import notify
from app.domain.numbering import WORK_ORDER_PREFIX, next_number
from app.domain.outbox import mail_contact, queue_mail
from app.domain.request_flow import N_, TransitionRefused
from app.domain.service_requests import vendor_users
from app.domain.sla_tracking import apply_work_order_ola
from app.domain.work_order_flow import DISPATCHER, ENGINEER, TRANSITIONS, allowed_actions, apply_action, may_dispatch
from models.enums import (
    ExpenseKind,
    RequestStatus,
    StockMoveKind,
    WorkOrderAction,
    WorkOrderStatus,
    WorkOrderType,
    WorkResult,
)
from models.service_requests import ServiceRequest
from models.stock import StockMovement
from models.support import EngineerProfile
from models.users import UserAccount
from models.work_orders import Expense, TimeEntry, WorkOrder

A, S = WorkOrderAction, WorkOrderStatus
FINISHED_REQUEST = frozenset({RequestStatus.CLOSED, RequestStatus.CANCELLED})
SIGN_OFF_STATUSES = frozenset({S.ON_SITE, S.SUBMITTED, S.APPROVED})
REASSIGNABLE = TRANSITIONS[A.REASSIGN].sources
LONGEST_TIME_ENTRY = timedelta(hours=24)
SIGNATURE_MAX_BYTES = 200_000
PNG_DATA_URL = "data:image/png;base64,"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
CENT = Decimal("0.01")
REASON_LENGTH = 300
SHOW_PATH = "/workorders/show/%d"  # the work order's page (views/work_orders.py), linked from notifications
ASSIGNED_MAIL = "work_order_assigned"
VISIT_SCHEDULED = "visit_scheduled"  # notification kind and the contact's mail template
WINDOW_SET_MAIL = "work_order_window"  # to the worker, when someone else set the visit window


class WorkOrderRefused(TransitionRefused):
    """A work order's input or state breaks a rule; ``message`` is a msgid, ``params`` its values."""


# ---------------------------------------------------------------------------------------------
# Who
# ---------------------------------------------------------------------------------------------


def roles_of(user: UserAccount) -> set[str]:
    return {role.name for role in user.roles}


def is_own(work_order: WorkOrder, user: UserAccount) -> bool:
    """Whether ``user`` is the assigned engineer, or belongs to the assigned vendor."""
    if work_order.assignee_user_id is not None:
        return work_order.assignee_user_id == user.id
    return work_order.vendor_id is not None and work_order.vendor_id == getattr(user, "vendor_id", None)


def offered_actions(work_order: WorkOrder, user: UserAccount, roles: set[str]) -> list[WorkOrderAction]:
    """The buttons to show: exactly what ``perform_work_order`` would accept from this user."""
    if work_order.request.status in FINISHED_REQUEST:
        return [A.CANCEL] if A.CANCEL in allowed_actions(roles, work_order.status, own=False) else []
    return allowed_actions(roles, work_order.status, own=is_own(work_order, user))


def _check_request_open(request: ServiceRequest) -> None:
    if request.status in FINISHED_REQUEST:
        raise WorkOrderRefused(
            N_("Request %(number)s is %(status)s: its work orders can no longer change."),
            number=request.number,
            status=request.status,
        )


def _check_assignee(assignee_user: UserAccount | None, vendor) -> None:
    if (assignee_user is None) == (vendor is None):
        raise WorkOrderRefused(N_("Assign the work order to either an engineer or a service vendor."))
    if assignee_user is not None and (not assignee_user.active or ENGINEER not in roles_of(assignee_user)):
        raise WorkOrderRefused(N_("%(name)s is not an active service engineer."), name=assignee_user.get_full_name())
    if vendor is not None and not vendor.active:
        raise WorkOrderRefused(N_("%(name)s is not an active service vendor."), name=vendor.name)


def _check_may_work_on(work_order: WorkOrder, user: UserAccount) -> None:
    """Outside users record work only on their own organisation's work orders."""
    vendor_id = getattr(user, "vendor_id", None)
    if getattr(user, "customer_id", None) is not None or (vendor_id is not None and vendor_id != work_order.vendor_id):
        raise WorkOrderRefused(
            N_("%(name)s does not work on work order %(number)s."),
            name=user.get_full_name(),
            number=work_order.number,
        )


def _check_workable(work_order: WorkOrder) -> None:
    _check_request_open(work_order.request)
    if work_order.status is S.CANCELLED:
        raise WorkOrderRefused(N_("Work order %(number)s is cancelled."), number=work_order.number)


# ---------------------------------------------------------------------------------------------
# Input
# ---------------------------------------------------------------------------------------------


def _text(value: str | None, *, missing: str | None, limit: int | None = None) -> str | None:
    """Stripped text; refused with ``missing`` when blank (unless None), or when longer than ``limit``."""
    text = (value or "").strip()
    if not text:
        if missing is not None:
            raise WorkOrderRefused(missing)
        return None
    if limit is not None and len(text) > limit:
        raise WorkOrderRefused(N_("Please keep it under %(limit)s characters."), limit=limit)
    return text


def _window(start: datetime | None, end: datetime | None, now: datetime) -> tuple[datetime, datetime]:
    if start is None or end is None:
        raise WorkOrderRefused(N_("Give both the start and the end of the visit window."))
    if end <= start:
        raise WorkOrderRefused(N_("The visit window must end after it starts."))
    if end <= now:
        raise WorkOrderRefused(N_("The visit window is already over: choose a window to come."))
    return start, end


def _moment(at: datetime | None, now: datetime) -> datetime:
    """A recorded time: now, or an earlier moment given by the worker (never the future)."""
    if at is None:
        return now
    if at > now:
        raise WorkOrderRefused(N_("A time in the future cannot be recorded."))
    return at


# ---------------------------------------------------------------------------------------------
# Creation and steps
# ---------------------------------------------------------------------------------------------


def create_work_order(
    session: Session,
    request: ServiceRequest,
    *,
    work_type: WorkOrderType,
    actor: UserAccount | None,
    now: datetime,
    assignee_user: UserAccount | None = None,
    vendor=None,
    scheduled_start: datetime | None = None,
    scheduled_end: datetime | None = None,
    instructions: str | None = None,
) -> WorkOrder:
    """A new work order under ``request``, assigned to one engineer or one vendor, who are told.

    Dispatching roles create work orders (``actor`` None: the system, e.g. a recurring inspection).
    """
    if actor is not None and not may_dispatch(roles_of(actor)):
        raise WorkOrderRefused(N_("Only dispatchers create work orders."))
    _check_request_open(request)
    _check_assignee(assignee_user, vendor)
    if scheduled_start is not None or scheduled_end is not None:
        scheduled_start, scheduled_end = _window(scheduled_start, scheduled_end, now)
    work_order = WorkOrder(
        number=next_number(session, WORK_ORDER_PREFIX, now),
        request=request,
        customer_id=request.customer_id,
        work_type=work_type or WorkOrderType.ON_SITE,
        status=S.ASSIGNED,
        assignee=assignee_user,
        vendor=vendor,
        scheduled_start=scheduled_start,
        scheduled_end=scheduled_end,
        instructions=_text(instructions, missing=None),
    )
    session.add(work_order)
    apply_work_order_ola(session, work_order, now=now)
    session.flush()
    _tell_assignee(session, work_order)
    return work_order


def perform_work_order(
    session: Session,
    work_order: WorkOrder,
    action: WorkOrderAction,
    *,
    actor: UserAccount | None,
    roles: set[str],
    now: datetime,
    reason: str | None = None,
    window: tuple[datetime | None, datetime | None] | None = None,
    work_done: str | None = None,
    result: WorkResult | None = None,
    assignee_user: UserAccount | None = None,
    vendor=None,
    at: datetime | None = None,
) -> None:
    """Take one step of the flow with what it needs; ``at`` backdates a check-in or check-out."""
    if action is not A.CANCEL:
        _check_request_open(work_order.request)
    own = actor is not None and is_own(work_order, actor)  # None: a job (escalation) acting as dispatcher
    target = apply_action(roles, work_order.status, action, own=own)
    changes: dict[str, object] = {}
    if action is A.ACCEPT:
        changes = {"accepted_at": now}
    elif action is A.DECLINE:
        changes = {"decline_reason": _text(reason, missing=N_("Say why you decline."), limit=REASON_LENGTH)}
    elif action is A.SCHEDULE:
        start, end = _window(*(window or (None, None)), now)
        changes = {"scheduled_start": start, "scheduled_end": end}
    elif action is A.CHECK_IN:
        changes = {"checked_in_at": _moment(at, now)}
    elif action is A.SUBMIT:
        changes = _submission(work_order, work_done, result, _moment(at, now), now)
    elif action is A.APPROVE:
        changes = {"approved_at": now}
    elif action is A.REWORK:
        rework_reason = _text(reason, missing=N_("Say what needs to be redone."), limit=REASON_LENGTH)
        changes = {"rework_reason": rework_reason, "checked_out_at": None, "submitted_at": None}
    elif action is A.REASSIGN:
        _check_assignee(assignee_user, vendor)
        changes = {"assignee": assignee_user, "vendor": vendor, "accepted_at": None, "decline_reason": None}
    for key, value in changes.items():
        setattr(work_order, key, value)
    work_order.status = target
    if action is A.REASSIGN:
        apply_work_order_ola(session, work_order, now=now)
    work_order.escalation_check_at = now  # the OLA targets running changed: the sweep plans again
    session.flush()
    _tell_about(session, work_order, action, actor)


def hand_over_work_order(
    session: Session, work_order: WorkOrder, to_user: UserAccount, *, actor: UserAccount, roles: set[str], now: datetime
) -> None:
    """Give an engineer's work order to a colleague (their account is being closed).

    Before the visit it moves by the flow's REASSIGN: the colleague accepts it again, under a new OLA
    clock. Once on site or submitted the visit is not undone: the status and the OLA due times stay,
    only the engineer changes, and the colleague is told.
    """
    if work_order.status in REASSIGNABLE:
        perform_work_order(session, work_order, A.REASSIGN, actor=actor, roles=roles, now=now, assignee_user=to_user)
        return
    _check_assignee(to_user, None)
    work_order.assignee = to_user
    work_order.escalation_check_at = now  # its assignee changed: the escalation sweep plans it again
    session.flush()
    _tell_assignee(session, work_order)


def _submission(
    work_order: WorkOrder, work_done: str | None, result: WorkResult | None, checked_out_at: datetime, now: datetime
) -> dict[str, object]:
    done = _text(work_done, missing=N_("Describe the work done."))
    if not isinstance(result, WorkResult):
        raise WorkOrderRefused(N_("Choose the result of the work."))
    if work_order.checked_in_at is not None and checked_out_at < work_order.checked_in_at:
        raise WorkOrderRefused(
            N_("The check-out time cannot be before the check-in time (%(checked_in)s)."),
            checked_in=work_order.checked_in_at,
        )
    return {"work_done": done, "result": result, "checked_out_at": checked_out_at, "submitted_at": now}


# ---------------------------------------------------------------------------------------------
# Telling people
# ---------------------------------------------------------------------------------------------


def assignee_users(session: Session, work_order: WorkOrder) -> list[UserAccount]:
    """Who does the work: the engineer, or the vendor's active users."""
    if work_order.assignee is not None:
        return [work_order.assignee]
    if work_order.vendor_id is None:
        return []
    return vendor_users(session, work_order.vendor_id)


def dispatcher_ids(session: Session, request: ServiceRequest) -> list[int]:
    """Who answers for the request: who took it and who is assigned to it; else every active dispatcher."""
    ids = [user_id for user_id in (request.created_by_id, request.assignee_user_id) if user_id is not None]
    if ids:
        return ids
    stmt = select(UserAccount.id).where(UserAccount.active.is_(True), UserAccount.roles.any(name=DISPATCHER))
    return list(session.scalars(stmt))


def _params(work_order: WorkOrder, **extra: object) -> dict[str, str]:
    request = work_order.request
    return {"number": work_order.number, "request": request.number, "subject": request.subject, **extra}


def _window_said(work_order: WorkOrder) -> dict[str, datetime | None]:
    """The visit window as the mail says it (a snapshot: a later change is mailed on its own)."""
    return {"window_start": work_order.scheduled_start, "window_end": work_order.scheduled_end}


def _tell_assignee(session: Session, work_order: WorkOrder) -> None:
    users = assignee_users(session, work_order)
    notify(
        session,
        users,
        ASSIGNED_MAIL,
        N_("Work order %(number)s (%(request)s %(subject)s) is assigned to you."),
        _params(work_order),
        link=SHOW_PATH % work_order.id,
        request_id=work_order.request_id,
        work_order_id=work_order.id,
    )
    for user in users:
        queue_mail(session, user, ASSIGNED_MAIL, _window_said(work_order), work_order=work_order)


def _tell_about(session: Session, work_order: WorkOrder, action: WorkOrderAction, actor: UserAccount | None) -> None:
    request = work_order.request
    if action is A.REASSIGN:
        _tell_assignee(session, work_order)
        return
    who = actor.get_full_name() if actor is not None else ""
    if action is A.SCHEDULE:
        _tell_schedule(session, work_order, actor, who)
        return
    if action is A.DECLINE:
        recipients, kind = dispatcher_ids(session, request), "work_order_declined"
        message = N_("%(who)s declined work order %(number)s (%(request)s): %(reason)s")
        params = _params(work_order, who=who, reason=work_order.decline_reason)
    elif action is A.SUBMIT:
        recipients, kind = dispatcher_ids(session, request), "work_order_submitted"
        message = N_("%(who)s submitted work order %(number)s (%(request)s) for review.")
        params = _params(work_order, who=who)
    elif action is A.REWORK:
        recipients, kind = [user.id for user in assignee_users(session, work_order)], "work_order_rework"
        message = N_("Work order %(number)s (%(request)s) needs rework: %(reason)s")
        params = _params(work_order, reason=work_order.rework_reason)
    else:
        return
    notify(
        session,
        [user_id for user_id in recipients if actor is None or user_id != actor.id],
        kind,
        message,
        params,
        link=SHOW_PATH % work_order.id,
        request_id=work_order.request_id,
        work_order_id=work_order.id,
    )


def _tell_schedule(session: Session, work_order: WorkOrder, actor: UserAccount | None, who: str) -> None:
    """A visit window proposed or confirmed: the other side hears of it, the customer's contact gets a mail.

    The dispatcher proposes a window (on dispatch or by scheduling) and the worker confirms it or sets
    another; whoever set it, the other party is told. The contact is mailed once per distinct window
    of an on-site visit, in the contact's language; a worker asked to confirm is mailed too.
    """
    window = f"{work_order.scheduled_start:%Y%m%d%H%M}-{work_order.scheduled_end:%Y%m%d%H%M}"
    workers: list[UserAccount] = []
    if actor is not None and is_own(work_order, actor):
        recipients = dispatcher_ids(session, work_order.request)
        message = N_("%(who)s scheduled the visit of work order %(number)s (%(request)s).")
    else:
        workers = [user for user in assignee_users(session, work_order) if actor is None or user.id != actor.id]
        recipients = [user.id for user in workers]
        message = N_("The visit of work order %(number)s (%(request)s) was scheduled by %(who)s: please confirm it.")
    for user in workers:  # a vendor's people may not be logged in: the mail carries the window
        queue_mail(session, user, WINDOW_SET_MAIL, {"who": who, **_window_said(work_order)}, work_order=work_order,
                   dedupe_key=f"window:{work_order.id}:{user.id}:{window}")  # fmt: skip
    notify(
        session,
        [user_id for user_id in recipients if actor is None or user_id != actor.id],
        VISIT_SCHEDULED,
        message,
        _params(work_order, who=who),
        link=SHOW_PATH % work_order.id,
        request_id=work_order.request_id,
        work_order_id=work_order.id,
    )
    if work_order.work_type is WorkOrderType.ON_SITE:
        mail_contact(session, work_order.request, VISIT_SCHEDULED, _window_said(work_order), work_order=work_order,
                     dedupe_key=f"visit:{work_order.id}:{window}")  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Sign-off
# ---------------------------------------------------------------------------------------------


def sign_off(
    session: Session, work_order: WorkOrder, *, signer_name: str | None, signature_png: str | None, now: datetime
) -> None:
    """The customer's sign-off on completed work: the signer's name, the time, an optional drawn signature."""
    _check_workable(work_order)
    if work_order.status not in SIGN_OFF_STATUSES:
        raise WorkOrderRefused(N_("The customer signs off once the work is done: check in first."))
    if work_order.signoff_at is not None:
        raise WorkOrderRefused(
            N_("%(name)s already signed off this work order (%(time)s)."),
            name=work_order.signoff_name,
            time=work_order.signoff_at,
        )
    name = _text(signer_name, missing=N_("Enter the name of the person signing."), limit=100)
    signature = checked_signature(signature_png)
    work_order.signoff_name, work_order.signoff_at, work_order.signature_png = name, now, signature
    session.flush()


def checked_signature(data_url: str | None) -> str | None:
    """A drawn signature as a PNG data URL of bounded size; blank means none."""
    text = (data_url or "").strip()
    if not text:
        return None
    if len(text) > len(PNG_DATA_URL) + (SIGNATURE_MAX_BYTES * 4) // 3 + 4:
        raise WorkOrderRefused(N_("The signature image is too large."))
    if not text.startswith(PNG_DATA_URL):
        raise WorkOrderRefused(N_("The signature must be a PNG image."))
    try:
        payload = base64.b64decode(text[len(PNG_DATA_URL) :], validate=True)
    except (binascii.Error, ValueError):
        raise WorkOrderRefused(N_("The signature must be a PNG image.")) from None
    if len(payload) > SIGNATURE_MAX_BYTES:
        raise WorkOrderRefused(N_("The signature image is too large."))
    if not payload.startswith(PNG_MAGIC) or payload[12:16] != b"IHDR":
        raise WorkOrderRefused(N_("The signature must be a PNG image."))
    return text


# ---------------------------------------------------------------------------------------------
# Time and expenses
# ---------------------------------------------------------------------------------------------


def hourly_cost_of(session: Session, user: UserAccount) -> Decimal:
    """The person's current rate from their engineer profile; nothing recorded costs nothing."""
    rate = session.scalar(select(EngineerProfile.hourly_cost).where(EngineerProfile.user_id == user.id))
    return Decimal(rate) if rate is not None else Decimal("0")


def labour_cost(minutes: int, hourly_cost: Decimal) -> Decimal:
    return (Decimal(minutes) * hourly_cost / 60).quantize(CENT, rounding=ROUND_HALF_UP)


def add_time_entry(
    session: Session,
    work_order: WorkOrder,
    *,
    user: UserAccount,
    started_at: datetime | None,
    ended_at: datetime | None,
    description: str | None,
    now: datetime,
    actor: UserAccount | None = None,
) -> TimeEntry:
    """Record ``user``'s time on the work order at their current rate; the costs roll up.

    One records one's own time; dispatchers may record anyone's (``actor`` None: the system).
    """
    if actor is not None and actor.id != user.id and not may_dispatch(roles_of(actor)):
        raise WorkOrderRefused(N_("You can record only your own time."))
    _check_workable(work_order)
    _check_may_work_on(work_order, user)
    if started_at is None or ended_at is None:
        raise WorkOrderRefused(N_("Give the start and the end of the time worked."))
    if ended_at <= started_at:
        raise WorkOrderRefused(N_("The end of the time worked must be after its start."))
    if ended_at > now:
        raise WorkOrderRefused(N_("A time in the future cannot be recorded."))
    if ended_at - started_at > LONGEST_TIME_ENTRY:
        raise WorkOrderRefused(N_("One time entry covers at most 24 hours; split longer work into days."))
    minutes = int((ended_at - started_at).total_seconds() // 60)
    if minutes < 1:
        raise WorkOrderRefused(N_("Record at least one minute."))
    text = _text(description, missing=None, limit=REASON_LENGTH)
    overlap = session.scalars(
        select(TimeEntry)
        .where(TimeEntry.user_id == user.id, TimeEntry.started_at < ended_at, TimeEntry.ended_at > started_at)
        .order_by(TimeEntry.started_at)
        .limit(1)
    ).first()
    if overlap is not None:
        raise WorkOrderRefused(
            N_("%(name)s already has time recorded from %(start)s to %(end)s (%(number)s)."),
            name=user.get_full_name(),
            start=overlap.started_at,
            end=overlap.ended_at,
            number=overlap.work_order.number,
        )
    rate = hourly_cost_of(session, user)
    entry = TimeEntry(
        work_order=work_order,
        customer_id=work_order.customer_id,
        vendor_id=work_order.vendor_id,
        user_id=user.id,
        started_at=started_at,
        ended_at=ended_at,
        minutes=minutes,
        hourly_cost=rate,
        cost=labour_cost(minutes, rate),
        description=text,
    )
    session.add(entry)
    session.flush()
    roll_up_costs(session, work_order)
    return entry


def _amount(value: Decimal | str | float | None) -> Decimal:
    try:
        amount = Decimal(str(value).strip()).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        raise WorkOrderRefused(N_("Enter the amount as a number, e.g. 128.50.")) from None
    if not amount.is_finite() or amount <= 0:
        raise WorkOrderRefused(N_("The amount must be more than zero."))
    if amount >= Decimal("10000000000"):
        raise WorkOrderRefused(N_("The amount is too large."))
    return amount


def add_expense(
    session: Session,
    work_order: WorkOrder,
    *,
    kind: ExpenseKind | None,
    amount: Decimal | str | None,
    incurred_on: date | None,
    description: str | None,
    actor: UserAccount,
    now: datetime,
    timezone: str = "Asia/Shanghai",
) -> Expense:
    """A travel, material or other expense on the work order; the costs roll up."""
    _check_workable(work_order)
    _check_may_work_on(work_order, actor)
    if not isinstance(kind, ExpenseKind):
        raise WorkOrderRefused(N_("Choose the kind of expense."))
    value = _amount(amount)
    if incurred_on is None:
        raise WorkOrderRefused(N_("Give the date of the expense."))
    if incurred_on > now.astimezone(ZoneInfo(timezone)).date():
        raise WorkOrderRefused(N_("An expense cannot be dated in the future."))
    expense = Expense(
        work_order=work_order,
        customer_id=work_order.customer_id,
        vendor_id=work_order.vendor_id,
        kind=kind,
        amount=value,
        incurred_on=incurred_on,
        description=_text(description, missing=None, limit=REASON_LENGTH),
        created_by_id=actor.id,
    )
    session.add(expense)
    session.flush()
    roll_up_costs(session, work_order)
    return expense


# ---------------------------------------------------------------------------------------------
# Costs
# ---------------------------------------------------------------------------------------------


def _money(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT, rounding=ROUND_HALF_UP)


def roll_up_costs(session: Session, work_order: WorkOrder) -> None:
    """Labour + parts (issued − returned, at the ledger's unit cost) + expenses → the work order,
    and the sum of its work orders → the request.

    Costs are derived, so they are written past the version counters: recording time or issuing a
    part must not make someone's open page of the work order or the request stale."""
    session.flush()
    signed_quantity = case(
        (StockMovement.kind == StockMoveKind.RETURN, -StockMovement.quantity), else_=StockMovement.quantity
    )
    labour = session.scalar(select(func.sum(TimeEntry.cost)).where(TimeEntry.work_order_id == work_order.id))
    parts = session.scalar(
        select(func.sum(signed_quantity * StockMovement.unit_cost)).where(
            StockMovement.work_order_id == work_order.id,
            StockMovement.kind.in_([StockMoveKind.ISSUE, StockMoveKind.RETURN]),
        )
    )
    expenses = session.scalar(select(func.sum(Expense.amount)).where(Expense.work_order_id == work_order.id))
    totals = {"labour_cost": _money(labour), "parts_cost": _money(parts), "expense_cost": _money(expenses)}
    totals["cost"] = sum(totals.values(), Decimal("0"))
    _write_derived(session, work_order, totals)
    request = work_order.request
    total = session.scalar(select(func.sum(WorkOrder.cost)).where(WorkOrder.request_id == request.id))
    _write_derived(session, request, {"cost": _money(total)})


def _write_derived(session: Session, row: WorkOrder | ServiceRequest, values: dict[str, Decimal]) -> None:
    """UPDATE derived columns without bumping ``version``; the loaded object shows the new values."""
    model = type(row)
    session.execute(
        update(model).where(model.id == row.id).values(**values).execution_options(synchronize_session=False)
    )
    for key, value in values.items():
        set_committed_value(row, key, value)
