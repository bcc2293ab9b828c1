"""Auto-close: a resolved request nobody answers is reminded once, then closed.

The clock starts at ``auto_close_from`` (set on resolution; a reply or a survey answer restarts it
through ``restart_timer``). Days are business days of the request's calendar — its SLA's, else the
desk settings' calendar, else the default SLA's — counted as whole working dates after the date the
clock started: "after 3 business days" is the end of the third working date that follows.

``sweep`` is what the periodic job runs. It reads only rows that may be due (status RESOLVED and
``auto_close_from`` old enough, both indexed; the exact business-day check follows in Python) and
changes each in its own savepoint through the ORM, whose version counter makes every write
conditional: a second run finds nothing left to do, and a concurrent one loses the race for the row
(StaleDataError) and skips it. The reminder mail carries a dedupe key too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.domain.calendars import business_calendar, calendar_from_model
from app.domain.errors import DomainError
from app.domain.outbox import mail_contact
from app.domain.sla import BusinessCalendar, working_intervals
from models.calendars import Calendar
from models.enums import RequestAction, RequestStatus, SLAKind
from models.service_requests import DeskSettings, ServiceRequest
from models.sla import SLA

ACTOR_LABEL = "auto-close"
BATCH = 500
# A date's last working moment is never earlier than 25 hours before the same clock time a day later
# (a DST day is 23 or 25 hours long), so N business days never pass within N days minus 25 hours.
_SLACK = timedelta(hours=25)
_LONGEST_SEARCH = 3 * 366  # days searched for working dates before a calendar is declared empty
_WEEKDAYS_ALL_DAY = {str(weekday): [["00:00", "24:00"]] for weekday in range(5)}


@dataclass(frozen=True)
class Timer:
    """When a resolved request is reminded and when it is closed (aware, UTC)."""

    remind_at: datetime
    close_at: datetime
    close_on: date  # the closing date in the calendar's zone, for the reminder mail


@dataclass
class SweepResult:
    reminded: list[int] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # changed by someone else meanwhile, or refused


def restart_timer(request: ServiceRequest, now: datetime) -> None:
    """A reply or survey answer: a resolved request waits again from ``now`` and may be reminded again."""
    if request.status is RequestStatus.RESOLVED:
        request.auto_close_from = now
        request.reminded_at = None


def business_days_end(cal: BusinessCalendar, start: datetime, days: int) -> datetime:
    """The end of the ``days``-th working date after ``start``'s date in the calendar's zone (UTC).

    Raises ``ValueError`` when the calendar has no working date for years (no weekly hours).
    """
    if days < 1:
        raise ValueError(f"count at least one business day, got {days}")
    zone = ZoneInfo(cal.timezone)
    day = start.astimezone(zone).date()
    found = 0
    for _ in range(_LONGEST_SEARCH):
        day += timedelta(days=1)
        spans = list(working_intervals(cal, _midnight(day, zone), _midnight(day + timedelta(days=1), zone)))
        if spans:
            found += 1
            if found == days:
                return spans[-1][1].astimezone(UTC)
    raise ValueError("the calendar has no working days")


def timer(cal: BusinessCalendar, start: datetime, reminder_days: int, close_days: int) -> Timer:
    close_at = business_days_end(cal, start, close_days)
    return Timer(
        remind_at=business_days_end(cal, start, reminder_days),
        close_at=close_at,
        close_on=close_at.astimezone(ZoneInfo(cal.timezone)).date(),
    )


class CalendarPicker:
    """The business calendar of each request, each stored calendar converted once per sweep."""

    def __init__(self, session: Session, settings: DeskSettings, timezone: str) -> None:
        self.session = session
        self.settings = settings
        self.timezone = timezone
        self._converted: dict[int, BusinessCalendar] = {}

    def for_request(self, request: ServiceRequest) -> BusinessCalendar:
        calendar_id = (request.sla.calendar_id if request.sla is not None else None) or self.fallback_id
        if calendar_id is None:
            return business_calendar(self.timezone, _WEEKDAYS_ALL_DAY)
        if calendar_id not in self._converted:
            self._converted[calendar_id] = calendar_from_model(self.session.get(Calendar, calendar_id))
        return self._converted[calendar_id]

    @cached_property
    def fallback_id(self) -> int | None:
        """The desk settings' calendar, else the default SLA's (the oldest active default for customers)."""
        return self.settings.calendar_id or self.session.scalar(
            select(SLA.calendar_id)
            .where(SLA.is_default.is_(True), SLA.active.is_(True), SLA.kind == SLAKind.EXTERNAL)
            .order_by(SLA.id)
            .limit(1)
        )


def due_request_ids(session: Session, settings: DeskSettings, now: datetime, limit: int = BATCH) -> list[int]:
    """Resolved requests whose reminder or closing may be due: a superset, checked exactly per row."""
    remind_cutoff = now - timedelta(days=settings.reminder_business_days) + _SLACK
    close_cutoff = now - timedelta(days=settings.auto_close_business_days) + _SLACK
    stmt = (
        select(ServiceRequest.id)
        .where(
            ServiceRequest.status == RequestStatus.RESOLVED,
            ServiceRequest.auto_close_from < remind_cutoff,
            or_(ServiceRequest.reminded_at.is_(None), ServiceRequest.auto_close_from < close_cutoff),
        )
        .order_by(ServiceRequest.auto_close_from)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def sweep(
    session: Session,
    *,
    now: datetime,
    settings: DeskSettings,
    timezone: str = "Asia/Shanghai",
) -> SweepResult:
    """Remind and close what is due now; changes are attributed to the job. The caller commits.

    ``timezone`` is used only when no calendar is configured anywhere (Monday–Friday then).
    """
    result = SweepResult()
    calendars = CalendarPicker(session, settings, timezone)
    saved = {key: session.info.pop(key, None) for key in ("actor_id", "actor_label")}
    session.info["actor_label"] = ACTOR_LABEL
    try:
        for request_id in due_request_ids(session, settings, now):
            _handle(session, request_id, now, settings, calendars, result)
    finally:
        for key, value in saved.items():
            if value is None:
                session.info.pop(key, None)
            else:
                session.info[key] = value
    return result


def _handle(
    session: Session,
    request_id: int,
    now: datetime,
    settings: DeskSettings,
    calendars: CalendarPicker,
    result: SweepResult,
) -> None:
    """Remind or close one request if due now, in a savepoint; a lost race or a refusal skips it."""
    from app.domain.service_requests import perform  # on use: the request flow reaches back here via surveys

    request = session.get(ServiceRequest, request_id)
    if request is None or request.status is not RequestStatus.RESOLVED or request.auto_close_from is None:
        return
    try:
        due = timer(
            calendars.for_request(request),
            request.auto_close_from,
            settings.reminder_business_days,
            settings.auto_close_business_days,
        )
    except ValueError:
        result.skipped.append(request_id)  # a calendar without working days: nothing is ever due
        return
    try:
        with session.begin_nested():
            if now >= due.close_at:
                perform(
                    session,
                    request,
                    RequestAction.CLOSE,
                    actor=None,
                    roles={"Admin"},
                    now=now,
                    actor_label=ACTOR_LABEL,
                )
                session.flush()
                result.closed.append(request_id)
            elif now >= due.remind_at and request.reminded_at is None:
                request.reminded_at = now
                session.flush()  # the version check: another run that got here first wins
                remind_contact(session, request, due.close_on)
                result.reminded.append(request_id)
    except (StaleDataError, DomainError):
        session.expire_all()
        result.skipped.append(request_id)


def remind_contact(session: Session, request: ServiceRequest, close_on: date) -> None:
    """The contact hears once that the request will be closed on ``close_on`` unless they reply."""
    mail_contact(session, request, "auto_close_reminder", {"close_on": close_on},
                 dedupe_key=f"reminder:{request.id}:{request.auto_close_from.isoformat()}")  # fmt: skip


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone)
