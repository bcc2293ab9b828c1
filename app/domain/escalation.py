"""Escalation (升级): checking rules, acknowledging events, and the minutely sweep that fires them.

When a rule fires is ``app.domain.escalation_plan`` (pure timing); this module applies it to stored
requests and work orders. The sweep reads only records whose ``escalation_check_at`` is due (an
indexed column), and for each fires what is due exactly once: the event row's unique key
(rule, record, repeat) decides, inside a savepoint, so an overlapping sweep's insert fails and that
sweep skips the actions. Each fired event notifies (in-app and e-mail, in the recipient's language,
waiting for the recipient's working hours unless the record is P1), may reassign or raise the
priority, and the record's next check is planned again. Acknowledging an event stops the repeats of
its level for its record.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.domain.errors import DomainError, ValidationError
from app.domain.escalation_plan import (
    ClockState,
    Firing,
    RuleTiming,
    check_rule,
    delivery_time,
    earliest,
    firing_due,
    next_check,
)
from app.domain.notices import notify
from app.domain.outbox import queue_mail
from app.domain.request_flow import N_, OPEN_STATUSES
from app.domain.service_requests import acting, desk_settings
from app.domain.sla_clock import moment_after
from app.domain.sla_selection import category_path
from app.domain.sla_tracking import (
    WORK_ORDER_RESOLUTION_RUNNING,
    WORK_ORDER_RESPONSE_RUNNING,
    business_calendar_of,
    clock_of,
)
from app.domain.work_order_flow import DISPATCHER
from app.domain.work_orders import SHOW_PATH as WORK_ORDER_PATH
from models.calendars import Calendar
from models.enums import EscalationTarget, EscalationTrigger, Priority, SLAChangeReason, WorkOrderAction
from models.escalation import EscalationEvent, EscalationRule
from models.notifications import Notification
from models.service_catalog import ServiceCategory
from models.service_requests import ServiceRequest
from models.sla_clock import SLAChange, SLAPause
from models.support import EngineerProfile, SupportGroup
from models.users import UserAccount
from models.work_orders import WorkOrder

log = logging.getLogger(__name__)
ACTOR_LABEL = "escalation"
REQUEST_TARGETS = frozenset({EscalationTarget.REQUEST_RESPONSE, EscalationTarget.REQUEST_RESOLUTION})
WORK_ORDER_TARGETS = frozenset({EscalationTarget.WORK_ORDER_RESPONSE, EscalationTarget.WORK_ORDER_RESOLUTION})


class EscalationRefused(ValidationError):
    """A rule or an acknowledgement refused; ``message`` is a msgid, ``params`` its values."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message % {key: str(value) for key, value in params.items()})
        self.message = message
        self.params = params


def subject_key(record: ServiceRequest | WorkOrder) -> str:
    """``R<id>`` for a request, ``W<id>`` for a work order: the record part of an event's unique key."""
    return f"{'W' if isinstance(record, WorkOrder) else 'R'}{record.id}"


def timing(rule: EscalationRule) -> RuleTiming:
    return RuleTiming(
        rule_id=rule.id or 0,
        level=rule.level,
        trigger=rule.trigger.name,
        value=rule.trigger_value,
        repeat_minutes=rule.repeat_minutes,
        max_repeats=rule.max_repeats or 0,
    )


def check_rule_row(rule: EscalationRule) -> None:
    """What an admin's rule must satisfy before it is saved; raises ``EscalationRefused``."""
    if rule.target is None or rule.trigger is None:
        raise EscalationRefused(N_("Choose what the rule watches and when it fires."))
    if rule.trigger_value is None or rule.trigger_value < 0:
        raise EscalationRefused(N_("The trigger value cannot be negative."))
    if rule.trigger is EscalationTrigger.PERCENT_ELAPSED and not 1 <= rule.trigger_value <= 1000:
        raise EscalationRefused(N_("A percentage of the target runs from 1 to 1000."))
    if rule.level is None or not 1 <= rule.level <= 9:
        raise EscalationRefused(N_("The level runs from 1 to 9."))
    if rule.repeat_minutes is not None and rule.repeat_minutes < 1:
        raise EscalationRefused(N_("Repeat at least one minute apart, or leave it empty for no repeats."))
    if (rule.max_repeats or 0) < 0:
        raise EscalationRefused(N_("The number of repeats cannot be negative."))
    if rule.max_repeats and rule.repeat_minutes is None:
        raise EscalationRefused(N_("Give the minutes between repeats, or set the number of repeats to 0."))
    targets = [t for t in (rule.reassign_group, rule.reassign_user, rule.reassign_vendor) if t is not None]
    if len(targets) > 1:
        raise EscalationRefused(N_("Reassign to one group, one engineer or one vendor, not several."))
    if rule.target in WORK_ORDER_TARGETS and rule.reassign_group is not None:
        raise EscalationRefused(N_("Work orders are reassigned to an engineer or a vendor, not to a group."))
    if rule.target in WORK_ORDER_TARGETS and rule.raise_priority:
        raise EscalationRefused(N_("Raising the priority applies to requests; choose a request target."))
    if not (
        rule.notify_assignee
        or rule.notify_group_lead
        or rule.notify_account_manager
        or rule.notify_role is not None
        or rule.notify_users
        or targets
        or rule.raise_priority
    ):
        raise EscalationRefused(
            N_("Choose at least one action: someone to notify, a reassignment or a higher priority.")
        )
    try:
        check_rule(timing(rule))
    except ValueError as error:
        raise EscalationRefused(N_("The rule's timing is not valid: %(error)s"), error=error) from None


def acknowledge(session: Session, event: EscalationEvent, *, actor: UserAccount | None, now: datetime) -> int:
    """Acknowledge ``event``: every unacknowledged event of its level for its record, and their notices.

    Stops the level's repeats (the record's next check is planned again by the next sweep).
    Returns how many events were acknowledged (0 when already done).
    """
    events = session.execute(
        update(EscalationEvent)
        .where(
            EscalationEvent.subject_key == event.subject_key,
            EscalationEvent.level == event.level,
            EscalationEvent.acknowledged_at.is_(None),
        )
        .values(acknowledged_at=now, acknowledged_by_id=actor.id if actor is not None else None)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    ids = select(EscalationEvent.id).where(
        EscalationEvent.subject_key == event.subject_key, EscalationEvent.level == event.level
    )
    session.execute(
        update(Notification)
        .where(Notification.escalation_event_id.in_(ids), Notification.acknowledged_at.is_(None))
        .values(acknowledged_at=now)
        .execution_options(synchronize_session="fetch")
    )
    if event.work_order_id is not None:
        _plan(session, WorkOrder, event.work_order_id, now)  # the sweep plans the record again
    else:
        _plan(session, ServiceRequest, event.request_id, now)
    return events


# ---------------------------------------------------------------------------------------------
# The sweep
# ---------------------------------------------------------------------------------------------

BATCH = 500
RETRY_AFTER = timedelta(minutes=5)  # a record whose check failed unexpectedly is looked at again then
REQUEST_PATH = "/requests/show/%d"  # where a notice links to (the request page, views/service_requests.py)
_NOTICES = {
    (EscalationTarget.REQUEST_RESPONSE, False): N_(
        "Escalation L%(level)s: the response to %(number)s is due at %(due)s — %(subject)s"
    ),
    (EscalationTarget.REQUEST_RESPONSE, True): N_(
        "Escalation L%(level)s: the response to %(number)s is overdue since %(due)s — %(subject)s"
    ),
    (EscalationTarget.REQUEST_RESOLUTION, False): N_(
        "Escalation L%(level)s: %(number)s must be resolved by %(due)s — %(subject)s"
    ),
    (EscalationTarget.REQUEST_RESOLUTION, True): N_(
        "Escalation L%(level)s: the resolution of %(number)s is overdue since %(due)s — %(subject)s"
    ),
    (EscalationTarget.WORK_ORDER_RESPONSE, False): N_(
        "Escalation L%(level)s: work order %(number)s must be accepted by %(due)s — %(subject)s"
    ),
    (EscalationTarget.WORK_ORDER_RESPONSE, True): N_(
        "Escalation L%(level)s: work order %(number)s was to be accepted by %(due)s — %(subject)s"
    ),
    (EscalationTarget.WORK_ORDER_RESOLUTION, False): N_(
        "Escalation L%(level)s: work order %(number)s must be completed by %(due)s — %(subject)s"
    ),
    (EscalationTarget.WORK_ORDER_RESOLUTION, True): N_(
        "Escalation L%(level)s: work order %(number)s was to be completed by %(due)s — %(subject)s"
    ),
}
PRIORITY_UP = {Priority.P4: Priority.P3, Priority.P3: Priority.P2, Priority.P2: Priority.P1}


@dataclass
class SweepResult:
    checked: int = 0
    fired: int = 0
    late: int = 0
    skipped: int = 0  # changed by someone else meanwhile (tried again next minute)
    events: list[int] = field(default_factory=list)

    def add(self, other: SweepResult) -> None:
        self.checked += other.checked
        self.fired += other.fired
        self.late += other.late
        self.skipped += other.skipped
        self.events.extend(other.events)

    @property
    def detail(self) -> str:
        return f"checked {self.checked}, fired {self.fired}, late {self.late}, skipped {self.skipped}"


@dataclass
class _Batch:
    """What the sweep reads for a batch of records in a few queries (no query per record)."""

    changes: dict[int, list[SLAChange]]
    pauses: dict[int, list[SLAPause]]
    fired: dict[tuple[str, int], int]  # (subject, rule id) → highest repeat fired
    acknowledged: set[tuple[str, int]]  # (subject, level) with an acknowledged event
    parents: dict[int, int | None]
    engineer_calendars: dict[int, int]  # user id → the calendar of their engineer profile (quiet hours)
    desk_calendar: Calendar | None  # everyone else's working hours


def due_record_ids(session: Session, model: type, now: datetime, limit: int = BATCH) -> list[int]:
    """The records whose next escalation check is due, most overdue first (the indexed column only)."""
    column = model.escalation_check_at
    return list(session.scalars(select(model.id).where(column <= now).order_by(column, model.id).limit(limit)))


def sweep(session: Session, *, now: datetime, timezone: str, batch: int = BATCH) -> SweepResult:
    """Fire every escalation due at ``now``, once; plan each looked-at record's next check. Not committed.

    Each record is handled in a savepoint: a record changed meanwhile by someone else (its version
    counter) is skipped and looked at again next minute, its firings undone with it.
    """
    query = select(EscalationRule).where(EscalationRule.active.is_(True))
    rules = list(session.scalars(query.order_by(EscalationRule.level, EscalationRule.id)))  # one order, every sweep
    result = SweepResult()
    for model in (ServiceRequest, WorkOrder):
        ids = due_record_ids(session, model, now, batch)
        if not ids:
            continue
        records = session.scalars(select(model).where(model.id.in_(ids)).order_by(model.id)).all()
        context = _load(session, model, ids)
        for record in records:
            result.checked += 1
            pk = record.id
            try:
                with session.begin_nested(), acting(session, None, ACTOR_LABEL):
                    _check(session, record, rules, context, now=now, timezone=timezone, result=result)
            except (StaleDataError, DomainError):
                result.skipped += 1
            except Exception:  # one broken record must not hold up every escalation behind it
                log.exception("escalation sweep: %s %s failed; looked at again in %s", model.__name__, pk, RETRY_AFTER)
                result.skipped += 1
                _plan(session, model, pk, now + RETRY_AFTER)
    return result


def _load(session: Session, model: type, ids: list[int]) -> _Batch:
    key_column = SLAChange.work_order_id if model is WorkOrder else SLAChange.request_id
    changes: dict[int, list[SLAChange]] = {}
    for change in session.scalars(select(SLAChange).where(key_column.in_(ids)).order_by(SLAChange.at, SLAChange.id)):
        changes.setdefault(getattr(change, key_column.key), []).append(change)
    pauses: dict[int, list[SLAPause]] = {}
    if model is ServiceRequest:
        for pause in session.scalars(select(SLAPause).where(SLAPause.request_id.in_(ids))):
            pauses.setdefault(pause.request_id, []).append(pause)
    prefix = "W" if model is WorkOrder else "R"
    subjects = [f"{prefix}{pk}" for pk in ids]
    fired: dict[tuple[str, int], int] = {}
    acknowledged: set[tuple[str, int]] = set()
    rows = session.execute(
        select(
            EscalationEvent.subject_key,
            EscalationEvent.rule_id,
            EscalationEvent.level,
            func.max(EscalationEvent.repeat),
            func.max(EscalationEvent.acknowledged_at),
        )
        .where(EscalationEvent.subject_key.in_(subjects))
        .group_by(EscalationEvent.subject_key, EscalationEvent.rule_id, EscalationEvent.level)
    )
    for subject, rule_id, level, repeat, acked in rows:
        fired[(subject, rule_id)] = max(repeat, fired.get((subject, rule_id), repeat))  # a rule's level may change
        if acked is not None:
            acknowledged.add((subject, level))
    parents = {row.id: row.parent_id for row in session.execute(select(ServiceCategory.id, ServiceCategory.parent_id))}
    profiles = session.execute(
        select(EngineerProfile.user_id, EngineerProfile.calendar_id).where(EngineerProfile.calendar_id.is_not(None))
    )
    desk_calendar = desk_settings(session).calendar
    return _Batch(changes, pauses, fired, acknowledged, parents, dict(profiles.tuples().all()), desk_calendar)


def _clocks(session: Session, record, context: _Batch) -> dict[EscalationTarget, ClockState]:
    """The response and resolution clocks of a request or work order, as the planner sees them."""
    if isinstance(record, WorkOrder):
        changes = [c for c in context.changes.get(record.id, []) if c.reason is SLAChangeReason.ASSIGNED][-1:]
        clock = clock_of(session, changes, [], record.ola_response_minutes, record.ola_resolution_minutes)
        running = {
            EscalationTarget.WORK_ORDER_RESPONSE: record.status in WORK_ORDER_RESPONSE_RUNNING,
            EscalationTarget.WORK_ORDER_RESOLUTION: record.status in WORK_ORDER_RESOLUTION_RUNNING,
        }
        unfinished = record.request.status in OPEN_STATUSES
    else:
        changes = context.changes.get(record.id, [])
        clock = clock_of(
            session, changes, context.pauses.get(record.id, []), record.sla_response_minutes,
            record.sla_resolution_minutes,
        )  # fmt: skip
        clock_runs = record.status in OPEN_STATUSES and record.sla_paused_since is None
        running = {
            EscalationTarget.REQUEST_RESPONSE: clock_runs and record.first_response_at is None,
            EscalationTarget.REQUEST_RESOLUTION: clock_runs,
        }
        unfinished = True
    segments, pauses = clock.segments, clock.closed_pauses

    def moment(seconds: int) -> datetime | None:
        return moment_after(segments, pauses, seconds) if segments else None

    states = {}
    for target, is_running in running.items():
        kind = _kind(target)
        seconds = clock.response_seconds if kind == "response" else clock.resolution_seconds
        states[target] = ClockState(
            due_at=getattr(record, f"{kind}_due_at"),
            target_seconds=seconds or 0,
            moment_after=moment,
            running=bool(is_running and unfinished and seconds),
        )
    return states


def _kind(target: EscalationTarget) -> str:
    """ "response" or "resolution": which due time of the record a target watches."""
    return "response" if target.name.endswith("RESPONSE") else "resolution"


def applies(rule: EscalationRule, record, parents: dict[int, int | None]) -> bool:
    """Whether ``rule``'s target and scope (SLA/OLA, priority, category with its parents, tier) match."""
    is_work_order = isinstance(record, WorkOrder)
    if (rule.target in WORK_ORDER_TARGETS) != is_work_order:
        return False
    request = record.request if is_work_order else record
    if rule.priorities and request.priority.name not in rule.priorities:
        return False
    if rule.tiers and (request.customer.service_tier is None or request.customer.service_tier.name not in rule.tiers):
        return False
    if rule.slas:
        slas = {request.sla_id, record.ola_id if is_work_order else None} - {None}
        if not slas & {sla.id for sla in rule.slas}:
            return False
    if rule.categories:
        try:
            lineage = set(category_path(parents, request.category_id))
        except ValueError:
            lineage = {request.category_id}
        if not lineage & {category.id for category in rule.categories}:
            return False
    return True


def _check(
    session: Session,
    record,
    rules: list[EscalationRule],
    context: _Batch,
    *,
    now: datetime,
    timezone: str,
    result: SweepResult,
) -> None:
    subject = subject_key(record)
    clocks = _clocks(session, record, context)
    upcoming: list[datetime | None] = []
    changed = False
    for rule in rules:
        if not applies(rule, record, context.parents):
            continue
        rule_timing, clock = timing(rule), clocks[rule.target]
        last = context.fired.get((subject, rule.id))
        acknowledged = (subject, rule.level) in context.acknowledged
        try:
            firing = firing_due(rule_timing, clock, last_repeat=last, acknowledged=acknowledged, now=now)
        except ValueError:  # a rule saved before its checks existed: ignored, not fatal to the sweep
            continue
        if firing is not None:
            event = _fire(session, record, rule, firing, context, now=now, timezone=timezone)
            last = firing.repeat
            context.fired[(subject, rule.id)] = last
            if event is not None:
                result.fired += 1
                result.late += firing.late
                result.events.append(event.id)
                changed = changed or bool(event.actions.get("reassigned") or event.actions.get("priority"))
        upcoming.append(next_check(rule_timing, clock, last_repeat=last, acknowledged=acknowledged))
    # A reassignment or a new priority changed the clocks: look again at once; else at the next occurrence.
    check_at = now if changed else earliest(upcoming)
    _plan(session, type(record), record.id, check_at)


def _plan(session: Session, model: type, pk: int, check_at: datetime | None) -> None:
    """Set when the sweep next looks at a record: past the version counter, not an edit (``updated_at`` kept)."""
    session.execute(
        update(model)
        .where(model.id == pk)
        .values(escalation_check_at=check_at, updated_at=model.updated_at)
        .execution_options(synchronize_session=False)
    )


def _fire(
    session: Session, record, rule: EscalationRule, firing: Firing, context: _Batch, *, now: datetime, timezone: str
):
    """Record the firing (the unique key decides who fires), then take the rule's actions."""
    is_work_order = isinstance(record, WorkOrder)
    request = record.request if is_work_order else record
    event = EscalationEvent(
        rule_id=rule.id,
        subject_key=subject_key(record),
        request_id=request.id,
        work_order_id=record.id if is_work_order else None,
        customer_id=request.customer_id,
        vendor_id=record.vendor_id if is_work_order else request.assignee_vendor_id,
        target=rule.target,
        level=rule.level,
        repeat=firing.repeat,
        due_at=firing.due_at,
        fired_at=now,
        late=firing.late,
        actions={},
    )
    try:
        with session.begin_nested():
            session.add(event)
            session.flush()
    except IntegrityError:  # another sweep fired this (rule, record, repeat) first
        return None
    recipients = _recipients(session, rule, record, request)
    actions: dict = {"notified": sorted(user.id for user in recipients)}
    if rule.raise_priority and not is_work_order:
        raised = PRIORITY_UP.get(request.priority)
        if raised is not None:
            _raise_priority(session, request, raised, rule, now=now)
            actions["priority"] = raised.name
    reassigned = _reassign(session, rule, record, now=now)
    if reassigned:
        actions["reassigned"] = reassigned
    event.actions = actions
    _tell(session, event, record, request, recipients, context, now=now, timezone=timezone)
    return event


def _recipients(session: Session, rule: EscalationRule, record, request: ServiceRequest) -> list[UserAccount]:
    """Who the rule tells: the assignee(s), their group's lead, the account manager, a role, named people."""
    people: list[UserAccount | None] = []
    is_work_order = isinstance(record, WorkOrder)
    if rule.notify_assignee:
        people.extend(_assignees(session, record))
    if rule.notify_group_lead:
        group = None if is_work_order else request.assignee_group
        assignee_id = record.assignee_user_id
        if group is None and assignee_id is not None:
            group = session.scalar(
                select(SupportGroup).join(EngineerProfile, EngineerProfile.support_group_id == SupportGroup.id)
                .where(EngineerProfile.user_id == assignee_id)
            )  # fmt: skip
        people.append(group.lead if group is not None else None)
    if rule.notify_account_manager:
        people.append(request.customer.account_manager)
    if rule.notify_role is not None:
        people.extend(
            session.scalars(
                select(UserAccount).where(UserAccount.roles.any(id=rule.notify_role.id), UserAccount.active.is_(True))
            )
        )
    people.extend(rule.notify_users)
    unique = {person.id: person for person in people if person is not None and person.active}
    return [unique[key] for key in sorted(unique)]


def _assignees(session: Session, record) -> list[UserAccount]:
    from app.domain.service_requests import request_assignees
    from app.domain.work_orders import assignee_users

    if isinstance(record, WorkOrder):
        return assignee_users(session, record)
    return request_assignees(session, record)


def _raise_priority(session: Session, request: ServiceRequest, raised: Priority, rule: EscalationRule, *, now) -> None:
    from app.domain.service_requests import apply_sla

    request.priority = raised
    request.priority_override_reason = f"{ACTOR_LABEL}: {rule.name}"[:300]
    apply_sla(session, request, now=now)


def _reassign(session: Session, rule: EscalationRule, record, *, now: datetime) -> str | None:
    """The rule's reassignment, through the same functions a dispatcher uses; None when none or refused."""
    from app.domain.service_requests import assign
    from app.domain.work_orders import perform_work_order

    user, group, vendor = rule.reassign_user, rule.reassign_group, rule.reassign_vendor
    if user is None and group is None and vendor is None:
        return None
    try:
        with session.begin_nested():
            if isinstance(record, WorkOrder):
                if (user is not None and record.assignee_user_id == user.id) or (
                    vendor is not None and record.vendor_id == vendor.id
                ):
                    return None
                perform_work_order(
                    session, record, WorkOrderAction.REASSIGN, actor=None, roles={DISPATCHER}, now=now,
                    assignee_user=user, vendor=vendor,
                )  # fmt: skip
            else:
                if (
                    (user is not None and record.assignee_user_id == user.id)
                    or (group is not None and record.assignee_group_id == group.id and record.assignee_user_id is None)
                    or (vendor is not None and record.assignee_vendor_id == vendor.id)
                ):
                    return None
                assign(session, record, actor=None, roles={DISPATCHER}, now=now, user=user, group=group, vendor=vendor)
    except DomainError:  # e.g. the target became inactive: the notices still go out
        return None
    target = user.get_full_name() if user is not None else str(group or vendor)
    return target


def _tell(
    session: Session,
    event: EscalationEvent,
    record,
    request: ServiceRequest,
    recipients: list[UserAccount],
    context: _Batch,
    *,
    now: datetime,
    timezone: str,
) -> None:
    """In-app and e-mail notices in each recipient's language; non-urgent ones wait for their working hours."""
    due = getattr(record, f"{_kind(event.target)}_due_at")
    overdue = due is not None and due <= now
    message = _NOTICES[(event.target, overdue)]
    params = {
        "level": event.level,
        "number": record.number,
        "subject": request.subject,
        "due": due.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M") if due is not None else "",
    }
    urgent = request.priority is Priority.P1
    fallback = context.desk_calendar or (request.sla.calendar if request.sla is not None else None)
    link = (WORK_ORDER_PATH if isinstance(record, WorkOrder) else REQUEST_PATH) % record.id
    for user in recipients:
        calendar_id = context.engineer_calendars.get(user.id)
        calendar = session.get(Calendar, calendar_id) if calendar_id is not None else fallback
        deliver_at = delivery_time(now, urgent=urgent, calendar=business_calendar_of(session, calendar))
        held = deliver_at if deliver_at > now else None
        # A vendor opens work orders, not request pages: a request's notice to a vendor carries no link.
        may_open = isinstance(record, WorkOrder) or (user.vendor_id is None and user.customer_id is None)
        notify(
            session,
            [user],
            "escalation",
            message,
            params,
            link=link if may_open else None,
            request_id=request.id,
            work_order_id=event.work_order_id,
            escalation_event_id=event.id,
            visible_from=held,
        )
        queue_mail(
            session,
            user,
            "escalation",
            {"notice": message, "notice_params": params, "level": event.level, "late": event.late,
             "rule": event.rule.name, "show_link": may_open},
            request=request,
            work_order=record if isinstance(record, WorkOrder) else None,
            dedupe_key=f"escalation:{event.id}:{user.id}",
            not_before=held,
        )  # fmt: skip
