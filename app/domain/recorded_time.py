"""Time recorded on work orders, as SQL conditions on time entries.

"My time this week" — the engineer's workspace card and the list it opens — takes the entries a person
recorded that start in the business week of ``now`` (Monday to Sunday in the business time zone), so
the card's hours are the sum of the list's minutes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_

from app.domain.business_dates import week_bounds
from models.users import UserAccount
from models.work_orders import TimeEntry


def mine_this_week(user: UserAccount, now: datetime, timezone: str) -> ColumnElement[bool]:
    start, end = week_bounds(now, timezone)
    return and_(TimeEntry.user_id == user.id, TimeEntry.started_at >= start, TimeEntry.started_at < end)
