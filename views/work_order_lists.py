"""Named work-order lists: "My work orders" and the lists the workspace cards open.

Each is ``WorkOrderView``'s list under its own URL, narrowed by one rule of ``app.domain.work_order_queues``
or ``app.domain.work_order_due`` on top of the scope; a row opens on the work order's page, where its
forms post. A card (views/workspaces.py) counts a list with the list's own ``clause``.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, g
from flask_babel import lazy_gettext as _l

from app.domain import work_order_queues
from app.domain.work_order_due import accept_due_soon, complete_due_soon, ola_breached
from models.base import utcnow
from views.base import NamedList
from views.work_orders import WORK_METHODS, WorkOrderView


class WorkOrderList(NamedList, WorkOrderView):
    """A named work-order list; its rules take the time (the due lists) unless a list says otherwise."""

    exclude_route_methods = WorkOrderView.exclude_route_methods | set(WORK_METHODS)  # the forms post to WorkOrderView
    show_endpoint = "WorkOrderView.show"

    @classmethod
    def clause(cls) -> Any:
        return cls.rule(utcnow())


class MyWorkOrderView(WorkOrderList):
    """The open work orders of the engineer, or of the vendor user's company; the soonest complete-by first
    (those without an OLA after them, by visit window)."""

    route_base = "/my-workorders"
    rule = staticmethod(work_order_queues.mine)
    title = _l("My work orders")
    list_columns = [*WorkOrderView.list_columns, "resolution_due_at"]
    order_columns = [*WorkOrderView.order_columns, "resolution_due_at"]
    base_order = ("resolution_due_at", "asc")

    @classmethod
    def clause(cls) -> Any:
        return cls.rule(g.user)


class MyVisitsTodayView(WorkOrderList):
    route_base = "/my-workorders/visits-today"
    rule = staticmethod(work_order_queues.my_visits_today)
    title = _l("My visits today")
    base_order = ("scheduled_start", "asc")

    @classmethod
    def clause(cls) -> Any:
        return cls.rule(g.user, utcnow(), current_app.config["BUSINESS_TIMEZONE"])


class MyBreachedWorkOrdersView(WorkOrderList):
    route_base = "/my-workorders/ola-breached"
    rule = staticmethod(work_order_queues.my_breached)
    title = _l("My work orders past their OLA")
    base_order = ("resolution_due_at", "asc")

    @classmethod
    def clause(cls) -> Any:
        return cls.rule(g.user, utcnow())


class AwaitingReviewView(WorkOrderList):
    route_base = "/workorders/awaiting-review"
    rule = staticmethod(work_order_queues.awaiting_review)
    title = _l("Work orders waiting for review")
    base_order = ("submitted_at", "asc")

    @classmethod
    def clause(cls) -> Any:
        return cls.rule()


class VisitsTodayView(WorkOrderList):
    route_base = "/workorders/visits-today"
    rule = staticmethod(work_order_queues.visits_today)
    title = _l("Today's visits")
    base_order = ("scheduled_start", "asc")

    @classmethod
    def clause(cls) -> Any:
        return cls.rule(utcnow(), current_app.config["BUSINESS_TIMEZONE"])


class AcceptDueSoonView(WorkOrderList):
    route_base = "/workorders/accept-due-soon"
    rule = staticmethod(accept_due_soon)
    title = _l("Accept by, due within 4 hours")
    base_order = ("response_due_at", "asc")


class CompleteDueSoonView(WorkOrderList):
    route_base = "/workorders/complete-due-soon"
    rule = staticmethod(complete_due_soon)
    title = _l("Complete by, due within 24 hours")
    base_order = ("resolution_due_at", "asc")


class OlaBreachedView(WorkOrderList):
    route_base = "/workorders/ola-breached"
    rule = staticmethod(ola_breached)
    title = _l("OLA breached")


def register(appbuilder) -> None:
    """ "My work orders" in the menu (after "Work orders", views/work_orders.py); the others open from cards."""
    from views import SERVICE_DESK, add_to_menu

    add_to_menu(appbuilder, MyWorkOrderView, "My work orders", _l("My work orders"), "fa-user-circle", SERVICE_DESK)
    for view in (
        MyVisitsTodayView,
        MyBreachedWorkOrdersView,
        AwaitingReviewView,
        VisitsTodayView,
        AcceptDueSoonView,
        CompleteDueSoonView,
        OlaBreachedView,
    ):
        appbuilder.add_view_no_menu(view)
