"""A request's SLA clock: working time consumed across SLA changes and pauses, due times, timeline.

The clock starts when the request is created and counts the working time of its SLA's calendar
(``app.domain.sla``). The SLA, hence the calendar, may change during the request's life, so the clock
is a list of segments: each starts at its ``since`` and runs in its own calendar until the next
segment's ``since``; the last runs on forever. Pauses ("waiting for the customer") stop it whatever
the calendar; a pause still running has ``end=None``.

A target of N working seconds is due at the first moment N working seconds outside pauses have been
consumed since the first segment's start. A new priority (another target) or a new SLA (another
segment) therefore keeps the working time already consumed and the pauses already taken: the caller
passes the new target or appends the segment, nothing is reset.

Everything goes through the engine's public functions, one call per segment stretch. The engine
floors each stretch's working time to whole seconds, so a change of SLA at a fractional second may
drop under a second; ``due_at`` walks the same floored values, so ``consumed_seconds(due_at(T)) == T``
holds exactly. Moments must be aware (a naive one would be read in each calendar's own zone);
results are aware in UTC.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from app.domain.sla import BusinessCalendar, business_seconds_between, deadline_after, working_intervals

RUNNING, PAUSED, OUTSIDE_HOURS = "running", "paused", "outside_hours"

_US = 1_000_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class ClockSegment:
    """From ``since`` on (until the next segment's ``since``) the clock runs in ``calendar``."""

    since: datetime  # aware
    calendar: BusinessCalendar


@dataclass(frozen=True)
class Pause:
    """A stretch during which the clock stood still; ``end`` None: still paused."""

    start: datetime  # aware
    end: datetime | None  # None: still paused
    reason: str = ""  # e.g. a status code "PENDING_CUSTOMER"


@dataclass(frozen=True)
class TimelineSpan:
    """One piece of the clock's life, for the request's SLA timeline."""

    kind: str  # RUNNING, PAUSED or OUTSIDE_HOURS
    start: datetime  # aware UTC
    end: datetime
    working_seconds: int  # working time counted in this span (0 for paused / outside hours)
    reason: str = ""  # the pause's reason for PAUSED spans


@dataclass(frozen=True)
class TargetOutcome:
    """Where one target (first response, resolution) stands: met, breached or still running."""

    target_seconds: int
    due_at: datetime | None
    stopped_at: datetime | None  # when the target was met (first response / resolution), if it was
    consumed_seconds: int  # working seconds consumed until stopped_at, or until `now` if running
    margin_seconds: int  # target - consumed: positive = time left / met early by; negative = breached by
    met: bool | None  # True: stopped within target; False: breached; None: running, not overrun
    paused: bool  # an open pause at `now` (and not stopped)


_Stretch = tuple[BusinessCalendar, datetime, datetime | None]  # a segment's calendar over [from, to); None: forever


def consumed_seconds(segments: Sequence[ClockSegment], pauses: Iterable[Pause], until: datetime) -> int:
    """Working seconds from segments[0].since to ``until``, each stretch in its own calendar, outside pauses.

    An open pause counts as running to ``until``. 0 when ``until`` is not after the start.
    """
    segments = _checked_segments(segments)
    until = _aware(until, "until")
    pauses = _checked_pauses(pauses)
    if until <= segments[0].since:
        return 0
    pairs = _pause_pairs(pauses, until)
    return sum(business_seconds_between(cal, a, b, pairs) for cal, a, b in _stretches(segments, until))


def due_at(segments: Sequence[ClockSegment], pauses: Iterable[Pause], target_seconds: int) -> datetime | None:
    """First moment at which ``target_seconds`` working seconds are consumed, aware in UTC.

    Only closed pauses shift it. An open pause is ignored: its end is unknown, so the caller shows the
    clock as paused and recomputes on resume; a target reached before the pause started is thereby
    returned as usual. A target of 0 is due at the start. None when the target is never reached: the
    last segment's calendar has no working hours (and the earlier stretches do not suffice).
    """
    segments = _checked_segments(segments)
    budget = _checked_target(target_seconds)
    closed = [(pause.start, pause.end) for pause in _checked_pauses(pauses) if pause.end is not None]
    return _due(segments, closed, budget)


def moment_after(segments: Sequence[ClockSegment], pauses: Iterable[Pause], working_seconds: int) -> datetime | None:
    """The first moment at which ``working_seconds`` are consumed, by ``due_at``'s rules.

    Named for its use: escalation triggers such as "80% of the target elapsed".
    """
    return due_at(segments, pauses, working_seconds)


def remaining_seconds(
    segments: Sequence[ClockSegment], pauses: Iterable[Pause], target_seconds: int, at: datetime
) -> int:
    """Working seconds left of the target at ``at``; negative when overrun."""
    return _checked_target(target_seconds) - consumed_seconds(segments, pauses, at)


def timeline(
    segments: Sequence[ClockSegment], pauses: Iterable[Pause], end: datetime, *, limit: int = 500
) -> list[TimelineSpan]:
    """The clock's life from segments[0].since to ``end`` as consecutive spans covering it exactly.

    RUNNING: working hours of the segment's calendar, not paused. OUTSIDE_HOURS: not working hours, not
    paused. PAUSED: a pause, whatever the hours (where pauses overlap, the one that started first names
    the overlap). Adjacent spans of the same kind and reason are merged, across segment boundaries too.
    The RUNNING spans' working seconds add up to ``consumed_seconds(until=end)``. With more than
    ``limit`` spans only the last (newest) ``limit`` are kept.
    """
    segments = _checked_segments(segments)
    end = _aware(end, "end")
    pauses = _checked_pauses(pauses)
    if operator.index(limit) < 0:
        raise ValueError(f"limit cannot be negative, got {limit}")
    lo, hi = _us(segments[0].since), _us(end)
    if hi <= lo or limit == 0:
        return []
    paused = _pause_pieces(pauses, lo, hi)
    spans: list[list] = []  # [kind, from_us, to_us, working_seconds, reason]
    for cal, a, b in _stretches(segments, end):
        _stretch_spans(spans, cal, _us(a), _us(b), paused)
    return [
        TimelineSpan(kind, _datetime(start), _datetime(stop), seconds, reason)
        for kind, start, stop, seconds, reason in spans[-limit:]
    ]


def outcome(
    segments: Sequence[ClockSegment],
    pauses: Iterable[Pause],
    target_seconds: int,
    stopped_at: datetime | None,
    now: datetime,
) -> TargetOutcome:
    """Where a target stands at ``now``: met or breached once stopped, else running in time, overrun or paused.

    Open pauses are taken to end at the stop (or at ``now`` while running), so ``due_at`` here is the
    due time if the clock resumed now; it equals ``due_at()`` unless the clock is paused. A target is
    breached from the first moment after its due time, the moment shown to users and the one escalations
    fire at: a target used up exactly at closing time (18:00) and met at 18:30 is breached, even though
    no working time passed in between (``margin_seconds`` is then 0).
    """
    segments = _checked_segments(segments)
    budget = _checked_target(target_seconds)
    now = _aware(now, "now")
    stopped_at = None if stopped_at is None else _aware(stopped_at, "stopped_at")
    pauses = _checked_pauses(pauses)
    reference = now if stopped_at is None else stopped_at
    closed = [(start, stop) for start, stop in _pause_pairs(pauses, reference) if start < stop]
    due = _due(segments, closed, budget)
    consumed = consumed_seconds(segments, pauses, reference)
    late = due is not None and reference > due
    if stopped_at is not None:
        met, paused = not late, False
    else:
        met = False if late else None
        paused = any(p.start <= now and (p.end is None or now < p.end) for p in pauses)
    return TargetOutcome(
        target_seconds=budget,
        due_at=due,
        stopped_at=stopped_at,
        consumed_seconds=consumed,
        margin_seconds=budget - consumed,
        met=met,
        paused=paused,
    )


def _due(segments: list[ClockSegment], closed: list[tuple[datetime, datetime]], budget: int) -> datetime | None:
    """Walk the stretches, taking off what each consumed, until one holds the rest of the budget."""
    if budget == 0:
        return segments[0].since
    for cal, a, b in _stretches(segments, None):
        if b is None:
            if not any(cal.weekly_hours):
                return None
        else:
            used = business_seconds_between(cal, a, b, closed)
            if used < budget:
                budget -= used
                continue
        # The stretch holds at least the budget left, so the deadline falls within it.
        return deadline_after(cal, a, budget, closed).astimezone(UTC)
    raise AssertionError("the last stretch runs forever")  # pragma: no cover


def _stretches(segments: list[ClockSegment], until: datetime | None) -> Iterator[_Stretch]:
    """Each segment's calendar over [its since, the next since), cut at ``until`` (None: not cut)."""
    for segment, following in zip(segments, [*segments[1:], None], strict=True):
        stop = None if following is None else following.since
        if until is not None:
            if segment.since >= until:
                return
            stop = until if stop is None else min(stop, until)
        yield segment.calendar, segment.since, stop


def _stretch_spans(spans: list[list], cal: BusinessCalendar, a: int, b: int, paused: list[tuple]) -> None:
    """Append the spans of one stretch [a, b), merged into the previous one where kind and reason agree.

    Working seconds are floored per stretch as the engine does (running total, not each piece), so that
    they add up to ``consumed_seconds``.
    """
    working = _merged((_us(x), _us(y)) for x, y in working_intervals(cal, _datetime(a), _datetime(b)))
    points = {a, b}
    points.update(t for span in working for t in span if a < t < b)
    points.update(t for start, stop, _ in paused for t in (start, stop) if a < t < b)
    ordered = sorted(points)
    w = p = 0
    running_us = 0
    for x, y in zip(ordered, ordered[1:], strict=False):
        while w < len(working) and working[w][1] <= x:
            w += 1
        while p < len(paused) and paused[p][1] <= x:
            p += 1
        seconds, reason = 0, ""
        if p < len(paused) and paused[p][0] <= x:
            kind, reason = PAUSED, paused[p][2]
        elif w < len(working) and working[w][0] <= x:
            kind = RUNNING
            seconds = (running_us + y - x) // _US - running_us // _US
            running_us += y - x
        else:
            kind = OUTSIDE_HOURS
        last = spans[-1] if spans else None
        if last is not None and last[0] == kind and last[4] == reason and last[2] == x:
            last[2] = y
            last[3] += seconds
        else:
            spans.append([kind, x, y, seconds, reason])


def _pause_pieces(pauses: list[Pause], lo: int, hi: int) -> list[tuple[int, int, str]]:
    """The pauses within [lo, hi) as disjoint pieces in order; an open one runs to ``hi``; overlaps go
    to the pause that started first."""
    pieces: list[tuple[int, int, str]] = []
    reached = lo
    for pause in sorted(pauses, key=lambda p: (p.start, p.end is not None, p.end or p.start)):
        start = max(_us(pause.start), reached)
        stop = hi if pause.end is None else min(_us(pause.end), hi)
        if start < stop:
            pieces.append((start, stop, pause.reason))
            reached = stop
    return pieces


def _pause_pairs(pauses: list[Pause], until: datetime) -> list[tuple[datetime, datetime]]:
    """The pauses for the engine: an open one runs to ``until`` (or is empty if it starts later)."""
    return [(p.start, p.end if p.end is not None else max(p.start, until)) for p in pauses]


def _merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Ordered spans with touching ones joined (one working interval per date, so midnight splits)."""
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _checked_segments(segments: Sequence[ClockSegment]) -> list[ClockSegment]:
    segments = list(segments)
    if not segments:
        raise ValueError("an SLA clock needs at least one segment")
    segments = [ClockSegment(_aware(segment.since, "segment since"), segment.calendar) for segment in segments]
    for earlier, later in zip(segments, segments[1:], strict=False):
        if later.since <= earlier.since:
            raise ValueError(
                f"segments must start in strictly increasing order: {later.since.isoformat()} "
                f"does not come after {earlier.since.isoformat()}"
            )
    return segments


def _checked_pauses(pauses: Iterable[Pause]) -> list[Pause]:
    checked = []
    for pause in pauses:
        start = _aware(pause.start, "pause start")
        end = None if pause.end is None else _aware(pause.end, "pause end")
        if end is not None and end < start:
            raise ValueError(f"a pause cannot end before it starts: {start.isoformat()} to {end.isoformat()}")
        checked.append(Pause(start, end, pause.reason))
    return checked


def _checked_target(target_seconds: int) -> int:
    target = operator.index(target_seconds)
    if target < 0:
        raise ValueError(f"a target cannot be negative, got {target_seconds} seconds")
    return target


def _aware(moment: datetime, what: str) -> datetime:
    """The moment in UTC; naive ones are refused, as each calendar would read them in its own zone.

    In UTC, comparisons go by instant: two datetimes of one zone compare by wall clock (PEP 495).
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be an aware datetime, got {moment.isoformat()}")
    return moment.astimezone(UTC)


def _us(moment: datetime) -> int:
    return (moment - _EPOCH) // _MICROSECOND


def _datetime(us: int) -> datetime:
    return _EPOCH + us * _MICROSECOND
