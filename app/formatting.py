"""Numbers, money and times shown per locale (Flask-Babel), as Jinja filters.

Times are stored in UTC and shown in the business time zone (BABEL_DEFAULT_TIMEZONE).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from flask_babel import format_currency, format_date, format_datetime, format_decimal, gettext


def register_filters(app: Flask) -> None:
    app.jinja_env.filters["format_number"] = format_decimal
    app.jinja_env.filters["format_datetime"] = lambda value, fmt="medium": format_datetime(value, fmt) if value else ""
    app.jinja_env.filters["format_date"] = lambda value, fmt="medium": format_date(value, fmt) if value else ""
    app.jinja_env.filters["format_money"] = lambda value, currency="CNY": format_currency(value, currency)
    app.jinja_env.filters["labelled"] = labelled


def labelled(label: str) -> str:
    """A label followed by the locale's colon, for plain text: "Number: ", "编号：" (full width, no space)."""
    return gettext("%(label)s: ", label=label)


def business_today() -> date:
    """Today's date where the service business works (BUSINESS_TIMEZONE), not the server's."""
    return datetime.now(ZoneInfo(current_app.config["BUSINESS_TIMEZONE"])).date()
