"""A mail's parameters are stored as JSON and come back as they were given: dates, times and amounts typed,
so the template shows them per locale at delivery; anything that is not a plain value is refused at once."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.outbox import decode_params, encode_params

plain = st.none() | st.booleans() | st.integers() | st.text()
typed = st.datetimes(timezones=st.just(UTC)) | st.dates() | st.decimals(allow_nan=False, allow_infinity=False, places=2)
keys = st.text().filter(lambda key: not key.startswith("$"))
values = st.recursive(
    plain | typed, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3)
)


@given(st.dictionaries(keys, values, max_size=5))
def test_parameters_survive_json_unchanged(params):
    assert decode_params(json.loads(json.dumps(encode_params(params)))) == params


def test_a_visit_window_and_a_closing_day_come_back_typed():
    start = datetime(2026, 12, 3, 1, 30, tzinfo=UTC)
    stored = json.loads(json.dumps(encode_params({"window_start": start, "close_on": date(2026, 12, 1)})))
    assert stored == {"window_start": {"$datetime": "2026-12-03T01:30:00+00:00"}, "close_on": {"$date": "2026-12-01"}}
    assert decode_params(stored) == {"window_start": start, "close_on": date(2026, 12, 1)}


def test_a_time_in_another_zone_keeps_its_moment():
    shanghai = datetime(2026, 12, 3, 9, 30, tzinfo=timezone(timedelta(hours=8)))
    assert decode_params(encode_params({"at": shanghai}))["at"] == datetime(2026, 12, 3, 1, 30, tzinfo=UTC)


def test_a_text_that_looks_like_a_tag_is_kept_as_text():
    params = {"reply": "$date", "lines": ["$datetime", {"word": "$decimal"}]}
    assert decode_params(encode_params(params)) == params


def test_keys_beginning_with_a_dollar_are_reserved():
    with pytest.raises(ValueError, match="reserved"):
        encode_params({"nested": {"$date": "2026-12-01"}})


def test_a_time_without_a_zone_is_refused():
    with pytest.raises(ValueError, match="naive"):
        encode_params({"at": datetime(2026, 12, 3, 9, 30)})


def test_a_record_is_refused_pass_its_values_instead():
    class Record:
        pass

    with pytest.raises(TypeError, match="Record"):
        encode_params({"request": Record()})
