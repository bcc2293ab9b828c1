"""The SLA clock by hand: deadlines and working seconds on a Shanghai office calendar for 2026.

Every expected value here was worked out on paper from the calendar below, which follows the State
Council's 2026 holiday notice (国务院办公厅关于2026年部分节假日安排的通知).
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.domain.sla import BusinessCalendar, business_seconds_between, deadline_after

SHANGHAI = ZoneInfo("Asia/Shanghai")
OFFICE_DAY = [("09:00", "12:00"), ("13:00", "18:00")]
HOUR = 3600


def _days(first: date, last: date) -> set[date]:
    return {first + timedelta(days=n) for n in range((last - first).days + 1)}


HOLIDAYS_2026 = (
    _days(date(2026, 1, 1), date(2026, 1, 3))
    | _days(date(2026, 2, 15), date(2026, 2, 23))
    | _days(date(2026, 4, 4), date(2026, 4, 6))
    | _days(date(2026, 5, 1), date(2026, 5, 5))
    | _days(date(2026, 6, 19), date(2026, 6, 21))
    | _days(date(2026, 9, 25), date(2026, 9, 27))
    | _days(date(2026, 10, 1), date(2026, 10, 7))
)
MAKE_UP_DAYS_2026 = {
    date(2026, 1, 4): 0,
    date(2026, 2, 14): 0,
    date(2026, 2, 28): 0,
    date(2026, 5, 9): 0,
    date(2026, 9, 20): 0,
    date(2026, 10, 10): 0,
}
SHANGHAI_2026 = BusinessCalendar(
    timezone="Asia/Shanghai",
    weekly_hours={weekday: OFFICE_DAY for weekday in range(5)},
    holidays=HOLIDAYS_2026,
    extra_workdays=MAKE_UP_DAYS_2026,
)
ALWAYS_OPEN = BusinessCalendar(
    timezone="Asia/Shanghai", weekly_hours={weekday: [("00:00", "24:00")] for weekday in range(7)}
)


def sh(*args: int) -> datetime:
    """A wall-clock moment in Shanghai."""
    return datetime(*args, tzinfo=SHANGHAI)


def test_hour_started_in_the_morning_ends_an_hour_later():
    assert deadline_after(SHANGHAI_2026, sh(2026, 9, 15, 9, 30), HOUR) == sh(2026, 9, 15, 10, 30)


def test_start_before_opening_counts_from_opening():
    assert deadline_after(SHANGHAI_2026, sh(2026, 9, 15, 7, 0), HOUR) == sh(2026, 9, 15, 10, 0)


def test_start_after_closing_counts_from_next_morning():
    assert deadline_after(SHANGHAI_2026, sh(2026, 9, 15, 19, 0), HOUR) == sh(2026, 9, 16, 10, 0)


def test_budget_over_lunch_skips_the_lunch_break():
    assert deadline_after(SHANGHAI_2026, sh(2026, 9, 15, 11, 30), HOUR) == sh(2026, 9, 15, 13, 30)


def test_budget_ending_at_noon_ends_at_noon_not_after_lunch():
    assert deadline_after(SHANGHAI_2026, sh(2026, 9, 15, 11, 0), HOUR) == sh(2026, 9, 15, 12, 0)


def test_budget_ending_at_close_ends_at_close_not_next_morning():
    assert deadline_after(SHANGHAI_2026, sh(2026, 9, 15, 17, 0), HOUR) == sh(2026, 9, 15, 18, 0)


def test_working_day_budget_from_opening_ends_at_that_days_close():
    assert deadline_after(SHANGHAI_2026, sh(2026, 9, 15, 9, 0), 8 * HOUR) == sh(2026, 9, 15, 18, 0)


def test_friday_evening_budget_continues_on_monday():
    assert deadline_after(SHANGHAI_2026, sh(2026, 9, 11, 17, 0), 2 * HOUR) == sh(2026, 9, 14, 10, 0)


def test_deadline_skips_national_day_holidays():
    assert deadline_after(SHANGHAI_2026, sh(2026, 9, 30, 17, 0), 2 * HOUR) == sh(2026, 10, 8, 10, 0)


def test_deadline_lands_on_make_up_saturday_after_national_day():
    assert deadline_after(SHANGHAI_2026, sh(2026, 10, 9, 17, 0), 2 * HOUR) == sh(2026, 10, 10, 10, 0)


def test_deadline_lands_on_make_up_sunday():
    assert deadline_after(SHANGHAI_2026, sh(2026, 9, 19, 10, 0), HOUR) == sh(2026, 9, 20, 10, 0)


def test_deadline_skips_mid_autumn_holiday_friday():
    assert deadline_after(SHANGHAI_2026, sh(2026, 9, 24, 17, 0), 2 * HOUR) == sh(2026, 9, 28, 10, 0)


def test_thirty_working_days_over_plain_weeks_end_six_weeks_later():
    assert deadline_after(SHANGHAI_2026, sh(2026, 11, 2, 9, 0), 30 * 8 * HOUR) == sh(2026, 12, 11, 18, 0)


def test_long_budget_across_spring_festival_counts_make_up_saturdays():
    # Mon 2 Feb to Fri 13 Feb: 10 days; Sat 14; Tue 24 to Fri 27: 4; Sat 28; Mon 2 Mar to Thu 5 Mar: 4.
    assert deadline_after(SHANGHAI_2026, sh(2026, 2, 2, 9, 0), 20 * 8 * HOUR) == sh(2026, 3, 5, 18, 0)


def test_working_seconds_over_national_day_fortnight():
    # Sep 28, 29, 30 and Oct 8, 9, 10 (make-up Saturday): six days of eight hours.
    assert business_seconds_between(SHANGHAI_2026, sh(2026, 9, 28), sh(2026, 10, 12)) == 6 * 8 * HOUR


def test_year_2026_has_248_working_days():
    # 261 weekdays, 19 of them holidays, 6 make-up days at the weekend.
    assert business_seconds_between(SHANGHAI_2026, sh(2026, 1, 1), sh(2027, 1, 1)) == 248 * 8 * HOUR


def test_make_up_day_works_the_hours_of_the_weekday_it_names():
    short_friday = BusinessCalendar(
        timezone="Asia/Shanghai",
        weekly_hours={0: OFFICE_DAY, 4: [("09:00", "15:00")]},
        extra_workdays={date(2026, 10, 10): 4},
    )
    assert business_seconds_between(short_friday, sh(2026, 10, 10), sh(2026, 10, 11)) == 6 * HOUR


def test_holiday_on_a_weekday_has_no_working_time():
    assert business_seconds_between(SHANGHAI_2026, sh(2026, 10, 1), sh(2026, 10, 2)) == 0


def test_weekend_has_no_working_time():
    assert business_seconds_between(SHANGHAI_2026, sh(2026, 9, 12, 10), sh(2026, 9, 13, 10)) == 0


def test_evening_has_no_working_time():
    assert business_seconds_between(SHANGHAI_2026, sh(2026, 9, 15, 18), sh(2026, 9, 16, 9)) == 0


def test_working_seconds_over_lunch_leave_out_the_break():
    assert business_seconds_between(SHANGHAI_2026, sh(2026, 9, 15, 11), sh(2026, 9, 15, 14)) == 2 * HOUR


def test_end_before_start_is_no_working_time():
    assert business_seconds_between(SHANGHAI_2026, sh(2026, 9, 15, 17), sh(2026, 9, 15, 10)) == 0


def test_fraction_of_a_second_is_floored_not_rounded_up():
    start = sh(2026, 9, 15, 9, 0, 0, 500_000)
    assert business_seconds_between(SHANGHAI_2026, start, sh(2026, 9, 15, 9, 0, 2)) == 1
    assert business_seconds_between(SHANGHAI_2026, start, sh(2026, 9, 15, 9, 0, 1)) == 0


def test_deadline_keeps_the_microseconds_of_its_start():
    start = sh(2026, 9, 15, 11, 59, 59, 250_000)
    assert deadline_after(SHANGHAI_2026, start, 2) == sh(2026, 9, 15, 13, 0, 1, 250_000)


def test_zero_budget_is_used_up_at_the_start_even_outside_hours():
    saturday = sh(2026, 9, 12, 10, 0)
    assert deadline_after(SHANGHAI_2026, saturday, 0) == saturday


def test_deadline_is_in_the_calendar_zone_whatever_the_input_zone():
    due = deadline_after(SHANGHAI_2026, datetime(2026, 9, 15, 1, 0, tzinfo=UTC), HOUR)
    assert due.tzinfo == SHANGHAI
    assert (due.year, due.month, due.day, due.hour, due.minute) == (2026, 9, 15, 10, 0)


def test_zero_budget_returns_start_in_the_calendar_zone():
    due = deadline_after(SHANGHAI_2026, datetime(2026, 9, 12, 2, 0, tzinfo=UTC), 0)
    assert due.tzinfo == SHANGHAI and due.hour == 10


def test_aware_start_in_another_zone_means_the_same_instant():
    berlin_morning = datetime(2026, 9, 15, 3, 0, tzinfo=ZoneInfo("Europe/Berlin"))  # 09:00 in Shanghai
    assert deadline_after(SHANGHAI_2026, berlin_morning, HOUR) == sh(2026, 9, 15, 10, 0)


def test_naive_moments_are_read_as_calendar_wall_clock():
    assert deadline_after(SHANGHAI_2026, datetime(2026, 9, 15, 9, 0), HOUR) == sh(2026, 9, 15, 10, 0)
    assert business_seconds_between(SHANGHAI_2026, datetime(2026, 9, 15, 9), datetime(2026, 9, 15, 12)) == 3 * HOUR


def test_naive_and_aware_moments_mix():
    assert business_seconds_between(SHANGHAI_2026, datetime(2026, 9, 15, 1, tzinfo=UTC), datetime(2026, 9, 15, 12)) == (
        3 * HOUR
    )


def test_negative_budget_is_refused():
    with pytest.raises(ValueError, match="negative"):
        deadline_after(SHANGHAI_2026, sh(2026, 9, 15, 9), -1)


def test_always_open_calendar_counts_wall_clock_time():
    assert deadline_after(ALWAYS_OPEN, sh(2026, 9, 12, 22, 30), 2 * HOUR) == sh(2026, 9, 13, 0, 30)
    assert business_seconds_between(ALWAYS_OPEN, sh(2026, 9, 1), sh(2026, 10, 1)) == 30 * 24 * HOUR


def test_interval_ending_at_24_00_runs_to_midnight():
    night_shift = BusinessCalendar(
        timezone="Asia/Shanghai", weekly_hours={0: [("20:00", "24:00")], 1: [("00:00", "02:00")]}
    )
    assert deadline_after(night_shift, sh(2026, 9, 14, 23, 0), 2 * HOUR) == sh(2026, 9, 15, 1, 0)
    assert deadline_after(night_shift, sh(2026, 9, 14, 20, 0), 4 * HOUR) == sh(2026, 9, 15, 0, 0)


class TestPauses:
    def test_pause_over_the_night_stops_the_clock_until_it_ends(self):
        pause = (sh(2026, 9, 15, 17, 0), sh(2026, 9, 16, 10, 0))
        assert deadline_after(SHANGHAI_2026, sh(2026, 9, 15, 16, 0), 3 * HOUR, [pause]) == sh(2026, 9, 16, 12, 0)

    def test_working_seconds_leave_out_a_pause_over_the_night(self):
        pause = (sh(2026, 9, 15, 17, 0), sh(2026, 9, 16, 10, 0))
        assert business_seconds_between(SHANGHAI_2026, sh(2026, 9, 15, 16), sh(2026, 9, 16, 12), [pause]) == 3 * HOUR

    def test_overlapping_pauses_count_once(self):
        pauses = [
            (sh(2026, 9, 15, 10, 0), sh(2026, 9, 15, 11, 0)),
            (sh(2026, 9, 15, 10, 30), sh(2026, 9, 15, 11, 30)),
            (sh(2026, 9, 15, 11, 15), sh(2026, 9, 15, 11, 20)),
        ]
        day = business_seconds_between(SHANGHAI_2026, sh(2026, 9, 15, 9), sh(2026, 9, 15, 18), pauses)
        assert day == 8 * HOUR - 90 * 60

    def test_pause_outside_working_hours_changes_nothing(self):
        evening = (sh(2026, 9, 15, 18, 0), sh(2026, 9, 16, 9, 0))
        assert deadline_after(SHANGHAI_2026, sh(2026, 9, 15, 17), 2 * HOUR, [evening]) == sh(2026, 9, 16, 10)

    def test_pause_outside_the_range_changes_nothing(self):
        later = (sh(2026, 9, 20, 10, 0), sh(2026, 9, 21, 10, 0))
        assert business_seconds_between(SHANGHAI_2026, sh(2026, 9, 15, 9), sh(2026, 9, 15, 18), [later]) == 8 * HOUR

    def test_start_inside_a_pause_waits_for_its_end(self):
        pause = (sh(2026, 9, 15, 9, 0), sh(2026, 9, 15, 11, 0))
        assert deadline_after(SHANGHAI_2026, sh(2026, 9, 15, 10), HOUR, [pause]) == sh(2026, 9, 15, 12)

    def test_budget_used_up_as_a_pause_begins_ends_at_the_pause(self):
        pause = (sh(2026, 9, 15, 11, 0), sh(2026, 9, 16, 11, 0))
        assert deadline_after(SHANGHAI_2026, sh(2026, 9, 15, 10), HOUR, [pause]) == sh(2026, 9, 15, 11)

    def test_several_pauses_before_the_deadline_all_stop_the_clock(self):
        pauses = [(sh(2026, 9, 15, 10), sh(2026, 9, 15, 11)), (sh(2026, 9, 15, 14), sh(2026, 9, 16, 9, 30))]
        # 9-10, 11-12, 13-14 is three hours; the fourth starts at 9:30 the next day.
        assert deadline_after(SHANGHAI_2026, sh(2026, 9, 15, 9), 4 * HOUR, pauses) == sh(2026, 9, 16, 10, 30)

    def test_pause_in_another_zone_is_the_same_instant(self):
        utc_pause = (datetime(2026, 9, 15, 2, 0, tzinfo=UTC), datetime(2026, 9, 15, 3, 0, tzinfo=UTC))  # 10-11
        assert business_seconds_between(SHANGHAI_2026, sh(2026, 9, 15, 9), sh(2026, 9, 15, 12), [utc_pause]) == 2 * HOUR

    def test_pause_ending_before_it_starts_is_refused(self):
        backwards = (sh(2026, 9, 15, 11), sh(2026, 9, 15, 10))
        with pytest.raises(ValueError, match="pause"):
            business_seconds_between(SHANGHAI_2026, sh(2026, 9, 15, 9), sh(2026, 9, 15, 18), [backwards])


class TestCalendarWithoutWorkingTime:
    EMPTY = BusinessCalendar(timezone="Asia/Shanghai", weekly_hours={})

    def test_deadline_is_refused_instead_of_searching_forever(self):
        with pytest.raises(ValueError, match="no working hours"):
            deadline_after(self.EMPTY, sh(2026, 9, 15, 9), 1)

    def test_make_up_days_borrow_hours_so_they_add_none_to_an_empty_week(self):
        only_make_up = BusinessCalendar(timezone="Asia/Shanghai", weekly_hours={}, extra_workdays={date(2030, 1, 5): 0})
        with pytest.raises(ValueError, match="no working hours"):
            deadline_after(only_make_up, sh(2026, 9, 15, 9), 1)

    def test_zero_budget_still_returns_the_start(self):
        assert deadline_after(self.EMPTY, sh(2026, 9, 15, 9), 0) == sh(2026, 9, 15, 9)

    def test_working_seconds_are_zero(self):
        assert business_seconds_between(self.EMPTY, sh(2026, 1, 1), sh(2027, 1, 1)) == 0

    def test_calendar_whose_only_hours_are_on_holidays_still_finds_later_time(self):
        one_monday_off = BusinessCalendar(
            timezone="Asia/Shanghai", weekly_hours={0: OFFICE_DAY}, holidays={date(2026, 9, 14)}
        )
        assert deadline_after(one_monday_off, sh(2026, 9, 12), HOUR) == sh(2026, 9, 21, 10)
