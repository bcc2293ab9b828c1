"""Scorecard rules without a database: periods, UTC bounds, the score and the ranking."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reports.periods import period_bounds, utc_bounds
from reports.vendor_scorecard import VendorFigures, rank, score_of, trend_months

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


def figures(code: str, **values) -> VendorFigures:
    base = dict(
        vendor_id=hash(code) % 1000,
        vendor_code=code,
        vendor_name=code,
        received=0,
        completed=0,
        acceptance_minutes=None,
        on_time_arrival=None,
        first_time_fix=None,
        ola_acceptance=None,
        ola_completion=None,
        resolution_hours=None,
        satisfaction=None,
        cost_per_work_order=None,
        suspicious=0,
        score=None,
        rank=None,
    )
    return VendorFigures(**{**base, **values})


def test_named_periods():
    today = date(2026, 3, 15)
    assert period_bounds("this_month", today) == (date(2026, 3, 1), date(2026, 4, 1))
    assert period_bounds("last_month", today) == (date(2026, 2, 1), date(2026, 3, 1))
    assert period_bounds("last_90_days", today) == (date(2025, 12, 16), date(2026, 3, 16))
    assert period_bounds("this_month", date(2026, 12, 31)) == (date(2026, 12, 1), date(2027, 1, 1))
    assert period_bounds("last_month", date(2026, 1, 5)) == (date(2025, 12, 1), date(2026, 1, 1))


def test_custom_period_includes_its_last_day_and_refuses_a_reversed_one():
    assert period_bounds("custom", date(2026, 3, 15), date(2026, 1, 1), date(2026, 1, 31)) == (
        date(2026, 1, 1),
        date(2026, 2, 1),
    )
    with pytest.raises(ValueError):
        period_bounds("custom", date(2026, 3, 15), date(2026, 2, 1), date(2026, 1, 31))
    with pytest.raises(ValueError):
        period_bounds("custom", date(2026, 3, 15), None, date(2026, 1, 31))
    with pytest.raises(ValueError):
        period_bounds("next_year", date(2026, 3, 15))


@given(today=days, choice=st.sampled_from(["this_month", "last_month", "last_90_days"]))
def test_every_named_period_is_a_non_empty_range_ending_at_latest_with_this_month(today, choice):
    start, end = period_bounds(choice, today)
    assert start < end
    assert end <= period_bounds("this_month", today)[1]
    if choice == "last_90_days":
        assert (end - start).days == 90 and start <= today < end


def test_utc_bounds_are_local_midnights():
    low, high = utc_bounds(date(2026, 10, 1), date(2026, 11, 1), "Asia/Shanghai")
    assert low == datetime(2026, 9, 30, 16, tzinfo=UTC)
    assert high == datetime(2026, 10, 31, 16, tzinfo=UTC)
    # A day of 23 hours across the spring change in Berlin.
    low, high = utc_bounds(date(2026, 3, 29), date(2026, 3, 30), "Europe/Berlin")
    assert high - low == timedelta(hours=23)


def test_trend_months_are_the_last_twelve_with_this_one_last():
    months = trend_months(date(2026, 2, 20))
    assert months[0] == date(2025, 3, 1) and months[-1] == date(2026, 2, 1) and len(months) == 12


def test_score_is_the_mean_of_the_available_rates_with_satisfaction_out_of_five():
    assert score_of(figures("V-A")) is None
    assert score_of(figures("V-A", ola_completion=0.5)) == pytest.approx(50)
    assert score_of(figures("V-A", ola_acceptance=1.0, satisfaction=3.0)) == pytest.approx(100 * (1.0 + 0.6) / 2)
    every = figures(
        "V-A", ola_acceptance=0.5, ola_completion=0.5, on_time_arrival=0.5, first_time_fix=2 / 3, satisfaction=4
    )
    assert score_of(every) == pytest.approx(100 * (0.5 + 0.5 + 0.5 + 2 / 3 + 0.8) / 5)


def test_ranking_best_first_ties_share_a_rank_unscored_last():
    lines = rank(
        [
            figures("V-IDLE"),
            figures("V-LOW", ola_completion=0.2, completed=1),
            figures("V-BUSY", completed=3),  # worked, but nothing measurable: no rank, before the idle one
            figures("V-TOP1", ola_completion=0.9, completed=2),
            figures("V-TOP2", ola_completion=0.9, completed=5),
        ]
    )
    assert [(line.vendor_code, line.rank) for line in lines] == [
        ("V-TOP2", 1),
        ("V-TOP1", 1),
        ("V-LOW", 3),
        ("V-BUSY", None),
        ("V-IDLE", None),
    ]


rates = st.one_of(st.none(), st.floats(min_value=0, max_value=1))


@given(st.lists(st.tuples(rates, rates, st.one_of(st.none(), st.floats(min_value=1, max_value=5))), max_size=8))
def test_ranks_never_rise_as_scores_fall(rows):
    lines = rank(
        figures(f"V-{index}", ola_acceptance=a, first_time_fix=b, satisfaction=s)
        for index, (a, b, s) in enumerate(rows)
    )
    scored = [line for line in lines if line.score is not None]
    assert lines[: len(scored)] == scored  # every unscored vendor after every scored one
    assert [line.rank for line in scored][:1] in ([], [1])
    for before, after in zip(scored, scored[1:], strict=False):
        assert before.score >= after.score - 1e-9
        assert before.rank <= after.rank
        if after.rank == before.rank:
            assert round(after.score, 6) == round(before.score, 6)
    assert all(line.rank is None for line in lines[len(scored) :])


def test_the_previous_period_is_the_month_before_or_as_many_days_before():
    from reports.periods import previous_period

    assert previous_period(date(2026, 3, 1), date(2026, 4, 1)) == (date(2026, 2, 1), date(2026, 3, 1))
    assert previous_period(date(2026, 1, 1), date(2026, 2, 1)) == (date(2025, 12, 1), date(2026, 1, 1))
    assert previous_period(date(2025, 12, 16), date(2026, 3, 16)) == (date(2025, 9, 17), date(2025, 12, 16))
