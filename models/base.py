"""Declarative base shared with Flask-AppBuilder, and column types every model uses.

FAB's security tables live on ``flask_appbuilder.Model.metadata``, so ours must too
(one metadata for Alembic). The naming convention is set here, before any model --
FAB's included -- is mapped: SQLite batch migrations cannot drop unnamed constraints.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from flask_appbuilder import Model
from sqlalchemy import Boolean, DateTime, func, true
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

if "flask_appbuilder.security.sqla.models" in sys.modules and (
    Model.metadata.naming_convention.get("pk") != NAMING_CONVENTION["pk"]
):
    raise RuntimeError("import models.base before FAB's security models, or their constraints go unnamed")
Model.metadata.naming_convention = NAMING_CONVENTION


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; pass an aware datetime (UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# The demo seeder replays 90 days of work: inside ``simulated_clock`` every default timestamp
# (created_at, updated_at, change_log.changed_at) is that moment, so records agree with their story.
_simulated_now: ContextVar[datetime | None] = ContextVar("simulated_now", default=None)


def utcnow() -> datetime:
    return _simulated_now.get() or datetime.now(UTC)


@contextmanager
def simulated_clock(moment: datetime) -> Iterator[None]:
    """Make ``utcnow`` return ``moment`` (aware) inside the block; only for replaying history."""
    token = _simulated_now.set(moment)
    try:
        yield
    finally:
        _simulated_now.reset(token)


class TimestampMixin:
    """created_at/updated_at in UTC, set by the database session, no actor needed."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, server_default=func.now()
    )


class ActiveMixin:
    """Deactivate, don't delete: inactive rows leave dropdowns and imports, old records keep them."""

    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true(), index=True)


__all__ = ["ActiveMixin", "Model", "NAMING_CONVENTION", "TimestampMixin", "UTCDateTime", "simulated_clock", "utcnow"]
