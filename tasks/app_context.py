"""Give tasks an app context: Huey runs them without one.

In the in-process consumer (`make run`) the serving app is bound; a separate
``huey_consumer`` process builds its own app on first use.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

from flask import Flask, has_app_context

_bound: dict[str, Flask] = {}
F = TypeVar("F", bound=Callable)


def bind_app(app: Flask) -> None:
    _bound["app"] = app


def _app() -> Flask:
    if "app" not in _bound:
        from app import create_app

        _bound["app"] = create_app()
    return _bound["app"]


def with_app_context(fn: F) -> F:
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if has_app_context():
            return fn(*args, **kwargs)
        with _app().app_context():
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
