"""Request queues (named request lists): one rule each over the rows the user may see.

Each queue is ``ServiceRequestView``'s list and actions under its own URL, narrowed by one rule of
``app.domain.request_queues`` or ``app.domain.request_due``; a request opens on the request page.
The workspace cards (views/workspaces.py) count a queue with its own ``clause``. Queues are staff's:
customers follow their requests on "All requests" (scoped to them).
"""

from __future__ import annotations

from typing import Any

from flask import current_app, g
from flask_babel import lazy_gettext as _l

from app.domain import request_due, request_queues
from app.security.roles import REQUEST_QUEUE
from models.base import utcnow
from views.base import NamedList
from views.service_requests import ServiceRequestView


class NamedListView(NamedList, ServiceRequestView):
    """A request queue; its rules take the logged-in user."""

    class_permission_name = REQUEST_QUEUE
    show_endpoint = "ServiceRequestView.show"

    @classmethod
    def clause(cls) -> Any:
        return cls.rule(g.user)


class MyOpenRequestsView(NamedListView):
    route_base = "/requests/mine"
    rule = staticmethod(request_queues.mine)
    title = _l("My open requests")
    base_order = ("resolution_due_at", "asc")


class MyBreachedRequestsView(NamedListView):
    route_base = "/requests/mine/sla-breached"
    rule = staticmethod(request_queues.my_breached)
    title = _l("My requests past their SLA")
    base_order = ("resolution_due_at", "asc")

    @classmethod
    def clause(cls) -> Any:
        return cls.rule(g.user, utcnow())


class GroupQueueView(NamedListView):
    route_base = "/requests/my-group"
    rule = staticmethod(request_queues.my_groups)
    title = _l("My group's queue")


class UnassignedRequestsView(NamedListView):
    route_base = "/requests/unassigned"
    rule = staticmethod(request_queues.unassigned)
    title = _l("Unassigned requests")


class DueTodayRequestsView(NamedListView):
    route_base = "/requests/due-today"
    rule = staticmethod(request_queues.due_today)
    title = _l("Due today")
    base_order = ("resolution_due_at", "asc")

    @classmethod
    def clause(cls) -> Any:
        return cls.rule(utcnow(), current_app.config["BUSINESS_TIMEZONE"])


class OpenRequestsView(NamedListView):
    """Every open request; the dispatcher's backlog of a support group opens it filtered by that group."""

    route_base = "/requests/open"
    rule = staticmethod(request_queues.open_requests)
    title = _l("Open requests")
    base_order = ("resolution_due_at", "asc")

    @classmethod
    def clause(cls) -> Any:
        return cls.rule()


class SLAListView(NamedListView):
    """A request queue by SLA due times (``app.domain.request_due``); its rules take the time."""

    @classmethod
    def clause(cls) -> Any:
        return cls.rule(utcnow())


class BreachedRequestsView(SLAListView):
    route_base = "/requests/sla-breached"
    rule = staticmethod(request_due.breached)
    title = _l("SLA breached")
    base_order = ("resolution_due_at", "asc")


class DueSoonRequestsView(SLAListView):
    route_base = "/requests/due-within-an-hour"
    rule = staticmethod(request_due.due_soon)
    title = _l("Due within 1 hour")
    base_order = ("resolution_due_at", "asc")


def _with_response_due(columns: list[str]) -> list[str]:
    return [("response_due_at" if column == "resolution_due_at" else column) for column in columns]


class ResponseDueSoonView(SLAListView):
    """Requests to pick up: the response due time replaces the resolution's in the columns."""

    route_base = "/requests/response-due-within-an-hour"
    rule = staticmethod(request_due.response_due_soon)
    title = _l("Response due within 1 hour")
    list_columns = _with_response_due(ServiceRequestView.list_columns)
    order_columns = _with_response_due(ServiceRequestView.order_columns)
    base_order = ("response_due_at", "asc")


class PausedRequestsView(SLAListView):
    route_base = "/requests/sla-paused"
    rule = staticmethod(request_due.paused)
    title = _l("SLA clock paused")


class PendingCustomerRequestsView(NamedListView):
    route_base = "/requests/pending-customer"
    rule = staticmethod(request_queues.pending_customer)
    title = _l("Waiting for the customer")


NAMED_LISTS = (
    (MyOpenRequestsView, "My open requests", _l("My open requests"), "fa-user"),
    (GroupQueueView, "My group's queue", _l("My group's queue"), "fa-users"),
    (UnassignedRequestsView, "Unassigned requests", _l("Unassigned requests"), "fa-inbox"),
    (DueTodayRequestsView, "Due today", _l("Due today"), "fa-clock-o"),
    (DueSoonRequestsView, "Due within 1 hour", _l("Due within 1 hour"), "fa-hourglass-end"),
    (BreachedRequestsView, "SLA breached", _l("SLA breached"), "fa-exclamation-triangle"),
    (PausedRequestsView, "SLA clock paused", _l("SLA clock paused"), "fa-pause-circle"),
    (PendingCustomerRequestsView, "Waiting for the customer", _l("Waiting for the customer"), "fa-hourglass-half"),
)


def register(appbuilder) -> None:
    """The queues' menu entries, before "All requests" (views/service_requests.py registers it next); the
    workspace cards open the others."""
    from views import SERVICE_DESK, add_to_menu

    for view, name, label, icon in NAMED_LISTS:
        add_to_menu(appbuilder, view, name, label, icon, SERVICE_DESK)
    for view in (MyBreachedRequestsView, OpenRequestsView, ResponseDueSoonView):
        appbuilder.add_view_no_menu(view)
