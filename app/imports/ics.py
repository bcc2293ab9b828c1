"""Holidays from an iCalendar (.ics) file, read without extra dependencies.

Each VEVENT becomes one row per day it covers (DTEND is exclusive, as RFC 5545 says),
numbered by the line where the event begins. An event whose SUMMARY contains 班
(补班, 上班) or "make-up" is a make-up working day borrowing ``makeup_weekday``
(Monday unless the admin picks another); any other event is a holiday. Recurring
events (RRULE, RDATE) are refused per event: official holiday calendars list each
year's dates, and expanding rules would guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l

from app.imports.readers import MAX_ROWS, ImportFileError, SourceRow, Table, check_size, decode_text

# The holiday spec accepts these (English) headers.
DATE, KIND, NAME, BORROWED_WEEKDAY = "date", "kind", "name", "borrowed weekday"
HOLIDAY, MAKEUP_WORKDAY = "HOLIDAY", "MAKEUP_WORKDAY"
MAX_EVENT_DAYS = 366
MAKEUP_MARKERS = ("班", "make-up", "makeup")

_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DATE_TIME = re.compile(r"^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z?$")
_DURATION_DAYS = re.compile(r"^\+?P(?:(\d+)W)?(?:(\d+)D)?(?:T.*)?$")


@dataclass
class Property:
    name: str
    params: dict[str, str]
    value: str


@dataclass
class Event:
    line: int
    properties: dict[str, Property] = field(default_factory=dict)


def unfold(text: str) -> list[tuple[int, str]]:
    """Content lines with their first physical line number; folded lines joined (RFC 5545 3.1)."""
    lines: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw[:1] in (" ", "\t") and lines:
            first, content = lines[-1]
            lines[-1] = (first, content + raw[1:])
        elif raw.strip():
            lines.append((number, raw))
    return lines


def parse_line(line: str) -> Property:
    """``NAME;PARAM=value;PARAM="x:y":value`` → Property (a colon inside quotes is not the separator)."""
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            head, value = line[:index], line[index + 1 :]
            break
    else:
        head, value = line, ""
    name, *params = head.split(";")
    parsed = {}
    for param in params:
        key, _sep, param_value = param.partition("=")
        parsed[key.upper()] = param_value.strip('"')
    return Property(name.strip().upper(), parsed, value)


def events(lines: list[tuple[int, str]]) -> list[Event]:
    found: list[Event] = []
    current: Event | None = None
    nested = 0  # components inside an event (VALARM) carry properties that are not the event's
    for number, line in lines:
        prop = parse_line(line)
        if prop.name == "BEGIN" and prop.value.upper() == "VEVENT" and current is None:
            current = Event(number)
        elif current is None:
            continue
        elif prop.name == "BEGIN":
            nested += 1
        elif prop.name == "END" and nested:
            nested -= 1
        elif prop.name == "END" and prop.value.upper() == "VEVENT":
            found.append(current)
            current = None
        elif not nested:
            current.properties.setdefault(prop.name, prop)
    return found


def unescape(text: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: " " if m.group(1) in "nN" else m.group(1), text).strip()


class EventError(Exception):
    def __init__(self, column: str, message) -> None:
        super().__init__(str(message))
        self.column = column
        self.message = message


def _day(prop: Property) -> tuple[date, bool]:
    """The date of a DTSTART/DTEND value, and whether it was a date-time."""
    value = prop.value.strip()
    try:
        if match := _DATE.match(value):
            return date(*map(int, match.groups())), False
        if match := _DATE_TIME.match(value):
            return datetime(*map(int, match.groups())).date(), not value.endswith("T000000") and not value.endswith(
                "T000000Z"
            )
    except ValueError:
        pass
    raise EventError(prop.name, _l("%(value)s is not an iCalendar date.", value=value))


def event_days(event: Event) -> list[date]:
    props = event.properties
    if "RRULE" in props or "RDATE" in props:
        raise EventError(
            "RRULE" if "RRULE" in props else "RDATE",
            _l("Recurring events cannot be imported: list each day as its own event."),
        )
    if "DTSTART" not in props:
        raise EventError("DTSTART", _l("The event has no start date (DTSTART)."))
    start, _start_has_time = _day(props["DTSTART"])
    if "DTEND" in props:
        end, end_has_time = _day(props["DTEND"])
        # DTEND is exclusive; a date-time end later than midnight still covers its own day.
        end = end + timedelta(days=1) if end_has_time else end
        if end == start:
            end = start + timedelta(days=1)
    elif "DURATION" in props and (match := _DURATION_DAYS.match(props["DURATION"].value.strip())):
        weeks, days = (int(part or 0) for part in match.groups())
        end = start + timedelta(days=max(1, weeks * 7 + days))
    else:
        end = start + timedelta(days=1)
    if end < start:
        raise EventError("DTEND", _l("The event ends before it starts."))
    count = (end - start).days
    if count > MAX_EVENT_DAYS:
        raise EventError("DTEND", _l("The event lasts more than %(limit)s days.", limit=MAX_EVENT_DAYS))
    return [start + timedelta(days=offset) for offset in range(count)]


def is_makeup(summary: str) -> bool:
    lowered = summary.lower()
    return any(marker in lowered for marker in MAKEUP_MARKERS)


def read_ics(data: bytes, makeup_weekday: int = 0) -> Table:
    check_size(data)
    lines = unfold(decode_text(data))
    if not any(line.strip().upper() == "BEGIN:VCALENDAR" for _number, line in lines):
        raise ImportFileError(_l("The file is not an iCalendar (.ics) file."))
    rows: list[SourceRow] = []
    for event in events(lines):
        summary = unescape(event.properties["SUMMARY"].value) if "SUMMARY" in event.properties else ""
        try:
            days = event_days(event)
        except EventError as error:
            rows.append(SourceRow(event.line, {NAME: summary}, [(error.column, error.message)]))
            continue
        makeup = is_makeup(summary)
        for day in days:
            cells = {
                DATE: day,
                KIND: MAKEUP_WORKDAY if makeup else HOLIDAY,
                NAME: summary,
                BORROWED_WEEKDAY: makeup_weekday if makeup else None,
            }
            rows.append(SourceRow(event.line, cells))
        if len(rows) > MAX_ROWS:
            raise ImportFileError(_l("The file has more than %(limit)s rows.", limit=MAX_ROWS))
    if not rows:
        raise ImportFileError(_l("The file has no events."))
    return Table([DATE, KIND, NAME, BORROWED_WEEKDAY], rows)
