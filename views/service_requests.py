"""Service requests (服务请求): "All requests", the request page, its actions, and the REST API.

The queues people work from (mine, unassigned, SLA breached, …) are this list under a rule each, in
views/request_queues.py.

Thin on purpose: every rule is in ``app.domain.service_requests`` (and the role × transition table
in ``app.domain.request_flow``); this module reads input, calls one domain function, words the
refusal in the user's language, and renders. Customers see only their own company's requests
(``ServiceRequest.__scope__``) and only the replies among the notes; every POST here re-reads the
request through the scope, since FAB's actions fetch rows unfiltered.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import current_app, flash, g, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.actions import action
from flask_appbuilder.api import protect, safe
from flask_appbuilder.models.filters import BaseFilter
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select
from sqlalchemy.orm.exc import StaleDataError
from wtforms import HiddenField

from app.display import blank_if_none, refusal
from app.domain.errors import DomainError, ValidationError
from app.domain.request_flow import allowed_actions
from app.domain.service_requests import (
    RequestDraft,
    RequestRefused,
    add_note,
    assign,
    check_editable,
    create_request,
    escalate,
    merge,
    perform,
    revise_request,
)
from app.extensions import db
from app.history import readable
from app.security.permissions import READ, RW_METHODS, WRITE
from app.security.roles import REQUEST
from app.security.scoping import current_scope, scope_clause, scoped_base_filters
from models.assets import Asset
from models.base import utcnow
from models.contracts import Contract
from models.enums import Channel, NoteKind, Priority, RequestAction, RequestStatus, RequestType
from models.history import ChangeLog
from models.organisations import Contact, Customer, Site, Vendor
from models.service_catalog import ServiceCategory
from models.service_requests import RequestNote, ServiceRequest
from models.sla import SLA
from models.support import SupportGroup
from models.users import UserAccount
from views import request_sla
from views.base import AppModelApi, AppModelView
from views.interfaces import LabelledInterface

S = RequestStatus
NOT_ALLOWED = "not_allowed"  # a permission nobody holds: requests are opened by intake/API, never deleted

LABELS = {
    "number": _l("Request number"),
    "subject": _l("Subject"),
    "description": _l("Description"),
    "request_type": _l("Type"),
    "channel": _l("Channel"),
    "customer": _l("Customer"),
    "contact": _l("Contact"),
    "site": _l("Site"),
    "asset": _l("Asset"),
    "category": _l("Category"),
    "contract": _l("Contract"),
    "impact": _l("Impact"),
    "urgency": _l("Urgency"),
    "priority": _l("Priority"),
    "priority_override_reason": _l("Reason for the priority override"),
    "status": _l("Status"),
    "assignee_name": _l("Assignee"),
    "assignee": _l("Engineer"),
    "assignee_user": _l("Engineer"),
    "assignee_group": _l("Support group"),
    "assignee_vendor": _l("Vendor"),
    "escalation_level": _l("Escalation level"),
    "sla": _l("SLA"),
    "response_due_at": _l("Response due"),
    "resolution_due_at": _l("Resolution due"),
    "first_response_at": _l("First response"),
    "started_at": _l("Work started"),
    "resolved_at": _l("Resolved at"),
    "closed_at": _l("Closed at"),
    "resolution": _l("Resolution"),
    "resolution_business_minutes": _l("Working minutes to resolve"),
    "reopen_count": _l("Times reopened"),
    "cost": _l("Cost"),
    "satisfaction_rating": _l("Satisfaction"),
    "satisfaction_comment": _l("Customer comment"),
    "merged_into": _l("Merged into"),
    "created_by": _l("Created by"),
    "created_at": _l("Created at"),
    "updated_at": _l("Updated at"),
    "version": _l("Version"),
    "expected_version": _l("Version"),
}


# ---------------------------------------------------------------------------------------------
# Helpers shared by screens and API
# ---------------------------------------------------------------------------------------------


def user_roles() -> set[str]:
    return {role.name for role in getattr(g.user, "roles", ())}


def stale_message(session, request_id: int) -> str:
    """ "Changed by X at T, reload": X and T from the request's newest change_log row."""
    row = session.scalars(
        select(ChangeLog)
        .where(ChangeLog.entity == "service_request", ChangeLog.entity_id == request_id)
        .order_by(ChangeLog.id.desc())
        .limit(1)
    ).first()
    who = _("someone")
    if row is not None and row.actor_id is not None:
        actor = session.get(UserAccount, row.actor_id)
        who = actor.get_full_name() if actor is not None else who
    elif row is not None and row.actor_label:
        who = row.actor_label
    when = format_datetime(row.changed_at) if row is not None else ""
    return _(
        "This request was changed by %(who)s at %(when)s after you opened it. Reload it and make your change again.",
        who=who,
        when=when,
    )


def is_stale_error(error: BaseException | None) -> bool:
    return isinstance(error, StaleDataError) or isinstance(getattr(error, "__cause__", None), StaleDataError)


def assignee_text(item: ServiceRequest) -> str:
    """The engineer (and group), the group's queue, or the vendor."""
    if item.assignee_vendor is not None:
        return str(item.assignee_vendor)
    parts = [item.assignee.get_full_name() if item.assignee is not None else None, item.assignee_group]
    return " / ".join(str(part) for part in parts if part)


class RequestInterface(LabelledInterface):
    """Adds the derived "assignee_name" column (engineer, group or vendor) to lists and exports, and sorts
    the "customer" column by the customer's code (FAB cannot order by a relation itself)."""

    def _get_attr_value(self, item, col):
        if col == "assignee_name" and isinstance(item, ServiceRequest):
            return assignee_text(item)
        return super()._get_attr_value(item, col)

    def apply_order_by(self, query, order_column, order_direction, *args, **kwargs):
        if order_column == "customer":
            order_column = "customer.code"
        return super().apply_order_by(query, order_column, order_direction, *args, **kwargs)


# ---------------------------------------------------------------------------------------------
# Screens
# ---------------------------------------------------------------------------------------------


class SameCustomer(BaseFilter):
    """Contact, site and asset choices of the edited request's customer only."""

    name = "Same customer"

    def apply(self, query, value):
        pk = request.view_args.get("pk") if request and request.view_args else None
        item = db.session.get(ServiceRequest, int(pk)) if pk is not None else None
        return query.filter(self.model.customer_id == (item.customer_id if item is not None else None))


EDIT_COLUMNS = [
    "subject",
    "description",
    "request_type",
    "channel",
    "contact",
    "site",
    "asset",
    "category",
    "impact",
    "urgency",
    "priority",
    "priority_override_reason",
    "expected_version",
]
LIST_COLUMNS = [
    "number",
    "subject",
    "customer",
    "priority",
    "status",
    "assignee_name",
    "resolution_due_at",
    "created_at",
]
RELATIONS = ("contact", "site", "asset", "category", "contract", "sla", "assignee", "assignee_group", "assignee_vendor",
             "created_by")  # fmt: skip
SHOW_FIELDSETS = [
    (_l("Request"), {"fields": ["number", "request_type", "channel", "status", "subject", "description"]}),
    (_l("Customer"), {"fields": ["customer", "contact", "site", "asset", "category", "contract"]}),
    (_l("Priority"), {"fields": ["impact", "urgency", "priority", "priority_override_reason"]}),
    (_l("Dispatch"), {"fields": ["assignee", "assignee_group", "assignee_vendor", "escalation_level"]}),
    (
        _l("SLA and times"),
        {"fields": ["sla", "response_due_at", "resolution_due_at", "first_response_at", "started_at",
                    "resolved_at", "closed_at", "created_at", "created_by"]},
    ),
    (
        _l("Resolution"),
        {"fields": ["resolution", "cost", "satisfaction_rating", "satisfaction_comment", "merged_into"]},
    ),
]  # fmt: skip


class ServiceRequestView(AppModelView):
    """All requests (filterable by customer); the request page with its actions, notes and timeline."""

    route_base = "/requests"
    datamodel = RequestInterface(ServiceRequest)
    class_permission_name = REQUEST
    noun = _l("Service request")
    base_permissions = ["can_read", "can_write"]
    method_permission_name = {
        **RW_METHODS,
        "add": NOT_ALLOWED,
        "delete": NOT_ALLOWED,
        "api_create": NOT_ALLOWED,
        "api_delete": NOT_ALLOWED,
        # Customers confirm, reopen and reply: the transition table and the domain decide who may.
        "act": READ,
        "note": READ,
        "assign_to": WRITE,
        "escalate_request": WRITE,
        "merge_into": WRITE,
        "bulk_assign": WRITE,
        "bulk_assign_form": WRITE,
        "bulk_close": WRITE,
    }
    label_columns = LABELS
    list_columns = LIST_COLUMNS
    export_columns = [*LIST_COLUMNS, "request_type", "channel", "category", "contact", "site", "response_due_at"]
    order_columns = ["number", "subject", "customer", "priority", "status", "resolution_due_at", "created_at"]
    search_columns = [
        "number",
        "subject",
        "customer",
        "status",
        "priority",
        "request_type",
        "channel",
        "category",
        "assignee",
        "assignee_group",
        "assignee_vendor",
        "resolution_due_at",
        "created_at",
    ]
    show_fieldsets = SHOW_FIELDSETS
    edit_columns = EDIT_COLUMNS
    edit_form_extra_fields = {"expected_version": HiddenField()}
    edit_form_query_rel_fields = {
        "contact": [["id", SameCustomer, None]],
        "site": [["id", SameCustomer, None]],
        "asset": [["id", SameCustomer, None]],
    }
    description_columns = {
        "priority": _l("Follows impact × urgency; choosing another priority needs a reason"),
        "impact": _l("1 (highest) to 4 (lowest)"),
        "urgency": _l("1 (highest) to 4 (lowest)"),
    }
    formatters_columns = {
        **dict.fromkeys(RELATIONS, blank_if_none),
        "merged_into": lambda value: value.number if value is not None else "",
    }
    show_template = "desk/request_show.html"
    base_order = ("created_at", "desc")

    # ------------------------------------------------------------------ edit (version-checked)

    def _export_value(self, item, column: str):
        if column == "assignee_name":
            return assignee_text(item)
        return super()._export_value(item, column)

    def _one(self, pk) -> ServiceRequest | None:
        """The request through the user's scope (FAB's actions read rows unfiltered; a named list's own
        rule does not apply to its row's page and actions)."""
        return self.datamodel.get(int(pk), self.datamodel.get_filters().add_filter_list(scoped_base_filters()))

    @expose("/edit/<pk>", methods=["GET", "POST"])
    @has_access
    def edit(self, pk):
        item = self._one(pk)
        if item is not None:
            try:
                check_editable(item)
            except RequestRefused as error:
                flash(refusal(error), "danger")
                return redirect(url_for("ServiceRequestView.show", pk=item.id))
        return super().edit(pk)

    def prefill_form(self, form, pk) -> None:
        item = self._one(pk)
        if item is not None:
            form.expected_version.data = item.version

    def pre_update(self, item) -> None:
        session = self.datamodel.session
        expected = str(getattr(item, "expected_version", "") or "")
        if expected != str(item.version):
            session.rollback()  # first: the populated form must not be flushed by the query below
            raise ValidationError(stale_message(session, item.id))
        try:
            revise_request(session, item, now=datetime.now(UTC))
        except DomainError as error:
            session.rollback()
            raise ValidationError(refusal(error)) from error

    @property
    def database_error_message(self) -> str:
        """FAB flashes this when saving fails; a version clash (StaleDataError) is worded for people."""
        error = sys.exc_info()[1]
        if is_stale_error(error) and request.view_args and "pk" in request.view_args:
            return stale_message(self.datamodel.session, int(request.view_args["pk"]))
        return _("The change could not be saved.")

    # ------------------------------------------------------------------ the request page

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        item = self._one(pk)
        if item is None:
            return self.redirect_missing()
        allowed = allowed_actions(user_roles(), item.status)
        staff = current_scope().is_staff
        return self.render_template(
            self.show_template,
            pk=item.id,
            title=self.show_title,
            widgets=self._show(item.id),
            related_views=self._related_views,
            history_entity=None,  # the timeline below shows it, with notes and work orders
            item=item,
            actions=allowed,
            staff=staff,
            may_dispatch=RequestAction.ASSIGN in allowed,
            may_edit=item.status not in (S.CLOSED, S.CANCELLED) and self.appbuilder.sm.has_access("can_write", REQUEST),
            notes=visible_notes(item, staff),
            timeline=timeline(item) if staff else [],
            choices=dispatch_choices() if staff else None,
            note_kinds=list(NoteKind) if staff else [NoteKind.REPLY],
            **request_sla.page_context(item),
        )

    def redirect_missing(self):
        flash(_("That request does not exist or is not yours to see."), "danger")
        return redirect(url_for("ServiceRequestView.list"))

    def _back(self, item_id: int):
        return redirect(url_for("ServiceRequestView.show", pk=item_id))

    def _run(self, item_id: int, success: str, change) -> Any:
        """Call a domain function; commit and say so, or roll back and say why."""
        try:
            change()
        except DomainError as error:
            db.session.rollback()
            flash(refusal(error), "danger")
        except StaleDataError:
            db.session.rollback()
            flash(stale_message(db.session, item_id), "danger")
        else:
            db.session.commit()
            flash(success, "success")
        return self._back(item_id)

    @expose("/act/<int:pk>", methods=["POST"])
    @has_access
    def act(self, pk):
        item = self._one(pk)
        if item is None:
            return self.redirect_missing()
        try:
            chosen = RequestAction[request.form.get("action", "")]
        except KeyError:
            flash(_("Choose an action."), "danger")
            return self._back(item.id)
        return self._run(
            item.id,
            _("%(number)s: %(action)s done.", number=item.number, action=chosen.label),
            lambda: perform_from(item, chosen, request.form),
        )

    @expose("/assign/<int:pk>", methods=["POST"])
    @has_access
    def assign_to(self, pk):
        item = self._one(pk)
        if item is None:
            return self.redirect_missing()
        return self._run(
            item.id, _("%(number)s is assigned.", number=item.number), lambda: assign_from(item, request.form)
        )

    @expose("/escalate/<int:pk>", methods=["POST"])
    @has_access
    def escalate_request(self, pk):
        item = self._one(pk)
        if item is None:
            return self.redirect_missing()
        return self._run(
            item.id, _("%(number)s is escalated.", number=item.number), lambda: escalate_from(item, request.form)
        )

    @expose("/note/<int:pk>", methods=["POST"])
    @has_access
    def note(self, pk):
        item = self._one(pk)
        if item is None:
            return self.redirect_missing()
        kind = NoteKind.__members__.get(request.form.get("kind", ""), NoteKind.REPLY)
        return self._run(
            item.id,
            _("The note is saved."),
            lambda: add_note(
                db.session, item, kind=kind, body=request.form.get("body", ""), actor=g.user, now=datetime.now(UTC)
            ),
        )

    @expose("/merge/<int:pk>", methods=["POST"])
    @has_access
    def merge_into(self, pk):
        item = self._one(pk)
        if item is None:
            return self.redirect_missing()
        number = (request.form.get("into") or "").strip()
        into = db.session.scalars(
            select(ServiceRequest).where(ServiceRequest.number == number, scope_clause(ServiceRequest, current_scope()))
        ).first()
        if into is None:
            flash(_("There is no request %(number)s.", number=number or "—"), "danger")
            return self._back(item.id)
        return self._run(
            item.id,
            _("%(number)s is merged into %(into)s.", number=item.number, into=into.number),
            lambda: merge(db.session, item, into, actor=g.user, roles=user_roles(), now=datetime.now(UTC), translate=_),
        )

    # ------------------------------------------------------------------ bulk actions

    @action("bulk_close", _l("Close"), _l("Close the selected resolved requests?"), "fa-check", single=False)
    def bulk_close(self, items):
        now = datetime.now(UTC)
        self._each(items, lambda item: perform(db.session, item, RequestAction.CLOSE, actor=g.user,
                                               roles=user_roles(), now=now))  # fmt: skip
        return redirect(self.get_redirect())

    @action("bulk_assign", _l("Assign"), None, "fa-user", single=False)
    def bulk_assign(self, items):
        ids = ",".join(str(item.id) for item in items if item is not None)
        return redirect(url_for("ServiceRequestView.bulk_assign_form", ids=ids))

    @expose("/bulk-assign", methods=["GET", "POST"])
    @has_access
    def bulk_assign_form(self):
        ids = [int(part) for part in (request.values.get("ids") or "").split(",") if part.strip().isdigit()]
        if request.method == "POST":
            targets = chosen_targets(request.form)
            items = [db.session.get(ServiceRequest, pk) for pk in ids]
            now = datetime.now(UTC)
            self._each(items, lambda item: assign(db.session, item, actor=g.user, roles=user_roles(), now=now,
                                                   translate=_, **targets))  # fmt: skip
            return redirect(url_for("ServiceRequestView.list"))
        items = [item for item in (self._one(pk) for pk in ids) if item is not None]
        return self.render_template(
            "desk/request_bulk_assign.html", items=items, ids=",".join(str(i.id) for i in items),
            choices=dispatch_choices(), title=_("Assign requests"),
        )  # fmt: skip

    def _each(self, items, change) -> None:
        """Apply ``change`` per row, each in its own savepoint: report what was done and each refusal."""
        done, refused = [], []
        for item in items:
            scoped = self._one(item.id) if item is not None else None
            if scoped is None:
                refused.append(_("a request that is not yours to see"))
                continue
            try:
                with db.session.begin_nested():
                    change(scoped)
            except (DomainError, StaleDataError) as error:
                reason = refusal(error) if isinstance(error, DomainError) else stale_message(db.session, scoped.id)
                refused.append(f"{scoped.number}: {reason}")
            else:
                done.append(scoped.number)
        db.session.commit()
        if done:
            flash(_("Done for %(count)s: %(numbers)s", count=len(done), numbers=_(", ").join(done)), "success")
        for line in refused:
            flash(_("Refused: %(reason)s", reason=line), "danger")


def chosen_targets(form) -> dict[str, Any]:
    """The engineer, group and vendor chosen in an assign form or API body (ids → rows; blank → None)."""

    def row(model, key):
        value = str(form.get(key) or "").strip()
        return db.session.get(model, int(value)) if value.isdigit() else None

    return {
        "user": row(UserAccount, "user_id"),
        "group": row(SupportGroup, "group_id"),
        "vendor": row(Vendor, "vendor_id"),
    }


def _acting() -> dict[str, Any]:
    """Who acts, as every request rule wants it."""
    return {"actor": g.user, "roles": user_roles(), "now": datetime.now(UTC), "translate": _}


def perform_from(item: ServiceRequest, chosen: RequestAction, values) -> None:
    """An action from a form or an API body (``resolution``, ``reason``)."""
    perform(db.session, item, chosen, resolution=values.get("resolution"), reason=values.get("reason"), **_acting())


def assign_from(item: ServiceRequest, values) -> None:
    """An assignment from a form or an API body (``user_id``/``group_id``/``vendor_id``, ``reason``)."""
    assign(db.session, item, reason=values.get("reason"), **chosen_targets(values), **_acting())


def escalate_from(item: ServiceRequest, values) -> None:
    """An escalation from a form or an API body (``reason``, ``vendor_id`` from L3)."""
    vendor = chosen_targets(values)["vendor"]
    escalate(db.session, item, reason=values.get("reason"), vendor=vendor, **_acting())


def dispatch_choices() -> dict[str, list]:
    """Active engineers, groups and vendors for the assign and escalate forms."""
    from flask_appbuilder.security.sqla.models import Role

    engineers = db.session.scalars(
        select(UserAccount)
        .where(UserAccount.active.is_(True), UserAccount.roles.any(Role.name == "Engineer"))
        .order_by(UserAccount.username)
    ).all()
    groups = db.session.scalars(
        select(SupportGroup).where(SupportGroup.active.is_(True)).order_by(SupportGroup.tier, SupportGroup.name)
    ).all()
    vendors = db.session.scalars(select(Vendor).where(Vendor.active.is_(True)).order_by(Vendor.code)).all()
    return {"engineers": engineers, "groups": groups, "vendors": vendors}


def visible_notes(item: ServiceRequest, staff: bool) -> list[RequestNote]:
    """Staff read every note; customers only the replies (never internal notes)."""
    return [note for note in item.notes if staff or note.kind is NoteKind.REPLY]


# Changed references are shown by name: one query per kind of row, whatever the timeline's length.
REFERENCES = {
    "customer": Customer,
    "contact": Contact,
    "site": Site,
    "asset": Asset,
    "category": ServiceCategory,
    "contract": Contract,
    "sla": SLA,
    "created_by": UserAccount,
    "assignee_user": UserAccount,
    "assignee": UserAccount,
    "assignee_group": SupportGroup,
    "assignee_vendor": Vendor,
    "vendor": Vendor,
    "merged_into": ServiceRequest,
}
HIDDEN_CHANGES = {"version"}  # bumped by every save; says nothing to people


def _named(changes: list[dict]) -> None:
    """Replace referenced ids in ``changes`` by names (in place)."""
    wanted: dict[type, set[int]] = {}
    for fields in changes:
        for key, values in fields.items():
            if key in REFERENCES:
                wanted.setdefault(REFERENCES[key], set()).update(v for v in values if isinstance(v, int))
    names: dict[tuple[type, int], str] = {}
    for model, ids in wanted.items():
        for row in db.session.scalars(select(model).where(model.id.in_(ids))):
            label = row.get_full_name() if isinstance(row, UserAccount) else getattr(row, "number", None) or str(row)
            names[(model, row.id)] = label
    for fields in changes:
        for key, values in fields.items():
            if key in REFERENCES:
                fields[key] = [names.get((REFERENCES[key], v), v) for v in values]


def timeline(item: ServiceRequest, limit: int = 300) -> list[dict]:
    """操作记录: the request's and its work orders' changes with its notes, newest first."""
    work_orders = [wo.id for wo in item.work_orders]
    condition = and_(ChangeLog.entity == "service_request", ChangeLog.entity_id == item.id)
    if work_orders:
        condition = or_(condition, and_(ChangeLog.entity == "work_order", ChangeLog.entity_id.in_(work_orders)))
    rows = db.session.scalars(select(ChangeLog).where(condition).order_by(ChangeLog.id.desc()).limit(limit)).all()
    actor_ids = {row.actor_id for row in rows if row.actor_id} | {
        note.author_id for note in item.notes if note.author_id
    }
    names = {
        user.id: user.get_full_name()
        for user in db.session.scalars(select(UserAccount).where(UserAccount.id.in_(actor_ids)))
    }
    numbers = {wo.id: wo.number for wo in item.work_orders}
    system = _("System")
    changes = [{k: v for k, v in readable(row).items() if k not in HIDDEN_CHANGES} for row in rows]
    _named(changes)
    entries = [
        {
            "at": row.changed_at,
            "who": names.get(row.actor_id) or row.actor_label or system,
            "kind": "change",
            "action": row.action,
            "subject": numbers.get(row.entity_id) if row.entity == "work_order" else None,
            "changes": fields,
        }
        for row, fields in zip(rows, changes, strict=True)
        if fields or row.action == "create"
    ]
    entries += [
        {
            "at": note.created_at,
            "who": names.get(note.author_id) or note.author_label or system,
            "kind": "note",
            "note": note,
        }
        for note in item.notes
    ]
    return sorted(entries, key=lambda entry: entry["at"], reverse=True)


# ---------------------------------------------------------------------------------------------
# REST API
# ---------------------------------------------------------------------------------------------

API_FIELDS = [
    "id",
    "number",
    "subject",
    "request_type",
    "channel",
    "customer.id",
    "customer.code",
    "customer.name",
    "contact_id",
    "site_id",
    "asset_id",
    "category_id",
    "impact",
    "urgency",
    "priority",
    "status",
    "assignee_user_id",
    "assignee_group_id",
    "assignee_vendor_id",
    "escalation_level",
    "response_due_at",
    "resolution_due_at",
    "created_at",
    "version",
]
EDITABLE = {
    "subject": str,
    "description": str,
    "priority_override_reason": str,
    "impact": int,
    "urgency": int,
    "request_type": RequestType,
    "channel": Channel,
    "priority": Priority,
}
RELATED = {"contact_id": "contact", "site_id": "site", "asset_id": "asset", "category_id": "category"}


def _member(enum_class, value):
    """An enum member from its code ("incident") or name ("INCIDENT"); None when unknown."""
    for member in enum_class:
        if value in (member.value, member.name):
            return member
    return None


class ServiceRequestApi(AppModelApi):
    """Requests: list/get scoped; POST opens one (``create_request``); PUT needs the ``version`` read.

    ``POST /<pk>/action`` {"action", "resolution", "reason"}, ``/<pk>/assign`` {"user_id" | "group_id" |
    "vendor_id", "reason"} and ``/<pk>/notes`` {"kind", "body"}; ``GET /<pk>/notes`` (customers get only
    replies). A broken rule answers 400 with the reason in the request's language (``?_l_=en``).
    """

    resource_name = "servicerequest"
    datamodel = LabelledInterface(ServiceRequest)
    class_permission_name = REQUEST
    method_permission_name = {
        **RW_METHODS,
        "request_action": READ,
        "notes": READ,
        "sla": READ,
        "add_note_api": READ,
        "assign_api": WRITE,
        "escalate_api": WRITE,
    }
    exclude_route_methods = {"delete"}
    base_order = ("created_at", "desc")
    list_columns = API_FIELDS
    show_columns = [
        *API_FIELDS,
        *("description", "resolution", "priority_override_reason", "contract_id", "sla_id", "cost"),
        *("first_response_at", "started_at", "resolved_at", "closed_at", "merged_into_id"),
    ]
    add_columns = edit_columns = ["subject"]
    search_columns = ["number", "subject", "customer", "status", "priority", "created_at"]
    order_columns = ["number", "created_at", "priority", "status", "resolution_due_at"]

    def _refused(self, error: DomainError):
        return self.response_400(message=refusal(error))

    def _scoped(self, pk: int) -> ServiceRequest | None:
        return self.datamodel.get(pk, self._base_filters)

    def _body(self) -> dict:
        data = request.get_json(silent=True)
        return data if isinstance(data, dict) else {}

    def post_headless(self):
        """Open a request through ``create_request``: the same rules as the intake screen."""
        data = self._body()
        try:
            draft = RequestDraft(
                customer_id=_int_or_none(data.get("customer_id")),
                subject=str(data.get("subject") or ""),
                contact_id=_int_or_none(data.get("contact_id")),
                site_id=_int_or_none(data.get("site_id")),
                asset_id=_int_or_none(data.get("asset_id")),
                category_id=_int_or_none(data.get("category_id")),
                request_type=_member(RequestType, data.get("request_type")) or RequestType.INCIDENT,
                channel=_member(Channel, data.get("channel")) or Channel.WEB,
                description=data.get("description"),
                impact=_int_or_none(data.get("impact")) or 3,
                urgency=_int_or_none(data.get("urgency")) or 3,
                priority_override=_member(Priority, data.get("priority")),
                override_reason=data.get("priority_override_reason"),
            )
            created = create_request(
                db.session, draft, actor=g.user, now=datetime.now(UTC), timezone=current_app.config["BUSINESS_TIMEZONE"]
            )
        except DomainError as error:
            db.session.rollback()
            return self._refused(error)
        db.session.commit()
        return self.response(201, id=created.id, result={"number": created.number, "version": created.version})

    def put_headless(self, pk):
        """Change fields of a request read at ``version``; a newer version is refused ("changed by …")."""
        item = self._scoped(pk)
        if item is None:
            return self.response_404()
        data = self._body()
        try:
            check_editable(item)
            if str(data.get("version")) != str(item.version):
                raise ValidationError(stale_message(db.session, item.id))
            for key, kind in EDITABLE.items():
                if key in data:
                    setattr(item, key, _converted(kind, data[key]))
            for key, relation in RELATED.items():
                if key in data:
                    model = ServiceRequest.__mapper__.relationships[relation].mapper.class_
                    value = _int_or_none(data[key])
                    row = db.session.get(model, value) if value is not None else None
                    if value is not None and row is None:
                        raise ValidationError(_("There is no %(field)s with id %(id)s.", field=relation, id=value))
                    setattr(item, relation, row)
            revise_request(db.session, item, now=datetime.now(UTC))
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            return self._refused(error)
        except StaleDataError:
            db.session.rollback()
            return self.response_400(message=stale_message(db.session, pk))
        return self.response(200, id=item.id, result={"number": item.number, "version": item.version})

    @expose("/<int:pk>/action", methods=["POST"])
    @protect()
    @safe
    def request_action(self, pk):
        """Move a request by an action of the status flow.
        ---
        post:
          parameters:
          - in: path
            schema: {type: integer}
            name: pk
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    action: {type: string, example: resolve}
                    resolution: {type: string}
                    reason: {type: string}
          responses:
            200: {description: The new status}
            400: {$ref: '#/components/responses/400'}
            404: {$ref: '#/components/responses/404'}
        """
        data = self._body()

        def act(item: ServiceRequest) -> None:
            chosen = _member(RequestAction, data.get("action"))
            if chosen is None:
                raise ValidationError(_("Unknown action %(action)s.", action=data.get("action")))
            perform_from(item, chosen, data)

        return self._act(pk, act)

    @expose("/<int:pk>/assign", methods=["POST"])
    @protect()
    @safe
    def assign_api(self, pk):
        """Assign a request to an engineer, a group or a vendor.
        ---
        post:
          parameters:
          - in: path
            schema: {type: integer}
            name: pk
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    user_id: {type: integer}
                    group_id: {type: integer}
                    vendor_id: {type: integer}
                    reason: {type: string}
          responses:
            200: {description: The new status}
            400: {$ref: '#/components/responses/400'}
            404: {$ref: '#/components/responses/404'}
        """
        return self._act(pk, lambda item: assign_from(item, self._body()))

    @expose("/<int:pk>/escalate", methods=["POST"])
    @protect()
    @safe
    def escalate_api(self, pk):
        """Escalate to the next support tier (L1 → L2 → L3), or from L3 to a vendor, with a reason.
        ---
        post:
          parameters:
          - in: path
            schema: {type: integer}
            name: pk
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    reason: {type: string}
                    vendor_id: {type: integer, description: required when escalating from L3}
          responses:
            200: {description: The new status}
            400: {$ref: '#/components/responses/400'}
            404: {$ref: '#/components/responses/404'}
        """
        return self._act(pk, lambda item: escalate_from(item, self._body()))

    @expose("/<int:pk>/sla", methods=["GET"])
    @protect()
    @safe
    def sla(self, pk):
        """The request's SLA: targets met or breached with the margin, the due-time history, the clock's spans.
        ---
        get:
          parameters:
          - in: path
            schema: {type: integer}
            name: pk
          responses:
            200: {description: The SLA report}
            404: {$ref: '#/components/responses/404'}
        """
        item = self._scoped(pk)
        if item is None:
            return self.response_404()
        report = request_sla.request_sla_report(db.session, item, now=utcnow())
        return self.response(200, result=request_sla.report_json(report))

    @expose("/<int:pk>/notes", methods=["GET"])
    @protect()
    @safe
    def notes(self, pk):
        """The notes of a request the caller may read.
        ---
        get:
          parameters:
          - in: path
            schema: {type: integer}
            name: pk
          responses:
            200: {description: Notes, oldest first}
            404: {$ref: '#/components/responses/404'}
        """
        item = self._scoped(pk)
        if item is None:
            return self.response_404()
        staff = current_scope().is_staff
        return self.response(200, result=[_note_json(note) for note in visible_notes(item, staff)])

    @expose("/<int:pk>/notes", methods=["POST"])
    @protect()
    @safe
    def add_note_api(self, pk):
        """Add an internal note or a reply.
        ---
        post:
          parameters:
          - in: path
            schema: {type: integer}
            name: pk
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    kind: {type: string, example: reply}
                    body: {type: string}
          responses:
            200: {description: The note}
            400: {$ref: '#/components/responses/400'}
            404: {$ref: '#/components/responses/404'}
        """
        item = self._scoped(pk)
        if item is None:
            return self.response_404()
        data = self._body()
        kind = _member(NoteKind, data.get("kind")) or NoteKind.REPLY
        try:
            note = add_note(db.session, item, kind=kind, body=str(data.get("body") or ""), actor=g.user,
                            now=datetime.now(UTC))  # fmt: skip
        except DomainError as error:
            db.session.rollback()
            return self._refused(error)
        db.session.commit()
        return self.response(200, result=_note_json(note))

    def _act(self, pk: int, change: Callable[[ServiceRequest], Any]):
        """A change through the API: the request read through the scope (else 404), then ``_change``."""
        item = self._scoped(pk)
        if item is None:
            return self.response_404()
        return self._change(item, lambda: change(item))

    def _change(self, item: ServiceRequest, change):
        try:
            change()
        except DomainError as error:
            db.session.rollback()
            return self._refused(error)
        except StaleDataError:
            db.session.rollback()
            return self.response_400(message=stale_message(db.session, item.id))
        db.session.commit()
        return self.response(200, id=item.id, result={"status": item.status.value, "version": item.version})


def _int_or_none(value) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValidationError(_("Expected a number, got %(value)s.", value=value))
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("Expected a number, got %(value)s.", value=value)) from None


def _converted(kind, value):
    if kind is int:
        return _int_or_none(value)
    if kind is str:
        return None if value is None else str(value)
    member = _member(kind, value)
    if member is None:
        raise ValidationError(_("%(value)s is not a valid choice.", value=value))
    return member


def _note_json(note: RequestNote) -> dict:
    return {
        "id": note.id,
        "kind": note.kind.value,
        "body": note.body,
        "author": note.author.get_full_name() if note.author is not None else note.author_label,
        "created_at": note.created_at.isoformat(),
    }


def register(appbuilder) -> None:
    from views import SERVICE_DESK, add_to_menu

    add_to_menu(appbuilder, ServiceRequestView, "All requests", _l("All requests"), "fa-list", SERVICE_DESK)
    appbuilder.add_api(ServiceRequestApi)
