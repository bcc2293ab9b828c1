"""Time entries as a list: "My time this week", which the engineer's workspace card opens.

Time is recorded on a work order's page (views/work_orders.py) and shown there; this list gathers one
person's entries of the business week (``app.domain.recorded_time``), each opening its work order.
Read-only: an entry is changed where it was recorded.
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, g, redirect, url_for
from flask_appbuilder import expose, has_access
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app.display import blank_if_none
from app.domain import recorded_time
from app.security.roles import WORK_ORDER
from models.base import utcnow
from models.work_orders import TimeEntry, WorkOrder
from views.base import AppModelView, NamedList
from views.interfaces import LeanInterface


class TimeEntryInterface(LeanInterface):
    """Each entry with the number of its work order, in the page's one query."""

    def apply_all(self, query, *args, **kwargs):
        query = super().apply_all(query, *args, **kwargs)
        return query.options(joinedload(TimeEntry.work_order).load_only(WorkOrder.id, WorkOrder.number))


class MyTimeThisWeekView(NamedList, AppModelView):
    route_base = "/time-entries/mine-this-week"
    datamodel = TimeEntryInterface(TimeEntry)
    class_permission_name = WORK_ORDER
    base_permissions = ["can_read"]
    exclude_route_methods = {"add", "edit", "delete", "action", "action_post", "download"}
    noun = _l("Time entry")
    rule = staticmethod(recorded_time.mine_this_week)
    title = _l("My time this week")
    list_columns = ["started_at", "ended_at", "minutes", "work_order", "description"]
    order_columns = ["started_at", "ended_at", "minutes"]
    search_columns = ["started_at", "minutes", "description"]
    base_order = ("started_at", "asc")
    label_columns = {
        "started_at": _l("From"),
        "ended_at": _l("Until"),
        "minutes": _l("Minutes"),
        "work_order": _l("Work order"),
        "description": _l("Description"),
    }
    formatters_columns = {"minutes": format_decimal, "work_order": blank_if_none}

    @classmethod
    def clause(cls) -> Any:
        return cls.rule(g.user, utcnow(), current_app.config["BUSINESS_TIMEZONE"])

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        """An entry opens on its work order's page (through this list's rule and scope: 404 for anyone else's)."""
        entry = self.datamodel.get(pk, self._base_filters)
        if entry is None:
            abort(404)
        return redirect(url_for("WorkOrderView.show", pk=entry.work_order_id))


def register(appbuilder) -> None:
    appbuilder.add_view_no_menu(MyTimeThisWeekView)
