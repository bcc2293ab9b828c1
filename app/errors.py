"""How refusals reach users: translated, in the page or as JSON for API callers."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.is_json


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):
        message = _("This form has expired or did not come from this site. Reload the page and try again.")
        if _wants_json():
            return jsonify(message=message), 400
        return render_template("servicedesk/error.html", message=message, appbuilder=app.appbuilder), 400

    @app.errorhandler(429)
    def _too_many(error):
        message = _("Too many attempts. Wait a minute and try again.")
        if _wants_json():
            return jsonify(message=message), 429
        return render_template("servicedesk/error.html", message=message, appbuilder=app.appbuilder), 429
