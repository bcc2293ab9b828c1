"""The SLA clock in a zone with daylight saving: Berlin moves its clocks on 2026-03-29 and 2026-10-25.

Working intervals are wall-clock times; the seconds counted are real elapsed seconds. A nonexistent or
ambiguous wall-clock time is read with fold=0 (see app.domain.sla).
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from app.domain.sla import BusinessCalendar, business_seconds_between, deadline_after, working_intervals

BERLIN = ZoneInfo("Europe/Berlin")
HOUR = 3600
OFFICE = BusinessCalendar(
    timezone="Europe/Berlin", weekly_hours={weekday: [("09:00", "17:00")] for weekday in range(5)}
)
ALWAYS_OPEN = BusinessCalendar(
    timezone="Europe/Berlin", weekly_hours={weekday: [("00:00", "24:00")] for weekday in range(7)}
)
NIGHT_SHIFT = BusinessCalendar(
    timezone="Europe/Berlin", weekly_hours={5: [("22:00", "24:00")], 6: [("00:00", "06:00")]}
)


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def test_spring_forward_day_has_23_hours():
    assert business_seconds_between(ALWAYS_OPEN, berlin(2026, 3, 29), berlin(2026, 3, 30)) == 23 * HOUR


def test_fall_back_day_has_25_hours():
    assert business_seconds_between(ALWAYS_OPEN, berlin(2026, 10, 25), berlin(2026, 10, 26)) == 25 * HOUR


def test_office_hours_keep_their_wall_clock_times_across_the_change():
    assert deadline_after(OFFICE, berlin(2026, 3, 27, 16), 2 * HOUR) == berlin(2026, 3, 30, 10)
    assert business_seconds_between(OFFICE, berlin(2026, 3, 27, 16), berlin(2026, 3, 30, 10)) == 2 * HOUR


def test_night_shift_over_spring_forward_loses_an_hour():
    assert business_seconds_between(NIGHT_SHIFT, berlin(2026, 3, 28), berlin(2026, 3, 30)) == 7 * HOUR


def test_night_shift_over_fall_back_gains_an_hour():
    assert business_seconds_between(NIGHT_SHIFT, berlin(2026, 10, 24), berlin(2026, 10, 26)) == 9 * HOUR


def test_deadline_inside_the_repeated_hour_is_its_second_pass():
    # Sat 22:00 CEST + 2 h = 00:00; + 2 h more = 02:00 CEST; one more hour is 02:00 again, in CET.
    due = deadline_after(NIGHT_SHIFT, berlin(2026, 10, 24, 22), 5 * HOUR)
    # Compared in UTC: Python never finds a fold=1 time equal to one in another zone (PEP 495).
    assert due.astimezone(UTC) == datetime(2026, 10, 25, 1, 0, tzinfo=UTC)
    assert (due.hour, due.fold, due.utcoffset()) == (2, 1, timedelta(hours=1))


def test_interval_starting_in_the_spring_gap_is_read_with_fold_0():
    # 02:30 does not exist on 2026-03-29; fold=0 reads it with the winter offset, i.e. 03:30 CEST.
    gap_start = BusinessCalendar(timezone="Europe/Berlin", weekly_hours={6: [("02:30", "05:00")]})
    assert business_seconds_between(gap_start, berlin(2026, 3, 29), berlin(2026, 3, 30)) == 90 * 60
    assert next(working_intervals(gap_start, berlin(2026, 3, 29), berlin(2026, 3, 30)))[0] == berlin(2026, 3, 29, 3, 30)


def test_interval_lying_in_the_spring_gap_counts_nothing():
    in_gap = BusinessCalendar(timezone="Europe/Berlin", weekly_hours={6: [("02:00", "03:00")]})
    assert business_seconds_between(in_gap, berlin(2026, 3, 29), berlin(2026, 3, 30)) == 0
    assert business_seconds_between(in_gap, berlin(2026, 3, 22), berlin(2026, 3, 23)) == HOUR


def test_intervals_that_fold_0_maps_onto_each_other_count_once():
    # 02:10-02:50 becomes 03:10-03:50 CEST, around 03:00-03:05 and 03:20-03:30 of the other intervals.
    folded = BusinessCalendar(
        timezone="Europe/Berlin", weekly_hours={6: [("02:10", "02:50"), ("03:00", "03:05"), ("03:20", "03:30")]}
    )
    assert business_seconds_between(folded, berlin(2026, 3, 29), berlin(2026, 3, 30)) == 45 * 60


def test_interval_starting_in_the_repeated_hour_starts_at_its_first_pass():
    repeated_start = BusinessCalendar(timezone="Europe/Berlin", weekly_hours={6: [("02:30", "05:00")]})
    assert business_seconds_between(repeated_start, berlin(2026, 10, 25), berlin(2026, 10, 26)) == 210 * 60


def test_naive_start_in_the_repeated_hour_is_its_first_pass():
    first_pass = deadline_after(ALWAYS_OPEN, datetime(2026, 10, 25, 2, 30), 0)
    assert first_pass.utcoffset() == timedelta(hours=2)


def test_week_skipping_keeps_the_lost_spring_hour():
    # Sixty days of round-the-clock work are sixty real days, which read an hour later after the change.
    assert deadline_after(ALWAYS_OPEN, berlin(2026, 3, 1), 60 * 24 * HOUR) == berlin(2026, 4, 30, 1)


def test_week_skipping_keeps_the_gained_autumn_hour():
    assert deadline_after(ALWAYS_OPEN, berlin(2026, 10, 1), 60 * 24 * HOUR) == berlin(2026, 11, 29, 23)


def test_long_office_budget_over_both_changes_is_counted_in_wall_clock_days():
    # 2026-03-02 (Mon) to 2026-11-06 (Fri) is 35 weeks of 40 hours, DST changes notwithstanding.
    assert deadline_after(OFFICE, berlin(2026, 3, 2, 9), 35 * 40 * HOUR) == berlin(2026, 10, 30, 17)
    assert business_seconds_between(OFFICE, berlin(2026, 3, 2), berlin(2026, 11, 2)) == 35 * 40 * HOUR
