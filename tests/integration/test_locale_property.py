"""Locale selection never fails and never invents a language, whatever the browser sends."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.i18n import select_locale

LANGUAGE_TAGS = st.sampled_from(["zh", "zh-CN", "zh-TW", "en", "en-US", "en-GB", "fr", "de-DE", "ja", "*", "x"])
QUALITY = st.sampled_from(["", ";q=0.1", ";q=0.5", ";q=0.9", ";q=1", ";q=0"])
ACCEPT_LANGUAGE = st.lists(st.tuples(LANGUAGE_TAGS, QUALITY), max_size=5).map(
    lambda parts: ", ".join(tag + q for tag, q in parts)
)


@given(
    accept=ACCEPT_LANGUAGE | st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40),
    requested=st.none() | st.text(max_size=6) | LANGUAGE_TAGS,
)
def test_selected_locale_is_always_a_configured_language(app, accept, requested):
    query = {"_l_": requested} if requested is not None else {}
    with app.test_request_context("/", headers={"Accept-Language": accept}, query_string=query):
        locale = select_locale()
    assert locale in app.config["LANGUAGES"]
    if requested in app.config["LANGUAGES"]:
        assert locale == requested
