"""The landing page after login: counts that matter to the user's roles, each a link.

A card counts exactly the rows its linked list shows: the same model, the same
scoping rule (``scope_clause``) and the same filter, passed to the list as FAB
URL filter arguments. Later issues add cards (open requests, breaches, ...).

Vendor users also get their work-order dashboard: open work orders, OLA due times coming up
and breached (``VENDOR_WORK_CARDS``, rules in ``app.domain.work_order_due``, each with a named
work-order list of the same rule), and the next work orders due.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, g, redirect, url_for
from flask_appbuilder import IndexView, expose
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, case, func, select, true
from sqlalchemy.orm import joinedload, lazyload, selectinload

from app.display import percent
from app.domain.sla_tracking import WORK_ORDER_RESOLUTION_RUNNING, WORK_ORDER_RESPONSE_RUNNING
from app.domain.work_order_due import (
    accept_due_soon,
    accept_running,
    complete_due_soon,
    complete_running,
    ola_breached,
    open_work_orders,
)
from app.extensions import db
from app.security.roles import ADMIN, CUSTOMER, DIRECTORY, ROLE_GRANTS, VENDOR, WORK_ORDER
from app.security.scoping import current_scope, scope_clause
from models.base import utcnow
from models.enums import WorkOrderStatus
from models.organisations import Customer, Vendor
from models.service_requests import ServiceRequest
from models.users import UserAccount
from models.work_orders import WorkOrder
from reports.periods import period_bounds
from reports.vendor_scorecard import recent_scorecards


def _role_member(role_name: str) -> Callable[[Any], tuple[ColumnElement[bool], dict[str, Any]]]:
    def build(sm) -> tuple[ColumnElement[bool], dict[str, Any]]:
        role = sm.find_role(role_name)
        role_id = role.id if role else -1
        return UserAccount.roles.any(id=role_id), {"_flt_0_roles": role_id}

    return build


def _active(model, flag: bool = True):
    # FAB's boolean filters: index 0 "equal", index 1 "not equal"; its URL value must be "y".
    return lambda sm: (model.active.is_(flag), {"_flt_0_active" if flag else "_flt_1_active": "y"})


def _everything(sm):
    return true(), {}


# ---------------------------------------------------------------------------------------------
# Work orders by their OLA due times (the vendor's dashboard)
# ---------------------------------------------------------------------------------------------

NOT_STATUS = "_flt_1_status"  # FAB's enum filters: index 1 "not equal"; repeated, every one applies


def _status_url(rule: Callable[[datetime], ColumnElement[bool]]):
    """Open work orders: the statuses outside WORKING, each excluded by a "not equal" filter."""

    def build(sm) -> tuple[ColumnElement[bool], dict[str, Any]]:
        others = sorted(status.name for status in WorkOrderStatus if status not in WORK_ORDER_RESOLUTION_RUNNING)
        return rule(utcnow()), {NOT_STATUS: others}

    return build


def _named_list(rule: Callable[[datetime], ColumnElement[bool]]):
    """A rule with a named work-order list of its own (views/work_orders.py): the card links to it as is."""

    def build(sm) -> tuple[ColumnElement[bool], dict[str, Any]]:
        return rule(utcnow()), {}

    return build


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


@dataclass(frozen=True)
class CountCard:
    label: Any
    model: type
    endpoint: str
    resource: str
    permission: str = "can_read"
    condition: Callable[[Any], tuple[ColumnElement[bool], dict[str, Any]]] = field(default=_everything)
    note: Any = None  # how the number is defined, shown under it


ACTIVE_CUSTOMERS = CountCard(
    _l("Active customers"), Customer, "CustomerView.list", CUSTOMER, condition=_active(Customer)
)
ACTIVE_VENDORS = CountCard(_l("Active service vendors"), Vendor, "VendorView.list", VENDOR, condition=_active(Vendor))
ENGINEERS = CountCard(_l("Engineers"), UserAccount, "DirectoryView.list", DIRECTORY, condition=_role_member("Engineer"))
DISPATCHERS = CountCard(
    _l("Dispatchers"), UserAccount, "DirectoryView.list", DIRECTORY, condition=_role_member("Dispatcher")
)
ACCOUNTS = CountCard(
    _l("Active user accounts"), UserAccount, "UserAccountView.list", "UserAccountView", "can_list", _active(UserAccount)
)
DISABLED_ACCOUNTS = CountCard(
    _l("Disabled user accounts"),
    UserAccount,
    "UserAccountView.list",
    "UserAccountView",
    "can_list",
    _active(UserAccount, False),
)
COLLEAGUES = CountCard(
    _l("Active accounts of my organisation"),
    UserAccount,
    "DirectoryView.list",
    DIRECTORY,
    condition=_active(UserAccount),
)
DISABLED_COLLEAGUES = CountCard(
    _l("Disabled accounts of my organisation"),
    UserAccount,
    "DirectoryView.list",
    DIRECTORY,
    condition=_active(UserAccount, False),
)
MY_VENDOR = CountCard(_l("My service vendor"), Vendor, "VendorView.list", VENDOR)
MY_CUSTOMER = CountCard(_l("My company"), Customer, "CustomerView.list", CUSTOMER)

OPEN_WORK_ORDERS = CountCard(
    _l("Open work orders"), WorkOrder, "WorkOrderView.list", WORK_ORDER, condition=_status_url(open_work_orders)
)
ACCEPT_DUE_SOON = CountCard(
    _l("Accept by, due within 4 hours"),
    WorkOrder,
    "AcceptDueSoonView.list",
    WORK_ORDER,
    condition=_named_list(accept_due_soon),
)
COMPLETE_DUE_SOON = CountCard(
    _l("Complete by, due within 24 hours"),
    WorkOrder,
    "CompleteDueSoonView.list",
    WORK_ORDER,
    condition=_named_list(complete_due_soon),
)
OLA_BREACHED = CountCard(
    _l("OLA breached"),
    WorkOrder,
    "OlaBreachedView.list",
    WORK_ORDER,
    condition=_named_list(ola_breached),
    note=_l(
        "Open work orders past their accept-by or complete-by time, and those accepted or submitted "
        "after it in the last 30 days."
    ),
)
VENDOR_WORK_CARDS = (OPEN_WORK_ORDERS, ACCEPT_DUE_SOON, COMPLETE_DUE_SOON, OLA_BREACHED)

ROLE_CARDS: dict[str, tuple[CountCard, ...]] = {
    ADMIN: (ACCOUNTS, DISABLED_ACCOUNTS, ACTIVE_CUSTOMERS, ACTIVE_VENDORS),
    "Manager": (ACTIVE_CUSTOMERS, ACTIVE_VENDORS, ENGINEERS, DISPATCHERS),
    "Dispatcher": (ACTIVE_CUSTOMERS, ACTIVE_VENDORS, ENGINEERS),
    "Engineer": (ACTIVE_CUSTOMERS, ACTIVE_VENDORS, ENGINEERS),
    "Vendor": (*VENDOR_WORK_CARDS, MY_VENDOR, COLLEAGUES, DISABLED_COLLEAGUES),
    "Customer": (MY_CUSTOMER, COLLEAGUES, DISABLED_COLLEAGUES),
}
assert set(ROLE_CARDS) == {ADMIN, *ROLE_GRANTS}, "every built-in role needs landing cards"


@dataclass(frozen=True)
class ShownCard:
    label: str
    count: int
    url: str
    note: str | None = None


def cards_for(user, sm) -> list[ShownCard]:
    """The cards of the user's roles that the user may open, counted in their scope."""
    wanted: list[CountCard] = []
    for role in user.roles:
        for card in ROLE_CARDS.get(role.name, ()):
            if card not in wanted and sm.has_access(card.permission, card.resource):
                wanted.append(card)
    scope = current_scope()
    shown = []
    for card in wanted:
        condition, url_args = card.condition(sm)
        where = (scope_clause(card.model, scope), condition)
        count = db.session.execute(select(func.count()).select_from(card.model).where(*where)).scalar_one()
        note = str(card.note) if card.note is not None else None
        shown.append(ShownCard(str(card.label), count, url_for(card.endpoint, **url_args), note))
    return shown


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
            self.index_template, cards=cards_for(user, sm), vendor_dashboard=vendor_dashboard(user, sm)
        )
