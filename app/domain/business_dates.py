"""Today and this week where the business works, as UTC bounds for queries.

"Today's visits" and "my time this week" mean the day and the week in the business time zone
(``BUSINESS_TIMEZONE``), not the server's: the rules take ``now`` and the zone's name, so a view
and a test can place them on any day. Weeks run Monday to Sunday.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def day_bounds(now: datetime, timezone: str) -> tuple[datetime, datetime]:
    """[start, end) in UTC of the business day ``now`` falls on."""
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    return _midnight(today, zone), _midnight(today + timedelta(days=1), zone)


def week_bounds(now: datetime, timezone: str) -> tuple[datetime, datetime]:
    """[Monday 00:00, next Monday 00:00) in UTC of the business week ``now`` falls in."""
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    monday = today - timedelta(days=today.weekday())
    return _midnight(monday, zone), _midnight(monday + timedelta(days=7), zone)
