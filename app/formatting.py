"""Numbers, money and times shown per locale (Flask-Babel), as Jinja filters.

Times are stored in UTC and shown in the business time zone (BABEL_DEFAULT_TIMEZONE).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton
from flask import Flask, current_app
from flask_babel import (
    format_currency,
    format_date,
    format_datetime,
    format_decimal,
    format_time,
    get_locale,
    get_timezone,
    gettext,
)


def register_filters(app: Flask) -> None:
    app.jinja_env.filters["format_number"] = format_decimal
    app.jinja_env.filters["format_datetime"] = lambda value, fmt="medium": format_datetime(value, fmt) if value else ""
    app.jinja_env.filters["format_date"] = lambda value, fmt="medium": format_date(value, fmt) if value else ""
    app.jinja_env.filters["format_money"] = lambda value, currency="CNY": format_currency(value, currency)
    app.jinja_env.filters["labelled"] = labelled
    app.jinja_env.filters["duration"] = duration
    app.jinja_env.filters["local_input"] = local_input
    app.jinja_env.filters["format_window"] = format_window


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


def local_input(value: datetime | None) -> str:
    """A stored UTC time as a datetime-local field's value (business wall-clock time); blank for none."""
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(current_app.config["BUSINESS_TIMEZONE"])).strftime("%Y-%m-%dT%H:%M")


def format_window(start: datetime | None, end: datetime | None) -> str:
    """A visit window for people: "2026年12月3日周四 09:30 – 11:30", "Thu, Dec 3, 2026 9:30 AM – 11:30 AM";
    both dates in full when it spans midnight (business time)."""
    if start is None:
        return ""
    zone = get_timezone()
    if end is None:
        return format_datetime(start, "short")
    if start.astimezone(zone).date() != end.astimezone(zone).date():
        return f"{format_datetime(start, 'short')} – {format_datetime(end, 'short')}"
    day = format_skeleton("yMMMEd", start, tzinfo=zone, locale=get_locale())
    return f"{day} {format_time(start, 'short')} – {format_time(end, 'short')}"


def business_today() -> date:
    """Today's date where the service business works (BUSINESS_TIMEZONE), not the server's."""
    return datetime.now(ZoneInfo(current_app.config["BUSINESS_TIMEZONE"])).date()
