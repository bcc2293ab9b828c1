"""Report periods: named periods as business-time-zone dates ``[start, end)``, their UTC bounds, and the
period before one (for "compared with the previous period")."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

PERIODS = ("this_month", "last_month", "last_90_days", "custom")


def period_bounds(
    choice: str, today: date, date_from: date | None = None, date_to: date | None = None
) -> tuple[date, date]:
    """[start, end) of a named period; ``custom`` takes inclusive from/to dates. ValueError if they don't fit."""
    first = today.replace(day=1)
    if choice == "this_month":
        return first, next_month(first)
    if choice == "last_month":
        return add_months(first, -1), first
    if choice == "last_90_days":
        return today - timedelta(days=89), today + timedelta(days=1)
    if choice == "custom":
        if date_from is None or date_to is None or date_from > date_to:
            raise ValueError("custom period needs from <= to")
        return date_from, date_to + timedelta(days=1)
    raise ValueError(f"unknown period {choice!r}")


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of the same length just before ``[start, end)``; a calendar month's is the month before."""
    if start.day == 1 and end == next_month(start):
        return add_months(start, -1), start
    return start - (end - start), start


def utc_bounds(start: date, end: date, timezone: str) -> tuple[datetime, datetime]:
    """Midnight of ``start`` and ``end`` in the business time zone, as UTC moments."""
    zone = ZoneInfo(timezone)
    return (
        datetime.combine(start, time.min, zone).astimezone(UTC),
        datetime.combine(end, time.min, zone).astimezone(UTC),
    )


def add_months(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def next_month(first: date) -> date:
    return add_months(first, 1)
