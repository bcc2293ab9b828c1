"""Dispatch suggestion (派工建议): which engineers to offer for a request, best first, and why.

The ranking (``rank``) is pure: it scores plain ``Candidate`` values against what the request
``Needs`` at a moment ``now``. Points add up from four things a dispatcher weighs:

* **skill** — the engineer has the skill the request's category requires (+40);
* **region** — the engineer covers the region of the request's site, else the customer's (+25);
* **working today** — per the engineer's calendar through the business-time engine: on duty now
  (+25) or starting later today (+15); nothing when off for the rest of the day;
* **workload** — −5 per open request and open work order already assigned to the engineer, so more
  work never raises a score.

Ties go to the lighter workload, then the name, so the same data always gives the same order.
Every point comes with a reason (a msgid with parameters) the screen translates.

``load_candidates`` reads the engineers in a fixed number of statements: one for the engineers with
their skill match and both workload counts, and one (plus its days) for their calendars. An engineer
with no calendar works by the desk's calendar, else the first active one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, lazyload, selectinload

from app.domain.calendars import calendar_from_model
from app.domain.request_flow import N_, OPEN_STATUSES
from app.domain.sla import BusinessCalendar, working_intervals
from app.domain.work_order_flow import WORKING
from models.calendars import Calendar
from models.enums import RequestStatus
from models.reference import Region
from models.service_requests import DeskSettings, ServiceRequest
from models.support import EngineerProfile, engineer_skill
from models.users import UserAccount
from models.work_orders import WorkOrder

SKILL_POINTS = 40
REGION_POINTS = 25
ON_DUTY_POINTS = 25
LATER_TODAY_POINTS = 15
POINTS_PER_OPEN_ITEM = 5
SHOWN = 5

# A submitted work order waits for review, not for the engineer.
SUGGESTED_WHILE = frozenset({RequestStatus.NEW, RequestStatus.ASSIGNED})


@dataclass(frozen=True)
class Candidate:
    user_id: int
    name: str
    has_skill: bool
    region_id: int | None = None
    region_name: str | None = None
    open_requests: int = 0
    open_work_orders: int = 0
    calendar: BusinessCalendar | None = None

    @property
    def workload(self) -> int:
        return self.open_requests + self.open_work_orders


@dataclass(frozen=True)
class Needs:
    """What the request asks of an engineer; a None skill or region asks nothing."""

    skill_id: int | None = None
    skill_name: str | None = None
    region_id: int | None = None
    region_name: str | None = None


@dataclass(frozen=True)
class Reason:
    message: str  # msgid with %(name)s parameters
    params: dict = field(default_factory=dict)
    points: int = 0


@dataclass(frozen=True)
class Suggestion:
    user_id: int
    name: str
    score: int
    workload: int
    reasons: tuple[Reason, ...]


def day_ahead(cal: BusinessCalendar, now: datetime) -> tuple[datetime, datetime] | None:
    """The next working interval between ``now`` and the end of the calendar's local day, or None."""
    zone = ZoneInfo(cal.timezone)
    local = now.astimezone(zone)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(), tzinfo=zone)
    return next(iter(working_intervals(cal, now, midnight)), None)


def _reasons(candidate: Candidate, needs: Needs, now: datetime) -> list[Reason]:
    reasons: list[Reason] = []
    if needs.skill_id is not None:
        if candidate.has_skill:
            reasons.append(Reason(N_("Has the skill %(skill)s"), {"skill": needs.skill_name}, SKILL_POINTS))
        else:
            reasons.append(Reason(N_("Lacks the skill %(skill)s"), {"skill": needs.skill_name}))
    if needs.region_id is not None:
        if candidate.region_id == needs.region_id:
            reasons.append(Reason(N_("Covers %(region)s"), {"region": needs.region_name}, REGION_POINTS))
        else:
            reasons.append(Reason(N_("Based in %(region)s"), {"region": candidate.region_name or "—"}))
    if candidate.calendar is None:
        reasons.append(Reason(N_("No working calendar")))
    else:
        interval = day_ahead(candidate.calendar, now)
        if interval is None:
            reasons.append(Reason(N_("Off for the rest of today")))
        elif interval[0] <= now:
            reasons.append(Reason(N_("On duty now, until %(time)s"), {"time": interval[1]}, ON_DUTY_POINTS))
        else:
            reasons.append(Reason(N_("Starts at %(time)s today"), {"time": interval[0]}, LATER_TODAY_POINTS))
    reasons.append(
        Reason(
            N_("%(requests)s open requests, %(work_orders)s open work orders"),
            {"requests": candidate.open_requests, "work_orders": candidate.open_work_orders},
            -POINTS_PER_OPEN_ITEM * candidate.workload,
        )
    )
    return reasons


def score(candidate: Candidate, needs: Needs, now: datetime) -> Suggestion:
    reasons = tuple(_reasons(candidate, needs, now))
    total = sum(reason.points for reason in reasons)
    return Suggestion(candidate.user_id, candidate.name, total, candidate.workload, reasons)


def rank(candidates: Iterable[Candidate], needs: Needs, now: datetime, *, limit: int = SHOWN) -> list[Suggestion]:
    """The best ``limit`` candidates: highest score, then lightest workload, then name, then id."""
    scored = [score(candidate, needs, now) for candidate in candidates]
    scored.sort(key=lambda s: (-s.score, s.workload, s.name, s.user_id))
    return scored[:limit]


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------


def needs_of(request: ServiceRequest) -> Needs:
    """The category's required skill; the site's region, else the customer's."""
    skill = request.category.required_skill if request.category is not None else None
    region = request.site.region if request.site is not None and request.site.region is not None else None
    region = region or request.customer.region
    return Needs(
        skill_id=skill.id if skill is not None else None,
        skill_name=skill.name if skill is not None else None,
        region_id=region.id if region is not None else None,
        region_name=region.name if region is not None else None,
    )


def load_candidates(session: Session, *, skill_id: int | None, exclude_user_ids: Iterable[int] = ()) -> list[Candidate]:
    """Active engineers of active accounts, with their skill match, workload and calendar."""
    open_requests = (
        select(func.count(ServiceRequest.id))
        .where(
            ServiceRequest.assignee_user_id == EngineerProfile.user_id,
            ServiceRequest.status.in_(OPEN_STATUSES),
        )
        .scalar_subquery()
    )
    open_work_orders = (
        select(func.count(WorkOrder.id))
        .where(WorkOrder.assignee_user_id == EngineerProfile.user_id, WorkOrder.status.in_(WORKING))
        .scalar_subquery()
    )
    has_skill = (
        select(engineer_skill.c.skill_id)
        .where(engineer_skill.c.engineer_profile_id == EngineerProfile.id, engineer_skill.c.skill_id == skill_id)
        .exists()
    )
    excluded = list(exclude_user_ids)
    rows = session.execute(
        select(
            EngineerProfile.user_id,
            UserAccount,
            EngineerProfile.region_id,
            Region.name,
            EngineerProfile.calendar_id,
            has_skill,
            open_requests,
            open_work_orders,
        )
        .join(UserAccount, UserAccount.id == EngineerProfile.user_id)
        .outerjoin(Region, Region.id == EngineerProfile.region_id)
        .where(EngineerProfile.active.is_(True), UserAccount.active.is_(True), EngineerProfile.user_id.not_in(excluded))
        .options(lazyload("*"))
    ).all()
    calendars = _calendars(session, {row.calendar_id for row in rows})
    return [
        Candidate(
            user_id=user_id,
            name=user.get_full_name(),
            has_skill=bool(skilled) and skill_id is not None,
            region_id=region_id,
            region_name=region_name,
            open_requests=requests or 0,
            open_work_orders=work_orders or 0,
            calendar=calendars.get(calendar_id, calendars.get(None)),
        )
        for user_id, user, region_id, region_name, calendar_id, skilled, requests, work_orders in rows
    ]


def _calendars(session: Session, wanted: set[int | None]) -> dict[int | None, BusinessCalendar]:
    """Engine calendars by id; ``None`` maps to the default (the desk's, else the first active one)."""
    default_id = None
    if None in wanted:
        default_id = session.scalar(select(DeskSettings.calendar_id).order_by(DeskSettings.id).limit(1))
        if default_id is None:
            default_id = session.scalar(
                select(Calendar.id).where(Calendar.active.is_(True)).order_by(Calendar.id).limit(1)
            )
    ids = {calendar_id for calendar_id in wanted if calendar_id is not None} | {default_id} - {None}
    if not ids:
        return {}
    rows = session.scalars(select(Calendar).where(Calendar.id.in_(ids)).options(selectinload(Calendar.days))).all()
    calendars: dict[int | None, BusinessCalendar] = {row.id: calendar_from_model(row) for row in rows}
    if default_id in calendars:
        calendars[None] = calendars[default_id]
    return calendars


def suggest(session: Session, request: ServiceRequest, *, now: datetime, limit: int = SHOWN) -> list[Suggestion]:
    """The ranked engineers for a request; the current assignee is not suggested again."""
    needs = needs_of(request)
    exclude = [request.assignee_user_id] if request.assignee_user_id is not None else []
    candidates = load_candidates(session, skill_id=needs.skill_id, exclude_user_ids=exclude)
    return rank(candidates, needs, now, limit=limit)
