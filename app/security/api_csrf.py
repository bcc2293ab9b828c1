"""CSRF for REST writes authenticated by the session cookie.

FAB marks its APIs CSRF-exempt (stack notes). A request carrying a bearer token
is safe: a foreign site cannot add that header. A write riding on the session
cookie must carry the form's CSRF token in ``X-CSRFToken``, like any form post.
"""

from __future__ import annotations

from flask import Flask, request, session
from flask_appbuilder.api import BaseApi
from flask_wtf.csrf import CSRFProtect

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def protect_cookie_api_writes(app: Flask, csrf: CSRFProtect) -> None:
    api_blueprints = {view.blueprint.name for view in app.appbuilder.baseviews if isinstance(view, BaseApi)}

    @app.before_request
    def _check_api_csrf() -> None:
        if request.method in SAFE_METHODS or request.blueprint not in api_blueprints:
            return
        if request.headers.get("Authorization"):
            return
        if "_user_id" in session:
            csrf.protect()
