"""Business calendars (工作日历): weekly working hours, holidays and make-up working days.

Weekly hours are one JSON document per calendar, ``{"0": [["09:00", "12:00"], ...], ...}``
(0 = Monday), edited as one line per weekday and validated by the business-time
engine; special dates are rows so they can be imported and listed by year.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import ActiveMixin, Model, TimestampMixin
from models.enums import CalendarDayKind, enum_column


class Calendar(ActiveMixin, TimestampMixin, Model):
    __tablename__ = "business_calendar"
    __history__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai", server_default="Asia/Shanghai")
    weekly_hours: Mapped[dict] = mapped_column(JSON, default=dict)

    days: Mapped[list[CalendarDay]] = relationship(
        back_populates="calendar", order_by="CalendarDay.day", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return self.name


class CalendarDay(TimestampMixin, Model):
    """A holiday, or a make-up working day that borrows the hours of a named weekday."""

    __tablename__ = "calendar_day"
    __history__ = True
    __history_owner__ = ("business_calendar", "calendar_id", "day")
    __table_args__ = (
        UniqueConstraint("calendar_id", "day"),
        CheckConstraint(
            "(kind = 'MAKEUP_WORKDAY' AND borrowed_weekday BETWEEN 0 AND 6) "
            "OR (kind = 'HOLIDAY' AND borrowed_weekday IS NULL)",
            name="borrowed_weekday_for_makeup_only",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    calendar_id: Mapped[int] = mapped_column(ForeignKey("business_calendar.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[CalendarDayKind] = mapped_column(enum_column(CalendarDayKind))
    borrowed_weekday: Mapped[int | None] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(String(100))

    calendar: Mapped[Calendar] = relationship(back_populates="days", lazy="joined")

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.name or ''}".strip()
