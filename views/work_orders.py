"""Work orders (工单): the list, a work order's page, the request page's panel and the API.

Every change goes through ``app.domain.work_orders``: the page's buttons are the flow table's
actions for this user (``offered_actions``), forms and API payloads are parsed here into the
domain's arguments by the same ``run_*`` functions, and a refusal comes back as a translated
flash message or a 400. Rows are read through the scoped ``base_filters``, so a vendor user
never reaches another vendor's work order (404), nor adds time or expenses to it. Named lists of
work orders ("My work orders", the due lists) are in views/work_order_lists.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.api import protect, safe
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.sqla.models import Role
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.display import blank_if_none, enum_labeller, refusal
from app.domain.errors import DomainError
from app.domain.request_flow import N_
from app.domain.sla_tracking import work_order_ola_report
from app.domain.work_order_flow import ENGINEER, may_dispatch
from app.domain.work_orders import (
    FINISHED_REQUEST,
    SIGN_OFF_STATUSES,
    WorkOrderRefused,
    add_expense,
    add_time_entry,
    create_work_order,
    offered_actions,
    perform_work_order,
    roles_of,
    sign_off,
)
from app.extensions import db
from app.security.permissions import RW_METHODS, WRITE
from app.security.roles import WORK_ORDER
from app.security.scoping import ScopeFilter, current_scope, scope_clause
from models.base import utcnow
from models.enums import ExpenseKind, WorkOrderAction, WorkOrderStatus, WorkOrderType, WorkResult
from models.organisations import Vendor
from models.service_requests import ServiceRequest
from models.users import UserAccount
from models.work_orders import Expense, TimeEntry, WorkOrder
from views.base import AppModelApi, AppModelView
from views.interfaces import LeanInterface
from views.support import HasRole

LABELS = {
    "number": _l("Work order number"),
    "request": _l("Request"),
    "request.customer": _l("Customer"),
    "work_type": _l("Type"),
    "status": _l("Status"),
    "assignee": _l("Engineer"),
    "vendor": _l("Service vendor"),
    "instructions": _l("Instructions"),
    "scheduled_start": _l("Window from"),
    "scheduled_end": _l("Window until"),
    "accepted_at": _l("Accepted at"),
    "decline_reason": _l("Reason for declining"),
    "checked_in_at": _l("Checked in at"),
    "checked_out_at": _l("Checked out at"),
    "work_done": _l("Work done"),
    "result": _l("Result"),
    "submitted_at": _l("Submitted at"),
    "approved_at": _l("Approved at"),
    "rework_reason": _l("Reason for rework"),
    "signoff_name": _l("Signed off by"),
    "signoff_at": _l("Signed off at"),
    "signature_png": _l("Signature"),
    "response_due_at": _l("Response due"),
    "resolution_due_at": _l("Resolution due"),
    "labour_cost": _l("Labour"),
    "parts_cost": _l("Parts"),
    "expense_cost": _l("Expenses"),
    "cost": _l("Total cost"),
    "version": _l("Version"),
    "created_at": _l("Created at"),
    "updated_at": _l("Updated at"),
    "minutes": _l("Minutes"),
    "hourly_cost": _l("Hourly cost"),
    "description": _l("Description"),
    "amount": _l("Amount"),
    "incurred_on": _l("Date"),
    "kind": _l("Kind"),
    # names of fields in the change history (foreign keys appear without "_id")
    "customer": _l("Customer"),
    "assignee_user": _l("Engineer"),
    "user": _l("Person"),
    "created_by": _l("Created by"),
    "started_at": _l("From"),
    "ended_at": _l("Until"),
}

# ---------------------------------------------------------------------------------------------
# Parsing form fields and JSON alike; bad input is a refusal like any other rule.
# ---------------------------------------------------------------------------------------------


def _value(values: Mapping[str, Any], key: str) -> Any:
    value = values.get(key)
    return value.strip() if isinstance(value, str) else value


def parse_moment(text: Any) -> datetime | None:
    """An ISO time; one without an offset (a datetime-local field) is wall-clock business time."""
    if text in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        raise WorkOrderRefused(N_("“%(value)s” is not a date and time like 2026-11-22 14:30."), value=text) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(current_app.config["BUSINESS_TIMEZONE"]))
    return moment.astimezone(UTC)


def parse_day(text: Any) -> date | None:
    if text in (None, ""):
        return None
    try:
        return date.fromisoformat(str(text))
    except ValueError:
        raise WorkOrderRefused(N_("“%(value)s” is not a date like 2026-11-22."), value=text) from None


def parse_member(enum_class, text: Any):
    """An enum member by its code or name ("check_in", "CHECK_IN"); None when blank."""
    if text in (None, ""):
        return None
    for member in enum_class:
        if str(text) in (member.value, member.name):
            return member
    raise WorkOrderRefused(N_("“%(value)s” is not one of the choices."), value=text)


def _number(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _record(session, model, values: Mapping[str, Any], key: str):
    """The row whose id is ``values[key]``; None when blank; refused when there is no such row."""
    raw = _value(values, key)
    if raw in (None, ""):
        return None
    number = _number(raw)
    row = session.get(model, number) if number is not None else None
    if row is None:
        raise WorkOrderRefused(N_("“%(value)s” is not one of the choices."), value=raw)
    return row


def _check_version(work_order: WorkOrder, values: Mapping[str, Any]) -> None:
    seen = _value(values, "version")
    if seen not in (None, "") and str(seen) != str(work_order.version):
        raise WorkOrderRefused(
            N_("Work order %(number)s was changed by someone else meanwhile; reload it and try again."),
            number=work_order.number,
        )


def _now() -> datetime:
    return datetime.now(UTC)


def run_create(session, service_request: ServiceRequest, values: Mapping[str, Any], user: UserAccount) -> WorkOrder:
    return create_work_order(
        session,
        service_request,
        work_type=parse_member(WorkOrderType, _value(values, "work_type")) or WorkOrderType.ON_SITE,
        actor=user,
        now=_now(),
        assignee_user=_record(session, UserAccount, values, "assignee_user_id"),
        vendor=_record(session, Vendor, values, "vendor_id"),
        scheduled_start=parse_moment(_value(values, "scheduled_start")),
        scheduled_end=parse_moment(_value(values, "scheduled_end")),
        instructions=_value(values, "instructions"),
    )


def run_action(session, work_order: WorkOrder, action_code: str, values: Mapping[str, Any], user: UserAccount) -> None:
    action = parse_member(WorkOrderAction, action_code)
    if action is None:
        raise WorkOrderRefused(N_("Choose what to do with the work order."))
    _check_version(work_order, values)
    perform_work_order(
        session,
        work_order,
        action,
        actor=user,
        roles=roles_of(user),
        now=_now(),
        reason=_value(values, "reason"),
        window=(parse_moment(_value(values, "scheduled_start")), parse_moment(_value(values, "scheduled_end"))),
        work_done=_value(values, "work_done"),
        result=parse_member(WorkResult, _value(values, "result")),
        assignee_user=_record(session, UserAccount, values, "assignee_user_id"),
        vendor=_record(session, Vendor, values, "vendor_id"),
        at=parse_moment(_value(values, "at")),
    )


def run_time(session, work_order: WorkOrder, values: Mapping[str, Any], user: UserAccount) -> TimeEntry:
    """Time of the user, or of anyone a dispatcher names."""
    return add_time_entry(
        session,
        work_order,
        user=_record(session, UserAccount, values, "user_id") or user,
        actor=user,
        started_at=parse_moment(_value(values, "started_at")),
        ended_at=parse_moment(_value(values, "ended_at")),
        description=_value(values, "description"),
        now=_now(),
    )


def run_expense(session, work_order: WorkOrder, values: Mapping[str, Any], user: UserAccount) -> Expense:
    return add_expense(
        session,
        work_order,
        kind=parse_member(ExpenseKind, _value(values, "kind")),
        amount=_value(values, "amount"),
        incurred_on=parse_day(_value(values, "incurred_on")),
        description=_value(values, "description"),
        actor=user,
        now=_now(),
        timezone=current_app.config["BUSINESS_TIMEZONE"],
    )


def run_signoff(session, work_order: WorkOrder, values: Mapping[str, Any], user: UserAccount) -> None:
    sign_off(
        session,
        work_order,
        signer_name=_value(values, "signer_name"),
        signature_png=_value(values, "signature_png"),
        now=_now(),
    )


# ---------------------------------------------------------------------------------------------
# Choices
# ---------------------------------------------------------------------------------------------


def active_engineers(session) -> list[UserAccount]:
    stmt = (
        select(UserAccount)
        .where(UserAccount.active.is_(True), UserAccount.roles.any(Role.name == ENGINEER))
        .order_by(UserAccount.username)
    )
    return list(session.scalars(stmt))


def active_vendors(session) -> list[Vendor]:
    return list(session.scalars(select(Vendor).where(Vendor.active.is_(True)).order_by(Vendor.code)))


def work_orders_panel(service_request: ServiceRequest) -> dict | None:
    """What ``desk/_work_orders.html`` shows on a request's page; None for users without work orders."""
    sm = current_app.appbuilder.sm
    if not sm.has_access("can_read", WORK_ORDER):
        return None
    session = db.session
    orders = session.scalars(
        select(WorkOrder)
        .where(WorkOrder.request_id == service_request.id, scope_clause(WorkOrder, current_scope()))
        .order_by(WorkOrder.id)
    ).all()
    dispatching = sm.has_access("can_write", WORK_ORDER) and may_dispatch(roles_of(g.user))
    return {
        "orders": orders,
        "may_create": dispatching and service_request.status not in FINISHED_REQUEST,
        "engineers": active_engineers(session) if dispatching else [],
        "vendors": active_vendors(session) if dispatching else [],
        "work_types": list(WorkOrderType),
    }


# ---------------------------------------------------------------------------------------------
# Screens
# ---------------------------------------------------------------------------------------------


DUE_COLUMNS = ("response_due_at", "resolution_due_at")


class WorkOrderInterface(LeanInterface):
    """Rows with what the list shows (the request and its customer), choices without eager chains.

    Sorted by an OLA due time, work orders without one (no OLA) come last on either backend, then by
    visit window."""

    def apply_all(self, query, *args, **kwargs):
        query = super().apply_all(query, *args, **kwargs)
        return query.options(joinedload(WorkOrder.request).joinedload(ServiceRequest.customer))

    def apply_order_by(self, query, order_column, order_direction, *args, **kwargs):
        if order_column not in DUE_COLUMNS:
            return super().apply_order_by(query, order_column, order_direction, *args, **kwargs)
        due = getattr(WorkOrder, order_column)
        due = due.desc() if order_direction == "desc" else due.asc()
        return query.order_by(due.nulls_last(), WorkOrder.scheduled_start.asc().nulls_last(), WorkOrder.id)


WORK_METHODS = ("create_for", "perform", "add_time", "add_expense", "signoff")


class WorkOrderView(AppModelView):
    """The scoped list and a work order's page; changes only through the domain (no generic add/edit)."""

    route_base = "/workorders"
    datamodel = WorkOrderInterface(WorkOrder)
    class_permission_name = WORK_ORDER
    method_permission_name = {**RW_METHODS, **dict.fromkeys(WORK_METHODS, WRITE)}
    exclude_route_methods = {"add", "edit", "delete", "action", "action_post", "download"}
    noun = _l("Work order")
    label_columns = LABELS
    show_template = "desk/work_order_show.html"
    list_columns = [
        "number",
        "request",
        "request.customer",
        "work_type",
        "status",
        "assignee",
        "vendor",
        "scheduled_start",
        "scheduled_end",
    ]
    search_columns = ["number", "status", "work_type", "assignee", "vendor", "scheduled_start", "created_at"]
    order_columns = ["number", "status", "work_type", "scheduled_start"]
    show_fieldsets = [
        (_l("Record"), {"fields": ["response_due_at", "resolution_due_at", "created_at", "updated_at", "version"]}),
    ]
    search_form_query_rel_fields = {"assignee": [["id", ScopeFilter, None], ["id", HasRole, (ENGINEER,)]]}
    formatters_columns = {
        "work_type": enum_labeller(WorkOrderType),
        "status": enum_labeller(WorkOrderStatus),
        "assignee": blank_if_none,
        "vendor": blank_if_none,
    }
    base_order = ("id", "desc")

    def _export_value(self, item, column: str):
        if column == "request.customer":
            return str(item.request.customer)
        return super()._export_value(item, column)

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        widgets = self._show(pk)  # 404 outside the user's scope
        item = self.datamodel.get(pk, self._base_filters)
        user = g.user
        session = self.datamodel.session
        actions = offered_actions(item, user, roles_of(user))
        writer = self.appbuilder.sm.has_access("can_write", WORK_ORDER)
        recording = (
            writer and item.status is not WorkOrderStatus.CANCELLED and item.request.status not in FINISHED_REQUEST
        )
        dispatching = may_dispatch(roles_of(user))
        return self.render_template(
            self.show_template,
            pk=pk,
            title=self.show_title,
            widgets=widgets,
            related_views=[],
            work_order=item,
            item=item.request,
            actions=[action for action in actions if writer],
            engineers=active_engineers(session) if WorkOrderAction.REASSIGN in actions or dispatching else [],
            vendors=active_vendors(session) if WorkOrderAction.REASSIGN in actions else [],
            results=list(WorkResult),
            expense_kinds=list(ExpenseKind),
            recording=recording,
            record_for_others=dispatching,
            may_sign=recording and item.status in SIGN_OFF_STATUSES and item.signoff_at is None,
            show_staff_details=current_scope().is_staff,
            ola=work_order_ola_report(session, item, now=utcnow()),
        )

    def _scoped(self, pk: int) -> WorkOrder:
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            abort(404)
        return item

    def _run(self, work_order: WorkOrder, change, done: str) -> Any:
        """Run a change; commit and say ``done``, or roll back and say why not. Back to the work order."""
        session = self.datamodel.session
        try:
            change()
            session.commit()
        except DomainError as error:
            session.rollback()
            flash(refusal(error), "danger")
        else:
            flash(done, "success")
        return redirect(url_for("WorkOrderView.show", pk=work_order.id))

    @expose("/new/<int:request_id>", methods=["POST"])
    @has_access
    def create_for(self, request_id: int):
        """The request page's "New work order" form."""
        session = self.datamodel.session
        service_request = session.scalars(
            select(ServiceRequest).where(ServiceRequest.id == request_id, scope_clause(ServiceRequest, current_scope()))
        ).first()
        if service_request is None:
            abort(404)
        try:
            work_order = run_create(session, service_request, request.form, g.user)
            session.commit()
        except DomainError as error:
            session.rollback()
            flash(refusal(error), "danger")
            return redirect(url_for("ServiceRequestView.show", pk=request_id))
        flash(_("Work order %(number)s created and assigned.", number=work_order.number), "success")
        return redirect(url_for("WorkOrderView.show", pk=work_order.id))

    @expose("/perform/<int:pk>/<action>", methods=["POST"])
    @has_access
    def perform(self, pk: int, action: str):
        work_order = self._scoped(pk)
        label = enum_labeller(WorkOrderAction)(action)
        return self._run(
            work_order,
            lambda: run_action(self.datamodel.session, work_order, action, request.form, g.user),
            _("Done: %(action)s.", action=label),
        )

    @expose("/time/<int:pk>", methods=["POST"])
    @has_access
    def add_time(self, pk: int):
        work_order = self._scoped(pk)
        return self._run(
            work_order,
            lambda: run_time(self.datamodel.session, work_order, request.form, g.user),
            _("Time recorded."),
        )

    @expose("/expense/<int:pk>", methods=["POST"])
    @has_access
    def add_expense(self, pk: int):
        work_order = self._scoped(pk)
        return self._run(
            work_order,
            lambda: run_expense(self.datamodel.session, work_order, request.form, g.user),
            _("Expense recorded."),
        )

    @expose("/signoff/<int:pk>", methods=["POST"])
    @has_access
    def signoff(self, pk: int):
        work_order = self._scoped(pk)
        return self._run(
            work_order,
            lambda: run_signoff(self.datamodel.session, work_order, request.form, g.user),
            _("The customer's sign-off is recorded."),
        )


# ---------------------------------------------------------------------------------------------
# REST API
# ---------------------------------------------------------------------------------------------

API_COLUMNS = [
    "id",
    "number",
    "request.id",
    "request.number",
    "request.subject",
    "customer_id",
    "work_type",
    "status",
    "assignee.id",
    "assignee.username",
    "vendor.id",
    "vendor.code",
    "scheduled_start",
    "scheduled_end",
]


def visit_details(req: ServiceRequest) -> dict:
    """What a worker (a vendor too) needs of the request to make the visit — never its notes or cost."""
    site, contact, asset = req.site, req.contact, req.asset
    return {
        "customer": {"id": req.customer_id, "name": req.customer.name},
        "site": site and {"id": site.id, "name": site.name, "address": site.address},
        "contact": contact and {"id": contact.id, "name": contact.name, "phone": contact.phone},
        "asset": asset and {"id": asset.id, "serial_number": asset.serial_number, "model": str(asset.asset_model)},
    }


class WorkOrderApi(AppModelApi):
    """Scoped work orders; ``POST /`` creates one, ``/<pk>/action|time|expenses|signoff`` change one.

    Each answers 400 with the translated reason when a rule refuses, 404 outside the caller's scope.
    """

    resource_name = "workorder"
    datamodel = SQLAInterface(WorkOrder)
    class_permission_name = WORK_ORDER
    method_permission_name = {**RW_METHODS, **dict.fromkeys(("action", "time", "expenses", "signoff"), WRITE)}
    exclude_route_methods = {"put", "delete"}
    label_columns = LABELS
    base_order = ("id", "desc")
    list_columns = API_COLUMNS
    show_columns = [
        *API_COLUMNS,
        "request.description",  # what the worker needs of the request; never its notes or cost
        "response_due_at",
        "resolution_due_at",
        "instructions",
        "accepted_at",
        "decline_reason",
        "checked_in_at",
        "checked_out_at",
        "work_done",
        "result",
        "submitted_at",
        "approved_at",
        "rework_reason",
        "signoff_name",
        "signoff_at",
        "labour_cost",
        "parts_cost",
        "expense_cost",
        "cost",
        "version",
    ]
    search_columns = ["number", "status", "work_type", "assignee", "vendor", "scheduled_start"]
    order_columns = ["id", "number", "status", "scheduled_start"]

    def pre_get(self, data: dict) -> None:
        """Add where to go and whom to meet (the page shows the same). FAB calls this only after reading the
        item through the scope, so it is in the session already: no second scoped query."""
        work_order = self.datamodel.session.get(WorkOrder, data["id"])
        data["result"].setdefault("request", {}).update(visit_details(work_order.request))

    def _payload(self) -> dict | None:
        payload = request.get_json(silent=True)
        return payload if isinstance(payload, dict) else None

    def _change(self, pk: int, change) -> Any:
        work_order = self.datamodel.get(pk, self._base_filters)
        if work_order is None:
            return self.response_404()
        payload = self._payload()
        if payload is None:
            return self.response_400(message=_("Send a JSON object."))
        session = self.datamodel.session
        try:
            created = change(session, work_order, payload)
            session.commit()
        except DomainError as error:
            session.rollback()
            return self.response_400(message=refusal(error))
        if created is not None:
            return self.response(201, id=created.id, work_order=self._state(work_order))
        return self.response(200, work_order=self._state(work_order))

    def _state(self, work_order: WorkOrder) -> dict:
        return {
            "id": work_order.id,
            "number": work_order.number,
            "status": work_order.status.name,
            "actions": [action.value for action in offered_actions(work_order, g.user, roles_of(g.user))],
            "labour_cost": str(work_order.labour_cost),
            "parts_cost": str(work_order.parts_cost),
            "expense_cost": str(work_order.expense_cost),
            "cost": str(work_order.cost),
            "version": work_order.version,
        }

    @expose("/", methods=["POST"])
    @protect()
    @safe
    def post(self):
        """Create a work order: ``request_id``, ``work_type``, ``assignee_user_id`` or ``vendor_id``, window."""
        payload = self._payload()
        if payload is None:
            return self.response_400(message=_("Send a JSON object."))
        session = self.datamodel.session
        service_request = session.scalars(
            select(ServiceRequest).where(
                ServiceRequest.id == _number(payload.get("request_id")), scope_clause(ServiceRequest, current_scope())
            )
        ).first()
        if service_request is None:
            return self.response_400(message=_("Give the request_id of a request you can see."))
        try:
            work_order = run_create(session, service_request, payload, g.user)
            session.commit()
        except DomainError as error:
            session.rollback()
            return self.response_400(message=refusal(error))
        return self.response(201, id=work_order.id, work_order=self._state(work_order))

    @expose("/<int:pk>/action", methods=["POST"])
    @protect()
    @safe
    def action(self, pk: int):
        """Take a step: ``action`` (accept, decline, schedule, check_in, submit, approve, rework, reassign, cancel)."""
        return self._change(
            pk, lambda session, wo, data: run_action(session, wo, str(data.get("action") or ""), data, g.user)
        )

    @expose("/<int:pk>/time", methods=["POST"])
    @protect()
    @safe
    def time(self, pk: int):
        """Record time: ``started_at``, ``ended_at``, ``description`` (``user_id`` for dispatchers)."""
        return self._change(pk, lambda session, wo, data: run_time(session, wo, data, g.user))

    @expose("/<int:pk>/expenses", methods=["POST"])
    @protect()
    @safe
    def expenses(self, pk: int):
        """Record an expense: ``kind``, ``amount``, ``incurred_on``, ``description``."""
        return self._change(pk, lambda session, wo, data: run_expense(session, wo, data, g.user))

    @expose("/<int:pk>/signoff", methods=["POST"])
    @protect()
    @safe
    def signoff(self, pk: int):
        """The customer's sign-off: ``signer_name``, optional ``signature_png`` (a PNG data URL)."""
        return self._change(pk, lambda session, wo, data: run_signoff(session, wo, data, g.user))


def register(appbuilder) -> None:
    from views import SERVICE_DESK, add_to_menu

    add_to_menu(appbuilder, WorkOrderView, "Work orders", _l("Work orders"), "fa-wrench", SERVICE_DESK)
    appbuilder.add_api(WorkOrderApi)
    appbuilder.app.jinja_env.globals["work_orders_panel"] = work_orders_panel
