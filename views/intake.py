"""Taking a call (接电话登记), the dispatch suggestion on a request's page, and the global search.

The intake screen is one page a dispatcher keeps open during a phone call: find the caller
(``/intake/lookup`` answers the search box as JSON), pick the customer, and the page shows what to
know (``app.domain.intake.caller_context``) beside the request form; submitting creates the request
through ``app.domain.service_requests.create_request``. Without JavaScript the search box still works
as a plain form.

``dispatch_suggestions(item)`` (a Jinja global) ranks engineers for the request page's
``desk/_dispatch_suggestions.html`` (``app.domain.dispatch``); its "Assign" button posts here.

``/search/`` is the navbar box: each section (requests, work orders, customers, assets) appears
only for users who may read it, and holds only the rows their scope lets them see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app, flash, g, jsonify, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.display import refusal, translated
from app.domain import dispatch
from app.domain.errors import DomainError
from app.domain.intake import (
    ASSETS,
    CUSTOMERS,
    REQUESTS,
    WORK_ORDERS,
    CallerContext,
    asset_warnings,
    caller_context,
    find_callers,
    search,
)
from app.domain.priority import LEVELS, matrix_from_cells
from app.domain.service_requests import DISPATCH_ROLES, RequestDraft, assign, create_request
from app.extensions import db
from app.formatting import business_today
from app.security.permissions import READ, WRITE
from app.security.roles import ASSET, CUSTOMER, REQUEST, WORK_ORDER
from app.security.scoping import current_scope, scope_clause
from models.enums import Channel, Priority, RequestType
from models.service_catalog import PriorityCell, ServiceCategory
from models.service_requests import ServiceRequest
from models.users import UserAccount
from views.assets import warranty_badge
from views.contracts import entitlement_text, remaining_text, status_badge

MATCHED_ON = {"customer": _l("Customer"), "contact": _l("Contact"), "asset": _l("Asset")}
SEARCH_SECTIONS = ((REQUESTS, REQUEST), (WORK_ORDERS, WORK_ORDER), (CUSTOMERS, CUSTOMER), (ASSETS, ASSET))


def request_page(request_id: int) -> str:
    return url_for("ServiceRequestView.show", pk=request_id)


def _roles() -> set[str]:
    return {role.name for role in g.user.roles}


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# ---------------------------------------------------------------------------------------------
# The intake form
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryChoice:
    id: int
    path: str
    description: str
    impact: int
    urgency: int


def category_choices(session) -> list[CategoryChoice]:
    """Active categories by their path ("硬件故障 / 打印机"), from one statement."""
    rows = session.execute(
        select(
            ServiceCategory.id,
            ServiceCategory.parent_id,
            ServiceCategory.name,
            ServiceCategory.active,
            ServiceCategory.standard_description,
            ServiceCategory.default_impact,
            ServiceCategory.default_urgency,
        )
    ).all()
    by_id = {row.id: row for row in rows}

    def path(row) -> str:
        names, seen = [], set()
        while row is not None and row.id not in seen:
            seen.add(row.id)
            names.append(row.name)
            row = by_id.get(row.parent_id)
        return " / ".join(reversed(names))

    choices = [
        CategoryChoice(row.id, path(row), row.standard_description or "", row.default_impact, row.default_urgency)
        for row in rows
        if row.active
    ]
    return sorted(choices, key=lambda choice: choice.path)


class IntakeForm:
    """The submitted fields, checked against the chosen customer's choices; errors per field."""

    def __init__(self, data, context: CallerContext | None, categories: list[CategoryChoice]) -> None:
        self.values = {key: (data.get(key) or "").strip() for key in FIELDS}
        self.errors: dict[str, str] = {}
        self.context = context
        self.categories = categories

    def draft(self) -> RequestDraft | None:
        """The request to create, or None with ``errors`` filled."""
        values, context = self.values, self.context
        if context is None:
            self.errors["customer"] = _("Find the caller and choose the customer first.")
            return None
        contact_id = self._choice("contact", {c.id for c in context.contacts}, _("Choose a contact of this customer."))
        site_id = self._choice("site", {s.id for s in context.sites}, _("Choose a site of this customer."))
        asset_id = self._choice("asset", {a.id for a in context.assets}, _("Choose an asset of this customer."))
        category_id = self._choice("category", {c.id for c in self.categories}, _("Choose an active category."))
        if not values["subject"]:
            self.errors["subject"] = _("Enter the subject.")
        elif len(values["subject"]) > 200:
            self.errors["subject"] = _("The subject is longer than %(max)s characters.", max=200)
        impact, urgency = _int(values["impact"]), _int(values["urgency"])
        for name, level in (("impact", impact), ("urgency", urgency)):
            if level not in LEVELS:
                self.errors[name] = _("Choose a level from 1 (highest) to 4 (lowest).")
        override = Priority.__members__.get(values["priority_override"]) if values["priority_override"] else None
        if values["priority_override"] and override is None:
            self.errors["priority_override"] = _("Choose a priority, or leave it to the matrix.")
        request_type = RequestType.__members__.get(values["request_type"] or RequestType.INCIDENT.name)
        channel = Channel.__members__.get(values["channel"] or Channel.PHONE.name)
        if request_type is None:
            self.errors["request_type"] = _("Choose a request type.")
        if channel is None:
            self.errors["channel"] = _("Choose a channel.")
        if self.errors:
            return None
        return RequestDraft(
            customer_id=context.customer_id,
            subject=values["subject"],
            contact_id=contact_id,
            site_id=site_id,
            asset_id=asset_id,
            category_id=category_id,
            request_type=request_type,
            channel=channel,
            description=values["description"] or None,
            impact=impact,
            urgency=urgency,
            priority_override=override,
            override_reason=values["override_reason"] or None,
        )

    def _choice(self, name: str, allowed: set[int], message: str) -> int | None:
        raw = self.values[name]
        if not raw:
            return None
        value = _int(raw)
        if value not in allowed:
            self.errors[name] = message
            return None
        return value


FIELDS = (
    "customer",
    "contact",
    "site",
    "asset",
    "category",
    "request_type",
    "channel",
    "subject",
    "description",
    "impact",
    "urgency",
    "priority_override",
    "override_reason",
)


class IntakeView(BaseView):
    """Take a call: find the caller, see their situation, open the request. Staff who write requests."""

    route_base = "/intake"
    default_view = "index"
    class_permission_name = REQUEST
    method_permission_name = {"index": WRITE, "create": WRITE, "lookup": WRITE, "assign": WRITE}

    @expose("/", methods=["GET"])
    @has_access
    def index(self):
        customer_id = _int(request.args.get("customer"))
        values = {
            "contact": request.args.get("contact", ""),
            "asset": request.args.get("asset", ""),
            "impact": "3",
            "urgency": "3",
        }
        context = self._context(customer_id, _int(values["asset"]))
        if context is not None and values["asset"]:
            asset = context.asset(_int(values["asset"]))
            values["site"] = str(asset.site_id) if asset is not None and asset.site_id else ""
        return self._render(context, values, {})

    @expose("/", methods=["POST"])
    @has_access
    def create(self):
        session = db.session
        customer_id = _int(request.form.get("customer"))
        context = self._context(customer_id, _int(request.form.get("asset")))
        form = IntakeForm(request.form, context, category_choices(session))
        draft = form.draft()
        if draft is None:
            return self._render(context, form.values, form.errors, form.categories), 400
        try:
            created = create_request(session, draft, actor=g.user, now=datetime.now(UTC))
        except DomainError as error:
            session.rollback()
            return self._render(context, form.values, {"form": refusal(error)}, form.categories), 400
        session.commit()
        flash(_("Request %(number)s was created.", number=created.number), "success")
        return redirect(request_page(created.id))

    @expose("/lookup", methods=["GET"])
    @has_access
    def lookup(self):
        """The search box's results as JSON: each a customer, with the contact or asset that matched."""
        matches = find_callers(db.session, request.args.get("q", ""))
        results = []
        for match in matches:
            detail = match.serial_number if match.matched_on == "asset" else match.contact_name
            if match.matched_on == "contact" and match.contact_phone:
                detail = f"{match.contact_name} {match.contact_phone}"
            results.append(
                {
                    "customer_id": match.customer_id,
                    "customer": f"{match.customer_code} {match.customer_name}",
                    "matched_on": str(MATCHED_ON[match.matched_on]),
                    "detail": detail or "",
                    "url": url_for(
                        ".index", customer=match.customer_id, contact=match.contact_id, asset=match.asset_id
                    ),
                }
            )
        return jsonify({"results": results})

    @expose("/assign/<int:pk>", methods=["POST"])
    @has_access
    def assign(self, pk: int):
        """Accept a suggestion: assign the request to the engineer, back to its page with a flash."""
        session = db.session
        item = session.get(ServiceRequest, pk)
        if item is None:
            flash(_("That request does not exist."), "danger")
            return redirect(url_for(".index"))
        engineer = session.get(UserAccount, _int(request.form.get("user")) or 0)
        if str(item.version) != request.form.get("version"):
            flash(_("%(number)s was changed since the page was shown; check it again.", number=item.number), "danger")
            return redirect(request_page(item.id))
        if engineer is None:
            flash(_("Choose an engineer."), "danger")
            return redirect(request_page(item.id))
        try:
            assign(session, item, actor=g.user, roles=_roles(), now=datetime.now(UTC), user=engineer, translate=_)
        except DomainError as error:
            session.rollback()
            flash(refusal(error), "danger")
            return redirect(request_page(item.id))
        session.commit()
        flash(_("%(number)s was assigned to %(name)s.", number=item.number, name=engineer.get_full_name()), "success")
        return redirect(request_page(item.id))

    def _context(self, customer_id: int | None, asset_id: int | None) -> CallerContext | None:
        if customer_id is None:
            return None
        return caller_context(db.session, customer_id, today=business_today(), asset_id=asset_id)

    def _render(self, context, values: dict, errors: dict, categories: list[CategoryChoice] | None = None):
        session = db.session
        matrix = matrix_from_cells(session.scalars(select(PriorityCell)))
        return self.render_template(
            "desk/intake.html",
            title=_("Take a call"),
            query=request.args.get("q", "").strip(),
            callers=find_callers(session, request.args.get("q", "")) if context is None else [],
            matched_on=MATCHED_ON,
            context=context,
            values=values,
            errors=errors,
            categories=categories if categories is not None else category_choices(session),
            matrix={f"{i},{u}": str(priority.label) for (i, u), priority in matrix.items()},
            levels=LEVELS,
            priorities=list(Priority),
            request_types=list(RequestType),
            channels=list(Channel),
            warning_text=lambda warning: translated(warning.message, warning.params, times_of_day=True),
            asset_warnings=asset_warnings,
            warranty_badge=warranty_badge,
            contract_badge=status_badge,
            entitlement_text=entitlement_text,
            remaining_text=remaining_text,
        )


# ---------------------------------------------------------------------------------------------
# Dispatch suggestion on the request page
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShownSuggestion:
    user_id: int
    name: str
    score: int
    reasons: list[tuple[str, int]]  # (translated text, points)


def may_dispatch(item: ServiceRequest) -> bool:
    user = getattr(g, "user", None)
    if user is None or not user.is_authenticated or item.status not in dispatch.SUGGESTED_WHILE:
        return False
    return bool(_roles() & DISPATCH_ROLES) and current_app.appbuilder.sm.has_access(f"can_{WRITE}", REQUEST)


def dispatch_suggestions(item: ServiceRequest) -> list[ShownSuggestion] | None:
    """The ranked engineers for the request page, or None when the user may not dispatch it now."""
    if not may_dispatch(item):
        return None
    ranked = dispatch.suggest(db.session, item, now=datetime.now(UTC))
    return [
        ShownSuggestion(
            s.user_id,
            s.name,
            s.score,
            [(translated(reason.message, reason.params, times_of_day=True), reason.points) for reason in s.reasons],
        )
        for s in ranked
    ]


# ---------------------------------------------------------------------------------------------
# Global search
# ---------------------------------------------------------------------------------------------


class SearchView(BaseView):
    """One box for everything: every logged-in user, each section by its own read permission."""

    route_base = "/search"
    default_view = "index"

    @expose("/", methods=["GET"])
    def index(self):
        user = g.user
        if user is None or not user.is_authenticated:
            return redirect(url_for(f"{self.appbuilder.sm.auth_view.endpoint}.login", next=request.full_path))
        query = request.args.get("q", "").strip()[:100]
        sm = self.appbuilder.sm
        sections = [section for section, resource in SEARCH_SECTIONS if sm.has_access(f"can_{READ}", resource)]
        scope = current_scope()
        results = search(db.session, query, lambda model: scope_clause(model, scope), sections)
        return self.render_template(
            "desk/search.html",
            title=_("Search"),
            query=query,
            results=results,
            sections=sections,
            request_page=request_page,
            work_order_page=lambda pk: url_for("WorkOrderView.show", pk=pk),
            customer_page=lambda pk: url_for("CustomerView.show", pk=pk),
            asset_page=lambda pk: url_for("AssetView.show", pk=pk),
        )


def register(appbuilder) -> None:
    from views import CATEGORY_LABELS, SERVICE_DESK

    category_label, category_icon = CATEGORY_LABELS[SERVICE_DESK]
    appbuilder.add_view(
        IntakeView,
        "Take a call",
        label=_l("Take a call"),
        icon="fa-phone",
        category=SERVICE_DESK,
        category_label=category_label,
        category_icon=category_icon,
    )
    desk = appbuilder.menu.find(SERVICE_DESK)
    desk.childs.insert(0, desk.childs.pop())  # the first thing a dispatcher needs
    appbuilder.add_view_no_menu(SearchView)
    current_app.jinja_env.globals["dispatch_suggestions"] = dispatch_suggestions
