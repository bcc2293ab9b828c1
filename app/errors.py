"""How refusals reach users: translated, in the page or as JSON for API callers."""

from __future__ import annotations

from flask import Flask, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.is_json


def _error_page(app: Flask, message: str, status: int):
    if _wants_json():
        return jsonify(message=message), status
    # CSRF and rate-limit checks run before FAB's before_request sets g.user.
    if not hasattr(g, "user"):
        g.user = current_user
    return render_template("servicedesk/error.html", message=message, appbuilder=app.appbuilder), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):
        message = _("This form has expired or did not come from this site. Reload the page and try again.")
        return _error_page(app, message, 400)

    @app.errorhandler(403)
    def _forbidden(error):
        return _error_page(app, _("You do not have permission to open this page."), 403)

    @app.errorhandler(429)
    def _too_many(error):
        return _error_page(app, _("Too many attempts. Wait a minute and try again."), 429)
