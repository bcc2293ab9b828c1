"""Service contracts (服务合同) and their entitlement charges: screens and REST APIs.

The remaining entitlement and the status are derived (``app.domain.contracts``) for today in the
business time zone. A page of contracts costs the same statements whatever its size: the charges
of the page's rows are summed in one grouped query after the page is read (``ContractInterface``).
Customers see only their own contracts and charges (``Contract.__scope__``).
"""

from __future__ import annotations

from decimal import Decimal

from flask_appbuilder.models.filters import BaseFilter
from flask_babel import format_currency, format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.display import decimal
from app.domain.contracts import (
    AMOUNT_MISSING,
    CHARGE_MISSING,
    CHARGE_MODE_MISSING,
    END_BEFORE_START,
    NEGATIVE_AMOUNT,
    NEGATIVE_VALUE,
    REQUESTS_MISSING,
    Entitlement,
    Usage,
    contract_problems,
    contract_status,
    entitlement_of,
    normalised,
    remaining,
    usage_by_contract,
)
from app.domain.errors import ValidationError
from app.form_fields import ActiveOrCurrent
from app.formatting import business_today
from app.security.roles import CONTRACT
from models.contracts import Contract, EntitlementCharge
from models.enums import ChargeMode, ContractStatus, EntitlementKind, SLAKind
from views.base import AppModelApi, AppModelView
from views.interfaces import LabelledInterface

CURRENCY = "CNY"

LABELS = {
    "number": _l("Contract number"),
    "customer": _l("Customer"),
    "sla": _l("SLA"),
    "start_date": _l("Start date"),
    "end_date": _l("End date"),
    "value": _l("Contract value"),
    "entitlement": _l("Entitlement"),
    "entitlement_kind": _l("Entitlement"),
    "entitlement_requests": _l("Number of requests"),
    "entitlement_amount": _l("Money balance"),
    "charge_mode": _l("Charge mode"),
    "charge_per_request": _l("Charge per request"),
    "remaining_entitlement": _l("Remaining"),
    "contract_status": _l("Status"),
    "notes": _l("Notes"),
    "active": _l("Active"),
    "contract": _l("Contract"),
    "requests": _l("Requests"),
    "amount": _l("Amount"),
    "note": _l("Note"),
    "created_at": _l("Created at"),
    "updated_at": _l("Updated at"),
}

STATUS_CSS = {
    ContractStatus.NOT_STARTED: "info",
    ContractStatus.ACTIVE: "success",
    ContractStatus.EXHAUSTED: "warning",
    ContractStatus.EXPIRED: "default",
}

DERIVED = ("entitlement", "remaining_entitlement", "contract_status")
USAGE_ATTRIBUTE = "_entitlement_usage"  # set on the page's contracts by ContractInterface


# ---------------------------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------------------------


def problem_message(code: str, contract: Contract) -> str:
    if code == END_BEFORE_START:
        return _(
            "The end date (%(end)s) is before the start date (%(start)s).",
            end=format_date(contract.end_date),
            start=format_date(contract.start_date),
        )
    messages = {
        NEGATIVE_VALUE: _("The contract value cannot be negative."),
        REQUESTS_MISSING: _("An entitlement of a number of requests needs that number (at least 1)."),
        AMOUNT_MISSING: _("A money balance needs its amount."),
        NEGATIVE_AMOUNT: _("The money balance cannot be negative."),
        CHARGE_MODE_MISSING: _(
            "A money balance needs a charge mode: a fixed charge per request, or time and material."
        ),
        CHARGE_MISSING: _("A fixed charge per request needs its amount (more than 0)."),
    }
    return messages[code]


def check_contract(session: Session, contract: Contract) -> None:
    """Refuse a contract breaking a rule; clear the entitlement values its kind does not use."""
    with session.no_autoflush:
        contract.number = (contract.number or "").strip()
        if not contract.number:
            raise ValidationError(_("Enter the contract number."))
        if contract.customer is None and contract.customer_id is None:
            raise ValidationError(_("Choose the customer."))
        if contract.start_date is None or contract.end_date is None:
            raise ValidationError(_("Enter the start and end dates."))
        if contract.value is None:
            contract.value = Decimal("0")
        sla = contract.sla
        if sla is not None and sla.kind is not SLAKind.EXTERNAL:
            raise ValidationError(_("%(sla)s is an OLA; a contract needs an SLA for customers.", sla=sla))
        entitlement = entitlement_of(contract)
        problems = contract_problems(contract.start_date, contract.end_date, contract.value, entitlement)
        if problems:
            raise ValidationError(" ".join(problem_message(code, contract) for code in problems))
        clean = normalised(entitlement)
        contract.entitlement_kind = clean.kind
        contract.entitlement_requests = clean.requests
        contract.entitlement_amount = clean.amount
        contract.charge_mode = clean.charge_mode
        contract.charge_per_request = clean.charge_per_request
        taken = session.scalar(
            select(Contract.id).where(Contract.number == contract.number, Contract.id != (contract.id or 0))
        )
        if taken is not None:
            raise ValidationError(_("Contract number %(number)s is already used.", number=contract.number))


# ---------------------------------------------------------------------------------------------
# Display
# ---------------------------------------------------------------------------------------------


def money(value) -> str:
    return "" if value is None else format_currency(value, CURRENCY)


def entitlement_text(entitlement: Entitlement) -> str:
    if entitlement.kind is EntitlementKind.REQUESTS:
        return _("%(count)s requests", count=entitlement.requests)
    if entitlement.kind is EntitlementKind.MONEY:
        if entitlement.charge_mode is ChargeMode.PER_REQUEST:
            return _(
                "%(amount)s, %(charge)s per request",
                amount=money(entitlement.amount),
                charge=money(entitlement.charge_per_request),
            )
        return _("%(amount)s, time and material", amount=money(entitlement.amount))
    return str(EntitlementKind.UNLIMITED.label)


def remaining_text(entitlement: Entitlement, usage: Usage) -> str:
    left = remaining(entitlement, usage)
    if left is None:
        return ""
    if entitlement.kind is EntitlementKind.REQUESTS:
        return _("%(count)s requests", count=left)
    return money(left)


def status_badge(status: ContractStatus | None) -> Markup:
    if status is None:
        return Markup("")
    return Markup('<span class="label label-{}">{}</span>').format(STATUS_CSS[status], status.label)


class ContractInterface(LabelledInterface):
    """Sums the charges of the contracts it reads in one statement; derives entitlement, remaining, status."""

    def query(self, *args, **kwargs):
        count, items = super().query(*args, **kwargs)
        self.attach_usage(items)
        return count, items

    def get(self, *args, **kwargs):
        item = super().get(*args, **kwargs)
        if item is not None:
            self.attach_usage([item])
        return item

    def attach_usage(self, items) -> None:
        contracts = [item for item in items if isinstance(item, Contract)]
        usage = usage_by_contract(self.session, [contract.id for contract in contracts])
        for contract in contracts:
            setattr(contract, USAGE_ATTRIBUTE, usage[contract.id])

    def usage_of(self, contract: Contract) -> Usage:
        if getattr(contract, USAGE_ATTRIBUTE, None) is None:
            self.attach_usage([contract])
        return getattr(contract, USAGE_ATTRIBUTE)

    def _get_attr_value(self, item, col):
        if isinstance(item, Contract) and col in DERIVED:
            return self.derived(item, col)
        return super()._get_attr_value(item, col)

    def derived(self, contract: Contract, col: str):
        entitlement = entitlement_of(contract)
        if col == "entitlement":
            return entitlement_text(entitlement)
        usage = self.usage_of(contract)
        if col == "remaining_entitlement":
            return remaining_text(entitlement, usage)
        return contract_status(contract.start_date, contract.end_date, business_today(), entitlement, usage)


class ExternalSLAs(BaseFilter):
    """A contract names an SLA for customers, never an internal OLA."""

    name = "SLAs for customers"

    def apply(self, query, value):
        return query.filter(self.model.kind == SLAKind.EXTERNAL)


# ---------------------------------------------------------------------------------------------
# Screens
# ---------------------------------------------------------------------------------------------


class EntitlementChargeView(AppModelView):
    """The ledger of a contract's charges: read-only, written by requests and imports."""

    route_base = "/entitlement-charges"
    datamodel = LabelledInterface(EntitlementCharge)
    class_permission_name = CONTRACT
    base_permissions = ["can_read"]
    noun = _l("Entitlement charge")
    label_columns = LABELS
    list_columns = ["created_at", "contract", "requests", "amount", "note"]
    show_columns = ["contract", "requests", "amount", "note", "created_at"]
    search_columns = ["contract", "note", "created_at"]
    formatters_columns = {"amount": money, "note": lambda value: value or ""}
    base_order = ("created_at", "desc")


FORM_FIELDSETS = [
    (_l("Contract"), {"fields": ["number", "customer", "sla", "start_date", "end_date", "value", "active"]}),
    (
        _l("Entitlement"),
        {"fields": ["entitlement_kind", "entitlement_requests", "entitlement_amount", "charge_mode",
                    "charge_per_request"]},
    ),
    (_l("Notes"), {"fields": ["notes"]}),
]  # fmt: skip


class ContractView(AppModelView):
    route_base = "/contracts"
    datamodel = ContractInterface(Contract)
    class_permission_name = CONTRACT
    noun = _l("Contract")
    label_columns = LABELS
    list_columns = [
        "number",
        "customer",
        "sla",
        "start_date",
        "end_date",
        "entitlement",
        "remaining_entitlement",
        "contract_status",
    ]
    export_columns = [
        "number",
        "customer",
        "sla",
        "start_date",
        "end_date",
        "value",
        "entitlement",
        "remaining_entitlement",
        "contract_status",
        "notes",
        "active",
    ]
    order_columns = ["number", "start_date", "end_date"]
    search_columns = ["number", "customer", "sla", "start_date", "end_date", "entitlement_kind", "active"]
    add_fieldsets = edit_fieldsets = FORM_FIELDSETS
    add_columns = edit_columns = [field for _title, fieldset in FORM_FIELDSETS for field in fieldset["fields"]]
    show_fieldsets = [
        (_l("Contract"), {"fields": ["number", "customer", "sla", "start_date", "end_date", "value",
                                     "contract_status", "active"]}),
        (_l("Entitlement"), {"fields": ["entitlement", "remaining_entitlement"]}),
        (_l("Notes"), {"fields": ["notes"]}),
        (_l("Record"), {"fields": ["created_at", "updated_at"], "expanded": False}),
    ]  # fmt: skip
    description_columns = {
        "number": _l("Unique, e.g. HT-2026-0001"),
        "sla": _l("Requests under this contract get this SLA, before any scope rule"),
        "end_date": _l("The last day of service; the contract expires the day after"),
        "entitlement_kind": _l("Unlimited, a number of requests, or a money balance"),
        "entitlement_requests": _l("Number of requests only"),
        "entitlement_amount": _l("Money balance only"),
        "charge_mode": _l("Money balance only: a fixed charge per request, or time and material"),
        "charge_per_request": _l("Fixed charge per request only"),
    }
    formatters_columns = {
        "contract_status": status_badge,
        "value": money,
        "sla": lambda value: "" if value is None else str(value),
        "notes": lambda value: value or "",
        "entitlement_amount": decimal,
        "charge_per_request": decimal,
    }
    add_form_query_rel_fields = {
        "sla": [["id", ActiveOrCurrent, (Contract, "sla")], ["kind", ExternalSLAs, None]],
    }
    edit_form_query_rel_fields = add_form_query_rel_fields
    related_views = [EntitlementChargeView]
    base_order = ("start_date", "desc")

    save_rule = check_contract

    def _export_value(self, item, column: str):
        if column in DERIVED:
            value = self.datamodel.derived(item, column)
            return str(value.label) if isinstance(value, ContractStatus) else value
        return super()._export_value(item, column)


# ---------------------------------------------------------------------------------------------
# REST API
# ---------------------------------------------------------------------------------------------


class ContractApi(AppModelApi):
    """Contracts, each with ``remaining_entitlement`` (null: unlimited) and ``status`` as of today."""

    resource_name = "contract"
    datamodel = ContractInterface(Contract)
    class_permission_name = CONTRACT
    base_order = ("number", "asc")
    list_columns = [
        "id",
        "number",
        "customer.id",
        "customer.code",
        "sla.id",
        "sla.name",
        "start_date",
        "end_date",
        "value",
        "entitlement_kind",
        "entitlement_requests",
        "entitlement_amount",
        "charge_mode",
        "charge_per_request",
        "active",
    ]
    show_columns = [*list_columns, "notes", "created_at", "updated_at"]
    add_columns = edit_columns = [
        "number",
        "customer",
        "sla",
        "start_date",
        "end_date",
        "value",
        "entitlement_kind",
        "entitlement_requests",
        "entitlement_amount",
        "charge_mode",
        "charge_per_request",
        "notes",
        "active",
    ]
    search_columns = ["number", "customer", "sla", "start_date", "end_date", "entitlement_kind", "active"]
    order_columns = ["number", "start_date", "end_date"]
    add_query_rel_fields = edit_query_rel_fields = {
        "sla": [["id", ActiveOrCurrent, (Contract, "sla")], ["kind", ExternalSLAs, None]],
    }

    save_rule = check_contract

    def pre_get_list(self, data: dict) -> None:
        derived = self._derived(data.get("ids") or [])
        for contract_id, row in zip(data.get("ids") or [], data.get("result") or [], strict=False):
            row.update(derived.get(contract_id, {}))

    def pre_get(self, data: dict) -> None:
        contract_id = data.get("id")
        if contract_id is not None:
            data["result"].update(self._derived([contract_id]).get(contract_id, {}))

    def _derived(self, ids) -> dict[int, dict]:
        """remaining_entitlement and status for these contracts: two statements for any number."""
        session = self.datamodel.session
        today = business_today()
        rows = session.execute(
            select(
                Contract.id,
                Contract.start_date,
                Contract.end_date,
                Contract.entitlement_kind,
                Contract.entitlement_requests,
                Contract.entitlement_amount,
                Contract.charge_mode,
                Contract.charge_per_request,
            ).where(Contract.id.in_(list(ids)))
        ).all()
        usage = usage_by_contract(session, [row.id for row in rows])
        result = {}
        for row in rows:
            entitlement = entitlement_of(row)
            left = remaining(entitlement, usage[row.id])
            result[row.id] = {
                "remaining_entitlement": None if left is None else (left if isinstance(left, int) else str(left)),
                "status": contract_status(row.start_date, row.end_date, today, entitlement, usage[row.id]).name,
            }
        return result


def register(appbuilder) -> None:
    from views import CUSTOMERS, add_to_menu

    add_to_menu(appbuilder, ContractView, "Contracts", _l("Contracts"), "fa-file-text-o", CUSTOMERS)
    appbuilder.add_view_no_menu(EntitlementChargeView)
    appbuilder.add_api(ContractApi)
