"""Enumerations stored as their code, shown by a translated label — one place for zh/en names.

A member is declared as ``CODE = ("code", _l("Label"))``; the database keeps the
member name (SQLAlchemy's default for ``Enum(cls)``), screens show ``member.label``.
"""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l
from sqlalchemy import Enum as SAEnum


class LabelledEnum(enum.Enum):
    def __new__(cls, code: str, label) -> LabelledEnum:
        member = object.__new__(cls)
        member._value_ = code
        member.label = label
        return member

    def __str__(self) -> str:
        return str(self.label)

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.name, str(member.label)) for member in cls]


def enum_column(enum_class: type[LabelledEnum]) -> SAEnum:
    """A portable VARCHAR enum column (no native PostgreSQL type to migrate)."""
    return SAEnum(enum_class, native_enum=False, length=24, validate_strings=True)


class ServiceTier(LabelledEnum):
    VIP = ("vip", _l("VIP"))
    GOLD = ("gold", _l("Gold"))
    STANDARD = ("standard", _l("Standard"))


class AssetStatus(LabelledEnum):
    IN_SERVICE = ("in_service", _l("In service"))
    IN_REPAIR = ("in_repair", _l("In repair"))
    IN_STOCK = ("in_stock", _l("In stock"))
    RETIRED = ("retired", _l("Retired"))


class WarrantyStatus(LabelledEnum):
    IN_WARRANTY = ("in_warranty", _l("In warranty"))
    EXPIRING = ("expiring", _l("Expiring within 30 days"))
    EXPIRED = ("expired", _l("Out of warranty"))
    UNKNOWN = ("unknown", _l("No warranty recorded"))


class Priority(LabelledEnum):
    P1 = ("P1", _l("P1 Critical"))
    P2 = ("P2", _l("P2 High"))
    P3 = ("P3", _l("P3 Medium"))
    P4 = ("P4", _l("P4 Low"))


class SupportTier(LabelledEnum):
    L1 = ("L1", _l("L1 first line"))
    L2 = ("L2", _l("L2 second line"))
    L3 = ("L3", _l("L3 third line"))


class SLAKind(LabelledEnum):
    EXTERNAL = ("external", _l("SLA (to customers)"))
    INTERNAL = ("internal", _l("OLA (vendors and groups)"))


class CalendarDayKind(LabelledEnum):
    HOLIDAY = ("holiday", _l("Holiday"))
    MAKEUP_WORKDAY = ("makeup_workday", _l("Make-up working day"))


class EntitlementKind(LabelledEnum):
    UNLIMITED = ("unlimited", _l("Unlimited"))
    REQUESTS = ("requests", _l("Number of requests"))
    MONEY = ("money", _l("Money balance"))


class ChargeMode(LabelledEnum):
    PER_REQUEST = ("per_request", _l("Fixed charge per request"))
    TIME_AND_MATERIAL = ("time_and_material", _l("Time and material"))


class ContractStatus(LabelledEnum):
    NOT_STARTED = ("not_started", _l("Not started"))
    ACTIVE = ("active", _l("In force"))  # not "Active": that msgid is the active flag (启用)
    EXHAUSTED = ("exhausted", _l("Entitlement used up"))
    EXPIRED = ("expired", _l("Expired"))


class WarehouseKind(LabelledEnum):
    CENTRAL = ("central", _l("Central warehouse"))
    REGIONAL = ("regional", _l("Regional warehouse"))
    VAN = ("van", _l("Engineer van"))
    VENDOR = ("vendor", _l("Vendor-held"))


class RequestStatus(LabelledEnum):
    """A service request's status; the flow between them is app/domain/request_flow.py."""

    NEW = ("new", _l("New"))
    ASSIGNED = ("assigned", _l("Assigned"))
    IN_PROGRESS = ("in_progress", _l("In progress"))
    PENDING_CUSTOMER = ("pending_customer", _l("Waiting for the customer"))
    PENDING_VENDOR = ("pending_vendor", _l("Waiting for the vendor"))
    RESOLVED = ("resolved", _l("Resolved"))
    CLOSED = ("closed", _l("Closed"))
    CANCELLED = ("cancelled", _l("Cancelled"))


class RequestAction(LabelledEnum):
    ASSIGN = ("assign", _l("Assign"))
    START = ("start", _l("Start work"))
    WAIT_CUSTOMER = ("wait_customer", _l("Wait for the customer"))
    WAIT_VENDOR = ("wait_vendor", _l("Wait for the vendor"))
    RESUME = ("resume", _l("Resume"))
    RESOLVE = ("resolve", _l("Resolve"))
    CLOSE = ("close", _l("Close"))
    REOPEN = ("reopen", _l("Reopen"))
    CANCEL = ("cancel", _l("Cancel request"))


class RequestType(LabelledEnum):
    INCIDENT = ("incident", _l("Incident"))
    SERVICE_REQUEST = ("service_request", _l("Service request"))
    COMPLAINT = ("complaint", _l("Complaint"))
    INSPECTION = ("inspection", _l("Inspection"))
    CONSULTATION = ("consultation", _l("Consultation"))
    PROBLEM = ("problem", _l("Problem"))


class Channel(LabelledEnum):
    PHONE = ("phone", _l("Phone"))
    EMAIL = ("email", _l("E-mail"))
    WEB = ("web", _l("Web"))
    PORTAL = ("portal", _l("Customer portal"))
    SCHEDULED = ("scheduled", _l("Scheduled"))


class NoteKind(LabelledEnum):
    INTERNAL = ("internal", _l("Internal note"))
    REPLY = ("reply", _l("Reply to the customer"))


class WorkOrderType(LabelledEnum):
    ON_SITE = ("on_site", _l("On-site"))
    REMOTE = ("remote", _l("Remote"))
    REPAIR = ("repair", _l("Repair"))
    INSPECTION = ("inspection", _l("Inspection"))


class WorkOrderStatus(LabelledEnum):
    """A work order's status; the flow between them is app/domain/work_order_flow.py."""

    ASSIGNED = ("assigned", _l("Assigned"))
    ACCEPTED = ("accepted", _l("Accepted"))
    DECLINED = ("declined", _l("Declined"))
    SCHEDULED = ("scheduled", _l("Scheduled"))
    ON_SITE = ("on_site", _l("On site"))
    SUBMITTED = ("submitted", _l("Submitted for review"))
    APPROVED = ("approved", _l("Approved"))
    CANCELLED = ("cancelled", _l("Cancelled"))


class WorkOrderAction(LabelledEnum):
    REASSIGN = ("reassign", _l("Reassign"))
    ACCEPT = ("accept", _l("Accept"))
    DECLINE = ("decline", _l("Decline"))
    SCHEDULE = ("schedule", _l("Schedule visit"))
    CHECK_IN = ("check_in", _l("Check in"))
    SUBMIT = ("submit", _l("Submit for review"))
    APPROVE = ("approve", _l("Approve"))
    REWORK = ("rework", _l("Send back for rework"))
    CANCEL = ("cancel", _l("Cancel work order"))


class WorkResult(LabelledEnum):
    FIXED = ("fixed", _l("Fixed"))
    PARTLY_FIXED = ("partly_fixed", _l("Partly fixed"))
    NOT_FIXED = ("not_fixed", _l("Not fixed"))


class ExpenseKind(LabelledEnum):
    TRAVEL = ("travel", _l("Travel"))
    MATERIAL = ("material", _l("Material"))
    OTHER = ("other", _l("Other"))


class StockMoveKind(LabelledEnum):
    """A stock ledger movement; which stock buckets each kind moves between is app/domain/stock_ledger.py."""

    RECEIPT = ("receipt", _l("Receipt"))
    ISSUE = ("issue", _l("Issue to work order"))
    RETURN = ("return", _l("Return unused"))
    TRANSFER = ("transfer", _l("Transfer"))
    ADJUSTMENT = ("adjustment", _l("Stock adjustment"))
    DEFECTIVE_RETURN = ("defective_return", _l("Defective return"))
    SENT_TO_REPAIR = ("sent_to_repair", _l("Sent to repair"))
    REPAIRED = ("repaired", _l("Repaired back to stock"))
    SCRAPPED = ("scrapped", _l("Scrapped"))


class MailStatus(LabelledEnum):
    PENDING = ("pending", _l("Waiting to be sent"))
    SENT = ("sent", _l("Sent"))
    FAILED = ("failed", _l("Failed"))
    HELD = ("held", _l("Kept in the outbox (development)"))


class SLAChangeReason(LabelledEnum):
    """Why a record's SLA due times were (re)computed: each such moment is kept for the SLA timeline."""

    CREATED = ("created", _l("SLA applied on creation"))
    PRIORITY = ("priority", _l("Priority changed"))
    SLA = ("sla", _l("SLA changed"))
    RESUMED = ("resumed", _l("Clock resumed after a pause"))
    ASSIGNED = ("assigned", _l("Assigned to a vendor or group with an OLA"))


class EscalationTarget(LabelledEnum):
    REQUEST_RESPONSE = ("request_response", _l("Request response"))
    REQUEST_RESOLUTION = ("request_resolution", _l("Request resolution"))
    WORK_ORDER_RESPONSE = ("work_order_response", _l("Work order acceptance (OLA)"))
    WORK_ORDER_RESOLUTION = ("work_order_resolution", _l("Work order completion (OLA)"))


class EscalationTrigger(LabelledEnum):
    PERCENT_ELAPSED = ("percent_elapsed", _l("Percentage of the target elapsed"))
    BEFORE_DUE = ("before_due", _l("Minutes before the due time"))
    AFTER_DUE = ("after_due", _l("Minutes after the due time"))


class JobOutcome(LabelledEnum):
    RUNNING = ("running", _l("Running"))
    OK = ("ok", _l("Succeeded"))
    FAILED = ("failed", _l("Run failed"))  # not "Failed": that msgid is a mail's (发送失败)
