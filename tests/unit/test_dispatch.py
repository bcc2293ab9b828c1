"""The dispatch ranking: skill, region, working today and workload, with reasons, in a stable order."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from app.domain.dispatch import (
    LATER_TODAY_POINTS,
    ON_DUTY_POINTS,
    POINTS_PER_OPEN_ITEM,
    REGION_POINTS,
    SKILL_POINTS,
    Candidate,
    Needs,
    day_ahead,
    rank,
    score,
)
from app.domain.sla import BusinessCalendar

OFFICE = BusinessCalendar("Asia/Shanghai", {day: [("09:00", "12:00"), ("13:00", "18:00")] for day in range(5)})
ALWAYS = BusinessCalendar("Asia/Shanghai", {day: [("00:00", "24:00")] for day in range(7)})
NEVER = BusinessCalendar("Asia/Shanghai", {})
MONDAY_10 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
MONDAY_12_30 = datetime(2026, 11, 23, 4, 30, tzinfo=UTC)  # lunch break
MONDAY_19 = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)  # after hours
SUNDAY_10 = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
NEEDS = Needs(skill_id=7, skill_name="服务器", region_id=1, region_name="华东")


def engineer(user_id=1, name="张伟", **values) -> Candidate:
    defaults = {"has_skill": True, "region_id": 1, "region_name": "华东", "calendar": OFFICE}
    return Candidate(user_id=user_id, name=name, **{**defaults, **values})


def _shown(value) -> str:
    return value.strftime("%H:%M") if isinstance(value, datetime) else str(value)  # times: calendar zone


def reason_texts(suggestion) -> list[str]:
    return [reason.message % {k: _shown(v) for k, v in reason.params.items()} for reason in suggestion.reasons]


def test_a_skilled_local_idle_engineer_on_duty_gets_every_point():
    suggestion = score(engineer(), NEEDS, MONDAY_10)
    assert suggestion.score == SKILL_POINTS + REGION_POINTS + ON_DUTY_POINTS
    texts = reason_texts(suggestion)
    assert "Has the skill 服务器" in texts and "Covers 华东" in texts
    assert any(text.startswith("On duty now, until 12:00") for text in texts)


def test_each_open_item_costs_points_and_is_named():
    suggestion = score(engineer(open_requests=2, open_work_orders=1), NEEDS, MONDAY_10)
    assert suggestion.score == SKILL_POINTS + REGION_POINTS + ON_DUTY_POINTS - 3 * POINTS_PER_OPEN_ITEM
    assert "2 open requests, 1 open work orders" in reason_texts(suggestion)


def test_an_engineer_lacking_the_skill_is_told_so_and_gets_no_skill_points():
    suggestion = score(engineer(has_skill=False), NEEDS, MONDAY_10)
    assert suggestion.score == REGION_POINTS + ON_DUTY_POINTS
    assert "Lacks the skill 服务器" in reason_texts(suggestion)


def test_another_region_gets_no_region_points_and_names_where_the_engineer_is():
    suggestion = score(engineer(region_id=2, region_name="华南"), NEEDS, MONDAY_10)
    assert suggestion.score == SKILL_POINTS + ON_DUTY_POINTS
    assert "Based in 华南" in reason_texts(suggestion)


def test_a_request_with_no_skill_or_region_scores_on_availability_and_workload_only():
    suggestion = score(engineer(has_skill=False, region_id=None), Needs(), MONDAY_10)
    assert suggestion.score == ON_DUTY_POINTS
    assert not any("skill" in text or "Covers" in text or "Based" in text for text in reason_texts(suggestion))


def test_during_lunch_the_engineer_starts_later_today():
    suggestion = score(engineer(), NEEDS, MONDAY_12_30)
    assert suggestion.score == SKILL_POINTS + REGION_POINTS + LATER_TODAY_POINTS
    assert any(text.startswith("Starts at 13:00") for text in reason_texts(suggestion))


def test_after_hours_and_on_sunday_an_office_engineer_is_off():
    for now in (MONDAY_19, SUNDAY_10):
        suggestion = score(engineer(), NEEDS, now)
        assert suggestion.score == SKILL_POINTS + REGION_POINTS
        assert "Off for the rest of today" in reason_texts(suggestion)


def test_a_24x7_engineer_is_on_duty_on_sunday_until_midnight():
    interval = day_ahead(ALWAYS, SUNDAY_10)
    assert interval is not None and interval[0] == SUNDAY_10
    assert interval[1].hour == 0 and interval[1].day == 23  # local midnight


def test_a_calendar_with_no_hours_and_a_missing_calendar_give_no_availability_points():
    assert score(engineer(calendar=NEVER), NEEDS, MONDAY_10).score == SKILL_POINTS + REGION_POINTS
    missing = score(engineer(calendar=None), NEEDS, MONDAY_10)
    assert missing.score == SKILL_POINTS + REGION_POINTS
    assert "No working calendar" in reason_texts(missing)


def test_ranking_puts_the_best_first_and_shows_at_most_five():
    candidates = [
        engineer(1, "甲", has_skill=False),
        engineer(2, "乙"),
        engineer(3, "丙", open_requests=4),
        *[engineer(10 + i, f"工程师{i}", region_id=9, region_name="西北") for i in range(5)],
    ]
    ranked = rank(candidates, NEEDS, MONDAY_10)
    assert len(ranked) == 5
    assert ranked[0].user_id == 2
    assert [s.score for s in ranked] == sorted((s.score for s in ranked), reverse=True)


def test_ties_go_to_the_lighter_workload_then_the_name():
    on_duty_busy = engineer(1, "乙", open_requests=1)  # 90 - 5 = 85
    off_idle = engineer(2, "甲", calendar=NEVER, open_requests=0)  # 65, lower
    tie_a = engineer(3, "B", has_skill=False, open_requests=0)  # 50
    tie_b = engineer(4, "A", has_skill=False, open_requests=0)
    ranked = rank([tie_a, off_idle, tie_b, on_duty_busy], NEEDS, MONDAY_10)
    assert [s.user_id for s in ranked] == [1, 2, 4, 3]


def test_no_engineers_means_no_suggestions():
    assert rank([], NEEDS, MONDAY_10) == []


# ---------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------

candidates = st.builds(
    Candidate,
    user_id=st.integers(1, 10_000),
    name=st.text(min_size=1, max_size=6),
    has_skill=st.booleans(),
    region_id=st.none() | st.integers(1, 4),
    region_name=st.just("区域"),
    open_requests=st.integers(0, 30),
    open_work_orders=st.integers(0, 30),
    calendar=st.sampled_from([OFFICE, ALWAYS, NEVER, None]),
)
needs = st.builds(
    Needs,
    skill_id=st.none() | st.just(7),
    skill_name=st.just("技能"),
    region_id=st.none() | st.integers(1, 4),
    region_name=st.just("区域"),
)
moments = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC))


@given(candidates, needs, moments, st.integers(1, 10), st.booleans())
def test_more_workload_never_raises_a_score(candidate, need, now, extra, on_work_orders):
    field = "open_work_orders" if on_work_orders else "open_requests"
    busier = replace(candidate, **{field: getattr(candidate, field) + extra})
    assert score(busier, need, now).score < score(candidate, need, now).score


@given(candidates, needs, moments)
def test_having_the_skill_never_lowers_a_score(candidate, need, now):
    with_skill = score(replace(candidate, has_skill=True), need, now).score
    assert with_skill >= score(replace(candidate, has_skill=False), need, now).score


@given(candidates, needs, moments)
def test_the_score_is_the_sum_of_the_reasons_points(candidate, need, now):
    suggestion = score(candidate, need, now)
    assert suggestion.score == sum(reason.points for reason in suggestion.reasons)


@given(st.lists(candidates, max_size=12, unique_by=lambda c: c.user_id), needs, moments, st.randoms())
def test_the_ranking_does_not_depend_on_the_input_order(pool, need, now, random):
    shuffled = list(pool)
    random.shuffle(shuffled)
    assert rank(pool, need, now) == rank(shuffled, need, now)
    best = rank(pool, need, now, limit=len(pool))
    assert [s.score for s in best] == sorted((s.score for s in best), reverse=True)
