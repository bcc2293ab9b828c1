"""The SLA clock of stored requests and work orders: applying the SLA/OLA, pausing, recomputing.

The rules, in the words a manager reads on the request page:

* **Start.** A request's clock starts when it is created. Its SLA is chosen by the catalog's rule
  (``sla_selection``: contract → customer → asset model → category → tier → default) and the
  targets for its priority are copied onto the request, so later edits of the SLA catalog never
  move old due times.
* **Due times** are the moments the copied targets (in working minutes of the SLA's calendar) have
  been used up, counting only time the clock ran (``app.domain.sla_clock``).
* **First response** is the first moment staff act visibly for the customer: the assignee starts
  work (status *in progress*) or a staff member sends a reply to the customer. Assigning,
  internal notes and work orders do not count. It stops the response target.
* **Pauses.** While the request is in a status its SLA lists as pausing (e.g. *waiting for the
  customer*), and while it is resolved, closed or cancelled, the clock stands still. Leaving such a
  status closes the pause and recomputes the due times: they move by the working time the pause
  covered. Resolution stops the resolution target; a reopened request runs on from where it stood.
* **Changes.** When the priority or the SLA changes (category, asset, contract, an escalation
  raising the priority), the due times are computed again from the new targets, keeping the working
  time already consumed and the pauses already taken. A new SLA's calendar counts from that moment
  on; the time before still counts in the old calendar.
* **Work orders** of a vendor with an OLA, or of an engineer whose support group has one, get an
  acceptance (response) and a completion (resolution) due time from the OLA in the same way,
  counted from the (re)assignment, for the request's priority. They do not pause.

Every (re)computation is kept as an ``SLAChange`` row: that history is the explanation the
timeline shows. Each also asks the escalation sweep to look at the record again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.calendars import calendar_from_model
from app.domain.sla import BusinessCalendar
from app.domain.sla_clock import (
    ClockSegment,
    Pause,
    TargetOutcome,
    TimelineSpan,
    consumed_seconds,
    due_at,
    outcome,
    timeline,
)
from app.domain.sla_selection import RequestFacts, candidate_from_model, category_path, select_sla
from app.domain.work_order_flow import WORKING
from models.calendars import Calendar
from models.enums import RequestStatus, SLAChangeReason, SLAKind, WorkOrderStatus
from models.service_catalog import ServiceCategory
from models.service_requests import ServiceRequest
from models.sla import SLA, SLATarget
from models.sla_clock import SLAChange, SLAPause
from models.support import EngineerProfile
from models.work_orders import WorkOrder

S = RequestStatus
# Statuses that stop the clock whatever the SLA says: the work is done (or dropped).
STOPPED = frozenset({S.RESOLVED, S.CLOSED, S.CANCELLED})
FINISHED = frozenset({S.CLOSED, S.CANCELLED})
WORK_ORDER_RESPONSE_RUNNING = frozenset({WorkOrderStatus.ASSIGNED})  # until accepted
WORK_ORDER_RESOLUTION_RUNNING = WORKING  # until submitted for review


@dataclass(frozen=True)
class Clock:
    """A record's clock as stored: its calendar segments and pauses, and its targets in seconds."""

    segments: tuple[ClockSegment, ...]
    pauses: tuple[Pause, ...]
    response_seconds: int | None
    resolution_seconds: int | None

    @property
    def closed_pauses(self) -> tuple[Pause, ...]:
        return tuple(pause for pause in self.pauses if pause.end is not None)


# ---------------------------------------------------------------------------------------------
# Calendars and clocks
# ---------------------------------------------------------------------------------------------


def business_calendar_of(session: Session, calendar: Calendar | None) -> BusinessCalendar | None:
    """The engine calendar of a catalog calendar, once per session; None when it has no working hours."""
    if calendar is None:
        return None
    cache = session.info.setdefault("sla_calendars", {})
    if calendar.id not in cache:
        try:
            built = calendar_from_model(calendar)
            cache[calendar.id] = built if any(built.weekly_hours) else None
        except ValueError:
            cache[calendar.id] = None
    return cache[calendar.id]


def segments_from(changes: Iterable[SLAChange], calendars: dict[int, BusinessCalendar | None]) -> list[ClockSegment]:
    """Calendar segments from a record's SLA changes (oldest first): a new segment where the calendar changes."""
    segments: list[ClockSegment] = []
    for change in changes:
        calendar = calendars.get(change.calendar_id) if change.calendar_id is not None else None
        if calendar is None:
            continue
        if segments and segments[-1].calendar == calendar:
            continue
        if segments and change.at <= segments[-1].since:
            segments[-1] = ClockSegment(segments[-1].since, calendar)
            continue
        segments.append(ClockSegment(change.at, calendar))
    return segments


def pauses_from(rows: Iterable[SLAPause]) -> list[Pause]:
    return [Pause(row.started_at, row.ended_at, row.status.name) for row in sorted(rows, key=lambda r: r.started_at)]


def request_changes(session: Session, request: ServiceRequest) -> list[SLAChange]:
    if request.id is None:
        return [row for row in session.new if isinstance(row, SLAChange) and row.request is request]
    with session.no_autoflush:
        return list(
            session.scalars(
                select(SLAChange).where(SLAChange.request_id == request.id).order_by(SLAChange.at, SLAChange.id)
            )
        )


def request_pauses(session: Session, request: ServiceRequest) -> list[SLAPause]:
    if request.id is None:
        return []
    with session.no_autoflush:
        rows = session.scalars(select(SLAPause).where(SLAPause.request_id == request.id).order_by(SLAPause.started_at))
        return list(rows)


def _calendars_of(session: Session, changes: Iterable[SLAChange]) -> dict[int, BusinessCalendar | None]:
    return {
        change.calendar_id: business_calendar_of(session, change.calendar)
        for change in changes
        if change.calendar_id is not None and change.calendar is not None
    }


def request_clock(session: Session, request: ServiceRequest) -> Clock:
    changes = request_changes(session, request)
    return clock_of(session, changes, request_pauses(session, request), request.sla_response_minutes,
                    request.sla_resolution_minutes)  # fmt: skip


def clock_of(
    session: Session,
    changes: Sequence[SLAChange],
    pauses: Iterable[SLAPause],
    response_minutes: int | None,
    resolution_minutes: int | None,
) -> Clock:
    return Clock(
        segments=tuple(segments_from(changes, _calendars_of(session, changes))),
        pauses=tuple(pauses_from(pauses)),
        response_seconds=response_minutes * 60 if response_minutes is not None else None,
        resolution_seconds=resolution_minutes * 60 if resolution_minutes is not None else None,
    )


def _due(segments: Sequence[ClockSegment], pauses: Sequence[Pause], seconds: int | None) -> datetime | None:
    if not segments or seconds is None:
        return None
    return due_at(segments, pauses, seconds)


# ---------------------------------------------------------------------------------------------
# Requests
# ---------------------------------------------------------------------------------------------


def choose_sla(session: Session, request: ServiceRequest) -> tuple[SLA | None, str | None]:
    """The SLA the catalog's rule gives this request, and the step of the rule that chose it."""
    slas = session.scalars(select(SLA).where(SLA.kind == SLAKind.EXTERNAL, SLA.active.is_(True))).all()
    parents = {row.id: row.parent_id for row in session.execute(select(ServiceCategory.id, ServiceCategory.parent_id))}
    customer, asset, contract, category = request.customer, request.asset, request.contract, request.category
    facts = RequestFacts(
        customer_id=customer.id,
        tier=customer.service_tier,
        category_path=category_path(parents, category.id if category is not None else None),
        asset_model_id=asset.asset_model_id if asset is not None else None,
        contract_sla_id=contract.sla_id if contract is not None else None,
    )
    selection = select_sla([candidate_from_model(sla) for sla in slas], facts)
    return next((sla for sla in slas if sla.id == selection.sla_id), None), selection.reason


def _target(sla: SLA | None, priority) -> SLATarget | None:
    if sla is None:
        return None
    return next((target for target in sla.targets if target.priority is priority), None)


def apply_request_sla(session: Session, request: ServiceRequest, *, now: datetime) -> SLAChange:
    """Choose the SLA, copy its targets for the request's priority, and (re)compute the due times.

    The first call (creation) starts the clock at the request's creation; later calls (priority or
    SLA changed) keep the consumed time and the pauses, a new calendar counting from ``now``.
    """
    changes = request_changes(session, request)
    first = not changes
    previous_sla_id = changes[-1].sla_id if changes else None
    sla, selection = choose_sla(session, request)
    target = _target(sla, request.priority)
    calendar = business_calendar_of(session, sla.calendar) if sla is not None else None
    start = request.created_at or now
    at = start if first else max(now, changes[-1].at)
    request.sla, request.sla_selection = sla, selection
    request.sla_response_minutes = target.response_minutes if target is not None else None
    request.sla_resolution_minutes = target.resolution_minutes if target is not None else None
    segments = segments_from(changes, _calendars_of(session, changes))
    if calendar is not None:
        if not segments:
            segments = [ClockSegment(start, calendar)]
        elif segments[-1].calendar != calendar:
            segments.append(ClockSegment(at, calendar))
    pauses = pauses_from(request_pauses(session, request))
    closed = [pause for pause in pauses if pause.end is not None]
    if calendar is None or target is None:
        request.response_due_at = request.resolution_due_at = None
    else:
        request.response_due_at = _due(segments, closed, target.response_minutes * 60)
        request.resolution_due_at = _due(segments, closed, target.resolution_minutes * 60)
    if first:
        reason = SLAChangeReason.CREATED
    elif (sla.id if sla is not None else None) != previous_sla_id:
        reason = SLAChangeReason.SLA
    else:
        reason = SLAChangeReason.PRIORITY
    change = _record(session, request, reason, at, sla, selection, target, segments, pauses)
    request.escalation_check_at = now
    return change


def _record(
    session: Session,
    request: ServiceRequest,
    reason: SLAChangeReason,
    at: datetime,
    sla: SLA | None,
    selection: str | None,
    target: SLATarget | None,
    segments: Sequence[ClockSegment],
    pauses: Sequence[Pause],
    paused_seconds: int = 0,
) -> SLAChange:
    change = SLAChange(
        request=request,
        customer_id=request.customer_id if request.customer_id is not None else request.customer.id,
        at=at,
        reason=reason,
        sla=sla,
        sla_name=sla.name if sla is not None else None,
        selection=selection,
        calendar=sla.calendar if sla is not None else None,
        priority=request.priority,
        response_minutes=target.response_minutes if target is not None else None,
        resolution_minutes=target.resolution_minutes if target is not None else None,
        consumed_seconds=consumed_seconds(segments, pauses, at) if segments else 0,
        paused_seconds=paused_seconds,
        response_due_at=request.response_due_at,
        resolution_due_at=request.resolution_due_at,
    )
    session.add(change)
    return change


def pausing_statuses(request: ServiceRequest) -> frozenset[RequestStatus]:
    """The statuses that stop this request's clock: its SLA's pausing ones, and resolved/closed/cancelled."""
    listed = set(request.sla.pause_statuses or ()) if request.sla is not None else set()  # codes: "pending_customer"
    return frozenset({status for status in RequestStatus if status.value in listed}) | STOPPED


def track_status(session: Session, request: ServiceRequest, previous: RequestStatus, *, now: datetime) -> None:
    """After a request's status changed from ``previous``: open or close its pause, recompute on resume.

    Moving between two stopping statuses (resolved → closed) keeps the one pause; leaving the last
    one closes it, and the due times move by the working time it covered.
    """
    current = request.status
    if current is previous:
        return
    stopping = pausing_statuses(request)
    if current in stopping and previous not in stopping:
        session.add(SLAPause(request=request, customer_id=request.customer_id, status=current, started_at=now))
        request.sla_paused_since = now
    elif previous in stopping and current not in stopping:
        _resume(session, request, now)
    request.escalation_check_at = None if current in stopping else now


def _resume(session: Session, request: ServiceRequest, now: datetime) -> None:
    open_pauses = [row for row in request_pauses(session, request) if row.ended_at is None]
    for row in open_pauses:
        row.ended_at = max(now, row.started_at)
    request.sla_paused_since = None
    changes = request_changes(session, request)
    if not changes:
        return
    segments = segments_from(changes, _calendars_of(session, changes))
    pauses = pauses_from(request_pauses(session, request))
    request.response_due_at = _due(segments, pauses, _seconds(request.sla_response_minutes))
    request.resolution_due_at = _due(segments, pauses, _seconds(request.sla_resolution_minutes))
    paused = sum(consumed_seconds(segments, [], row.ended_at) - consumed_seconds(segments, [], row.started_at)
                 for row in open_pauses)  # fmt: skip
    _record(
        session,
        request,
        SLAChangeReason.RESUMED,
        max(now, changes[-1].at),
        request.sla,
        request.sla_selection,
        _target(request.sla, request.priority) if request.sla_response_minutes is not None else None,
        segments,
        pauses,
        paused_seconds=paused,
    )


def record_first_response(request: ServiceRequest, *, now: datetime) -> None:
    """The first visible act for the customer (start of work, a reply): stops the response target once."""
    if request.first_response_at is None:
        request.first_response_at = now
        request.escalation_check_at = now


def _seconds(minutes: int | None) -> int | None:
    return minutes * 60 if minutes is not None else None


# ---------------------------------------------------------------------------------------------
# Work orders (OLA)
# ---------------------------------------------------------------------------------------------


def ola_of(session: Session, work_order: WorkOrder) -> SLA | None:
    """The OLA that binds a work order: its vendor's, else its engineer's support group's (active internal only)."""
    ola = None
    if work_order.vendor is not None:
        ola = work_order.vendor.ola
    elif work_order.assignee is not None:
        with session.no_autoflush:
            query = select(EngineerProfile).where(EngineerProfile.user_id == work_order.assignee.id)
            group = getattr(session.scalars(query).first(), "support_group", None)
        ola = group.ola if group is not None else None
    if ola is None or not ola.active or ola.kind is not SLAKind.INTERNAL:
        return None
    return ola


def apply_work_order_ola(
    session: Session, work_order: WorkOrder, *, now: datetime, reason: SLAChangeReason = SLAChangeReason.ASSIGNED
) -> SLAChange | None:
    """Acceptance and completion due times from the OLA, counted from the (re)assignment (``now``).

    ``reason`` PRIORITY recomputes for the request's new priority from the same start. No OLA, no
    target for the priority, or a calendar without hours: no due times (and no history row).
    """
    ola = ola_of(session, work_order)
    target = _target(ola, work_order.request.priority)
    calendar = business_calendar_of(session, ola.calendar) if ola is not None else None
    start = now
    if reason is SLAChangeReason.PRIORITY:
        start = clock_start_of_work_order(session, work_order) or now
    work_order.ola = ola
    work_order.ola_response_minutes = target.response_minutes if target is not None else None
    work_order.ola_resolution_minutes = target.resolution_minutes if target is not None else None
    work_order.escalation_check_at = now
    if calendar is None or target is None:
        work_order.response_due_at = work_order.resolution_due_at = None
        return None
    segments = [ClockSegment(start, calendar)]
    work_order.response_due_at = due_at(segments, [], target.response_minutes * 60)
    work_order.resolution_due_at = due_at(segments, [], target.resolution_minutes * 60)
    change = SLAChange(
        work_order=work_order,
        customer_id=work_order.customer_id,
        vendor_id=work_order.vendor.id if work_order.vendor is not None else None,
        at=start if reason is SLAChangeReason.PRIORITY else now,
        reason=reason,
        sla=ola,
        sla_name=ola.name,
        calendar=ola.calendar,
        priority=work_order.request.priority,
        response_minutes=target.response_minutes,
        resolution_minutes=target.resolution_minutes,
        consumed_seconds=consumed_seconds(segments, [], now),
        response_due_at=work_order.response_due_at,
        resolution_due_at=work_order.resolution_due_at,
    )
    session.add(change)
    return change


def clock_start_of_work_order(session: Session, work_order: WorkOrder) -> datetime | None:
    """When the work order's current OLA clock started: its last assignment."""
    if work_order.id is None:
        return None
    return session.scalar(
        select(SLAChange.at)
        .where(SLAChange.work_order_id == work_order.id, SLAChange.reason == SLAChangeReason.ASSIGNED)
        .order_by(SLAChange.at.desc(), SLAChange.id.desc())
        .limit(1)
    )


def work_order_clock(session: Session, work_order: WorkOrder) -> Clock:
    """The OLA clock of a work order: one segment from its last assignment, no pauses."""
    start = clock_start_of_work_order(session, work_order)
    ola = work_order.ola
    calendar = business_calendar_of(session, ola.calendar) if ola is not None else None
    segments = (ClockSegment(start, calendar),) if start is not None and calendar is not None else ()
    return Clock(segments, (), _seconds(work_order.ola_response_minutes), _seconds(work_order.ola_resolution_minutes))


def recompute_open_work_orders(session: Session, request: ServiceRequest, *, now: datetime) -> None:
    """The request's priority changed: its running work orders' OLA due times follow it."""
    for work_order in request.work_orders:
        if work_order.status in WORK_ORDER_RESOLUTION_RUNNING and work_order.ola_id is not None:
            apply_work_order_ola(session, work_order, now=now, reason=SLAChangeReason.PRIORITY)


# ---------------------------------------------------------------------------------------------
# What the request and work order pages show
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SLAReport:
    """A record's SLA as its page explains it: targets met or not, the history of due times, the clock's spans."""

    sla_name: str | None
    selection: str | None  # the step of the selection rule that chose the SLA
    response: TargetOutcome | None
    resolution: TargetOutcome | None
    paused_since: datetime | None
    pause_reason: RequestStatus | None
    changes: tuple[SLAChange, ...]
    spans: tuple[TimelineSpan, ...]


def request_sla_report(session: Session, request: ServiceRequest, *, now: datetime, span_limit: int = 200) -> SLAReport:
    changes = request_changes(session, request)
    pause_rows = request_pauses(session, request)
    clock = clock_of(session, changes, pause_rows, request.sla_response_minutes, request.sla_resolution_minutes)
    end = now
    if request.status in FINISHED and request.closed_at is not None:
        end = min(now, request.closed_at)
    resolved = request.resolved_at if request.status in STOPPED else None
    if request.status is S.CANCELLED:
        resolved = None
    response = resolution = None
    spans: tuple[TimelineSpan, ...] = ()
    if clock.segments:
        if clock.response_seconds is not None:
            response = outcome(clock.segments, clock.pauses, clock.response_seconds, request.first_response_at, end)
        if clock.resolution_seconds is not None:
            resolution = outcome(clock.segments, clock.pauses, clock.resolution_seconds, resolved, end)
        spans = tuple(timeline(clock.segments, clock.pauses, max(end, clock.segments[0].since), limit=span_limit))
    open_pause = next((row for row in reversed(pause_rows) if row.ended_at is None), None)
    return SLAReport(
        sla_name=request.sla.name if request.sla is not None else None,
        selection=request.sla_selection,
        response=response,
        resolution=resolution,
        paused_since=open_pause.started_at if open_pause is not None else None,
        pause_reason=open_pause.status if open_pause is not None else None,
        changes=tuple(changes),
        spans=spans,
    )


def work_order_ola_report(session: Session, work_order: WorkOrder, *, now: datetime) -> SLAReport:
    """The OLA of a work order: acceptance (response) and completion (resolution) met or not."""
    clock = work_order_clock(session, work_order)
    response = resolution = None
    if clock.segments:
        if clock.response_seconds is not None:
            response = outcome(clock.segments, (), clock.response_seconds, work_order.accepted_at, now)
        if clock.resolution_seconds is not None:
            resolution = outcome(clock.segments, (), clock.resolution_seconds, work_order.submitted_at, now)
    return SLAReport(
        sla_name=work_order.ola.name if work_order.ola is not None else None,
        selection=None,
        response=response,
        resolution=resolution,
        paused_since=None,
        pause_reason=None,
        changes=(),
        spans=(),
    )
