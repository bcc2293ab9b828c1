"""When an escalation rule (升级规则) fires for one record, and which single occurrence a sweep fires now.

Pure planning, no database: the periodic sweep (every minute) asks ``firing_due`` what to fire for each
(record, rule) and stores the record's next ``escalation_check_at`` as the ``earliest`` of ``next_check``.
The database keeps (rule, record, repeat) unique; this module only decides.

* A rule's first notice falls at a percentage of the SLA target's working time (``PERCENT``), or some
  minutes before / after the due time. It then repeats every ``repeat_minutes`` until acknowledged, at
  most ``max_repeats`` times after the first, so at most 1 + ``max_repeats`` notices.
* A sweep fires at most ONE occurrence per (record, rule): the newest one due. After an outage the
  repeats missed meanwhile collapse into that single notice, marked late, instead of a burst of stale
  ones that all say the same thing.
* A stopped or paused clock (target met, record finished, waiting on the customer) fires nothing and
  needs no check: resuming the clock recomputes the plan.
* Notices to a recipient outside their calendar's working hours wait for the next opening
  (``delivery_time``), except urgent (P1) ones.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from app.domain.sla import BusinessCalendar, working_intervals

LATE_AFTER = timedelta(minutes=5)  # fired more than this after its time → late

# Trigger kinds, equal to the member names of models.enums.EscalationTrigger.
PERCENT, BEFORE_DUE, AFTER_DUE = "PERCENT_ELAPSED", "BEFORE_DUE", "AFTER_DUE"
TRIGGERS = (PERCENT, BEFORE_DUE, AFTER_DUE)
PERCENT_RANGE = (1, 1000)


@dataclass(frozen=True)
class RuleTiming:
    """The timing part of an escalation rule."""

    rule_id: int
    level: int
    trigger: str  # PERCENT / BEFORE_DUE / AFTER_DUE
    value: int  # percent (1..1000) or minutes (>= 0)
    repeat_minutes: int | None = None
    max_repeats: int = 0


@dataclass(frozen=True)
class ClockState:
    """One target (response or resolution) of one record, as the sweep sees it."""

    due_at: datetime | None  # None: no SLA/target → rules for it never fire
    target_seconds: int  # the target in working seconds
    moment_after: Callable[[int], datetime | None]  # first moment N working seconds are consumed
    running: bool  # False when stopped (met) or paused or the record is finished


@dataclass(frozen=True)
class Firing:
    """One occurrence to fire now: the notice (rule, record, repeat) to record and send."""

    rule_id: int
    level: int
    repeat: int  # 0 = the first notice
    due_at: datetime  # when this occurrence was due (UTC)
    late: bool


def check_rule(rule: RuleTiming) -> None:
    """Refuse timings the sweep cannot plan with (the admin form checks first; messages are English, for logs).

    Raises ``ValueError`` for an unknown trigger, a percentage outside 1..1000, negative minutes,
    ``repeat_minutes`` <= 0 or ``max_repeats`` < 0.
    """
    trigger = _trigger(rule)
    if trigger not in TRIGGERS:
        raise ValueError(f"unknown escalation trigger {rule.trigger!r}")
    if not _is_int(rule.value):
        raise ValueError(f"the trigger value must be a whole number, got {rule.value!r}")
    if trigger == PERCENT and not PERCENT_RANGE[0] <= rule.value <= PERCENT_RANGE[1]:
        raise ValueError(f"a percentage must be between 1 and 1000, got {rule.value}")
    if trigger != PERCENT and rule.value < 0:
        raise ValueError(f"minutes before or after the due time cannot be negative, got {rule.value}")
    if rule.repeat_minutes is not None and (not _is_int(rule.repeat_minutes) or rule.repeat_minutes <= 0):
        raise ValueError(f"repeat minutes must be a positive whole number, got {rule.repeat_minutes!r}")
    if not _is_int(rule.max_repeats) or rule.max_repeats < 0:
        raise ValueError(f"the number of repeats cannot be negative, got {rule.max_repeats!r}")


def first_occurrence(rule: RuleTiming, clock: ClockState) -> datetime | None:
    """When the rule's first notice (repeat 0) is due, in UTC; None when there is no due time.

    PERCENT: the moment ceil(target × value / 100) working seconds are used (so 50 % of a business-hours
    target lands in working time, not at a wall-clock midpoint); BEFORE_DUE / AFTER_DUE: the due time
    minus / plus ``value`` minutes.
    """
    check_rule(rule)
    if clock.due_at is None:
        return None
    trigger = _trigger(rule)
    if trigger == PERCENT:
        moment = clock.moment_after(math.ceil(clock.target_seconds * rule.value / 100))
        return None if moment is None else _utc(moment)
    offset = timedelta(minutes=rule.value)
    due = _utc(clock.due_at)
    return due - offset if trigger == BEFORE_DUE else due + offset


def occurrence(rule: RuleTiming, first: datetime, repeat: int) -> datetime:
    """When repeat ``repeat`` is due: ``first`` + repeat × repeat_minutes (repeat 0 is ``first``).

    Raises ``ValueError`` for a negative repeat, or a repeat > 0 of a rule that does not repeat.
    """
    if repeat < 0:
        raise ValueError(f"a repeat index cannot be negative, got {repeat}")
    if repeat == 0:
        return _utc(first)
    if rule.repeat_minutes is None:
        raise ValueError(f"rule {rule.rule_id} does not repeat, so it has no repeat {repeat}")
    return _utc(first) + timedelta(minutes=repeat * rule.repeat_minutes)


def last_repeat_index(rule: RuleTiming) -> int:
    """The highest repeat index the rule can fire: ``max_repeats``, or 0 when it does not repeat."""
    return rule.max_repeats if rule.repeat_minutes is not None else 0


def firing_due(
    rule: RuleTiming,
    clock: ClockState,
    *,
    last_repeat: int | None,
    acknowledged: bool,
    now: datetime,
    late_after: timedelta = LATE_AFTER,
) -> Firing | None:
    """The one occurrence to fire now, or None.

    That is the highest repeat r <= max_repeats (0 without repeat_minutes) with occurrence(r) <= now and
    r > ``last_repeat`` (None = nothing fired yet). Older unfired repeats are skipped: one late notice stands
    for them. Nothing fires while the clock is not running, nor once an acknowledged level has had its
    notice (acknowledging stops repeats). ``late``: fired more than ``late_after`` after its time, or
    repeats were skipped.
    """
    now = _utc(now)
    first = _first_if_live(rule, clock, last_repeat=last_repeat, acknowledged=acknowledged)
    if first is None or now < first:
        return None
    repeat = 0
    if rule.repeat_minutes is not None:
        repeat = min(last_repeat_index(rule), (now - first) // timedelta(minutes=rule.repeat_minutes))
    if last_repeat is not None and repeat <= last_repeat:
        return None
    due = occurrence(rule, first, repeat)
    expected = 0 if last_repeat is None else last_repeat + 1
    late = now - due > late_after or repeat > expected
    return Firing(rule_id=rule.rule_id, level=rule.level, repeat=repeat, due_at=due, late=late)


def next_check(rule: RuleTiming, clock: ClockState, *, last_repeat: int | None, acknowledged: bool) -> datetime | None:
    """When this rule next needs looking at for this record (UTC), or None when nothing more can fire.

    The time of the next unfired occurrence (possibly already past, e.g. after an outage: look now).
    None when the clock is not running, there is no due time, the repeats are used up, or the level
    was acknowledged after its notice.
    """
    first = _first_if_live(rule, clock, last_repeat=last_repeat, acknowledged=acknowledged)
    if first is None:
        return None
    following = 0 if last_repeat is None else last_repeat + 1
    if following > last_repeat_index(rule):
        return None
    return occurrence(rule, first, following)


def earliest(times: Iterable[datetime | None]) -> datetime | None:
    """The earliest non-None time in UTC (a record's ``escalation_check_at``), or None."""
    present = [_utc(moment) for moment in times if moment is not None]
    return min(present) if present else None


def delivery_time(
    now: datetime, *, urgent: bool, calendar: BusinessCalendar | None, horizon_days: int = 60
) -> datetime:
    """When a notice to a recipient should go out (quiet hours), aware UTC.

    ``now`` when urgent (P1), when there is no calendar, or within the calendar's working hours; otherwise
    the start of its next working interval. A calendar with no working time within ``horizon_days``
    would hold the notice forever, so then it goes out now.
    """
    now = _utc(now)
    if urgent or calendar is None:
        return now
    upcoming = next(working_intervals(calendar, now, now + timedelta(days=horizon_days)), None)
    if upcoming is None:
        return now
    # working_intervals clips to [now, …): inside working hours the first interval starts at now.
    return max(now, _utc(upcoming[0]))


def _first_if_live(
    rule: RuleTiming, clock: ClockState, *, last_repeat: int | None, acknowledged: bool
) -> datetime | None:
    """The first occurrence when the rule may still fire at all, else None."""
    if last_repeat is not None and last_repeat < 0:
        raise ValueError(f"a repeat index cannot be negative, got {last_repeat}")
    if not clock.running or (acknowledged and last_repeat is not None):
        check_rule(rule)
        return None
    return first_occurrence(rule, clock)


def _trigger(rule: RuleTiming) -> str:
    """The trigger's name; an EscalationTrigger member is accepted as well as its name."""
    return getattr(rule.trigger, "name", rule.trigger)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"an aware datetime is needed, got naive {moment.isoformat()}")
    return moment.astimezone(UTC)
