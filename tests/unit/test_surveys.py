"""Survey tokens and states: random, stored only as a hash, open until answered or expired."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from app.domain.surveys import SurveyState, new_token, survey_state, token_hash

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def survey(expires_in: timedelta, answered: bool = False) -> SimpleNamespace:
    return SimpleNamespace(expires_at=NOW + expires_in, answered_at=NOW if answered else None)


def test_tokens_are_long_random_and_url_safe():
    tokens = {new_token() for _ in range(200)}
    assert len(tokens) == 200
    assert all(len(token) >= 43 and token.replace("-", "").replace("_", "").isalnum() for token in tokens)


@given(st.text(min_size=1, max_size=80))
def test_only_the_sha256_of_a_token_is_kept(token):
    assert token_hash(token) == hashlib.sha256(token.encode("utf-8")).hexdigest()
    assert len(token_hash(token)) == 64


def test_an_unknown_survey_reads_as_expired():
    assert survey_state(None, NOW) is SurveyState.EXPIRED


def test_open_until_the_moment_it_expires():
    assert survey_state(survey(timedelta(seconds=1)), NOW) is SurveyState.OPEN
    assert survey_state(survey(timedelta(0)), NOW) is SurveyState.EXPIRED
    assert survey_state(survey(-timedelta(days=1)), NOW) is SurveyState.EXPIRED


def test_answered_wins_over_expired():
    assert survey_state(survey(-timedelta(days=1), answered=True), NOW) is SurveyState.ANSWERED
    assert survey_state(survey(timedelta(days=1), answered=True), NOW) is SurveyState.ANSWERED
