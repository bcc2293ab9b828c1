"""SQL building blocks the reports share, written once for SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Float, and_, case, func
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class epoch_seconds(FunctionElement):  # noqa: N801 - used like a SQL function
    """Seconds since 1970 of a stored UTC datetime, on SQLite and PostgreSQL alike (for differences)."""

    type = Float()
    name = "epoch_seconds"
    inherit_cache = True


@compiles(epoch_seconds)
def _epoch_sqlite(element, compiler, **kw) -> str:
    return f"((julianday({compiler.process(element.clauses, **kw)}) - 2440587.5) * 86400.0)"


@compiles(epoch_seconds, "postgresql")
def _epoch_postgresql(element, compiler, **kw) -> str:
    return f"EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)})"


def seconds_between(earlier, later) -> ColumnElement:
    return epoch_seconds(later) - epoch_seconds(earlier)


def within(column, low: datetime, high: datetime) -> ColumnElement[bool]:
    """``low <= column < high``."""
    return and_(column >= low, column < high)


def count_if(condition) -> ColumnElement[int]:
    """How many rows of the group meet ``condition``."""
    return func.count(case((condition, 1)))
