"""Holidays from iCalendar files: multi-day events, 补班 make-up days, folded lines, RRULE refused."""

from __future__ import annotations

from datetime import date

import pytest

from app.imports.ics import read_ics, unfold
from app.imports.readers import ImportFileError

CALENDAR = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//holidays//CN\r
BEGIN:VEVENT\r
UID:1\r
DTSTART;VALUE=DATE:20260501\r
DTEND;VALUE=DATE:20260506\r
SUMMARY:劳动节 休\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:2\r
DTSTART;VALUE=DATE:20260509\r
SUMMARY:劳动节 补班\r
BEGIN:VALARM\r
ACTION:DISPLAY\r
SUMMARY:reminder\r
END:VALARM\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:3\r
DTSTART;VALUE=DATE:20261001\r
DTEND;VALUE=DATE:20261002\r
SUMMARY:National Day\\, first d\r
 ay\r
END:VEVENT\r
END:VCALENDAR\r
"""


def rows_of(text: str, **options):
    return read_ics(text.encode(), **options).rows


def test_multi_day_event_gives_one_holiday_per_day_with_exclusive_end():
    rows = rows_of(CALENDAR)
    holidays = [row.cells["date"] for row in rows if row.cells["name"] == "劳动节 休"]
    assert holidays == [date(2026, 5, day) for day in range(1, 6)]
    assert {row.cells["kind"] for row in rows if row.cells["name"] == "劳动节 休"} == {"HOLIDAY"}
    assert {row.number for row in rows if row.cells["name"] == "劳动节 休"} == {4}


def test_buban_event_is_a_make_up_day_borrowing_monday_by_default():
    (makeup,) = [row for row in rows_of(CALENDAR) if row.cells["date"] == date(2026, 5, 9)]
    assert makeup.cells == {
        "date": date(2026, 5, 9),
        "kind": "MAKEUP_WORKDAY",
        "name": "劳动节 补班",
        "borrowed weekday": 0,
    }


def test_make_up_days_borrow_the_chosen_weekday_and_holidays_none():
    rows = rows_of(CALENDAR, makeup_weekday=4)
    assert {row.cells["kind"]: row.cells["borrowed weekday"] for row in rows} == {"HOLIDAY": None, "MAKEUP_WORKDAY": 4}


def test_folded_lines_and_escaped_commas_are_joined():
    (national,) = [row for row in rows_of(CALENDAR) if row.cells["date"] == date(2026, 10, 1)]
    assert national.cells["name"] == "National Day, first day"
    assert unfold("A:b\r\n c\r\nD:e") == [(1, "A:bc"), (3, "D:e")]


def test_recurring_event_is_refused_as_a_row_error_at_its_line():
    text = CALENDAR.replace("UID:3\r\n", "UID:3\r\nRRULE:FREQ=YEARLY\r\n")
    (refused,) = [row for row in rows_of(text) if row.errors]
    assert refused.number == 19  # the BEGIN:VEVENT line
    assert [(column, str(message)) for column, message in refused.errors] == [
        ("RRULE", "Recurring events cannot be imported: list each day as its own event.")
    ]


def test_date_time_events_cover_the_days_they_touch():
    text = (
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20260101T090000Z\nDTEND:20260102T120000Z\n"
        "SUMMARY:元旦\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    assert [row.cells["date"] for row in rows_of(text)] == [date(2026, 1, 1), date(2026, 1, 2)]


def test_event_without_start_is_a_row_error():
    text = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:x\nEND:VEVENT\nEND:VCALENDAR\n"
    (row,) = rows_of(text)
    assert row.errors[0][0] == "DTSTART"


def test_a_file_that_is_not_icalendar_is_a_file_error():
    with pytest.raises(ImportFileError):
        read_ics(b"date,kind\n2026-05-01,HOLIDAY\n")
