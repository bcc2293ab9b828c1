"""Row-level security crawler: every rule of ``app.url_map``, as one outside user, aimed at another's rows.

``build_victims`` writes, through the domain code, a request of customer C-SEL (customer2) with a work
order of vendor V-BJHT (vendor2), its time entry, expense, note, attachment and stock movements, and
stamps every text column of those rows (and of their contact, site, warehouse, vendor2's account) with a
unique sentinel. ``build_own_records`` gives vendor1 / customer1 rows of their own, so scoped pages have
content. ``crawl`` then calls every endpoint as the given user with the victims' ids and returns the
problems: a sentinel in a body, a 5xx, an unclassified endpoint. ``snapshot`` proves writes changed nothing.

The classification: FAB's generated endpoints (``GENERIC``) are crawled by their method name on any
model view or API; every other endpoint must be listed in ``EXPLICIT``, or the crawl reports it.
The Customer role reuses the same crawl (``ROLES``).
"""

from __future__ import annotations

import io
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from flask_appbuilder import ModelView
from flask_appbuilder.api import ModelRestApi
from sqlalchemy import String, Text, inspect, select

from tests.helpers import csrf_token

# ------------------------------------------------------------------------------------------------------------
# Classification
# ------------------------------------------------------------------------------------------------------------

READ = "read"  # GET; scoped: 403/404/400/redirect or a page without the victims' sentinels
WRITE = "write"  # GET (if allowed) and POST/PUT/DELETE aimed at the victims' rows; rows unchanged
PUBLIC = "public"  # anonymous pages (health, login, surveys by token, static files): GET, no sentinel
SKIP = "skip"  # not crawled; the reason says why

# FAB's generated endpoints, by method name, on any ModelView / ModelRestApi.
GENERIC: dict[str, str] = {
    "list": READ,
    "show": READ,
    "export": READ,
    "download": SKIP,  # FAB FileColumn downloads by file name: no model uses one (files: attachments.download)
    "add": WRITE,
    "edit": WRITE,
    "delete": WRITE,
    "action": WRITE,
    "action_post": WRITE,
    "get_list": READ,
    "get": READ,
    "info": READ,
    "post": WRITE,
    "put": WRITE,
}

# Every other endpoint: (kind, reason). Method-name keys ("*.act") cover the request queue views, which
# share ServiceRequestView's routes under other URLs.
EXPLICIT: dict[str, tuple[str, str]] = {
    "static": (SKIP, "static files"),
    "appbuilder.static": (SKIP, "FAB's static files"),
    "health.health": (PUBLIC, "liveness probe"),
    "AuthDBView.login": (SKIP, "login form: a POST would replace the crawler's session"),
    "AuthDBView.logout": (SKIP, "would end the crawler's session"),
    "LocaleView.index": (SKIP, "switches the session language; no rows"),
    "UtilView.back": (SKIP, "redirects to the referrer; no rows"),
    "SecurityApi.login": (SKIP, "token login: no session, no rows"),
    "SecurityApi.refresh": (SKIP, "token refresh: no rows"),
    "ResetMyPasswordView.this_form_get": (READ, "own password form"),
    "ResetMyPasswordView.this_form_post": (SKIP, "changes the crawler's own password"),
    "ResetPasswordView.this_form_get": (READ, "admin: reset a user's password"),
    "ResetPasswordView.this_form_post": (SKIP, "admin only (403 for outside users, checked by GET)"),
    "ProfileEditView.this_form_get": (READ, "own profile form"),
    "ProfileEditView.this_form_post": (SKIP, "edits the crawler's own profile"),
    "UserAccountView.userinfo": (READ, "own account"),
    "UserAccountView.handover": (WRITE, "staff: hand a user's work over"),
    "UserStatsView.chart": (READ, "admin chart of users"),
    "HomeView.index": (READ, "home page with counts and charts"),
    "VendorScorecardView.index": (READ, "vendor scorecards report (staff)"),
    "VendorScorecardView.export": (READ, "vendor scorecards export (staff)"),
    "VendorScorecardView.plotly_js": (SKIP, "plotly.js library file"),
    "OpenApi.get": (READ, "API spec"),
    "SwaggerView.show": (READ, "API docs page"),
    "MenuApi.get_menu_data": (READ, "menu"),
    "SearchView.index": (READ, "global search: searched for the victims' sentinels"),
    "AssetView.lookup": (READ, "asset lookup for forms: searched for the victims' sentinels"),
    "IntakeView.index": (READ, "intake form"),
    "IntakeView.lookup": (READ, "caller lookup: searched for the victims' sentinels"),
    "IntakeView.create": (WRITE, "open a request for another customer"),
    "IntakeView.assign": (WRITE, "assign the victim request"),
    "attachments.download": (READ, "the victim attachment"),
    "attachments.upload": (WRITE, "attach a file to the victim request / work order"),
    "surveys.answer": (PUBLIC, "survey by unguessable token"),
    "DeskSettingsView.current": (READ, "desk settings (staff)"),
    "EscalationEventView.acknowledge": (WRITE, "acknowledge an escalation"),
    "ImportView.index": (READ, "imports (staff)"),
    "ImportView.preview": (READ, "import preview by token"),
    "ImportView.template_csv": (READ, "import template"),
    "ImportView.upload": (WRITE, "import upload (staff)"),
    "ImportView.commit": (WRITE, "import commit (staff)"),
    "MailOutboxView.body_html": (READ, "a mail's body (admin)"),
    "NotificationView.index": (READ, "own notifications"),
    "NotificationView.open": (READ, "the victim user's notification"),
    "NotificationView.mark_read": (WRITE, "the victim user's notification"),
    "NotificationView.acknowledge": (WRITE, "the victim user's notification"),
    "NotificationView.mark_all_read": (WRITE, "own notifications only"),
    "PriorityMatrixView.index": (READ, "priority matrix (staff)"),
    "PriorityMatrixView.save": (WRITE, "priority matrix (staff)"),
    "StockLedgerView.move": (WRITE, "stock movement form: issue to the victim work order"),
    "StockLedgerView.work_order_move": (WRITE, "parts on the victim work order"),
    "WorkOrderView.create_for": (WRITE, "a work order under the victim request"),
    "WorkOrderView.perform": (WRITE, "a step on the victim work order"),
    "WorkOrderView.add_time": (WRITE, "time on the victim work order"),
    "WorkOrderView.add_expense": (WRITE, "an expense on the victim work order"),
    "WorkOrderView.signoff": (WRITE, "sign-off of the victim work order"),
    "WorkOrderApi.action": (WRITE, "a step on the victim work order"),
    "WorkOrderApi.time": (WRITE, "time on the victim work order"),
    "WorkOrderApi.expenses": (WRITE, "an expense on the victim work order"),
    "WorkOrderApi.signoff": (WRITE, "sign-off of the victim work order"),
    "ServiceRequestApi.request_action": (WRITE, "a step on the victim request"),
    "ServiceRequestApi.assign_api": (WRITE, "assign the victim request"),
    "ServiceRequestApi.escalate_api": (WRITE, "escalate the victim request"),
    "ServiceRequestApi.add_note_api": (WRITE, "a note on the victim request"),
    "ServiceRequestApi.notes": (READ, "the victim request's notes"),
    "ServiceRequestApi.sla": (READ, "the victim request's SLA"),
    "*.act": (WRITE, "a step on the victim request (every request queue)"),
    "*.assign_to": (WRITE, "assign the victim request (every request queue)"),
    "*.bulk_assign_form": (WRITE, "bulk-assign the victim request (every request queue)"),
    "*.escalate_request": (WRITE, "escalate the victim request (every request queue)"),
    "*.merge_into": (WRITE, "merge the victim request (every request queue)"),
    "*.note": (WRITE, "a note on the victim request (every request queue)"),
}


def classify(app, endpoint: str) -> tuple[str, str] | None:
    """How the crawler calls ``endpoint``, or None when nobody has classified it yet."""
    if endpoint in EXPLICIT:
        return EXPLICIT[endpoint]
    view = getattr(app.view_functions.get(endpoint), "__self__", None)
    method = endpoint.rsplit(".", 1)[-1]
    if f"*.{method}" in EXPLICIT and getattr(view, "datamodel", None) is not None:
        return EXPLICIT[f"*.{method}"]
    if isinstance(view, (ModelView, ModelRestApi)) and method in GENERIC:
        return GENERIC[method], "FAB generated"
    return None


def unclassified(app) -> list[str]:
    return sorted({rule.endpoint for rule in app.url_map.iter_rules() if classify(app, rule.endpoint) is None})


# ------------------------------------------------------------------------------------------------------------
# Fixture rows
# ------------------------------------------------------------------------------------------------------------

SENTINEL_PREFIX = "S3NT"
# Stored or machine-read columns: the file on disk, hashes, types, password hashes, language codes.
UNSTAMPED = {"stored_name", "sha256", "content_type", "password", "preferred_language", "signature", "username"}


@dataclass
class Victims:
    """The other organisation's rows: ids per model, every sentinel, and which users may be crawled."""

    ids: dict[type, int] = field(default_factory=dict)
    sentinels: list[str] = field(default_factory=list)
    rows: list[tuple[type, int]] = field(default_factory=list)
    request_id: int = 0
    work_order_id: int = 0
    attachment_id: int = 0
    notification_id: int | None = None
    own_user_id: dict[str, int] = field(default_factory=dict)
    own: dict[str, Any] = field(default_factory=dict)  # the crawling side's request and work order


def _stamp(victims: Victims, row: Any) -> None:
    """Every text column of ``row`` gets a unique sentinel that fits; records the row for ``snapshot``."""
    tag = uuid.uuid4().hex[:6]
    for column in type(row).__table__.columns:
        if not isinstance(column.type, (String, Text)) or column.key in UNSTAMPED or column.foreign_keys:
            continue
        if getattr(column.type, "enums", None):
            continue
        value = f"{SENTINEL_PREFIX}{tag}{column.key[:10]}"
        length = getattr(column.type, "length", None)
        if length is not None and length < len(value):
            value = f"{SENTINEL_PREFIX}{tag}{len(victims.sentinels)}"
            if length < len(value):
                continue
        setattr(row, column.key, value)
        victims.sentinels.append(value)
    _remember(victims, row)


def _remember(victims: Victims, row: Any) -> None:
    victims.ids.setdefault(type(row), row.id)
    victims.rows.append((type(row), row.id))


def _one(session, model, **where):
    return session.scalars(select(model).filter_by(**where)).first()


def _stocked_part(session, warehouse_id: int):
    from models.stock import SparePart

    return session.scalars(
        select(SparePart).where(SparePart.active.is_(True), SparePart.serialized.is_(False)).order_by(SparePart.id)
    ).first()


def build_victims(app, storage_dir, *, customer_code: str = "C-SEL", vendor_code: str = "V-BJHT") -> Victims:
    """customer2's request with vendor2's work order, its time, expense, note, file and parts; sentinels everywhere."""
    from app.attachments import attach, store_upload
    from app.domain import service_requests as requests_domain
    from app.domain import stock_ledger
    from app.domain import work_orders as orders_domain
    from app.extensions import db
    from models.assets import Asset
    from models.contracts import Contract
    from models.enums import ExpenseKind, NoteKind, StockMoveKind, WarehouseKind, WorkOrderType
    from models.notifications import Notification
    from models.organisations import Contact, Customer, Site, Vendor, VendorContact
    from models.stock import Warehouse
    from models.users import UserAccount

    victims = Victims()
    now = datetime.now(UTC)
    with app.app_context():
        session = db.session
        dispatcher = _one(session, UserAccount, username="dispatcher")
        customer = _one(session, Customer, code=customer_code)
        vendor = _one(session, Vendor, code=vendor_code)
        vendor_user = _one(session, UserAccount, vendor_id=vendor.id)
        customer_user = _one(session, UserAccount, customer_id=customer.id)
        contact = _one(session, Contact, customer_id=customer.id)
        site = _one(session, Site, customer_id=customer.id)
        draft = requests_domain.RequestDraft(
            customer_id=customer.id,
            subject="victim",
            contact_id=contact.id if contact else None,
            site_id=site.id if site else None,
            description="victim",
        )
        service_request = requests_domain.create_request(session, draft, actor=dispatcher, now=now)
        session.flush()
        requests_domain.assign(session, service_request, actor=dispatcher, roles={"Dispatcher"}, now=now, vendor=vendor)
        work_order = orders_domain.create_work_order(
            session,
            service_request,
            work_type=WorkOrderType.ON_SITE,
            actor=dispatcher,
            now=now,
            vendor=vendor,
            instructions="victim",
        )
        session.flush()
        time_entry = orders_domain.add_time_entry(
            session,
            work_order,
            user=vendor_user,
            started_at=now - timedelta(hours=2),
            ended_at=now - timedelta(hours=1),
            description="victim",
            now=now,
            actor=vendor_user,
        )
        expense = orders_domain.add_expense(
            session,
            work_order,
            kind=ExpenseKind.TRAVEL,
            amount=Decimal("12.50"),
            incurred_on=date.today(),
            description="victim",
            actor=vendor_user,
            now=now,
        )
        note = requests_domain.add_note(
            session,
            service_request,
            kind=NoteKind.REPLY,
            body="victim",
            actor=dispatcher,
            now=now,
            work_order=work_order,
        )
        stored = store_upload(io.BytesIO(b"victim file\n"), "victim.txt", storage_dir, max_bytes=1 << 20)
        attachment = attach(
            session, stored, request=service_request, work_order=work_order, uploaded_by_id=vendor_user.id, now=now
        )
        warehouse = _one(session, Warehouse, vendor_id=vendor.id)
        if warehouse is None:
            warehouse = Warehouse(code="victim", name="victim", kind=WarehouseKind.VENDOR, vendor_id=vendor.id)
            session.add(warehouse)
        session.flush()
        for row in (service_request, work_order, time_entry, expense, note, attachment, warehouse):
            _stamp(victims, row)
        asset, contract = (
            _one(session, Asset, customer_id=customer.id),
            _one(session, Contract, customer_id=customer.id),
        )
        for row in (
            customer,
            vendor,
            contact,
            site,
            asset,
            contract,
            vendor_user,
            customer_user,
            *session.scalars(select(VendorContact).where(VendorContact.vendor_id == vendor.id)),
        ):
            if row is not None:
                _stamp(victims, row)
        part = _stocked_part(session, warehouse.id)
        movements = []
        for kind, extra in ((StockMoveKind.RECEIPT, {}), (StockMoveKind.ISSUE, {"work_order_id": work_order.id})):
            reference, note_text = (
                f"{SENTINEL_PREFIX}{uuid.uuid4().hex[:8]}r",
                f"{SENTINEL_PREFIX}{uuid.uuid4().hex[:8]}n",
            )
            movements.append(
                stock_ledger.move(
                    session,
                    kind,
                    part_id=part.id,
                    warehouse_id=warehouse.id,
                    quantity=1,
                    now=now,
                    reference=reference,
                    note=note_text,
                    actor_id=vendor_user.id,
                    **extra,
                )
            )
            victims.sentinels += [reference, note_text]
        session.flush()
        for movement in movements:
            _remember(victims, movement)
        notification = session.scalars(
            select(Notification).where(Notification.recipient_id == vendor_user.id).order_by(Notification.id.desc())
        ).first()
        session.commit()
        victims.request_id, victims.work_order_id, victims.attachment_id = (
            service_request.id,
            work_order.id,
            attachment.id,
        )
        victims.notification_id = notification.id if notification else None
        victims.own_user_id = {"vendor": vendor_user.id, "customer": customer_user.id}
        victims.ids[UserAccount] = vendor_user.id
    return victims


def build_own_records(app, *, customer_code: str = "C-HZXH", vendor_code: str = "V-SHXX") -> dict[str, Any]:
    """vendor1's work order on customer1's request, with time and an expense: pages of theirs with content."""
    from app.domain import service_requests as requests_domain
    from app.domain import work_orders as orders_domain
    from app.extensions import db
    from models.enums import ExpenseKind, WorkOrderType
    from models.organisations import Customer, Vendor
    from models.users import UserAccount

    now = datetime.now(UTC)
    with app.app_context():
        session = db.session
        dispatcher = _one(session, UserAccount, username="dispatcher")
        customer = _one(session, Customer, code=customer_code)
        vendor = _one(session, Vendor, code=vendor_code)
        vendor_user = _one(session, UserAccount, vendor_id=vendor.id)
        draft = requests_domain.RequestDraft(customer_id=customer.id, subject="own request", description="own")
        own = requests_domain.create_request(session, draft, actor=dispatcher, now=now)
        session.flush()
        work_order = orders_domain.create_work_order(
            session, own, work_type=WorkOrderType.REMOTE, actor=dispatcher, now=now, vendor=vendor
        )
        session.flush()
        orders_domain.add_time_entry(
            session,
            work_order,
            user=vendor_user,
            started_at=now - timedelta(hours=3),
            ended_at=now - timedelta(hours=2),
            description="own time",
            now=now,
            actor=vendor_user,
        )
        orders_domain.add_expense(
            session,
            work_order,
            kind=ExpenseKind.OTHER,
            amount=Decimal("3"),
            incurred_on=date.today(),
            description="own expense",
            actor=vendor_user,
            now=now,
        )
        session.commit()
        return {
            "request": own.id,
            "work_order": work_order.id,
            "request_number": own.number,
            "number": work_order.number,
        }


def snapshot(app, victims: Victims) -> dict[str, Any]:
    """Every column of every victim row, and how many rows hang off the victim request and work order."""
    from sqlalchemy import func

    from app.extensions import db
    from models.service_requests import Attachment, RequestNote, ServiceRequest
    from models.stock import StockMovement
    from models.work_orders import Expense, TimeEntry, WorkOrder

    state: dict[str, Any] = {}
    with app.app_context():
        session = db.session
        for model, pk in victims.rows:
            row = session.get(model, pk)
            state[f"{model.__name__}#{pk}"] = (
                None if row is None else {c.key: repr(getattr(row, c.key)) for c in inspect(model).column_attrs}
            )
        for model, column in (
            (TimeEntry, TimeEntry.work_order_id),
            (Expense, Expense.work_order_id),
            (StockMovement, StockMovement.work_order_id),
            (Attachment, Attachment.request_id),
            (RequestNote, RequestNote.request_id),
            (WorkOrder, WorkOrder.request_id),
            (ServiceRequest, ServiceRequest.id),
        ):
            target = victims.request_id if column.key in {"request_id", "id"} else victims.work_order_id
            state[f"count {model.__name__}"] = session.scalar(select(func.count()).where(column == target))
        db.session.remove()
    return state


# ------------------------------------------------------------------------------------------------------------
# Crawling
# ------------------------------------------------------------------------------------------------------------


@dataclass
class Role:
    """An outside user crawling, and what the victims' rows are to them."""

    username: str
    kind: str  # "vendor" or "customer"


ROLES = {"vendor1": Role("vendor1", "vendor"), "customer1": Role("customer1", "customer")}


def _model_of(app, endpoint: str):
    view = getattr(app.view_functions.get(endpoint), "__self__", None)
    datamodel = getattr(view, "datamodel", None)
    return view, (datamodel.obj if datamodel is not None else None)


def _values(app, rule, victims: Victims, role: Role) -> dict[str, Any] | None:
    """Path variables aimed at the victims; None when a variable cannot be filled."""
    from models.service_requests import ServiceRequest
    from models.users import UserAccount

    view, model = _model_of(app, rule.endpoint)
    values: dict[str, Any] = {}
    for name in rule.arguments:
        if name in {"pk", "id"}:
            if model is UserAccount:
                values[name] = victims.own_user_id[role.kind]
            elif rule.endpoint == "attachments.download":
                values[name] = victims.attachment_id
            elif model is not None and model in victims.ids:
                values[name] = victims.ids[model]
            elif model is None and "workorder" in rule.rule:
                values[name] = victims.work_order_id
            else:
                values[name] = victims.ids.get(ServiceRequest, 1) if model is None else 1
        elif name == "request_id":
            values[name] = victims.request_id
        elif name == "work_order_id":
            values[name] = victims.work_order_id
        elif name == "name" and rule.endpoint.endswith(".action"):
            actions = sorted(getattr(view, "actions", None) or {})
            if not actions:
                return None  # FAB answers an unknown action name with a 500 (AttributeError): nothing to aim at
            values[name] = "muldelete" if "muldelete" in actions else actions[0]
        elif name == "notification_id":
            if victims.notification_id is None:
                return None
            values[name] = victims.notification_id
        else:
            values[name] = {
                "fmt": "csv",
                "filename": "x_sep_victim.txt",
                "name": "muldelete",
                "action": "accept",
                "kind": "issue",
                "event_id": 1,
                "token": "x",
                "version": "v1",
                "group_by": "",
                "language": "en",
                "locale": "en",
                "path": "x",
            }.get(name, "1")
    return values


def _form(victims: Victims, token: str) -> dict[str, Any]:
    """A form that would change the victim rows if the server trusted it."""
    return {
        "csrf_token": token,
        "request_id": str(victims.request_id),
        "work_order_id": str(victims.work_order_id),
        "ids": str(victims.request_id),
        "rowid": str(victims.request_id),
        "action": "cancel",
        "kind": "reply",
        "body": "crawler",
        "reason": "crawler",
        "into": "SR-0",
        "minutes": "30",
        "description": "crawler",
        "amount": "1",
        "part_id": "1",
        "quantity": "1",
        "subject": "crawler",
        "next": "/",
    }


@dataclass
class Finding:
    endpoint: str
    method: str
    url: str
    status: int
    problem: str

    def __str__(self) -> str:
        return f"{self.method} {self.url} [{self.endpoint}] → {self.status}: {self.problem}"


ALLOWED = {400, 401, 403, 404, 405}


def leaks(body: str, sentinels: list[str]) -> list[str]:
    if SENTINEL_PREFIX not in body:
        return []
    return [sentinel for sentinel in sentinels if sentinel in body][:3]


def _query(app, rule, victims: Victims) -> str:
    """Query strings aimed at the victims: big pages for lists, their sentinels for searches."""
    view, _model = _model_of(app, rule.endpoint)
    method = rule.endpoint.rsplit(".", 1)[-1]
    if method in {"list", "export"} and view is not None:
        return f"?psize_{type(view).__name__}=100"
    if method == "get_list":
        return "?q=(page_size:100)"
    if method in {"lookup", "index"} and ("lookup" in rule.rule or "search" in rule.rule):
        return f"?q={SENTINEL_PREFIX}&term={SENTINEL_PREFIX}&customer_id=&request_id={victims.request_id}"
    if method == "info":
        return "?q=(keys:!(add_columns,edit_columns,filters,permissions))"
    if method == "bulk_assign_form":
        return f"?ids={victims.request_id}"
    return ""


def crawl(app, client, victims: Victims, role: Role, only: str | None = None) -> tuple[list[Finding], dict[str, int]]:
    """Call every classified endpoint as ``client`` (or those whose name starts with ``only``); the findings,
    and how many endpoints of each kind."""
    findings: list[Finding] = []
    counts: dict[str, int] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if only is not None and not rule.endpoint.startswith(only):
            continue
        classified = classify(app, rule.endpoint)
        if classified is None:
            findings.append(Finding(rule.endpoint, "-", rule.rule, 0, "endpoint not classified in rls_crawl.py"))
            continue
        kind, _reason = classified
        counts[kind] = counts.get(kind, 0) + 1
        if kind == SKIP:
            continue
        values = _values(app, rule, victims, role)
        if values is None:
            continue
        try:
            path = _build(app, rule, values)
        except Exception as error:  # noqa: BLE001 - a rule we cannot build is a finding, not a crash
            findings.append(Finding(rule.endpoint, "-", rule.rule, 0, f"cannot build url: {error}"))
            continue
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        if kind in {READ, PUBLIC}:
            methods = [m for m in methods if m == "GET"]
        for method in methods:
            url = path + (_query(app, rule, victims) if method == "GET" else "")
            try:
                response = _call(client, method, url, rule, victims)
            except Exception as error:  # noqa: BLE001 - TESTING propagates errors: a 500 in production
                findings.append(Finding(rule.endpoint, method, url, 500, f"exception {error!r}"[:300]))
                continue
            if response is None:
                continue
            findings += _check(app, client, rule.endpoint, method, url, response, victims)
    return findings, counts


def _build(app, rule, values: dict[str, Any]) -> str:
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def _call(client, method: str, url: str, rule, victims: Victims):
    if method == "GET":
        return client.get(url)
    token = csrf_token(client)
    if url.startswith("/api/"):
        payload = {
            "action": "cancel",
            "body": "crawler",
            "kind": "reply",
            "reason": "crawler",
            "minutes": 30,
            "description": "crawler",
            "amount": "1",
            "vendor_id": None,
            "request_id": victims.request_id,
            "work_order_id": victims.work_order_id,
        }
        return client.open(
            url,
            method=method,
            data=json.dumps(payload),
            content_type="application/json",
            headers={"X-CSRFToken": token},
        )
    data = _form(victims, token)
    if rule.endpoint.endswith(".action_post"):
        view, model = _model_of(client.application, rule.endpoint)
        actions = sorted(getattr(view, "actions", None) or {})
        if not actions:
            return None  # FAB answers an unknown action name with a 500 (AttributeError): nothing to aim at
        data["action"] = "muldelete" if "muldelete" in actions else actions[0]
        data["rowid"] = str(victims.ids.get(model, 1))
    if rule.endpoint == "attachments.upload":
        data["file"] = (io.BytesIO(b"crawler\n"), "crawler.txt")
        return client.post(url, data=data, content_type="multipart/form-data")
    return client.open(url, method=method, data=data)


def _check(app, client, endpoint: str, method: str, url: str, response, victims: Victims) -> list[Finding]:
    status = response.status_code
    if status >= 500:
        return [Finding(endpoint, method, url, status, "server error")]
    leaked = leaks(response.get_data(as_text=True), victims.sentinels)
    if leaked:
        return [Finding(endpoint, method, url, status, f"sentinels in body: {leaked}")]
    if status in ALLOWED or status == 200:
        return []
    if 300 <= status < 400:
        location = urlsplit(response.headers.get("Location", ""))
        if location.netloc not in {"", "localhost"} or "/login" in location.path:
            return []
        target = location.path + (f"?{location.query}" if location.query else "")
        followed = client.get(target)
        leaked = leaks(followed.get_data(as_text=True), victims.sentinels)
        if leaked:
            return [Finding(endpoint, method, f"{url} → {target}", followed.status_code, f"sentinels: {leaked}")]
        return []
    return [Finding(endpoint, method, url, status, "unexpected status")]
