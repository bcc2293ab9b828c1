"""Business time: working seconds between two moments, and the deadline after a budget of them.

The SLA clock counts only the working time of a business calendar (工作日历). The model:

* Every local date has working intervals in the wall-clock time of the calendar's zone. A date takes
  the intervals of its weekday (``weekly_hours``) unless it is special: a holiday (节假日) has none, a
  make-up working day (调休工作日) takes the intervals of the weekday it names. A date may not be both.
* Wall-clock times become instants by zoneinfo's ``fold=0`` reading: an ambiguous time is its first
  occurrence; a nonexistent one (in a spring-forward gap) takes the offset from before the change, so
  Berlin's 02:30 on a spring-forward day is 03:30 CEST. "24:00" is the next date's midnight. An
  interval lasts its real elapsed time, so a shift across a DST change is an hour shorter or longer.
  A date's working time is the union of its intervals as instants (around a change fold=0 can shrink
  one to nothing or map it onto another's time), kept within the date's [midnight, next midnight).
* Input datetimes may be aware (any zone) or naive (read as the calendar's wall-clock time, keeping
  their own ``fold``). Arithmetic runs on integer microseconds since the epoch, so results are exact.
* Cost grows with the dates walked, never with minutes: the walk goes date by date and steps over a
  whole week at once when the week holds no special date and no UTC-offset change, since its working
  time is then the precomputed normal week. (That test looks at the eight midnights around the week;
  no zone in tzdata changes offset twice within a day, let alone back to where it was.)
"""

from __future__ import annotations

import operator
import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

Span = tuple[int, int]  # [from, to) in microseconds since the epoch
Hours = tuple[tuple[int, int], ...]  # merged [from, to) in seconds after local midnight

_US = 1_000_000
_DAY_SECONDS = 86_400
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_DAY = timedelta(days=1)
_WEEK = timedelta(days=7)
_CLOCK = re.compile(r"([0-9]{2}):([0-9]{2})")


@dataclass(frozen=True, init=False)
class BusinessCalendar:
    """A validated, immutable business calendar; hashable, so callers may cache results by it.

    Built from ``weekly_hours`` {weekday (0 = Monday): [("HH:MM", "HH:MM"), ...]}, ``holidays`` and
    ``extra_workdays`` {date: weekday whose hours apply}; a missing weekday has no hours. It is kept
    normalised, so calendars that mean the same compare equal: ``weekly_hours`` as seven tuples of
    merged intervals (touching ones joined), ``holidays`` as a frozenset, ``extra_workdays`` as
    (date, weekday) pairs in date order. A date that is both a holiday and a make-up day is refused
    rather than guessed at: it is a data-entry mistake either way.
    """

    timezone: str
    weekly_hours: tuple[tuple[tuple[str, str], ...], ...]
    holidays: frozenset[date]
    extra_workdays: tuple[tuple[date, int], ...]
    _zone: ZoneInfo = field(repr=False, compare=False)
    _hours: tuple[Hours, ...] = field(repr=False, compare=False)
    _extra: Mapping[date, int] = field(repr=False, compare=False)
    _special: tuple[date, ...] = field(repr=False, compare=False)
    _week_us: int = field(repr=False, compare=False)

    def __init__(
        self,
        timezone: str,
        weekly_hours: Mapping[int, Iterable[tuple[str, str]]],
        holidays: Iterable[date] = (),
        extra_workdays: Mapping[date, int] | None = None,
    ) -> None:
        for weekday in weekly_hours:
            _check_weekday(weekday, "weekly_hours key")
        hours = tuple(_day_hours(weekday, weekly_hours.get(weekday, ())) for weekday in range(7))
        holiday_set = frozenset(_check_date(day, "holiday") for day in holidays)
        extra = {
            _check_date(day, "extra workday"): _check_weekday(weekday, f"extra_workdays[{day}]")
            for day, weekday in (extra_workdays or {}).items()
        }
        if clash := sorted(holiday_set & extra.keys()):
            raise ValueError(f"dates both holiday and make-up working day: {', '.join(map(str, clash))}")
        fields = {
            "timezone": timezone,
            "weekly_hours": tuple(tuple((_clock(a), _clock(b)) for a, b in day) for day in hours),
            "holidays": holiday_set,
            "extra_workdays": tuple(sorted(extra.items())),
            "_zone": _load_zone(timezone),
            "_hours": hours,
            "_extra": extra,
            "_special": tuple(sorted(holiday_set | extra.keys())),
            "_week_us": sum(b - a for day in hours for a, b in day) * _US,
        }
        for name, value in fields.items():
            object.__setattr__(self, name, value)


def business_seconds_between(
    cal: BusinessCalendar, start: datetime, end: datetime, pauses: Iterable[tuple[datetime, datetime]] = ()
) -> int:
    """Working seconds in [start, end) outside the union of ``pauses``, floored to whole seconds.

    The exact duration (microseconds included) is floored once at the end, so a fraction of a second
    never counts as one. ``end`` before ``start`` is an empty range and gives 0: a clock that has not
    started yet has used no time. A pause still running should be passed as ending at ``now``.
    """
    lo, hi = _instant(cal, start), _instant(cal, end)
    paused = sum(_business_us(cal, max(a, lo), min(b, hi)) for a, b in _union(cal, pauses))
    return (_business_us(cal, lo, hi) - paused) // _US


def resolution_minutes(cal: BusinessCalendar, created_at: datetime, resolved_at: datetime) -> int:
    """Working minutes from a request's creation to its resolution (whole minutes, floored): the
    dashboard's time to resolve in business hours. Time waiting for the customer counts; the SLA
    clock, which leaves it out, is ``sla_clock``'s."""
    return business_seconds_between(cal, created_at, resolved_at) // 60


def deadline_after(
    cal: BusinessCalendar, start: datetime, seconds: int, pauses: Iterable[tuple[datetime, datetime]] = ()
) -> datetime:
    """The first moment at which ``seconds`` of working time outside ``pauses`` have passed since ``start``.

    Being the first such moment, a budget used up exactly at a closing time ends there (18:00), not at
    the next opening, and a budget of 0 has passed at ``start`` itself, even outside working hours or
    inside a pause: callers who want the next opening can take the first of ``working_intervals``.
    Raises ``ValueError`` for a negative budget, and for a positive one when no weekday has hours:
    make-up days borrow a weekday's hours, so such a calendar has no working time anywhere.

    Returned aware, in the calendar's zone. Compare it with a UTC ``now``, or in UTC: Python compares two
    datetimes of the same zone by wall clock, which misorders the repeated hour of a fall-back (PEP 495).
    """
    budget = operator.index(seconds) * _US
    if budget < 0:
        raise ValueError(f"a budget of working time cannot be negative, got {seconds} seconds")
    cursor = _instant(cal, start)
    if budget == 0:
        return _aware(cal, cursor)
    for a, b in _union(cal, pauses):
        if b <= cursor:
            continue
        if a > cursor:
            due = _deadline_us(cal, cursor, budget)
            if due <= a:
                return _aware(cal, due)
            budget -= _business_us(cal, cursor, a)
        cursor = b
    return _aware(cal, _deadline_us(cal, cursor, budget))


def working_intervals(cal: BusinessCalendar, start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime]]:
    """The working intervals within [start, end), clipped to it, in order, aware in the calendar's zone.

    One pair per interval per date, so a 24×7 calendar yields one pair a day: the SLA timeline can
    name each date's share. Pauses are not applied here. Measure a pair in UTC: subtracting two
    datetimes of the same zone gives wall-clock time, an hour off across a DST change.
    """
    lo, hi = _instant(cal, start), _instant(cal, end)
    day, last = _local_date(cal, lo), _local_date(cal, hi - 1)
    while day <= last:
        for a, b in _clipped(_day_spans(cal, day), lo, hi):
            yield _aware(cal, a), _aware(cal, b)
        day += _DAY


def _business_us(cal: BusinessCalendar, lo: int, hi: int) -> int:
    """Working microseconds in [lo, hi): date by date, and plain weeks lying wholly inside at once."""
    total = 0
    day, last = _local_date(cal, lo), _local_date(cal, hi - 1)
    while day <= last:
        total += sum(b - a for a, b in _clipped(_day_spans(cal, day), lo, hi))
        day += _DAY
        while day + _WEEK <= last and _plain_week(cal, day):
            total += cal._week_us
            day += _WEEK
    return total


def _deadline_us(cal: BusinessCalendar, start: int, budget: int) -> int:
    """The first instant at which ``budget`` (> 0) working microseconds have passed since ``start``."""
    if not cal._week_us:
        raise ValueError("the calendar has no working hours on any weekday")
    day = _local_date(cal, start)
    spans = [(max(a, start), b) for a, b in _day_spans(cal, day) if b > start]
    while True:
        for a, b in spans:
            if budget <= b - a:
                return a + budget
            budget -= b - a
        day += _DAY
        # Only with strictly more than a week left: the deadline itself is found by walking, never skipped over.
        while budget > cal._week_us and _plain_week(cal, day):
            budget -= cal._week_us
            day += _WEEK
        spans = _day_spans(cal, day)


def _clipped(spans: Iterable[Span], lo: int, hi: int) -> Iterator[Span]:
    for a, b in spans:
        a, b = max(a, lo), min(b, hi)
        if a < b:
            yield a, b


def _day_spans(cal: BusinessCalendar, day: date) -> list[Span]:
    """A date's working time: the union of its intervals as instants, within the date's own midnights."""
    hours = () if day in cal.holidays else cal._hours[cal._extra.get(day, day.weekday())]
    if not hours:
        return []
    start, end = _midnight(cal, day), _midnight(cal, day + _DAY)
    if end - start == _DAY_SECONDS * _US:  # no offset change today: wall clock and elapsed time agree
        return [(start + a * _US, start + b * _US) for a, b in hours]
    # Around a change fold=0 may shrink an interval to nothing or map it onto another one's time.
    mapped = ((max(start, _local_us(cal, day, a)), min(end, _local_us(cal, day, b))) for a, b in hours)
    return _merge(span for span in mapped if span[0] < span[1])


def _plain_week(cal: BusinessCalendar, day: date) -> bool:
    """Whether the seven dates from ``day`` work exactly a normal week: no special date, no offset change."""
    i = bisect_left(cal._special, day)
    if i < len(cal._special) and cal._special[i] < day + _WEEK:
        return False
    offsets = {cal._zone.utcoffset(datetime.combine(day + k * _DAY, time())) for k in range(8)}
    return len(offsets) == 1


def _midnight(cal: BusinessCalendar, day: date) -> int:
    return _local_us(cal, day, 0)


def _local_us(cal: BusinessCalendar, day: date, second: int) -> int:
    """The instant of a wall-clock time on ``day`` (86400 = the next midnight), read with fold=0."""
    days, second = divmod(second, _DAY_SECONDS)
    local = datetime.combine(day + days * _DAY, time(second // 3600, second // 60 % 60), tzinfo=cal._zone)
    return (local - _EPOCH) // _MICROSECOND


def _local_date(cal: BusinessCalendar, us: int) -> date:
    return _aware(cal, us).date()


def _aware(cal: BusinessCalendar, us: int) -> datetime:
    return (_EPOCH + us * _MICROSECOND).astimezone(cal._zone)


def _instant(cal: BusinessCalendar, moment: datetime) -> int:
    """Microseconds since the epoch; a naive moment is the calendar's wall-clock time."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=cal._zone)
    return (moment - _EPOCH) // _MICROSECOND


def _union(cal: BusinessCalendar, pauses: Iterable[tuple[datetime, datetime]]) -> list[Span]:
    """The pauses as disjoint spans in order; overlapping or touching ones merged, empty ones dropped."""
    spans: list[Span] = []
    for begin, end in pauses:
        a, b = _instant(cal, begin), _instant(cal, end)
        if b < a:
            raise ValueError(f"a pause cannot end before it starts: {begin.isoformat()} to {end.isoformat()}")
        if a < b:
            spans.append((a, b))
    return _merge(spans)


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Non-empty [from, to) pairs as their union: disjoint, in order, touching ones joined."""
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _load_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (LookupError, ValueError, TypeError):
        raise ValueError(f"unknown timezone {name!r}") from None


def _day_hours(weekday: int, intervals: Iterable[tuple[str, str]]) -> Hours:
    """One weekday's intervals in seconds after midnight, checked, sorted and with touching ones merged."""
    where = f"weekly_hours[{weekday}]"
    parsed = []
    for interval in intervals:
        if isinstance(interval, str) or len(interval) != 2:
            raise ValueError(f"{where}: {interval!r} is not a (start, end) pair")
        start, end = (_seconds(text, where) for text in interval)
        if start >= end:
            raise ValueError(f"{where}: interval {interval[0]}-{interval[1]} must start before it ends")
        parsed.append((start, end))
    parsed.sort()
    for earlier, later in zip(parsed, parsed[1:], strict=False):
        if later[0] < earlier[1]:
            raise ValueError(f"{where}: intervals {_interval(earlier)} and {_interval(later)} overlap")
    return tuple(_merge(parsed))


def _seconds(text: str, where: str) -> int:
    match = _CLOCK.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"{where}: {text!r} is not a time of day written HH:MM")
    hours, minutes = int(match[1]), int(match[2])
    if minutes > 59 or hours * 60 + minutes > 24 * 60:
        raise ValueError(f"{where}: {text!r} is not between 00:00 and 24:00")
    return hours * 3600 + minutes * 60


def _clock(second: int) -> str:
    return f"{second // 3600:02d}:{second // 60 % 60:02d}"


def _interval(seconds: tuple[int, int]) -> str:
    return "-".join(map(_clock, seconds))


def _check_weekday(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6:
        raise ValueError(f"{where}: {value!r} is not a weekday 0 (Monday) to 6 (Sunday)")
    return value


def _check_date(value: object, what: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValueError(f"{what} {value!r} is not a date")
    return value
