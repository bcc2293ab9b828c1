"""Catalog calendars → engine calendars, and a weekday's hours written as text."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from app.domain import calendars
from app.domain.calendars import (
    FORMAT,
    ORDER,
    OVERLAP,
    TIME,
    HoursTextError,
    WeekdayHoursError,
    business_calendar,
    calendar_from_model,
    format_hours,
    parse_hours,
    parse_weekly_hours,
    summarise_week,
    target_deadline,
    weekly_hours_texts,
)
from app.domain.sla import BusinessCalendar
from models.enums import CalendarDayKind

SHANGHAI = ZoneInfo("Asia/Shanghai")
OFFICE = [["09:00", "12:00"], ["13:00", "18:00"]]
OFFICE_WEEK = {str(day): (OFFICE if day < 5 else []) for day in range(7)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:00-12:00, 13:00-18:00", [("09:00", "12:00"), ("13:00", "18:00")]),
        ("13:00-18:00，09:00-12:00", [("09:00", "12:00"), ("13:00", "18:00")]),  # sorted; full-width comma
        ("9:00 - 12:00; 13:00–18:00", [("09:00", "12:00"), ("13:00", "18:00")]),  # H:MM, spaces, en dash
        ("09:00~12:00 13:00～18:00", [("09:00", "12:00"), ("13:00", "18:00")]),  # tildes, space separated
        ("09：00-12：00", [("09:00", "12:00")]),  # full-width colon
        ("00:00-24:00", [("00:00", "24:00")]),  # all day
        ("18:00-24:00", [("18:00", "24:00")]),
        ("09:00-12:00, 12:00-13:00", [("09:00", "12:00"), ("12:00", "13:00")]),  # touching is fine
        ("", []),
        ("   ", []),
        (None, []),
    ],
)
def test_hours_text_is_parsed(text, expected):
    assert parse_hours(text) == expected


@pytest.mark.parametrize(
    ("text", "reason", "piece"),
    [
        ("09:00", FORMAT, "09:00"),
        ("9-12", FORMAT, "9-12"),
        ("09:00-12:00, lunch", FORMAT, "lunch"),
        ("0900-1200", FORMAT, "0900-1200"),
        ("09:00-24:01", TIME, "24:01"),
        ("09:00-25:00", TIME, "25:00"),
        ("09:60-12:00", TIME, "09:60"),
        ("12:00-09:00", ORDER, "12:00-09:00"),
        ("12:00-12:00", ORDER, "12:00-12:00"),
        ("24:00-24:00", ORDER, "24:00-24:00"),
        ("09:00-12:00, 11:00-13:00", OVERLAP, "09:00-12:00"),
        ("00:00-24:00, 09:00-10:00", OVERLAP, "00:00-24:00"),
    ],
)
def test_bad_hours_text_is_refused_with_a_reason(text, reason, piece):
    with pytest.raises(HoursTextError) as error:
        parse_hours(text)
    assert error.value.reason == reason
    assert error.value.text == piece


def test_overlap_names_both_intervals():
    with pytest.raises(HoursTextError) as error:
        parse_hours("13:00-18:00, 09:00-13:30")
    assert (error.value.text, error.value.other) == ("09:00-13:30", "13:00-18:00")


def test_weekly_texts_name_the_weekday_at_fault():
    texts = ["09:00-18:00"] * 5 + ["09:00-12:00, 11:00-13:00", ""]
    with pytest.raises(WeekdayHoursError) as error:
        parse_weekly_hours(texts)
    assert error.value.weekday == 5  # Saturday
    assert error.value.error.reason == OVERLAP


def test_weekly_texts_round_trip_through_the_stored_form():
    texts = ["09:00-12:00, 13:00-18:00"] * 5 + ["", "00:00-24:00"]
    stored = parse_weekly_hours(texts)
    assert stored["0"] == OFFICE and stored["5"] == [] and stored["6"] == [["00:00", "24:00"]]
    assert set(stored) == {str(day) for day in range(7)}
    assert weekly_hours_texts(stored) == texts


def test_weekly_texts_need_seven_lines():
    with pytest.raises(ValueError):
        parse_weekly_hours(["09:00-18:00"] * 6)


def test_texts_of_stored_hours_accept_integer_keys_and_missing_days():
    assert weekly_hours_texts({0: [["09:00", "18:00"]]}) == ["09:00-18:00", "", "", "", "", "", ""]
    assert weekly_hours_texts(None) == [""] * 7
    assert format_hours([]) == ""


def test_week_summary_groups_consecutive_days():
    runs = summarise_week(OFFICE_WEEK)
    assert [(run.first, run.last, run.text) for run in runs] == [
        (0, 4, "09:00-12:00, 13:00-18:00"),
        (5, 6, ""),
    ]


def test_plain_values_make_the_engine_calendar_with_holidays_and_make_up_days():
    cal = business_calendar(
        "Asia/Shanghai",
        OFFICE_WEEK,
        [(date(2026, 10, 1), CalendarDayKind.HOLIDAY, None), (date(2026, 10, 10), "MAKEUP_WORKDAY", 4)],
    )
    assert cal == BusinessCalendar(
        "Asia/Shanghai",
        {day: [tuple(i) for i in OFFICE] if day < 5 else [] for day in range(7)},
        holidays=[date(2026, 10, 1)],
        extra_workdays={date(2026, 10, 10): 4},
    )


def test_make_up_day_without_weekday_is_refused():
    with pytest.raises(ValueError, match="names no weekday"):
        business_calendar("Asia/Shanghai", OFFICE_WEEK, [(date(2026, 10, 10), CalendarDayKind.MAKEUP_WORKDAY, None)])


def test_a_date_both_holiday_and_make_up_day_is_refused_by_the_engine():
    with pytest.raises(ValueError, match="both holiday and make-up"):
        business_calendar(
            "Asia/Shanghai",
            OFFICE_WEEK,
            [
                (date(2026, 10, 1), CalendarDayKind.HOLIDAY, None),
                (date(2026, 10, 1), CalendarDayKind.MAKEUP_WORKDAY, 0),
            ],
        )


def test_unknown_timezone_is_refused():
    with pytest.raises(ValueError, match="unknown timezone"):
        business_calendar("Mars/Olympus", OFFICE_WEEK)


@dataclass
class FakeDay:
    day: date
    kind: CalendarDayKind
    borrowed_weekday: int | None = None


@dataclass
class FakeCalendar:
    timezone: str
    weekly_hours: dict
    days: list = field(default_factory=list)


def test_model_conversion_uses_days_and_extra_days():
    model = FakeCalendar("Asia/Shanghai", OFFICE_WEEK, [FakeDay(date(2026, 10, 1), CalendarDayKind.HOLIDAY)])
    cal = calendar_from_model(model, [FakeDay(date(2026, 10, 10), CalendarDayKind.MAKEUP_WORKDAY, 0)])
    assert cal.holidays == frozenset({date(2026, 10, 1)})
    assert cal.extra_workdays == ((date(2026, 10, 10), 0),)


def test_four_hour_target_over_lunch_and_a_make_up_saturday():
    model = FakeCalendar("Asia/Shanghai", OFFICE_WEEK, [FakeDay(date(2026, 10, 10), CalendarDayKind.MAKEUP_WORKDAY, 0)])
    cal = calendar_from_model(model)
    friday_4pm = datetime(2026, 10, 9, 16, 0, tzinfo=SHANGHAI)
    # 2 h on Friday, then the make-up Saturday works Monday's hours: 09:00 + 2 h = 11:00.
    assert target_deadline(cal, friday_4pm, 240) == datetime(2026, 10, 10, 11, 0, tzinfo=SHANGHAI)
    assert target_deadline(cal, friday_4pm.astimezone(UTC), 240).tzinfo is not None


def test_target_on_a_calendar_without_hours_is_a_value_error():
    cal = business_calendar("Asia/Shanghai", {})
    with pytest.raises(ValueError, match="no working hours"):
        target_deadline(cal, datetime(2026, 1, 5, 9, tzinfo=SHANGHAI), 60)


def test_conversion_is_the_only_place_an_engine_calendar_is_built():
    # A guard against a second, diverging conversion of catalog calendars creeping in.
    from pathlib import Path

    root = Path(calendars.__file__).parents[2]
    sources = [p for folder in ("app", "views", "tasks", "reports") for p in (root / folder).rglob("*.py")]
    builders = sorted(str(p.relative_to(root)) for p in sources if "BusinessCalendar(" in p.read_text(encoding="utf-8"))
    assert builders == ["app/domain/calendars.py"]
