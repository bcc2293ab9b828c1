"""The landing page after login: the user's workspace.

The cards of the user's roles, each opening the list it counts (views/workspaces.py), and what a
role's workspace adds below them: a dispatcher's backlog per support group; a vendor user's
dashboard — the next work orders due (``app.domain.work_order_due``) and its own scorecard.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, g, redirect, url_for
from flask_appbuilder import IndexView, expose
from flask_babel import format_decimal
from sqlalchemy import case, select
from sqlalchemy.orm import joinedload, lazyload, selectinload

from app.display import percent
from app.domain.sla_tracking import WORK_ORDER_RESPONSE_RUNNING
from app.domain.work_order_due import accept_running, complete_running
from app.extensions import db
from app.security.roles import WORK_ORDER
from app.security.scoping import current_scope, scope_clause
from models.service_requests import ServiceRequest
from models.work_orders import WorkOrder
from reports.periods import period_bounds
from reports.vendor_scorecard import recent_scorecards
from views.workspaces import cards_for, group_backlog


def next_due(session, scope, *, limit: int = 10) -> list[tuple[WorkOrder, str, datetime]]:
    """The running work orders with the nearest OLA due time: (work order, "accept"/"complete", due).

    An assigned work order is due to be accepted; after that, to be completed."""
    due = case((accept_running(), WorkOrder.response_due_at), else_=WorkOrder.resolution_due_at)
    stmt = (
        select(WorkOrder, due)
        .where(scope_clause(WorkOrder, scope), complete_running(), due.is_not(None))
        .options(  # only what the table shows: the SLA catalog behind the request's selectin relations stays out
            lazyload("*"),
            selectinload(WorkOrder.request).options(
                lazyload("*"), joinedload(ServiceRequest.customer), selectinload(ServiceRequest.site)
            ),
        )
        .order_by(due, WorkOrder.id)
        .limit(limit)
    )
    return [
        (order, "accept" if order.status in WORK_ORDER_RESPONSE_RUNNING else "complete", at)
        for order, at in session.execute(stmt)
    ]


def vendor_dashboard(user, sm) -> dict | None:
    """What a vendor user's landing page adds under the cards; None for everyone else."""
    if not any(role.name == "Vendor" for role in user.roles) or not sm.has_access("can_read", WORK_ORDER):
        return None
    session = db.session
    return {"next_due": next_due(session, current_scope()), "scorecard": own_scorecard(session, user)}


@dataclass(frozen=True)
class ShownScorecard:
    """The vendor's own line of the scorecards, formatted; ``rank`` is "2 / 4" among ranked vendors."""

    received: str
    completed: str
    ola_completion: str
    first_time_fix: str
    satisfaction: str
    rank: str
    computed_at: datetime  # the figures may be a few minutes old (SCORECARD_CACHE_SECONDS)


def own_scorecard(session, user) -> ShownScorecard | None:
    """The user's vendor over the last 90 days (business dates), ranked among all vendors; others' lines stay out."""
    vendor_id = getattr(user, "vendor_id", None)
    if vendor_id is None:
        return None
    timezone = current_app.config["BUSINESS_TIMEZONE"]
    start, end = period_bounds("last_90_days", datetime.now(ZoneInfo(timezone)).date())
    seconds = current_app.config["SCORECARD_CACHE_SECONDS"]
    kept = recent_scorecards(session, start=start, end=end, timezone=timezone, seconds=seconds)
    lines = kept.lines  # all vendors: the rank means something
    own = next((line for line in lines if line.vendor_id == vendor_id), None)
    if own is None:
        return None
    ranked = sum(1 for line in lines if line.rank is not None)
    return ShownScorecard(
        received=format_decimal(own.received),
        completed=format_decimal(own.completed),
        ola_completion=percent(own.ola_completion),
        first_time_fix=percent(own.first_time_fix),
        satisfaction="—" if own.satisfaction is None else format_decimal(own.satisfaction, format="0.0"),
        rank="—" if own.rank is None else f"{own.rank} / {ranked}",
        computed_at=kept.computed_at,
    )


class HomeView(IndexView):
    """Anonymous visitors go to the login page; users see their cards."""

    index_template = "servicedesk/home.html"

    @expose("/")
    def index(self):
        user = g.user
        if user is None or not user.is_authenticated:
            return redirect(url_for(f"{self.appbuilder.sm.auth_view.endpoint}.login"))
        sm = self.appbuilder.sm
        return self.render_template(
            self.index_template,
            cards=cards_for(user, sm),
            backlog=group_backlog(user, sm),
            vendor_dashboard=vendor_dashboard(user, sm),
        )
