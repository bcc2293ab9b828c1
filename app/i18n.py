"""Which language a request is served in.

FAB's selector never reads Accept-Language and writes its default into the
session (stack notes), so it is replaced. Order: ``?_l_=`` on the request, the
language picked in this session with the switcher (``/lang/<code>``), the user's
preferred language, the browser's Accept-Language, then Chinese.
"""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import get_locale

DEFAULT_LOCALE = "zh"


def select_locale() -> str:
    if not has_request_context():
        return DEFAULT_LOCALE
    languages = current_app.config["LANGUAGES"]
    requested = request.args.get("_l_")
    if requested in languages:
        return requested
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    user = getattr(g, "user", None)
    preferred = getattr(user, "preferred_language", None)
    if preferred in languages:
        return preferred
    return request.accept_languages.best_match(list(languages), default=DEFAULT_LOCALE)


def install_locale_selector(app: Flask) -> None:
    """Swap FAB's selector for ours on the Babel instance FAB created."""
    app.extensions["babel"].locale_selector = select_locale
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
