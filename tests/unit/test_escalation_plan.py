"""Escalation planning: when a rule's notices fall due, and what one sweep fires for one record."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.calendars import business_calendar
from app.domain.escalation_plan import (
    AFTER_DUE,
    BEFORE_DUE,
    PERCENT,
    ClockState,
    Firing,
    RuleTiming,
    check_rule,
    delivery_time,
    earliest,
    firing_due,
    first_occurrence,
    next_check,
    occurrence,
)
from app.domain.sla import deadline_after, working_intervals
from models.enums import CalendarDayKind, EscalationTrigger

SHANGHAI = ZoneInfo("Asia/Shanghai")
MINUTE = timedelta(minutes=1)
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday
OFFICE_WEEK = {str(day): ([["09:00", "18:00"]] if day < 5 else []) for day in range(7)}
OFFICE = business_calendar("Asia/Shanghai", OFFICE_WEEK)


def round_the_clock(target_seconds: int = 4 * 3600, start: datetime = START, running: bool = True) -> ClockState:
    """A 24×7 target: working seconds are plain seconds since ``start``."""
    return ClockState(
        due_at=start + timedelta(seconds=target_seconds),
        target_seconds=target_seconds,
        moment_after=lambda seconds: start + timedelta(seconds=seconds),
        running=running,
    )


def office_clock(start: datetime, target_seconds: int) -> ClockState:
    """A target counted in the Mon–Fri 09:00–18:00 Shanghai office hours."""
    return ClockState(
        due_at=deadline_after(OFFICE, start, target_seconds),
        target_seconds=target_seconds,
        moment_after=lambda seconds: deadline_after(OFFICE, start, seconds),
        running=True,
    )


def rule(trigger: str = AFTER_DUE, value: int = 0, repeat: int | None = None, max_repeats: int = 0) -> RuleTiming:
    return RuleTiming(rule_id=7, level=2, trigger=trigger, value=value, repeat_minutes=repeat, max_repeats=max_repeats)


# --- first occurrence -------------------------------------------------------------------------------


def test_trigger_kinds_are_the_enum_member_names():
    assert {PERCENT, BEFORE_DUE, AFTER_DUE} == set(EscalationTrigger.__members__)


def test_percent_elapsed_on_a_round_the_clock_target():
    clock = round_the_clock(4 * 3600)
    assert first_occurrence(rule(PERCENT, 50), clock) == START + timedelta(hours=2)
    assert first_occurrence(rule(PERCENT, 100), clock) == clock.due_at
    assert first_occurrence(rule(PERCENT, 150), clock) == START + timedelta(hours=6)  # past the due time


def test_percent_rounds_the_working_seconds_up():
    # 33 % of 100 s is 33 s; 1 % of 150 s is 1.5 s → 2 s: a notice never comes before its share is used.
    assert first_occurrence(rule(PERCENT, 33), round_the_clock(100)) == START + timedelta(seconds=33)
    assert first_occurrence(rule(PERCENT, 1), round_the_clock(150)) == START + timedelta(seconds=2)


def test_minutes_before_and_after_the_due_time():
    clock = round_the_clock(4 * 3600)
    assert first_occurrence(rule(BEFORE_DUE, 30), clock) == START + timedelta(hours=3, minutes=30)
    assert first_occurrence(rule(AFTER_DUE, 45), clock) == START + timedelta(hours=4, minutes=45)
    assert first_occurrence(rule(AFTER_DUE, 0), clock) == clock.due_at


def test_percent_of_a_business_hours_target_lands_in_working_time_the_next_day():
    # Opened Monday 16:00 Shanghai with 8 working hours: 2 h on Monday, the rest from Tuesday 09:00.
    opened = datetime(2026, 3, 2, 16, 0, tzinfo=SHANGHAI)
    clock = office_clock(opened, 8 * 3600)
    assert clock.due_at == datetime(2026, 3, 3, 15, 0, tzinfo=SHANGHAI)
    half = first_occurrence(rule(PERCENT, 50), clock)
    assert half == datetime(2026, 3, 3, 11, 0, tzinfo=SHANGHAI)  # not the wall-clock midpoint (Tuesday 03:30)
    assert half.tzinfo is UTC
    open_now = list(working_intervals(OFFICE, half - MINUTE, half + MINUTE))
    assert open_now and open_now[0][0] <= half - MINUTE


def test_results_are_utc_even_when_the_clock_speaks_another_zone():
    local_start = START.astimezone(SHANGHAI)
    clock = ClockState(
        due_at=local_start + timedelta(hours=1),
        target_seconds=3600,
        moment_after=lambda seconds: local_start + timedelta(seconds=seconds),
        running=True,
    )
    for trigger, value in [(PERCENT, 50), (BEFORE_DUE, 10), (AFTER_DUE, 10)]:
        assert first_occurrence(rule(trigger, value), clock).tzinfo is UTC


def test_no_due_time_means_the_rule_never_fires():
    clock = ClockState(due_at=None, target_seconds=0, moment_after=lambda seconds: START, running=True)
    for trigger, value in [(PERCENT, 50), (BEFORE_DUE, 10), (AFTER_DUE, 10)]:
        assert first_occurrence(rule(trigger, value), clock) is None
        assert firing_due(rule(trigger, value), clock, last_repeat=None, acknowledged=False, now=START) is None
        assert next_check(rule(trigger, value), clock, last_repeat=None, acknowledged=False) is None


def test_percent_without_a_reachable_moment_never_fires():
    clock = ClockState(due_at=START, target_seconds=3600, moment_after=lambda seconds: None, running=True)
    assert first_occurrence(rule(PERCENT, 80), clock) is None
    assert next_check(rule(PERCENT, 80), clock, last_repeat=None, acknowledged=False) is None


def test_occurrences_are_spaced_by_the_repeat_interval():
    timing = rule(repeat=15, max_repeats=3)
    assert occurrence(timing, START, 0) == START
    assert occurrence(timing, START, 3) == START + timedelta(minutes=45)
    assert occurrence(rule(), START, 0) == START
    with pytest.raises(ValueError):
        occurrence(rule(), START, 1)  # a rule without repeats has only its first notice


# --- validation -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "timing",
    [
        rule(PERCENT, 1),
        rule(PERCENT, 1000),
        rule(BEFORE_DUE, 0),
        rule(AFTER_DUE, 600, repeat=1, max_repeats=0),
        rule(AFTER_DUE, 5, repeat=30, max_repeats=99),
    ],
)
def test_sensible_rules_pass_the_check(timing):
    check_rule(timing)


@pytest.mark.parametrize(
    "timing",
    [
        rule(PERCENT, 0),
        rule(PERCENT, 1001),
        rule(BEFORE_DUE, -1),
        rule(AFTER_DUE, 5, repeat=0, max_repeats=2),
        rule(AFTER_DUE, 5, repeat=-10, max_repeats=2),
        rule(AFTER_DUE, 5, repeat=10, max_repeats=-1),
        rule("SOMETIME", 5),
    ],
)
def test_impossible_rules_are_refused(timing):
    with pytest.raises(ValueError):
        check_rule(timing)
    with pytest.raises(ValueError):
        firing_due(timing, round_the_clock(), last_repeat=None, acknowledged=False, now=START + timedelta(days=1))


def test_naive_now_is_refused():
    with pytest.raises(ValueError):
        firing_due(rule(), round_the_clock(), last_repeat=None, acknowledged=False, now=datetime(2026, 3, 2, 12))


# --- sweeping ---------------------------------------------------------------------------------------


def sweep(
    timing: RuleTiming, clock: ClockState, times, last_repeat: int | None = None
) -> list[tuple[datetime, Firing]]:
    """Fire what each sweep returns and remember the last repeat, as the Huey job does."""
    fired = []
    for now in times:
        firing = firing_due(timing, clock, last_repeat=last_repeat, acknowledged=False, now=now)
        if firing is not None:
            fired.append((now, firing))
            last_repeat = firing.repeat
    return fired


def test_a_sweep_every_minute_fires_each_repeat_once_in_order_and_on_time():
    clock = round_the_clock(4 * 3600)
    timing = rule(AFTER_DUE, 30, repeat=10, max_repeats=3)
    first = clock.due_at + timedelta(minutes=30)
    minutes = [first + k * MINUTE for k in range(-5, 3 * 10 + 30)]
    fired = sweep(timing, clock, minutes)
    assert [firing.repeat for _, firing in fired] == [0, 1, 2, 3]
    assert [now for now, _ in fired] == [first + timedelta(minutes=10 * r) for r in range(4)]
    assert [firing.due_at for _, firing in fired] == [first + timedelta(minutes=10 * r) for r in range(4)]
    assert not any(firing.late for _, firing in fired)
    assert {(firing.rule_id, firing.level) for _, firing in fired} == {(7, 2)}
    assert next_check(timing, clock, last_repeat=3, acknowledged=False) is None


def test_a_sweep_between_minutes_still_fires_on_time():
    clock = round_the_clock(3600)
    timing = rule(AFTER_DUE, 0, repeat=5, max_repeats=1)
    times = [clock.due_at + timedelta(seconds=s) for s in range(-90, 600, 37)]
    fired = sweep(timing, clock, times)
    assert [(firing.repeat, firing.late) for _, firing in fired] == [(0, False), (1, False)]


def test_next_check_names_each_coming_occurrence():
    clock = round_the_clock(3600)
    timing = rule(BEFORE_DUE, 20, repeat=10, max_repeats=2)
    first = clock.due_at - timedelta(minutes=20)
    assert next_check(timing, clock, last_repeat=None, acknowledged=False) == first
    assert next_check(timing, clock, last_repeat=0, acknowledged=False) == first + timedelta(minutes=10)
    assert next_check(timing, clock, last_repeat=1, acknowledged=False) == first + timedelta(minutes=20)
    assert next_check(timing, clock, last_repeat=2, acknowledged=False) is None


def test_a_rule_without_repeats_fires_once():
    clock = round_the_clock(3600)
    timing = rule(PERCENT, 75, max_repeats=5)  # max_repeats means nothing without an interval
    fired = sweep(timing, clock, [START + k * MINUTE for k in range(0, 600)])
    assert [firing.repeat for _, firing in fired] == [0]
    assert fired[0][0] == START + timedelta(minutes=45)
    assert next_check(timing, clock, last_repeat=0, acknowledged=False) is None


def test_nothing_fires_before_the_first_occurrence():
    clock = round_the_clock(3600)
    timing = rule(AFTER_DUE, 10, repeat=5, max_repeats=2)
    just_before = clock.due_at + timedelta(minutes=10) - timedelta(microseconds=1)
    assert firing_due(timing, clock, last_repeat=None, acknowledged=False, now=just_before) is None


def test_after_an_outage_only_the_newest_due_repeat_fires_late():
    clock = round_the_clock(3600)
    first = clock.due_at
    now = first + timedelta(minutes=65)
    capped = rule(AFTER_DUE, 0, repeat=10, max_repeats=3)
    assert firing_due(capped, clock, last_repeat=None, acknowledged=False, now=now) == Firing(
        rule_id=7, level=2, repeat=3, due_at=first + timedelta(minutes=30), late=True
    )
    assert next_check(capped, clock, last_repeat=3, acknowledged=False) is None

    longer = rule(AFTER_DUE, 0, repeat=10, max_repeats=10)
    firing = firing_due(longer, clock, last_repeat=None, acknowledged=False, now=now)
    # Repeat 6 was due only 5 minutes ago, but repeats 0–5 were skipped: the notice is late all the same.
    assert (firing.repeat, firing.due_at, firing.late) == (6, first + timedelta(minutes=60), True)
    assert next_check(longer, clock, last_repeat=6, acknowledged=False) == first + timedelta(minutes=70)
    assert firing_due(longer, clock, last_repeat=6, acknowledged=False, now=now + MINUTE) is None


def test_an_outage_after_some_notices_skips_to_the_newest():
    clock = round_the_clock(3600)
    timing = rule(AFTER_DUE, 0, repeat=10, max_repeats=10)
    firing = firing_due(timing, clock, last_repeat=1, acknowledged=False, now=clock.due_at + timedelta(minutes=42))
    assert (firing.repeat, firing.late) == (4, True)


def test_lateness_is_measured_from_the_occurrence_time():
    clock = round_the_clock(3600)
    timing = rule(AFTER_DUE, 0)
    on_the_edge = firing_due(timing, clock, last_repeat=None, acknowledged=False, now=clock.due_at + 5 * MINUTE)
    past_it = firing_due(timing, clock, last_repeat=None, acknowledged=False, now=clock.due_at + 6 * MINUTE)
    assert (on_the_edge.late, past_it.late) == (False, True)
    strict = firing_due(
        timing, clock, last_repeat=None, acknowledged=False, now=clock.due_at + 2 * MINUTE, late_after=MINUTE
    )
    assert strict.late


def test_acknowledging_stops_the_repeats():
    clock = round_the_clock(3600)
    timing = rule(AFTER_DUE, 0, repeat=10, max_repeats=5)
    later = clock.due_at + timedelta(minutes=25)
    assert firing_due(timing, clock, last_repeat=0, acknowledged=False, now=later).repeat == 2
    assert firing_due(timing, clock, last_repeat=0, acknowledged=True, now=later) is None
    assert next_check(timing, clock, last_repeat=0, acknowledged=True) is None


def test_an_acknowledgement_before_the_first_notice_does_not_swallow_it():
    clock = round_the_clock(3600)
    timing = rule(AFTER_DUE, 0, repeat=10, max_repeats=5)
    firing = firing_due(timing, clock, last_repeat=None, acknowledged=True, now=clock.due_at)
    assert firing.repeat == 0
    assert next_check(timing, clock, last_repeat=None, acknowledged=True) == clock.due_at


def test_a_stopped_or_paused_clock_fires_nothing_and_needs_no_check():
    clock = round_the_clock(3600, running=False)
    timing = rule(AFTER_DUE, 0, repeat=10, max_repeats=5)
    for last_repeat in (None, 0, 2):
        later = clock.due_at + timedelta(hours=3)
        assert firing_due(timing, clock, last_repeat=last_repeat, acknowledged=False, now=later) is None
        assert next_check(timing, clock, last_repeat=last_repeat, acknowledged=False) is None


def test_earliest_check_time():
    shanghai_noon = datetime(2026, 3, 2, 12, 0, tzinfo=SHANGHAI)  # 04:00 UTC
    utc_five = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)
    assert earliest([None, utc_five, shanghai_noon, None]) == datetime(2026, 3, 2, 4, 0, tzinfo=UTC)
    assert earliest([utc_five]).tzinfo is UTC
    assert earliest([None, None]) is None
    assert earliest([]) is None


# --- quiet hours ------------------------------------------------------------------------------------


def test_urgent_notices_and_recipients_without_a_calendar_get_it_now():
    friday_night = datetime(2026, 3, 6, 22, 0, tzinfo=SHANGHAI)
    assert delivery_time(friday_night, urgent=True, calendar=OFFICE) == friday_night
    assert delivery_time(friday_night, urgent=False, calendar=None) == friday_night
    assert delivery_time(friday_night, urgent=False, calendar=None).tzinfo is UTC


def test_friday_night_waits_for_monday_morning():
    friday_night = datetime(2026, 3, 6, 22, 0, tzinfo=SHANGHAI)
    at = delivery_time(friday_night, urgent=False, calendar=OFFICE)
    assert at == datetime(2026, 3, 9, 9, 0, tzinfo=SHANGHAI)
    assert (at.tzinfo, at.hour) == (UTC, 1)


def test_inside_working_hours_goes_now():
    wednesday = datetime(2026, 3, 4, 10, 17, 33, tzinfo=SHANGHAI)
    assert delivery_time(wednesday, urgent=False, calendar=OFFICE) == wednesday
    closing = datetime(2026, 3, 4, 18, 0, tzinfo=SHANGHAI)  # closing time is already outside
    assert delivery_time(closing, urgent=False, calendar=OFFICE) == datetime(2026, 3, 5, 9, 0, tzinfo=SHANGHAI)


def test_a_holiday_monday_waits_until_tuesday():
    with_holiday = business_calendar("Asia/Shanghai", OFFICE_WEEK, [(date(2026, 3, 9), CalendarDayKind.HOLIDAY, None)])
    friday_night = datetime(2026, 3, 6, 22, 0, tzinfo=SHANGHAI)
    at = delivery_time(friday_night, urgent=False, calendar=with_holiday)
    assert at == datetime(2026, 3, 10, 9, 0, tzinfo=SHANGHAI)


def test_a_calendar_without_working_time_does_not_hold_notices_forever():
    never = business_calendar("Asia/Shanghai", {})
    now = datetime(2026, 3, 6, 22, 0, tzinfo=SHANGHAI)
    assert delivery_time(now, urgent=False, calendar=never) == now
    assert delivery_time(now, urgent=False, calendar=OFFICE, horizon_days=1) == now  # Monday is beyond a day


# --- properties -------------------------------------------------------------------------------------


@st.composite
def timings(draw) -> RuleTiming:
    trigger = draw(st.sampled_from([PERCENT, BEFORE_DUE, AFTER_DUE]))
    value = draw(st.integers(1, 300)) if trigger == PERCENT else draw(st.integers(0, 600))
    repeat = draw(st.none() | st.integers(1, 120))
    return RuleTiming(
        rule_id=draw(st.integers(1, 50)),
        level=draw(st.integers(1, 5)),
        trigger=trigger,
        value=value,
        repeat_minutes=repeat,
        max_repeats=draw(st.integers(0, 12)),
    )


sweep_offsets = st.lists(st.integers(-2 * 3600, 26 * 3600), max_size=80).map(sorted)  # seconds from the first notice
targets = st.integers(60, 3 * 86400)


@given(timing=timings(), target=targets, offsets=sweep_offsets)
def test_simulated_sweeps_never_fire_twice_nor_early(timing, target, offsets):
    clock = round_the_clock(target)
    first = first_occurrence(timing, clock)
    times = [first + timedelta(seconds=s) for s in offsets]
    fired = sweep(timing, clock, times)
    repeats = [firing.repeat for _, firing in fired]
    assert repeats == sorted(set(repeats))  # strictly increasing, so never twice
    top = timing.max_repeats if timing.repeat_minutes else 0
    assert all(0 <= repeat <= top for repeat in repeats)
    assert all(firing.due_at <= now for now, firing in fired)
    assert all(occurrence(timing, first_occurrence(timing, clock), f.repeat) == f.due_at for _, f in fired)
    if times:  # and the last sweep leaves nothing due unfired
        last = repeats[-1] if repeats else None
        assert firing_due(timing, clock, last_repeat=last, acknowledged=False, now=times[-1]) is None
        pending = next_check(timing, clock, last_repeat=last, acknowledged=False)
        assert pending is None or pending > times[-1]


@given(timing=timings(), target=targets, offsets=sweep_offsets)
def test_next_check_is_due_exactly_when_something_fires(timing, target, offsets):
    clock = round_the_clock(target)
    first, last = first_occurrence(timing, clock), None
    for offset in offsets:
        now = first + timedelta(seconds=offset)
        pending = next_check(timing, clock, last_repeat=last, acknowledged=False)
        firing = firing_due(timing, clock, last_repeat=last, acknowledged=False, now=now)
        assert (firing is not None) == (pending is not None and pending <= now)
        if firing is not None:
            last = firing.repeat


@given(timing=timings(), target=targets, offsets=sweep_offsets, notices=st.integers(1, 4))
def test_nothing_fires_after_an_acknowledged_notice(timing, target, offsets, notices):
    """The level is acknowledged once ``notices`` notices went out; later sweeps, even days later, fire nothing."""
    clock = round_the_clock(target)
    first, last, fired = first_occurrence(timing, clock), None, 0
    for now in [first + timedelta(seconds=s) for s in offsets] + [first + timedelta(days=400)]:
        acknowledged = fired >= notices
        firing = firing_due(timing, clock, last_repeat=last, acknowledged=acknowledged, now=now)
        if acknowledged:
            assert firing is None
            assert next_check(timing, clock, last_repeat=last, acknowledged=True) is None
        elif firing is not None:
            last, fired = firing.repeat, fired + 1


@given(timing=timings(), target=targets, outage=st.integers(0, 40 * 3600))
def test_one_sweep_after_an_outage_fires_the_newest_due_repeat(timing, target, outage):
    clock = round_the_clock(target)
    first = first_occurrence(timing, clock)
    now = START + timedelta(seconds=outage)
    firing = firing_due(timing, clock, last_repeat=None, acknowledged=False, now=now)
    due = [
        r for r in range(timing.max_repeats + 1 if timing.repeat_minutes else 1) if occurrence(timing, first, r) <= now
    ]
    if not due:
        assert firing is None
    else:
        assert firing.repeat == max(due)
        assert firing.late == (firing.repeat > 0 or now - firing.due_at > timedelta(minutes=5))


@given(
    opened=st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 1), timezones=st.just(SHANGHAI)),
    hours=st.integers(1, 40),
    percent=st.integers(1, 100),
)
def test_percent_of_a_business_target_is_never_outside_office_hours(opened, hours, percent):
    clock = office_clock(opened, hours * 3600)
    moment = first_occurrence(rule(PERCENT, percent), clock)
    assert moment <= clock.due_at
    # The moment the share is used up lies in working time or exactly at a closing time.
    around = list(working_intervals(OFFICE, moment - timedelta(seconds=1), moment + timedelta(seconds=1)))
    assert around and around[0][0] <= moment - timedelta(seconds=1)


@given(now=st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 1), timezones=st.just(UTC)))
def test_delivery_is_never_earlier_than_now_and_falls_in_working_time(now):
    at = delivery_time(now, urgent=False, calendar=OFFICE)
    assert at >= now and at.tzinfo is UTC
    assert next(working_intervals(OFFICE, at, at + timedelta(seconds=1)))[0] == at
    if at > now:  # nothing worked in between
        assert not list(working_intervals(OFFICE, now, at))
