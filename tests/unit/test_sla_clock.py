"""The SLA clock across SLA changes and pauses: due times, consumed time, timeline and outcomes.

The hand-worked cases use a Shanghai office calendar, Monday to Friday 09:00-12:00 and 13:00-18:00
(eight working hours a day), around Friday 11 and Monday 14 September 2026. Every expected value is
worked out in the comment next to it.
"""

import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.calendars import business_calendar
from app.domain.sla_clock import (
    OUTSIDE_HOURS,
    PAUSED,
    RUNNING,
    ClockSegment,
    Pause,
    consumed_seconds,
    due_at,
    moment_after,
    outcome,
    remaining_seconds,
    timeline,
)
from tests.unit.test_business_time_properties import calendars, moments

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOUR = 3600
MICROSECOND = timedelta(microseconds=1)
OFFICE_HOURS = {str(weekday): [["09:00", "12:00"], ["13:00", "18:00"]] for weekday in range(5)}
OFFICE = business_calendar("Asia/Shanghai", OFFICE_HOURS)
ALWAYS_OPEN = business_calendar("Asia/Shanghai", {str(weekday): [["00:00", "24:00"]] for weekday in range(7)})
NEVER_OPEN = business_calendar("Asia/Shanghai", {})


def sh(day: int, hour: int, minute: int = 0, month: int = 9) -> datetime:
    """A wall-clock moment in Shanghai in 2026 (11 September is a Friday, 14 September a Monday)."""
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


FRIDAY_4PM = [ClockSegment(sh(11, 16), OFFICE)]
MONDAY_9AM = [ClockSegment(sh(14, 9), OFFICE)]


# --- due times ----------------------------------------------------------------------------------------


def test_four_hours_from_friday_afternoon_are_due_monday_late_morning():
    # Friday 16:00-18:00 gives 2h, the weekend nothing, Monday 09:00-11:00 the other 2h.
    due = due_at(FRIDAY_4PM, [], 4 * HOUR)
    assert due == sh(14, 11)
    assert due.tzinfo is UTC


def test_a_holiday_on_monday_moves_the_due_time_to_tuesday():
    # As above, but Monday is a holiday: Friday 2h, then Tuesday 09:00-11:00.
    holiday = business_calendar("Asia/Shanghai", OFFICE_HOURS, [(date(2026, 9, 14), "HOLIDAY", None)])
    assert due_at([ClockSegment(sh(11, 16), holiday)], [], 4 * HOUR) == sh(15, 11)


def test_a_target_used_up_at_closing_time_is_due_at_closing_time():
    # Friday 16:00-18:00 is exactly 2h: due at 18:00 on Friday, not at 09:00 on Monday.
    assert due_at(FRIDAY_4PM, [], 2 * HOUR) == sh(11, 18)


def test_a_closed_pause_in_working_hours_shifts_the_due_time_by_the_paused_working_time():
    # Monday 09:30-10:15 paused: 45 working minutes later than 11:00.
    pauses = [Pause(sh(14, 9, 30), sh(14, 10, 15), "PENDING_CUSTOMER")]
    assert due_at(FRIDAY_4PM, pauses, 4 * HOUR) == sh(14, 11, 45)


def test_a_pause_over_lunch_shifts_only_by_its_working_part():
    # Monday 10:30-13:30 paused: 1.5h before lunch and 0.5h after are working time. Friday 2h,
    # Monday 09:00-10:30 1.5h, and the last 0.5h from 13:30: due 14:00, three wall-clock hours after 11:00.
    pauses = [Pause(sh(14, 10, 30), sh(14, 13, 30))]
    assert due_at(FRIDAY_4PM, pauses, 4 * HOUR) == sh(14, 14)


def test_a_pause_wholly_outside_working_hours_shifts_nothing():
    pauses = [Pause(sh(11, 18), sh(14, 9)), Pause(sh(12, 10), sh(13, 20))]
    assert due_at(FRIDAY_4PM, pauses, 4 * HOUR) == sh(14, 11)


def test_an_open_pause_leaves_the_due_time_but_stops_the_consumed_time():
    # Paused since Monday 10:00: by then Friday's 2h and Monday's first hour are consumed.
    pauses = [Pause(sh(14, 10), None, "PENDING_CUSTOMER")]
    assert due_at(FRIDAY_4PM, pauses, 4 * HOUR) == sh(14, 11)
    assert consumed_seconds(FRIDAY_4PM, pauses, sh(14, 10)) == 3 * HOUR
    assert consumed_seconds(FRIDAY_4PM, pauses, sh(14, 15)) == 3 * HOUR
    assert consumed_seconds(FRIDAY_4PM, pauses, sh(18, 15)) == 3 * HOUR
    assert consumed_seconds(FRIDAY_4PM, [], sh(14, 15)) == 7 * HOUR  # 2h Friday, 3h + 2h Monday


def test_a_target_reached_before_an_open_pause_started_is_due_as_usual():
    pauses = [Pause(sh(14, 11, 30), None)]
    assert due_at(FRIDAY_4PM, pauses, 4 * HOUR) == sh(14, 11)


def test_a_pause_resumed_after_the_open_state_gives_the_later_due_time():
    # The same pause once closed at 15:00 (4 working hours: 10-12, 13-15): the last hour runs 15:00-16:00.
    pauses = [Pause(sh(14, 10), sh(14, 15), "PENDING_CUSTOMER")]
    assert due_at(FRIDAY_4PM, pauses, 4 * HOUR) == sh(14, 16)


def test_consumed_time_before_the_start_is_zero():
    assert consumed_seconds(FRIDAY_4PM, [], sh(11, 15)) == 0
    assert consumed_seconds(FRIDAY_4PM, [], sh(11, 16)) == 0


def test_a_target_of_zero_is_due_at_the_start_even_outside_hours():
    assert due_at([ClockSegment(sh(12, 10), OFFICE)], [], 0) == sh(12, 10)


def test_no_working_hours_means_no_due_time():
    assert due_at([ClockSegment(sh(11, 16), NEVER_OPEN)], [], HOUR) is None


def test_a_target_reached_before_a_switch_to_a_calendar_without_hours_is_still_due():
    # Friday 16:00-17:00 office time, then a calendar with no hours: 1h is due at 17:00, 2h never.
    segments = [ClockSegment(sh(11, 16), OFFICE), ClockSegment(sh(11, 17), NEVER_OPEN)]
    assert due_at(segments, [], HOUR) == sh(11, 17)
    assert due_at(segments, [], 2 * HOUR) is None


def test_moment_after_gives_the_escalation_point_within_a_target():
    # 80% of 4h is 3h12m: Friday 2h, Monday 09:00-10:12.
    assert moment_after(FRIDAY_4PM, [], 4 * HOUR * 8 // 10) == sh(14, 10, 12)


# --- priority and SLA changes -------------------------------------------------------------------------


def test_a_shorter_target_after_a_priority_change_keeps_the_time_consumed():
    # Created Monday 09:00; by 14:00 4h are consumed (09-12, 13-14). The new 2h target was reached at 11:00.
    assert consumed_seconds(MONDAY_9AM, [], sh(14, 14)) == 4 * HOUR
    assert due_at(MONDAY_9AM, [], 2 * HOUR) == sh(14, 11)
    assert remaining_seconds(MONDAY_9AM, [], 2 * HOUR, sh(14, 14)) == -2 * HOUR


def test_a_longer_target_after_a_priority_change_keeps_the_time_consumed_and_pauses_taken():
    # 8h from Monday 09:00 would end at 18:00; the 30 minutes paused before the change still count.
    pauses = [Pause(sh(14, 10), sh(14, 10, 30))]
    assert due_at(MONDAY_9AM, pauses, 8 * HOUR) == sh(15, 9, 30)
    assert remaining_seconds(MONDAY_9AM, pauses, 8 * HOUR, sh(14, 14)) == 8 * HOUR - (4 * HOUR - 1800)


def test_an_sla_change_counts_each_stretch_in_its_own_calendar():
    # Office hours from Friday 16:00, around the clock from 17:00: 1h + 24h by Saturday 17:00.
    segments = [ClockSegment(sh(11, 16), OFFICE), ClockSegment(sh(11, 17), ALWAYS_OPEN)]
    assert consumed_seconds(segments, [], sh(12, 17)) == 25 * HOUR
    # 4h: 1h of office time, then 3h around the clock from 17:00.
    assert due_at(segments, [], 4 * HOUR) == sh(11, 20)


def test_a_change_to_office_hours_stops_counting_nights_and_weekends():
    # Around the clock Friday 16:00-17:00, then office hours: 17:00-18:00 on Friday and 09:00-10:00 on Monday.
    segments = [ClockSegment(sh(11, 16), ALWAYS_OPEN), ClockSegment(sh(11, 17), OFFICE)]
    assert consumed_seconds(segments, [], sh(14, 10)) == 3 * HOUR
    assert due_at(segments, [], 3 * HOUR) == sh(14, 10)


def test_a_pause_across_an_sla_change_stops_both_stretches():
    # Paused Friday 16:30-21:00 over the change at 17:00: 30 office minutes and 4 hours around the clock.
    segments = [ClockSegment(sh(11, 16), OFFICE), ClockSegment(sh(11, 17), ALWAYS_OPEN)]
    pauses = [Pause(sh(11, 16, 30), sh(11, 21))]
    assert consumed_seconds(segments, pauses, sh(11, 22)) == 1800 + HOUR
    assert due_at(segments, pauses, HOUR) == sh(11, 21, 30)


def test_segments_given_in_any_zone_are_compared_by_instant():
    later_in_utc = datetime(2026, 9, 11, 9, 0, tzinfo=UTC)  # Friday 17:00 in Shanghai
    segments = [ClockSegment(sh(11, 16), OFFICE), ClockSegment(later_in_utc, ALWAYS_OPEN)]
    assert due_at(segments, [], 4 * HOUR) == sh(11, 20)


# --- validation ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "segments",
    [
        [],
        [ClockSegment(sh(11, 16), OFFICE), ClockSegment(sh(11, 16), ALWAYS_OPEN)],
        [ClockSegment(sh(11, 16), OFFICE), ClockSegment(sh(11, 15), ALWAYS_OPEN)],
        [ClockSegment(datetime(2026, 9, 11, 16), OFFICE)],
    ],
    ids=["empty", "same-since", "going-back", "naive"],
)
def test_invalid_segments_are_refused(segments):
    with pytest.raises(ValueError):
        due_at(segments, [], HOUR)
    with pytest.raises(ValueError):
        consumed_seconds(segments, [], sh(14, 12))


def test_a_negative_target_is_refused():
    with pytest.raises(ValueError):
        due_at(FRIDAY_4PM, [], -1)
    with pytest.raises(ValueError):
        remaining_seconds(FRIDAY_4PM, [], -1, sh(14, 12))


def test_a_pause_ending_before_it_starts_or_a_naive_moment_is_refused():
    with pytest.raises(ValueError):
        due_at(FRIDAY_4PM, [Pause(sh(14, 10), sh(14, 9))], HOUR)
    with pytest.raises(ValueError):
        consumed_seconds(FRIDAY_4PM, [], datetime(2026, 9, 14, 12))


# --- timeline -----------------------------------------------------------------------------------------


def span(kind: str, start: datetime, end: datetime, seconds: int = 0, reason: str = "") -> tuple:
    return kind, start, end, seconds, reason


def spans_of(result) -> list[tuple]:
    return [(s.kind, s.start, s.end, s.working_seconds, s.reason) for s in result]


def test_timeline_shows_working_time_nights_and_pauses_in_order():
    pauses = [Pause(sh(14, 10), sh(14, 10, 30), "PENDING_CUSTOMER")]
    result = timeline(FRIDAY_4PM, pauses, sh(14, 14))
    assert spans_of(result) == [
        span(RUNNING, sh(11, 16), sh(11, 18), 2 * HOUR),
        span(OUTSIDE_HOURS, sh(11, 18), sh(14, 9)),  # the weekend is one span, not one per night
        span(RUNNING, sh(14, 9), sh(14, 10), HOUR),
        span(PAUSED, sh(14, 10), sh(14, 10, 30), reason="PENDING_CUSTOMER"),
        span(RUNNING, sh(14, 10, 30), sh(14, 12), 5400),
        span(OUTSIDE_HOURS, sh(14, 12), sh(14, 13)),
        span(RUNNING, sh(14, 13), sh(14, 14), HOUR),
    ]
    assert all(s.start.tzinfo is UTC and s.end.tzinfo is UTC for s in result)
    assert sum(s.working_seconds for s in result) == consumed_seconds(FRIDAY_4PM, pauses, sh(14, 14))


def test_a_pause_over_the_weekend_is_one_paused_span_and_an_open_one_runs_to_the_end():
    pauses = [Pause(sh(11, 17), sh(14, 10), "PENDING_CUSTOMER"), Pause(sh(14, 11), None, "PENDING_VENDOR")]
    assert spans_of(timeline(FRIDAY_4PM, pauses, sh(14, 15))) == [
        span(RUNNING, sh(11, 16), sh(11, 17), HOUR),
        span(PAUSED, sh(11, 17), sh(14, 10), reason="PENDING_CUSTOMER"),
        span(RUNNING, sh(14, 10), sh(14, 11), HOUR),
        span(PAUSED, sh(14, 11), sh(14, 15), reason="PENDING_VENDOR"),
    ]


def test_touching_pauses_merge_only_when_their_reasons_agree():
    pauses = [
        Pause(sh(14, 9), sh(14, 9, 30), "PENDING_CUSTOMER"),
        Pause(sh(14, 9, 30), sh(14, 10), "PENDING_CUSTOMER"),
        Pause(sh(14, 10), sh(14, 10, 30), "PENDING_VENDOR"),
    ]
    assert spans_of(timeline(MONDAY_9AM, pauses, sh(14, 11))) == [
        span(PAUSED, sh(14, 9), sh(14, 10), reason="PENDING_CUSTOMER"),
        span(PAUSED, sh(14, 10), sh(14, 10, 30), reason="PENDING_VENDOR"),
        span(RUNNING, sh(14, 10, 30), sh(14, 11), 1800),
    ]


def test_timeline_spans_merge_across_an_sla_change_and_follow_the_new_calendar():
    # Office hours until Friday 17:00, then around the clock: 16:00 to Saturday 10:00 is all running.
    segments = [ClockSegment(sh(11, 16), OFFICE), ClockSegment(sh(11, 17), ALWAYS_OPEN)]
    assert spans_of(timeline(segments, [], sh(12, 10))) == [span(RUNNING, sh(11, 16), sh(12, 10), 18 * HOUR)]


def test_timeline_keeps_only_the_newest_spans_beyond_the_limit():
    full = timeline(FRIDAY_4PM, [], sh(14, 14))
    assert len(full) == 5
    assert timeline(FRIDAY_4PM, [], sh(14, 14), limit=2) == full[-2:]
    assert timeline(FRIDAY_4PM, [], sh(11, 15)) == []


def test_overlapping_pauses_are_named_by_the_one_that_started_first():
    pauses = [Pause(sh(14, 9, 30), sh(14, 10, 30), "PENDING_VENDOR"), Pause(sh(14, 9), sh(14, 10), "PENDING_CUSTOMER")]
    assert spans_of(timeline(MONDAY_9AM, pauses, sh(14, 11))) == [
        span(PAUSED, sh(14, 9), sh(14, 10), reason="PENDING_CUSTOMER"),
        span(PAUSED, sh(14, 10), sh(14, 10, 30), reason="PENDING_VENDOR"),
        span(RUNNING, sh(14, 10, 30), sh(14, 11), 1800),
    ]


# --- outcomes -----------------------------------------------------------------------------------------


def test_outcome_met_early():
    # 4h due Monday 11:00, answered Monday 10:00 with 3h consumed: met with an hour to spare.
    result = outcome(FRIDAY_4PM, [], 4 * HOUR, sh(14, 10), now=sh(15, 9))
    assert (result.met, result.consumed_seconds, result.margin_seconds, result.paused) == (True, 3 * HOUR, HOUR, False)
    assert result.due_at == sh(14, 11)
    assert result.stopped_at == sh(14, 10)


def test_outcome_met_exactly_at_the_due_time_counts_as_met():
    result = outcome(FRIDAY_4PM, [], 4 * HOUR, sh(14, 11), now=sh(15, 9))
    assert (result.met, result.margin_seconds) == (True, 0)


def test_outcome_met_late_is_a_breach():
    # Answered Monday 12:30: 09:00-12:00 is 3h on Monday, 5h in all, an hour over.
    result = outcome(FRIDAY_4PM, [], 4 * HOUR, sh(14, 12, 30), now=sh(15, 9))
    assert (result.met, result.consumed_seconds, result.margin_seconds) == (False, 5 * HOUR, -HOUR)


def test_outcome_after_a_due_time_at_closing_is_a_breach_though_no_working_time_passed():
    # 2h due Friday 18:00, answered 18:30: after the due time users saw, with 0 working seconds over.
    result = outcome(FRIDAY_4PM, [], 2 * HOUR, sh(11, 18, 30), now=sh(15, 9))
    assert (result.met, result.margin_seconds) == (False, 0)


def test_outcome_running_and_overrun_is_a_breach():
    result = outcome(FRIDAY_4PM, [], 4 * HOUR, None, now=sh(14, 12, 30))
    assert (result.met, result.margin_seconds, result.stopped_at) == (False, -HOUR, None)


def test_outcome_running_in_time_is_undecided():
    result = outcome(FRIDAY_4PM, [], 4 * HOUR, None, now=sh(14, 10))
    assert (result.met, result.consumed_seconds, result.margin_seconds, result.paused) == (None, 3 * HOUR, HOUR, False)


def test_outcome_while_paused_is_undecided_and_due_if_resumed_now():
    # Paused since Monday 10:00 with 1h left; at 15:00 the clock would run out at 16:00 if resumed now.
    pauses = [Pause(sh(14, 10), None, "PENDING_CUSTOMER")]
    result = outcome(FRIDAY_4PM, pauses, 4 * HOUR, None, now=sh(14, 15))
    assert (result.met, result.paused, result.consumed_seconds, result.margin_seconds) == (None, True, 3 * HOUR, HOUR)
    assert result.due_at == sh(14, 16)


def test_outcome_paused_after_the_due_time_is_still_a_breach():
    # The target ran out at 11:00; the pause from 11:30 does not undo that.
    pauses = [Pause(sh(14, 11, 30), None)]
    result = outcome(FRIDAY_4PM, pauses, 4 * HOUR, None, now=sh(14, 15))
    assert (result.met, result.paused, result.due_at, result.margin_seconds) == (False, True, sh(14, 11), -1800)


def test_outcome_stopped_during_an_open_pause_is_not_paused_and_counts_the_pause():
    # Paused from Monday 10:00 and resolved at 15:00 without resuming: 3h consumed, within the 4h.
    pauses = [Pause(sh(14, 10), None)]
    result = outcome(FRIDAY_4PM, pauses, 4 * HOUR, sh(14, 15), now=sh(14, 16))
    assert (result.met, result.paused, result.consumed_seconds) == (True, False, 3 * HOUR)


def test_a_request_open_for_ninety_days_is_computed_without_walking_minutes():
    # A per-minute walk would take tens of milliseconds a call here; the engine walks dates and weeks.
    start = sh(2, 10, month=3)
    segments = [ClockSegment(start, OFFICE), ClockSegment(start + timedelta(days=30), ALWAYS_OPEN)]
    segments.append(ClockSegment(start + timedelta(days=40), OFFICE))
    pauses = [Pause(start + timedelta(days=10 * k, hours=3), start + timedelta(days=10 * k + 2)) for k in range(5)]
    now = start + timedelta(days=90)
    began = time.perf_counter()
    for _ in range(50):
        consumed_seconds(segments, pauses, now)
        due_at(segments, pauses, 400 * HOUR)
    assert (time.perf_counter() - began) / 50 < 0.01


# --- properties ---------------------------------------------------------------------------------------

whole_seconds = st.integers(1, 10 * 86_400).map(lambda seconds: timedelta(seconds=seconds))
any_length = st.timedeltas(MICROSECOND, timedelta(days=10))
reasons = st.sampled_from(["", "PENDING_CUSTOMER", "PENDING_VENDOR"])
targets = st.one_of(st.integers(0, 8 * HOUR), st.integers(0, 400 * HOUR))


def aware(moment: datetime) -> datetime:
    return moment if moment.utcoffset() is not None else moment.replace(tzinfo=UTC)


@st.composite
def clocks(draw, whole: bool = False):
    """1-3 segments of random calendars from a random moment, and closed pauses around them."""
    start = aware(draw(moments))
    if whole:
        start = start.replace(microsecond=0)
    steps = whole_seconds if whole else any_length
    sinces = [start]
    for _ in range(draw(st.integers(0, 2))):
        sinces.append(sinces[-1] + draw(steps))
    segments = [ClockSegment(since, draw(calendars)) for since in sinces]
    pauses = []
    for _ in range(draw(st.integers(0, 4))):
        begin = start + draw(st.timedeltas(timedelta(days=-2), timedelta(days=20)))
        length = draw(st.timedeltas(timedelta(0), timedelta(days=3)))
        if whole:
            begin, length = begin.replace(microsecond=0), timedelta(seconds=length // timedelta(seconds=1))
        pauses.append(Pause(begin, begin + length, draw(reasons)))
    return segments, pauses


@given(clocks(), targets)
def test_the_due_time_is_the_first_moment_the_target_is_consumed(clock, target):
    segments, pauses = clock
    due = due_at(segments, pauses, target)
    if due is not None:
        assert consumed_seconds(segments, pauses, due) == target
        if target:
            assert consumed_seconds(segments, pauses, due - MICROSECOND) == target - 1


@given(clocks(), targets, targets)
def test_a_bigger_target_is_never_due_earlier(clock, one, other):
    segments, pauses = clock
    smaller, bigger = sorted((one, other))
    early, late = due_at(segments, pauses, smaller), due_at(segments, pauses, bigger)
    assert late is None or (early is not None and early <= late)


@given(clocks(), targets, st.data())
def test_adding_a_closed_pause_never_makes_the_due_time_earlier(clock, target, data):
    segments, pauses = clock
    begin = segments[0].since + data.draw(st.timedeltas(timedelta(days=-1), timedelta(days=15)))
    extra = Pause(begin, begin + data.draw(st.timedeltas(timedelta(0), timedelta(days=3))))
    before, after = due_at(segments, pauses, target), due_at(segments, [*pauses, extra], target)
    assert after is None or (before is not None and before <= after)


@given(clocks(whole=True), whole_seconds, whole_seconds, targets)
def test_splitting_a_segment_in_two_with_the_same_calendar_changes_nothing(clock, at, until, target):
    # Whole seconds throughout: each stretch is floored to seconds, so fractions would not add up.
    segments, pauses = clock
    first = segments[0]
    split = [first, ClockSegment(first.since + at, first.calendar)]
    single = [first]
    moment = first.since + until
    assert consumed_seconds(split, pauses, moment) == consumed_seconds(single, pauses, moment)
    assert due_at(split, pauses, target) == due_at(single, pauses, target)


@given(clocks(), st.timedeltas(timedelta(0), timedelta(days=25)), st.booleans(), st.data())
def test_timeline_spans_cover_the_clock_exactly_and_add_up_to_the_consumed_time(clock, length, open_pause, data):
    segments, pauses = clock
    start = segments[0].since
    end = start + length
    if open_pause:
        pauses = [*pauses, Pause(start + data.draw(st.timedeltas(timedelta(0), timedelta(days=20))), None, "OPEN")]
    result = timeline(segments, pauses, end, limit=10_000)
    if length <= timedelta(0):
        assert result == []
        return
    assert result[0].start == start and result[-1].end == end
    assert all(a.end == b.start for a, b in zip(result, result[1:], strict=False))
    assert all(s.start < s.end for s in result)
    assert all((a.kind, a.reason) != (b.kind, b.reason) for a, b in zip(result, result[1:], strict=False))
    assert all(s.working_seconds == 0 for s in result if s.kind != RUNNING)
    assert sum(s.working_seconds for s in result) == consumed_seconds(segments, pauses, end)


@given(clocks(whole=True), st.integers(0, 25 * 86_400))
def test_running_spans_count_their_whole_length_as_working_time(clock, seconds):
    segments, pauses = clock
    for s in timeline(segments, pauses, segments[0].since + timedelta(seconds=seconds), limit=10_000):
        if s.kind == RUNNING:
            assert s.working_seconds == (s.end - s.start) // timedelta(seconds=1)


@given(clocks(), st.timedeltas(timedelta(0), timedelta(days=10)), st.timedeltas(timedelta(0), timedelta(days=10)))
def test_consumed_time_stands_still_during_an_open_pause(clock, pause_after, later):
    segments, pauses = clock
    begin = segments[0].since + pause_after
    paused = [*pauses, Pause(begin, None)]
    assert consumed_seconds(segments, paused, begin + later) == consumed_seconds(segments, pauses, begin)


@given(clocks(), targets, st.timedeltas(timedelta(0), timedelta(days=20)), st.data())
def test_outcome_agrees_with_the_due_time_and_consumed_time(clock, target, elapsed, data):
    segments, pauses = clock
    now = segments[0].since + elapsed
    stopped = data.draw(st.one_of(st.none(), st.just(now - data.draw(st.timedeltas(timedelta(0), elapsed)))))
    result = outcome(segments, pauses, target, stopped, now)
    until = now if stopped is None else stopped
    assert result.due_at == due_at(segments, pauses, target)  # closed pauses only: same as due_at()
    assert result.consumed_seconds == consumed_seconds(segments, pauses, until)
    assert result.margin_seconds == target - result.consumed_seconds
    late = result.due_at is not None and until > result.due_at
    assert result.met is (not late if stopped is not None else (False if late else None))
    if result.met is not False:
        assert result.margin_seconds >= 0
