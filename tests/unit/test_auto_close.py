"""Auto-close timing: business days of the request's calendar, weekends, holidays and make-up days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.auto_close import _SLACK, business_days_end, restart_timer, timer
from app.domain.sla import BusinessCalendar
from models.enums import RequestStatus

SHANGHAI = ZoneInfo("Asia/Shanghai")
OFFICE = {weekday: [("09:00", "12:00"), ("13:00", "18:00")] for weekday in range(5)}
CAL = BusinessCalendar("Asia/Shanghai", OFFICE)
HOLIDAY_THURSDAY = BusinessCalendar("Asia/Shanghai", OFFICE, holidays=[date(2026, 11, 26)])
MAKEUP_SUNDAY = BusinessCalendar("Asia/Shanghai", OFFICE, extra_workdays={date(2026, 11, 29): 0})
BERLIN_DST = BusinessCalendar("Europe/Berlin", {weekday: [("00:00", "24:00")] for weekday in range(7)})

MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)


def local(moment: datetime) -> datetime:
    return moment.astimezone(SHANGHAI)


def test_business_days_count_whole_working_dates_after_the_start():
    assert local(business_days_end(CAL, MONDAY_10, 1)) == datetime(2026, 11, 24, 18, 0, tzinfo=SHANGHAI)
    assert local(business_days_end(CAL, MONDAY_10, 3)) == datetime(2026, 11, 26, 18, 0, tzinfo=SHANGHAI)


def test_weekends_are_skipped():
    assert local(business_days_end(CAL, MONDAY_10, 5)) == datetime(2026, 11, 30, 18, 0, tzinfo=SHANGHAI)
    saturday = datetime(2026, 11, 28, 11, 0, tzinfo=SHANGHAI)
    assert local(business_days_end(CAL, saturday, 1)) == datetime(2026, 11, 30, 18, 0, tzinfo=SHANGHAI)


def test_holidays_are_skipped_and_make_up_days_count():
    assert local(business_days_end(HOLIDAY_THURSDAY, MONDAY_10, 3)) == datetime(2026, 11, 27, 18, tzinfo=SHANGHAI)
    friday = datetime(2026, 11, 27, 9, 30, tzinfo=SHANGHAI)
    assert local(business_days_end(MAKEUP_SUNDAY, friday, 1)) == datetime(2026, 11, 29, 18, tzinfo=SHANGHAI)


def test_the_start_date_counts_in_the_calendars_zone():
    # 23:30 UTC on Sunday is already Monday 07:30 in Shanghai: Monday is the start date, not a counted day.
    sunday_utc = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    assert local(business_days_end(CAL, sunday_utc, 1)) == datetime(2026, 11, 24, 18, 0, tzinfo=SHANGHAI)


def test_timer_gives_reminder_closing_and_the_local_closing_date():
    due = timer(CAL, MONDAY_10, 3, 5)
    assert due.remind_at < due.close_at
    assert due.close_on == date(2026, 11, 30)
    assert due.close_at.tzinfo is UTC


def test_a_calendar_without_working_days_is_refused():
    with pytest.raises(ValueError):
        business_days_end(BusinessCalendar("Asia/Shanghai", {}), MONDAY_10, 1)
    with pytest.raises(ValueError):
        business_days_end(CAL, MONDAY_10, 0)


def test_restart_timer_moves_the_clock_and_allows_a_new_reminder():
    later = MONDAY_10 + timedelta(days=2)
    request = SimpleNamespace(status=RequestStatus.RESOLVED, auto_close_from=MONDAY_10, reminded_at=later)
    restart_timer(request, later)
    assert (request.auto_close_from, request.reminded_at) == (later, None)


def test_restart_timer_leaves_requests_that_are_not_resolved():
    request = SimpleNamespace(status=RequestStatus.CLOSED, auto_close_from=MONDAY_10, reminded_at=None)
    restart_timer(request, MONDAY_10 + timedelta(days=1))
    assert request.auto_close_from == MONDAY_10


@given(
    start=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)),
    days=st.integers(min_value=1, max_value=20),
    calendar=st.sampled_from([CAL, HOLIDAY_THURSDAY, MAKEUP_SUNDAY, BERLIN_DST]),
)
def test_n_business_days_never_pass_sooner_than_the_sweeps_prefilter_assumes(start, days, calendar):
    end = business_days_end(calendar, start, days)
    assert end > start + timedelta(days=days) - _SLACK
    assert business_days_end(calendar, start, days + 1) > end
