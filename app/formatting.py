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
    app.jinja_env.filters["duration"] = duration


def duration(seconds: int | float | None) -> str:
    """A span of (working) time in hours and minutes: "2 h 05 min", "2小时05分钟"; minus for overruns."""
    if seconds is None:
        return ""
    sign = "-" if seconds < 0 else ""
    minutes = int(abs(seconds)) // 60
    if minutes == 0 and seconds:
        return gettext("under 1 min")
    hours, minutes = divmod(minutes, 60)
    if hours == 0:
        return sign + gettext("%(minutes)s min", minutes=minutes)
    return sign + gettext("%(hours)s h %(minutes)s min", hours=format_decimal(hours), minutes=f"{minutes:02d}")


def labelled(label: str) -> str:
    """A label followed by the locale's colon, for plain text: "Number: ", "编号：" (full width, no space)."""
    return gettext("%(label)s: ", label=label)


def business_today() -> date:
    """Today's date where the service business works (BUSINESS_TIMEZONE), not the server's."""
    return datetime.now(ZoneInfo(current_app.config["BUSINESS_TIMEZONE"])).date()
