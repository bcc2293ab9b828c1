"""Document numbers: ``SR-20261122-0042``, ``WO-20261122-0007`` — per prefix and business day.

The counter row is bumped with one UPDATE (the row lock serialises concurrent
callers on PostgreSQL; SQLite's BEGIN IMMEDIATE does the same), so two requests
taken at the same moment never get the same number.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.service_requests import DocumentCounter

REQUEST_PREFIX = "SR"
WORK_ORDER_PREFIX = "WO"


def format_number(prefix: str, day: str, value: int) -> str:
    return f"{prefix}-{day}-{value:04d}"


def next_number(session: Session, prefix: str, now: datetime, timezone: str = "Asia/Shanghai") -> str:
    """The next number of ``prefix`` for the business day of ``now`` (aware)."""
    day = now.astimezone(ZoneInfo(timezone)).strftime("%Y%m%d")
    key = f"{prefix}-{day}"
    for _ in range(3):
        bumped = session.execute(
            update(DocumentCounter).where(DocumentCounter.key == key).values(value=DocumentCounter.value + 1)
        )
        if bumped.rowcount:
            value = session.execute(select(DocumentCounter.value).where(DocumentCounter.key == key)).scalar_one()
            return format_number(prefix, day, value)
        try:
            with session.begin_nested():
                session.execute(insert(DocumentCounter).values(key=key, value=1))
            return format_number(prefix, day, 1)
        except IntegrityError:
            continue  # another transaction created the row first: bump it
    raise RuntimeError(f"could not allocate a number for {key}")
