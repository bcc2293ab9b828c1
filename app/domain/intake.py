"""Finding things by what a caller says: the intake screen's caller lookup and customer picture, and
the global search.

A dispatcher on the phone hears a name, a phone number, a customer code or a serial number read off
the equipment. ``find_callers`` turns that into matching customers (with the contact or asset that
matched); ``caller_context`` then gathers what to know before creating the request — the customer's
contacts, sites and assets (with warranty status), open requests, the contract in force with what
remains of its entitlement, recent history — and the warnings to say out loud. Every list is one
statement, so the screen costs the same for a customer with five assets or five thousand.

``search`` is the navbar's box: request and work order numbers, phones, serial numbers or subject
words, each section limited to what the user may see (the caller passes its scope as a clause).

Phones are compared by their digits only: "0571-8888 1234" is found by "057188881234" and "8888 12".
Warnings carry a msgid (``N_``) and raw parameters; the screen translates and formats them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, joinedload, lazyload

from app.domain.contracts import Entitlement, Usage, contract_status, entitlement_of, remaining, usage_by_contract
from app.domain.request_flow import N_
from models.assets import Asset, AssetModel
from models.contracts import Contract
from models.enums import (
    AssetStatus,
    ContractStatus,
    LabelledEnum,
    Priority,
    RequestStatus,
    WarrantyStatus,
)
from models.organisations import Contact, Customer, Site
from models.service_requests import ServiceRequest
from models.work_orders import WorkOrder

MIN_QUERY = 2  # characters; a Chinese name has two
MIN_PHONE_DIGITS = 4
CALLER_LIMIT = 12
SEARCH_LIMIT = 20
OPEN_LIMIT = 10
HISTORY_LIMIT = 5

FINAL_REQUEST_STATUSES = frozenset({RequestStatus.RESOLVED, RequestStatus.CLOSED, RequestStatus.CANCELLED})
HISTORY_STATUSES = (RequestStatus.RESOLVED, RequestStatus.CLOSED)

_NOT_DIGIT = re.compile(r"\D")


def digits_of(text: str) -> str:
    return _NOT_DIGIT.sub("", text or "")


def _phone_digits(column) -> ColumnElement:
    """The column with the separators people write in phone numbers removed, in SQL (both backends)."""
    for separator in (" ", "-", "+", "(", ")", "."):
        column = func.replace(column, separator, "")
    return column


def _phone_matches(column, text: str) -> ColumnElement[bool] | None:
    digits = digits_of(text)
    if len(digits) < MIN_PHONE_DIGITS:
        return None
    return _phone_digits(column).contains(digits, autoescape=True)


def _any(*clauses: ColumnElement[bool] | None) -> ColumnElement[bool]:
    return or_(*(clause for clause in clauses if clause is not None))


# ---------------------------------------------------------------------------------------------
# Caller lookup
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallerMatch:
    """A customer the caller may be from, and what matched: the customer itself, a contact or an asset."""

    customer_id: int
    customer_code: str
    customer_name: str
    matched_on: str  # "customer", "contact" or "asset"
    contact_id: int | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    asset_id: int | None = None
    serial_number: str | None = None


def find_callers(session: Session, text: str, *, limit: int = CALLER_LIMIT) -> list[CallerMatch]:
    """Active customers matching a contact's name or phone, the customer's code, name or phone, or a
    serial number: assets first (a serial is the surest sign), then contacts, then customers."""
    text = (text or "").strip()
    if len(text) < MIN_QUERY:
        return []
    live_customer = Customer.active.is_(True)
    assets = session.execute(
        select(Asset.id, Asset.serial_number, Customer.id, Customer.code, Customer.name)
        .join(Customer, Customer.id == Asset.customer_id)
        .where(live_customer, Asset.status != AssetStatus.RETIRED, Asset.serial_number.icontains(text, autoescape=True))
        .order_by(func.length(Asset.serial_number), Asset.serial_number)
        .limit(limit)
    ).all()
    contacts = session.execute(
        select(Contact.id, Contact.name, Contact.phone, Customer.id, Customer.code, Customer.name)
        .join(Customer, Customer.id == Contact.customer_id)
        .where(
            live_customer,
            Contact.active.is_(True),
            _any(Contact.name.icontains(text, autoescape=True), _phone_matches(Contact.phone, text)),
        )
        .order_by(Customer.code, Contact.name)
        .limit(limit)
    ).all()
    customers = session.execute(
        select(Customer.id, Customer.code, Customer.name)
        .where(
            live_customer,
            _any(
                Customer.code.icontains(text, autoescape=True),
                Customer.name.icontains(text, autoescape=True),
                Customer.short_name.icontains(text, autoescape=True),
                _phone_matches(Customer.phone, text),
            ),
        )
        .order_by(Customer.code)
        .limit(limit)
    ).all()
    matches = [
        CallerMatch(customer_id, code, name, "asset", asset_id=asset_id, serial_number=serial)
        for asset_id, serial, customer_id, code, name in assets
    ]
    matches += [
        CallerMatch(customer_id, code, name, "contact", contact_id=contact_id, contact_name=cname, contact_phone=phone)
        for contact_id, cname, phone, customer_id, code, name in contacts
    ]
    matches += [CallerMatch(customer_id, code, name, "customer") for customer_id, code, name in customers]
    return matches[:limit]


# ---------------------------------------------------------------------------------------------
# The customer's picture
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    id: int
    label: str


@dataclass(frozen=True)
class AssetLine:
    id: int
    serial_number: str
    model: str
    site_id: int | None
    site_name: str | None
    warranty_end: date | None
    warranty: WarrantyStatus

    @property
    def label(self) -> str:
        return f"{self.serial_number} · {self.model}"


@dataclass(frozen=True)
class RequestLine:
    id: int
    number: str
    subject: str
    status: RequestStatus
    priority: Priority
    created_at: datetime
    finished_at: datetime | None = None  # resolved or closed


@dataclass(frozen=True)
class ContractLine:
    id: int
    number: str
    start_date: date
    end_date: date
    status: ContractStatus
    entitlement: Entitlement
    usage: Usage

    @property
    def remaining(self) -> int | Decimal | None:
        """Requests or money left; None for an unlimited entitlement."""
        return remaining(self.entitlement, self.usage)


@dataclass(frozen=True)
class CallerWarning:
    """Something to tell the caller; ``message`` is a msgid with ``%(name)s`` parameters."""

    code: str
    message: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class CallerContext:
    customer_id: int
    customer_code: str
    customer_name: str
    contacts: list[Choice]
    sites: list[Choice]
    assets: list[AssetLine]
    open_requests: list[RequestLine]
    history: list[RequestLine]
    contract: ContractLine | None
    warnings: list[CallerWarning]

    def asset(self, asset_id: int | None) -> AssetLine | None:
        return next((line for line in self.assets if line.id == asset_id), None)


def caller_context(
    session: Session, customer_id: int, *, today: date, asset_id: int | None = None
) -> CallerContext | None:
    """Everything the intake screen shows for an active customer (None if there is none), warnings
    included: no contract or an expired one, a used-up entitlement, the chosen asset out of warranty."""
    customer = session.execute(
        select(Customer.id, Customer.code, Customer.name).where(Customer.id == customer_id, Customer.active.is_(True))
    ).first()
    if customer is None:
        return None
    contacts = [
        Choice(contact_id, f"{name} {phone}".strip() if phone else name)
        for contact_id, name, phone in session.execute(
            select(Contact.id, Contact.name, Contact.phone)
            .where(Contact.customer_id == customer_id, Contact.active.is_(True))
            .order_by(Contact.name)
        )
    ]
    sites = [
        Choice(site_id, name)
        for site_id, name in session.execute(
            select(Site.id, Site.name).where(Site.customer_id == customer_id, Site.active.is_(True)).order_by(Site.name)
        )
    ]
    assets = _assets(session, customer_id, today)
    open_requests = _requests(
        session,
        ServiceRequest.customer_id == customer_id,
        ServiceRequest.status.not_in(FINAL_REQUEST_STATUSES),
        order=ServiceRequest.created_at.desc(),
        limit=OPEN_LIMIT,
    )
    finished = func.coalesce(ServiceRequest.closed_at, ServiceRequest.resolved_at)
    history = _requests(
        session,
        ServiceRequest.customer_id == customer_id,
        ServiceRequest.status.in_(HISTORY_STATUSES),
        order=finished.desc(),
        limit=HISTORY_LIMIT,
    )
    contract = contract_in_force(session, customer_id, today)
    warnings = caller_warnings(contract, next((line for line in assets if line.id == asset_id), None))
    return CallerContext(
        customer.id,
        customer.code,
        customer.name,
        contacts,
        sites,
        assets,
        open_requests,
        history,
        contract,
        warnings,
    )


def _assets(session: Session, customer_id: int, today: date) -> list[AssetLine]:
    rows = session.execute(
        select(Asset, Site.name)
        .outerjoin(Site, Site.id == Asset.site_id)
        .where(Asset.customer_id == customer_id, Asset.status != AssetStatus.RETIRED)
        .options(lazyload("*"), joinedload(Asset.asset_model))
        .order_by(Asset.serial_number)
    ).all()
    return [
        AssetLine(
            asset.id,
            asset.serial_number,
            str(asset.asset_model),
            asset.site_id,
            site_name,
            asset.warranty_end,
            asset.warranty_status_on(today),
        )
        for asset, site_name in rows
    ]


def _requests(session: Session, *conditions, order, limit: int) -> list[RequestLine]:
    rows = session.execute(
        select(
            ServiceRequest.id,
            ServiceRequest.number,
            ServiceRequest.subject,
            ServiceRequest.status,
            ServiceRequest.priority,
            ServiceRequest.created_at,
            func.coalesce(ServiceRequest.closed_at, ServiceRequest.resolved_at),
        )
        .where(*conditions)
        .order_by(order, ServiceRequest.id.desc())
        .limit(limit)
    ).all()
    return [RequestLine(*row) for row in rows]


def contract_in_force(session: Session, customer_id: int, today: date) -> ContractLine | None:
    """The contract that counts today: one covering today (the longest-running if several), else the
    last one that ended, else the next to start. Two statements: the contracts and their usage."""
    contracts = session.scalars(
        select(Contract)
        .where(Contract.customer_id == customer_id, Contract.active.is_(True))
        .options(lazyload("*"))
        .order_by(Contract.end_date.desc(), Contract.id.desc())
    ).all()
    if not contracts:
        return None
    covering = [c for c in contracts if c.start_date <= today <= c.end_date]
    ended = [c for c in contracts if c.end_date < today]
    upcoming = sorted((c for c in contracts if c.start_date > today), key=lambda c: c.start_date)
    chosen = (covering or ended or upcoming)[0]
    usage = usage_by_contract(session, [chosen.id])[chosen.id]
    entitlement = entitlement_of(chosen)
    return ContractLine(
        chosen.id,
        chosen.number,
        chosen.start_date,
        chosen.end_date,
        contract_status(chosen.start_date, chosen.end_date, today, entitlement, usage),
        entitlement,
        usage,
    )


def caller_warnings(contract: ContractLine | None, asset: AssetLine | None) -> list[CallerWarning]:
    """What the dispatcher should tell the caller before promising anything."""
    warnings: list[CallerWarning] = []
    if contract is None:
        warnings.append(CallerWarning("no_contract", N_("The customer has no service contract.")))
    elif contract.status is ContractStatus.EXPIRED:
        warnings.append(
            CallerWarning(
                "contract_expired",
                N_("Contract %(number)s expired on %(date)s."),
                {"number": contract.number, "date": contract.end_date},
            )
        )
    elif contract.status is ContractStatus.NOT_STARTED:
        warnings.append(
            CallerWarning(
                "contract_not_started",
                N_("Contract %(number)s only starts on %(date)s."),
                {"number": contract.number, "date": contract.start_date},
            )
        )
    elif contract.status is ContractStatus.EXHAUSTED:
        warnings.append(
            CallerWarning(
                "entitlement_used_up",
                N_("The entitlement of contract %(number)s is used up."),
                {"number": contract.number},
            )
        )
    if asset is not None:
        warnings.extend(asset_warnings(asset))
    return warnings


def asset_warnings(asset: AssetLine) -> list[CallerWarning]:
    if asset.warranty is WarrantyStatus.EXPIRED:
        return [
            CallerWarning(
                "out_of_warranty",
                N_("Asset %(serial)s is out of warranty since %(date)s."),
                {"serial": asset.serial_number, "date": asset.warranty_end},
            )
        ]
    return []


# ---------------------------------------------------------------------------------------------
# Global search
# ---------------------------------------------------------------------------------------------

REQUESTS, WORK_ORDERS, CUSTOMERS, ASSETS = "requests", "work_orders", "customers", "assets"


@dataclass(frozen=True)
class Hit:
    id: int
    title: str  # a number, code or serial number
    detail: str
    status: LabelledEnum | None = None  # a request's or work order's status


@dataclass
class SearchResults:
    requests: list[Hit] = field(default_factory=list)
    work_orders: list[Hit] = field(default_factory=list)
    customers: list[Hit] = field(default_factory=list)
    assets: list[Hit] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.requests or self.work_orders or self.customers or self.assets)


def _words(text: str) -> list[str]:
    return [word for word in re.split(r"\s+", text) if word]


def _subject_matches(column, text: str) -> ColumnElement[bool]:
    return and_(*(column.icontains(word, autoescape=True) for word in _words(text)))


def search(
    session: Session,
    text: str,
    visible: Callable[[type], ColumnElement[bool]],
    sections: Iterable[str],
    *,
    limit: int = SEARCH_LIMIT,
) -> SearchResults:
    """Requests, work orders, customers and assets matching ``text``: each section only if asked for
    (the user may read it), each row only if ``visible(model)`` (the user's scope) lets it through."""
    text = (text or "").strip()
    results = SearchResults()
    if len(text) < MIN_QUERY:
        return results
    sections = set(sections)
    if REQUESTS in sections:
        results.requests = _search_requests(session, text, visible(ServiceRequest), limit)
    if WORK_ORDERS in sections:
        results.work_orders = _search_work_orders(session, text, visible(WorkOrder), limit)
    if CUSTOMERS in sections:
        results.customers = _search_customers(session, text, visible(Customer), limit)
    if ASSETS in sections:
        rows = session.execute(
            select(Asset.id, Asset.serial_number, AssetModel.brand, AssetModel.model, Customer.name)
            .join(AssetModel, AssetModel.id == Asset.asset_model_id)
            .join(Customer, Customer.id == Asset.customer_id)
            .where(visible(Asset), Asset.serial_number.icontains(text, autoescape=True))
            .order_by(Asset.serial_number)
            .limit(limit)
        ).all()
        results.assets = [Hit(i, serial, f"{brand} {model} · {customer}") for i, serial, brand, model, customer in rows]
    return results


def _search_requests(session: Session, text: str, visible: ColumnElement[bool], limit: int) -> list[Hit]:
    """By number, subject words, the serial number of the asset, or the contact's phone."""
    matches = [
        ServiceRequest.number.icontains(text, autoescape=True),
        _subject_matches(ServiceRequest.subject, text),
        select(Asset.id)
        .where(Asset.id == ServiceRequest.asset_id, Asset.serial_number.icontains(text, autoescape=True))
        .exists(),
    ]
    phone = _phone_matches(Contact.phone, text)
    if phone is not None:
        matches.append(select(Contact.id).where(Contact.id == ServiceRequest.contact_id, phone).exists())
    rows = session.execute(
        select(ServiceRequest.id, ServiceRequest.number, ServiceRequest.subject, Customer.name, ServiceRequest.status)
        .join(Customer, Customer.id == ServiceRequest.customer_id)
        .where(visible, or_(*matches))
        .order_by(ServiceRequest.created_at.desc(), ServiceRequest.id.desc())
        .limit(limit)
    ).all()
    return [Hit(i, number, f"{subject} · {customer}", status) for i, number, subject, customer, status in rows]


def _search_work_orders(session: Session, text: str, visible: ColumnElement[bool], limit: int) -> list[Hit]:
    """By its number, or its request's number or subject words."""
    rows = session.execute(
        select(WorkOrder.id, WorkOrder.number, ServiceRequest.subject, WorkOrder.status)
        .join(ServiceRequest, ServiceRequest.id == WorkOrder.request_id)
        .where(
            visible,
            or_(
                WorkOrder.number.icontains(text, autoescape=True),
                ServiceRequest.number.icontains(text, autoescape=True),
                _subject_matches(ServiceRequest.subject, text),
            ),
        )
        .order_by(WorkOrder.created_at.desc(), WorkOrder.id.desc())
        .limit(limit)
    ).all()
    return [Hit(i, number, subject, status) for i, number, subject, status in rows]


def _search_customers(session: Session, text: str, visible: ColumnElement[bool], limit: int) -> list[Hit]:
    """By code, name or phone, or a contact's name or phone."""
    contact = (
        select(Contact.id)
        .where(
            Contact.customer_id == Customer.id,
            _any(Contact.name.icontains(text, autoescape=True), _phone_matches(Contact.phone, text)),
        )
        .exists()
    )
    rows = session.execute(
        select(Customer.id, Customer.code, Customer.name)
        .where(
            visible,
            _any(
                Customer.code.icontains(text, autoescape=True),
                Customer.name.icontains(text, autoescape=True),
                _phone_matches(Customer.phone, text),
                contact,
            ),
        )
        .order_by(Customer.code)
        .limit(limit)
    ).all()
    return [Hit(i, code, name) for i, code, name in rows]
