"""Catalog calendars (工作日历) as business-time engine calendars, and a weekday's hours as text.

This module is the one place where a stored ``Calendar`` (with its ``CalendarDay`` rows) becomes an
``app.domain.sla.BusinessCalendar``: ``calendar_from_model``. Everything that needs business time for
a catalog calendar (SLA clocks, previews, timesheets) goes through it, so the reading of the stored
JSON, the holidays and the make-up working days (调休) is defined once.

Weekly hours are stored as ``{"0": [["09:00", "12:00"], ["13:00", "18:00"]], ..., "6": []}``
(0 = Monday; an empty list or a missing weekday means not working). Screens edit them as one line of
text per weekday, e.g. ``"09:00-12:00, 13:00-18:00"``:

* intervals are separated by commas (``,`` ``，``), semicolons, ``、`` or spaces;
* an interval is ``start-end`` (also ``–``, ``—``, ``~``, ``～``); times are ``H:MM`` or ``HH:MM``
  between 00:00 and 24:00, ``24:00`` being the end of the day, so ``00:00-24:00`` is all day (24×7);
* an empty line means the weekday is not worked;
* intervals must start before they end and may not overlap (touching ones, 12:00-13:00 and
  13:00-18:00, are fine: the engine joins them).

Errors are raised as ``HoursTextError`` / ``WeekdayHoursError`` carrying a ``reason`` code and the
offending text, so the screen can word them in the user's language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from app.domain.sla import BusinessCalendar, deadline_after
from models.enums import CalendarDayKind

WEEKDAYS = tuple(range(7))  # 0 = Monday … 6 = Sunday
ALL_DAY = (("00:00", "24:00"),)

# Reasons a weekday's text is refused (the screen words each one).
FORMAT = "format"  # a piece is not written start-end
TIME = "time"  # a time is not between 00:00 and 24:00
ORDER = "order"  # an interval does not start before it ends
OVERLAP = "overlap"  # two intervals overlap

_DASHES = re.compile(r"\s*[-–—~～]\s*")
_SEPARATORS = re.compile(r"[,，;；、\s]+")
_INTERVAL = re.compile(r"([0-9]{1,2})[:：]([0-9]{2})-([0-9]{1,2})[:：]([0-9]{2})")

Interval = tuple[str, str]


class HoursTextError(ValueError):
    """A weekday's hours text could not be read. ``text`` is the piece at fault, ``other`` the
    interval it overlaps (for ``OVERLAP``)."""

    def __init__(self, reason: str, text: str, other: str = "") -> None:
        super().__init__(f"{reason}: {text!r}" + (f" and {other!r}" if other else ""))
        self.reason = reason
        self.text = text
        self.other = other


class WeekdayHoursError(ValueError):
    """``HoursTextError`` for a named weekday (0 = Monday)."""

    def __init__(self, weekday: int, error: HoursTextError) -> None:
        super().__init__(f"weekday {weekday}: {error}")
        self.weekday = weekday
        self.error = error


def parse_hours(text: str | None) -> list[Interval]:
    """One weekday's working intervals from text like ``"09:00-12:00, 13:00-18:00"``, sorted.

    ``""`` gives ``[]`` (not working). Raises ``HoursTextError``.
    """
    normalised = _DASHES.sub("-", (text or "").strip())
    intervals: list[tuple[int, int, str]] = []
    for piece in _SEPARATORS.split(normalised):
        if not piece:
            continue
        match = _INTERVAL.fullmatch(piece)
        if match is None:
            raise HoursTextError(FORMAT, piece)
        start = _minutes(match[1], match[2], piece)
        end = _minutes(match[3], match[4], piece)
        if start >= end:
            raise HoursTextError(ORDER, _written(start, end))
        intervals.append((start, end, _written(start, end)))
    intervals.sort()
    for earlier, later in zip(intervals, intervals[1:], strict=False):
        if later[0] < earlier[1]:
            raise HoursTextError(OVERLAP, earlier[2], later[2])
    return [(_clock(start), _clock(end)) for start, end, _ in intervals]


def format_hours(intervals: Iterable[Sequence[str]] | None) -> str:
    """``[["09:00", "12:00"], ["13:00", "18:00"]]`` → ``"09:00-12:00, 13:00-18:00"``."""
    return ", ".join(f"{start}-{end}" for start, end in intervals or ())


def parse_weekly_hours(texts: Sequence[str | None]) -> dict[str, list[list[str]]]:
    """Seven texts (Monday first) → the stored JSON form, every weekday present.

    Raises ``WeekdayHoursError`` naming the first weekday that cannot be read.
    """
    if len(texts) != 7:
        raise ValueError(f"expected 7 weekdays, got {len(texts)}")
    weekly: dict[str, list[list[str]]] = {}
    for weekday, text in enumerate(texts):
        try:
            weekly[str(weekday)] = [list(interval) for interval in parse_hours(text)]
        except HoursTextError as error:
            raise WeekdayHoursError(weekday, error) from None
    return weekly


def weekday_hours(weekly_hours: Mapping[Any, Any] | None, weekday: int) -> list[Interval]:
    """The stored intervals of one weekday (keys may be "0" or 0)."""
    weekly_hours = weekly_hours or {}
    intervals = weekly_hours.get(str(weekday), weekly_hours.get(weekday)) or []
    return [(str(start), str(end)) for start, end in intervals]


def weekly_hours_texts(weekly_hours: Mapping[Any, Any] | None) -> list[str]:
    """The seven editable lines (Monday first) for stored weekly hours."""
    return [format_hours(weekday_hours(weekly_hours, weekday)) for weekday in WEEKDAYS]


@dataclass(frozen=True)
class WeekRun:
    """Consecutive weekdays with the same hours, for a one-line summary ("Mon–Fri 09:00-18:00")."""

    first: int
    last: int
    text: str  # "" = not working


def summarise_week(weekly_hours: Mapping[Any, Any] | None) -> list[WeekRun]:
    """Runs of consecutive weekdays (Monday first) sharing the same hours text."""
    runs: list[WeekRun] = []
    for weekday, text in enumerate(weekly_hours_texts(weekly_hours)):
        if runs and runs[-1].text == text:
            runs[-1] = WeekRun(runs[-1].first, weekday, text)
        else:
            runs.append(WeekRun(weekday, weekday, text))
    return runs


def business_calendar(
    timezone: str,
    weekly_hours: Mapping[Any, Any] | None,
    days: Iterable[tuple[date, CalendarDayKind | str, int | None]] = (),
) -> BusinessCalendar:
    """An engine calendar from plain values: stored weekly hours JSON and (date, kind, borrowed weekday) days.

    ``kind`` is a ``CalendarDayKind`` or its name. A make-up working day borrows the hours of the
    weekday it names. Raises ``ValueError`` (the engine's) for anything invalid.
    """
    hours = {weekday: weekday_hours(weekly_hours, weekday) for weekday in WEEKDAYS}
    holidays: list[date] = []
    extra: dict[date, int] = {}
    for day, kind, borrowed in days:
        kind = CalendarDayKind[kind] if isinstance(kind, str) else kind
        if kind is CalendarDayKind.HOLIDAY:
            holidays.append(day)
        else:
            if borrowed is None:
                raise ValueError(f"make-up working day {day} names no weekday")
            if day in extra:
                raise ValueError(f"make-up working day {day} given twice")
            extra[day] = borrowed
    return BusinessCalendar(timezone, hours, holidays, extra)


def calendar_from_model(calendar: Any, extra_days: Iterable[Any] = ()) -> BusinessCalendar:
    """THE conversion of a catalog ``Calendar`` (with its ``days``) into a ``BusinessCalendar``.

    ``extra_days`` are further ``CalendarDay``-like rows (``day``, ``kind``, ``borrowed_weekday``),
    e.g. one being added, that are not yet among ``calendar.days``.
    """
    rows = [*calendar.days, *extra_days]
    return business_calendar(
        calendar.timezone,
        calendar.weekly_hours,
        ((row.day, row.kind, row.borrowed_weekday) for row in rows),
    )


def target_deadline(cal: BusinessCalendar, start: datetime, minutes: int) -> datetime:
    """When a target of ``minutes`` working minutes started at ``start`` ends (aware, calendar zone).

    Raises ``ValueError`` when the calendar has no working hours at all (and minutes > 0).
    """
    return deadline_after(cal, start, minutes * 60)


def has_working_hours(weekly_hours: Mapping[Any, Any] | None, weekday: int) -> bool:
    return bool(weekday_hours(weekly_hours, weekday))


def _minutes(hours: str, minutes: str, piece: str) -> int:
    h, m = int(hours), int(minutes)
    if m > 59 or h * 60 + m > 24 * 60:
        raise HoursTextError(TIME, f"{hours}:{minutes}")
    return h * 60 + m


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _written(start: int, end: int) -> str:
    return f"{_clock(start)}-{_clock(end)}"
