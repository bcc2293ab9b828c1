"""Role workspaces: the cards each role lands on, and the dispatcher's backlog per support group.

A role's cards are its work (a dispatcher's unassigned requests, a vendor's OLA due times), each
opening the list it counts (views/cards.py); the catalog counts stay for the roles that keep the
catalogs. Vendor users also get their dashboard (views/home.py). A card whose rule is not obvious
from its label says how it is defined (``note``).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from app.domain.request_queues import open_requests
from app.domain.sla_tracking import WORK_ORDER_RESOLUTION_RUNNING
from app.domain.work_order_due import complete_running
from app.extensions import db
from app.security.roles import ADMIN, CUSTOMER, DIRECTORY, ROLE_GRANTS, VENDOR, WORK_ORDER
from app.security.scoping import Scope, current_scope, scope_clause
from models.organisations import Customer, Vendor
from models.service_requests import ServiceRequest
from models.support import SupportGroup
from models.users import UserAccount
from models.work_orders import TimeEntry, WorkOrder
from views.cards import CountCard, ShownCard, active, listed, role_member, shown, work_order_statuses
from views.job_log import FailedJobRunsView
from views.notifications import StuckMailView
from views.request_queues import (
    BreachedRequestsView,
    MyBreachedRequestsView,
    MyOpenRequestsView,
    OpenRequestsView,
    PendingCustomerRequestsView,
    ResponseDueSoonView,
    UnassignedRequestsView,
)
from views.time_entries import MyTimeThisWeekView
from views.work_order_lists import (
    AcceptDueSoonView,
    AwaitingReviewView,
    CompleteDueSoonView,
    MyBreachedWorkOrdersView,
    MyVisitsTodayView,
    MyWorkOrderView,
    OlaBreachedView,
    VisitsTodayView,
)

# ---------------------------------------------------------------------------------------------
# Catalogs and accounts
# ---------------------------------------------------------------------------------------------

ACTIVE_CUSTOMERS = CountCard(
    _l("Active customers"), Customer, "CustomerView.list", CUSTOMER, condition=active(Customer)
)
ACTIVE_VENDORS = CountCard(_l("Active service vendors"), Vendor, "VendorView.list", VENDOR, condition=active(Vendor))
ENGINEERS = CountCard(_l("Engineers"), UserAccount, "DirectoryView.list", DIRECTORY, condition=role_member("Engineer"))
DISPATCHERS = CountCard(
    _l("Dispatchers"), UserAccount, "DirectoryView.list", DIRECTORY, condition=role_member("Dispatcher")
)
ACCOUNTS = CountCard(
    _l("Active user accounts"), UserAccount, "UserAccountView.list", "UserAccountView", "can_list", active(UserAccount)
)
DISABLED_ACCOUNTS = CountCard(
    _l("Disabled user accounts"),
    UserAccount,
    "UserAccountView.list",
    "UserAccountView",
    "can_list",
    active(UserAccount, False),
)
COLLEAGUES = CountCard(
    _l("Active accounts of my organisation"),
    UserAccount,
    "DirectoryView.list",
    DIRECTORY,
    condition=active(UserAccount),
)
DISABLED_COLLEAGUES = CountCard(
    _l("Disabled accounts of my organisation"),
    UserAccount,
    "DirectoryView.list",
    DIRECTORY,
    condition=active(UserAccount, False),
)
MY_VENDOR = CountCard(_l("My service vendor"), Vendor, "VendorView.list", VENDOR)
MY_CUSTOMER = CountCard(_l("My company"), Customer, "CustomerView.list", CUSTOMER)

# ---------------------------------------------------------------------------------------------
# Work orders by their OLA due times (the vendor's dashboard)
# ---------------------------------------------------------------------------------------------

OPEN_WORK_ORDERS = CountCard(
    _l("Open work orders"),
    WorkOrder,
    "WorkOrderView.list",
    WORK_ORDER,
    condition=work_order_statuses(complete_running, WORK_ORDER_RESOLUTION_RUNNING),
)
ACCEPT_DUE_SOON = listed(AcceptDueSoonView, _l("Accept by, due within 4 hours"))
COMPLETE_DUE_SOON = listed(CompleteDueSoonView, _l("Complete by, due within 24 hours"))
OLA_BREACHED = listed(
    OlaBreachedView,
    _l("OLA breached"),
    note=_l(
        "Open work orders past their accept-by or complete-by time, and those accepted or submitted "
        "after it in the last 30 days."
    ),
)
VENDOR_WORK_CARDS = (OPEN_WORK_ORDERS, ACCEPT_DUE_SOON, COMPLETE_DUE_SOON, OLA_BREACHED)

# ---------------------------------------------------------------------------------------------
# The dispatcher's work
# ---------------------------------------------------------------------------------------------

DISPATCHER_CARDS = (
    listed(
        UnassignedRequestsView,
        _l("Unassigned requests"),
        note=_l("Open requests with no engineer, support group or vendor yet."),
    ),
    listed(
        ResponseDueSoonView,
        _l("Response due within 1 hour"),
        note=_l("Open requests nobody has answered yet, their response due within the next hour."),
    ),
    listed(
        BreachedRequestsView,
        _l("SLA breached"),
        note=_l("Open requests answered late, or past their response or resolution due time."),
    ),
    listed(PendingCustomerRequestsView, _l("Waiting for the customer")),
    listed(
        AwaitingReviewView,
        _l("Work orders waiting for review"),
        note=_l("Submitted by the engineer or vendor: approve them or send them back."),
    ),
    listed(
        VisitsTodayView,
        _l("Today's visits"),
        note=_l("Work orders whose visit window starts today, unless declined or cancelled."),
    ),
)

# ---------------------------------------------------------------------------------------------
# The engineer's own work
# ---------------------------------------------------------------------------------------------

ENGINEER_CARDS = (
    listed(
        MyOpenRequestsView,
        _l("My open requests"),
        note=_l("Assigned to me and not resolved yet; the earliest resolution due first."),
    ),
    listed(
        MyWorkOrderView,
        _l("My open work orders"),
        note=_l("Assigned to me, not yet approved or cancelled; the earliest complete-by first."),
    ),
    listed(MyVisitsTodayView, _l("My visits today")),
    listed(
        MyBreachedRequestsView,
        _l("My requests past their SLA"),
        note=_l("My open requests answered late, or past their response or resolution due time."),
    ),
    listed(
        MyBreachedWorkOrdersView,
        _l("My work orders past their OLA"),
        note=_l("Past their accept-by or complete-by time, or accepted or submitted after it in the last 30 days."),
    ),
    listed(
        MyTimeThisWeekView,
        _l("My time this week (hours)"),
        note=_l("The time entries I recorded that start this week, Monday to Sunday."),
        minutes=TimeEntry.minutes,
    ),
)

# ---------------------------------------------------------------------------------------------
# The administrator's system health (then the catalog counts). Imports are not recorded anywhere
# (app/imports writes the rows and discards the upload), so there is no "last import" to show.
# ---------------------------------------------------------------------------------------------

SYSTEM_HEALTH_CARDS = (
    listed(
        FailedJobRunsView,
        _l("Failed job runs, last 24 hours"),
        note=_l("Runs of the periodic jobs that ended in an error; the job log has the traceback."),
    ),
    listed(
        StuckMailView,
        _l("Mail stuck in the outbox"),
        note=_l("Mail that failed for good, or still waiting more than 15 minutes after its next try was due."),
    ),
)

ROLE_CARDS: dict[str, tuple[CountCard, ...]] = {
    ADMIN: (*SYSTEM_HEALTH_CARDS, ACCOUNTS, DISABLED_ACCOUNTS, ACTIVE_CUSTOMERS, ACTIVE_VENDORS),
    "Manager": (ACTIVE_CUSTOMERS, ACTIVE_VENDORS, ENGINEERS, DISPATCHERS),
    "Dispatcher": DISPATCHER_CARDS,
    "Engineer": ENGINEER_CARDS,
    "Vendor": (*VENDOR_WORK_CARDS, MY_VENDOR, COLLEAGUES, DISABLED_COLLEAGUES),
    "Customer": (MY_CUSTOMER, COLLEAGUES, DISABLED_COLLEAGUES),
}
assert set(ROLE_CARDS) == {ADMIN, *ROLE_GRANTS}, "every built-in role needs landing cards"


def cards_for(user, sm) -> list[ShownCard]:
    """The cards of the user's roles that the user may open, counted in their scope."""
    wanted: list[CountCard] = []
    for role in user.roles:
        for card in ROLE_CARDS.get(role.name, ()):
            if card not in wanted and sm.has_access(card.permission, card.resource):
                wanted.append(card)
    return shown(wanted, sm, current_scope())


# ---------------------------------------------------------------------------------------------
# The dispatcher's backlog per support group
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupBacklog:
    """One active support group's open requests, and the link to exactly those."""

    group: str
    count: int
    url: str


def backlog_by_group(session, scope: Scope) -> list[tuple[int, str, int]]:
    """(group id, name, open requests assigned to it) for every active group, none left out; one statement."""
    assigned = and_(
        ServiceRequest.assignee_group_id == SupportGroup.id, open_requests(), scope_clause(ServiceRequest, scope)
    )
    stmt = (
        select(SupportGroup.id, SupportGroup.name, func.count(ServiceRequest.id))
        .outerjoin(ServiceRequest, assigned)
        .where(SupportGroup.active.is_(True))
        .group_by(SupportGroup.id, SupportGroup.name, SupportGroup.tier)
        .order_by(SupportGroup.tier, SupportGroup.name)
    )
    return [tuple(row) for row in session.execute(stmt)]


def group_backlog(user, sm) -> list[GroupBacklog] | None:
    """A dispatcher's open requests per support group (each opening "Open requests" of that group); None for
    other roles and for a dispatcher who may not open the list."""
    view = OpenRequestsView
    if not any(role.name == "Dispatcher" for role in user.roles) or not sm.has_access(
        "can_read", view.class_permission_name
    ):
        return None
    return [
        GroupBacklog(name, count, url_for(f"{view.__name__}.list", _flt_0_assignee_group=group_id))
        for group_id, name, count in backlog_by_group(db.session, current_scope())
    ]
