"""BusinessCalendar: what it refuses, how it normalises, and the working intervals it lists."""

import dataclasses
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from app.domain.sla import BusinessCalendar, working_intervals

SHANGHAI = ZoneInfo("Asia/Shanghai")
OFFICE_DAY = [("09:00", "12:00"), ("13:00", "18:00")]


def calendar(weekly_hours=None, **kwargs) -> BusinessCalendar:
    return BusinessCalendar(timezone=kwargs.pop("timezone", "Asia/Shanghai"), weekly_hours=weekly_hours or {}, **kwargs)


@pytest.mark.parametrize(
    ("interval", "message"),
    [
        (("9:00", "12:00"), "HH:MM"),
        (("09:00", "12h00"), "HH:MM"),
        (("09:00", 1200), "HH:MM"),
        (("09:60", "12:00"), "between 00:00 and 24:00"),
        (("09:00", "24:01"), "between 00:00 and 24:00"),
        (("09:00", "25:00"), "between 00:00 and 24:00"),
        (("12:00", "12:00"), "start before it ends"),
        (("18:00", "09:00"), "start before it ends"),
        (("24:00", "24:00"), "start before it ends"),
        (("09:00",), "pair"),
        ("09:00-12:00", "pair"),
    ],
)
def test_malformed_interval_is_refused_with_its_weekday(interval, message):
    with pytest.raises(ValueError, match=message) as error:
        calendar({2: [interval]})
    assert "weekly_hours[2]" in str(error.value)


def test_overlapping_intervals_of_a_day_are_refused():
    with pytest.raises(ValueError, match="09:00-12:00 and 11:00-14:00 overlap"):
        calendar({0: [("11:00", "14:00"), ("09:00", "12:00")]})


def test_touching_intervals_are_merged():
    split = calendar({0: [("12:00", "13:00"), ("09:00", "12:00")]})
    assert split.weekly_hours[0] == (("09:00", "13:00"),)
    assert split == calendar({0: [("09:00", "13:00")]})


@pytest.mark.parametrize("weekday", [7, -1, "1", True, 1.0])
def test_weekday_key_outside_monday_to_sunday_is_refused(weekday):
    with pytest.raises(ValueError, match="weekday 0"):
        calendar({weekday: OFFICE_DAY})


@pytest.mark.parametrize("name", ["Mars/Olympus", "asia/shanghai", "", "../etc/passwd", None])
def test_unknown_timezone_is_refused(name):
    with pytest.raises(ValueError, match="unknown timezone"):
        calendar({0: OFFICE_DAY}, timezone=name)


@pytest.mark.parametrize("weekday", [7, -1, None])
def test_make_up_day_naming_no_weekday_is_refused(weekday):
    with pytest.raises(ValueError, match="extra_workdays"):
        calendar({0: OFFICE_DAY}, extra_workdays={date(2026, 10, 10): weekday})


def test_date_both_holiday_and_make_up_day_is_refused():
    with pytest.raises(ValueError, match="2026-10-10"):
        calendar({0: OFFICE_DAY}, holidays={date(2026, 10, 10)}, extra_workdays={date(2026, 10, 10): 0})


def test_holiday_given_as_datetime_is_refused():
    # A datetime never equals the date it falls on, so it would silently be no holiday at all.
    with pytest.raises(ValueError, match="not a date"):
        calendar({0: OFFICE_DAY}, holidays={datetime(2026, 10, 1)})


def test_24_7_is_every_day_from_00_00_to_24_00():
    always = calendar({weekday: [("00:00", "24:00")] for weekday in range(7)})
    assert always.weekly_hours == ((("00:00", "24:00"),),) * 7


def test_calendars_that_mean_the_same_are_equal_and_hash_alike():
    first = calendar({0: OFFICE_DAY}, holidays=[date(2026, 10, 1)], extra_workdays={date(2026, 10, 10): 0})
    second = calendar(
        {0: list(reversed(OFFICE_DAY)), 3: []}, holidays={date(2026, 10, 1)}, extra_workdays={date(2026, 10, 10): 0}
    )
    assert first == second
    assert {first: "cached"}[second] == "cached"


def test_calendar_differing_in_a_holiday_is_a_different_cache_key():
    assert calendar({0: OFFICE_DAY}) != calendar({0: OFFICE_DAY}, holidays={date(2026, 10, 5)})


def test_calendar_cannot_be_changed_after_construction():
    cal = calendar({0: OFFICE_DAY})
    with pytest.raises(dataclasses.FrozenInstanceError):
        cal.timezone = "UTC"


def test_calendar_does_not_keep_a_reference_to_the_callers_mapping():
    extra = {date(2026, 10, 10): 0}
    cal = calendar({0: OFFICE_DAY}, extra_workdays=extra)
    extra[date(2026, 10, 11)] = 0
    assert cal.extra_workdays == ((date(2026, 10, 10), 0),)


class TestWorkingIntervals:
    CAL = calendar({weekday: OFFICE_DAY for weekday in range(5)}, holidays={date(2026, 10, 1)})

    def test_lists_each_interval_clipped_to_the_range(self):
        got = list(working_intervals(self.CAL, datetime(2026, 9, 30, 10), datetime(2026, 10, 2, 10)))
        assert got == [
            (datetime(2026, 9, 30, 10, tzinfo=SHANGHAI), datetime(2026, 9, 30, 12, tzinfo=SHANGHAI)),
            (datetime(2026, 9, 30, 13, tzinfo=SHANGHAI), datetime(2026, 9, 30, 18, tzinfo=SHANGHAI)),
            (datetime(2026, 10, 2, 9, tzinfo=SHANGHAI), datetime(2026, 10, 2, 10, tzinfo=SHANGHAI)),
        ]

    def test_intervals_are_aware_in_the_calendar_zone(self):
        (first, _), *_ = working_intervals(self.CAL, datetime(2026, 9, 30), datetime(2026, 10, 1))
        assert first.tzinfo == SHANGHAI

    def test_range_without_working_time_lists_nothing(self):
        assert list(working_intervals(self.CAL, datetime(2026, 10, 3), datetime(2026, 10, 5))) == []

    def test_backwards_range_lists_nothing(self):
        assert list(working_intervals(self.CAL, datetime(2026, 9, 30, 18), datetime(2026, 9, 30, 9))) == []
