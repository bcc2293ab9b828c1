"""Properties of the SLA clock on random calendars, zones, moments, budgets and pauses.

The calendars mix fixed ones (Shanghai 2026, Berlin with DST) with random weekly hours, holidays and
make-up days in zones that move their clocks by an hour, by half an hour (Lord Howe) or at midnight
(Santiago). Moments are naive or aware in several zones, and often just before a clock change.

``union_seconds`` is an independent reference: it takes every date's intervals one by one, with no
week skipping, and measures their union with aware datetimes. Checked against it, business seconds
are right; the deadline then is too, being where they first reach the budget.
"""

import operator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from app.domain.sla import BusinessCalendar, business_seconds_between, deadline_after, working_intervals
from tests.unit.test_business_time import SHANGHAI_2026

ZONES = ["Asia/Shanghai", "Europe/Berlin", "America/New_York", "America/Santiago", "Australia/Lord_Howe", "UTC"]
INPUT_ZONES = [UTC, ZoneInfo("Asia/Shanghai"), ZoneInfo("Europe/Berlin"), ZoneInfo("America/Los_Angeles")]
FIRST_DAY, LAST_DAY = date(2025, 12, 1), date(2027, 2, 28)
CLOCK_CHANGES = [
    datetime(2026, month, day) for month, day in [(3, 8), (3, 29), (4, 5), (9, 6), (10, 4), (10, 25), (11, 1)]
]
SECOND = timedelta(seconds=1)
MICROSECOND = timedelta(microseconds=1)
FIXED = [
    SHANGHAI_2026,
    BusinessCalendar(timezone="Europe/Berlin", weekly_hours={weekday: [("08:30", "17:30")] for weekday in range(5)}),
    BusinessCalendar(timezone="Europe/Berlin", weekly_hours={weekday: [("00:00", "24:00")] for weekday in range(7)}),
    BusinessCalendar(timezone="Europe/Berlin", weekly_hours={5: [("22:00", "24:00")], 6: [("00:00", "06:00")]}),
]


def clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@st.composite
def day_hours(draw) -> list[tuple[str, str]]:
    """Up to three intervals on a quarter-hour grid; a zero gap makes touching intervals."""
    intervals, at = [], 0
    for _ in range(draw(st.integers(0, 3))):
        start = at + 15 * draw(st.integers(0, 40))
        end = start + 15 * draw(st.integers(1, 48))
        if end > 24 * 60:
            break
        intervals.append((clock(start), clock(end)))
        at = end
    return intervals


@st.composite
def random_calendars(draw) -> BusinessCalendar:
    holidays = draw(st.sets(st.dates(FIRST_DAY, LAST_DAY), max_size=25))
    extra = draw(st.dictionaries(st.dates(FIRST_DAY, LAST_DAY), st.integers(0, 6), max_size=8))
    return BusinessCalendar(
        timezone=draw(st.sampled_from(ZONES)),
        weekly_hours={weekday: draw(day_hours()) for weekday in range(7)},
        holidays=holidays,
        extra_workdays={day: weekday for day, weekday in extra.items() if day not in holidays},
    )


calendars = st.one_of(st.sampled_from(FIXED), random_calendars())
working_calendars = calendars.filter(lambda cal: any(cal.weekly_hours))
# Half of the moments fall in the days before a clock change of one of ZONES, so ranges cross it.
wall_clock_moments = st.one_of(
    st.datetimes(datetime(2025, 12, 1), datetime(2027, 1, 31)),
    st.builds(operator.add, st.sampled_from(CLOCK_CHANGES), st.timedeltas(timedelta(days=-10), timedelta(days=2))),
)
moments = st.builds(
    lambda moment, zone: moment.replace(tzinfo=zone),
    wall_clock_moments,
    st.one_of(st.none(), st.sampled_from(INPUT_ZONES)),
)
whole_second_moments = moments.map(lambda moment: moment.replace(microsecond=0))


@st.composite
def pauses_near(draw, start: datetime) -> list[tuple[datetime, datetime]]:
    """Pauses around ``start``: some before it, some over nights and weekends, some overlapping."""
    offsets = st.timedeltas(timedelta(days=-3), timedelta(days=20))
    lengths = st.timedeltas(timedelta(0), timedelta(days=4))
    pairs = draw(st.lists(st.tuples(offsets, lengths), max_size=4))
    return [(start + offset, start + offset + length) for offset, length in pairs]


def week_seconds(cal: BusinessCalendar) -> int:
    return sum(_minutes(end) - _minutes(start) for day in cal.weekly_hours for start, end in day) * 60


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def budgets(cal: BusinessCalendar) -> st.SearchStrategy[int]:
    """Small budgets and ones of several weeks, so that whole weeks get skipped."""
    return st.one_of(st.integers(0, 4 * 3600), st.integers(0, 8 * week_seconds(cal)))


def aware(cal: BusinessCalendar, moment: datetime) -> datetime:
    return moment if moment.utcoffset() is not None else moment.replace(tzinfo=ZoneInfo(cal.timezone))


def utc(cal: BusinessCalendar, moment: datetime) -> datetime:
    """The moment in UTC, to compare by instant: datetimes sharing a zone compare by wall clock (PEP 495)."""
    return aware(cal, moment).astimezone(UTC)


def union_seconds(cal: BusinessCalendar, start: datetime, end: datetime, pauses=()) -> int:
    """Reference: the union of every date's intervals in [start, end), minus the union of the pauses."""
    zone = ZoneInfo(cal.timezone)
    lo, hi = utc(cal, start), utc(cal, end)
    if hi <= lo:
        return 0
    extra = dict(cal.extra_workdays)
    work = []
    day = lo.astimezone(zone).date() - timedelta(days=1)
    while day <= hi.astimezone(zone).date() + timedelta(days=1):
        hours = () if day in cal.holidays else cal.weekly_hours[extra.get(day, day.weekday())]
        midnight, next_midnight = _wall(zone, day, "00:00"), _wall(zone, day, "24:00")
        for a, b in hours:
            work.append((max(lo, midnight, _wall(zone, day, a)), min(hi, next_midnight, _wall(zone, day, b))))
        day += timedelta(days=1)
    work = _union(work)
    paused = _union((utc(cal, a), utc(cal, b)) for a, b in pauses)
    overlap = sum((max(timedelta(0), min(b, d) - max(a, c)) for a, b in work for c, d in paused), timedelta(0))
    return (sum((b - a for a, b in work), timedelta(0)) - overlap) // SECOND


def _wall(zone: ZoneInfo, day: date, text: str) -> datetime:
    if text == "24:00":
        day, text = day + timedelta(days=1), "00:00"
    return datetime.combine(day, time.fromisoformat(text), tzinfo=zone).astimezone(UTC)


def _union(spans) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for a, b in sorted(span for span in spans if span[0] < span[1]):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


@given(calendars, moments, st.timedeltas(timedelta(0), timedelta(days=60)), st.data())
def test_business_seconds_match_the_day_by_day_union(cal, start, length, data):
    pauses = data.draw(pauses_near(start))
    end = start + length
    assert business_seconds_between(cal, start, end, pauses) == union_seconds(cal, start, end, pauses)


@given(working_calendars, moments, st.data())
def test_deadline_is_the_first_moment_the_budget_is_used_up(cal, start, data):
    budget = data.draw(budgets(cal))
    pauses = data.draw(st.one_of(st.just([]), pauses_near(start)))
    due = deadline_after(cal, start, budget, pauses)
    assert business_seconds_between(cal, start, due, pauses) == budget
    if budget:
        assert business_seconds_between(cal, start, utc(cal, due) - MICROSECOND, pauses) == budget - 1


@given(working_calendars, moments, st.data())
def test_deadline_is_never_before_its_start(cal, start, data):
    assert utc(cal, deadline_after(cal, start, data.draw(budgets(cal)))) >= utc(cal, start)


@given(working_calendars, moments, st.data())
def test_bigger_budget_never_gives_an_earlier_deadline(cal, start, data):
    smaller, bigger = sorted(data.draw(budgets(cal)) for _ in range(2))
    pauses = data.draw(st.one_of(st.just([]), pauses_near(start)))
    assert utc(cal, deadline_after(cal, start, smaller, pauses)) <= utc(cal, deadline_after(cal, start, bigger, pauses))


@given(calendars, st.lists(whole_second_moments, min_size=3, max_size=3), st.data())
def test_business_seconds_add_up_over_consecutive_ranges(cal, three, data):
    # Whole seconds throughout: each result is floored, so fractions would not add up.
    a, b, c = sorted(three, key=lambda moment: utc(cal, moment))
    pauses = [(x.replace(microsecond=0), y.replace(microsecond=0)) for x, y in data.draw(pauses_near(a))]
    whole = business_seconds_between(cal, a, c, pauses)
    assert whole == business_seconds_between(cal, a, b, pauses) + business_seconds_between(cal, b, c, pauses)


@given(calendars, moments, moments)
def test_business_seconds_never_exceed_wall_clock_seconds(cal, start, end):
    elapsed = utc(cal, end) - utc(cal, start)
    assert 0 <= business_seconds_between(cal, start, end) <= max(elapsed, timedelta(0)) // SECOND


@given(calendars, whole_second_moments, st.timedeltas(timedelta(0), timedelta(days=30)))
def test_working_intervals_are_ordered_disjoint_and_sum_to_business_seconds(cal, start, length):
    intervals = list(working_intervals(cal, start, start + length))
    bounds = [utc(cal, moment) for interval in intervals for moment in interval]
    assert all(earlier <= later for earlier, later in zip(bounds, bounds[1:], strict=False))
    assert all(utc(cal, a) < utc(cal, b) for a, b in intervals)
    total = sum((utc(cal, b) - utc(cal, a) for a, b in intervals), timedelta(0))
    assert total // SECOND == business_seconds_between(cal, start, start + length)
