"""The SLA on the request page and API: targets met or breached with their margin, why each due time
is what it is, the clock's running / paused / outside-hours spans, escalations fired; and the SLA lists.

The rules are ``app.domain.sla_tracking`` (the clock) and ``app.domain.escalation`` (the sweep); this
module only words them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.domain.sla_clock import OUTSIDE_HOURS, PAUSED, RUNNING, TargetOutcome
from app.domain.sla_selection import ASSET_MODEL, CATEGORY, CONTRACT, CUSTOMER, DEFAULT, TIER
from app.domain.sla_tracking import SLAReport, request_sla_report
from app.extensions import db
from app.security.scoping import current_scope
from models.base import utcnow
from models.enums import RequestStatus
from models.escalation import EscalationEvent
from models.service_requests import ServiceRequest

SELECTION_REASONS = {
    CONTRACT: _l("named by the request's contract"),
    CUSTOMER: _l("the most specific match: scoped to this customer"),
    ASSET_MODEL: _l("the most specific match: scoped to the asset's model"),
    CATEGORY: _l("the most specific match: scoped to the request's category"),
    TIER: _l("the most specific match: scoped to the customer's service tier"),
    DEFAULT: _l("the default SLA (nothing more specific matched)"),
}
SPAN_KINDS = {
    RUNNING: (_l("Clock running"), "#5cb85c"),
    PAUSED: (_l("Paused"), "#f0ad4e"),
    OUTSIDE_HOURS: (_l("Outside working hours"), "#d9d9d9"),
}


def pause_reason_label(reason: str) -> Any:
    """A pause's reason is the status that stopped the clock (stored by name)."""
    try:
        return RequestStatus[reason].label
    except KeyError:
        return reason


def page_context(item: ServiceRequest) -> dict[str, Any]:
    """What the request page's SLA panel needs; escalation events only for staff."""
    now = utcnow()
    report = request_sla_report(db.session, item, now=now)
    events = []
    if current_scope().is_staff:
        events = list(
            db.session.scalars(
                select(EscalationEvent)
                .where(EscalationEvent.request_id == item.id)
                .order_by(EscalationEvent.fired_at.desc(), EscalationEvent.id.desc())
                .limit(100)
            )
        )
    return {
        "sla": report,
        "sla_now": now,
        "sla_reasons": SELECTION_REASONS,
        "span_kinds": SPAN_KINDS,
        "pause_reason_label": pause_reason_label,
        "escalations": events,
        "bar": _bar(report),
    }


def _bar(report: SLAReport) -> list[dict[str, Any]]:
    """The spans as shares of the elapsed time, for a one-line picture of the clock."""
    spans = report.spans
    if not spans:
        return []
    total = (spans[-1].end - spans[0].start).total_seconds() or 1
    return [
        {"kind": span.kind, "share": max((span.end - span.start).total_seconds() / total * 100, 0.2), "span": span}
        for span in spans
    ]


def _outcome_json(result: TargetOutcome | None) -> dict[str, Any] | None:
    if result is None:
        return None
    return {
        "target_minutes": result.target_seconds // 60,
        "due_at": _iso(result.due_at),
        "stopped_at": _iso(result.stopped_at),
        "consumed_seconds": result.consumed_seconds,
        "margin_seconds": result.margin_seconds,
        "met": result.met,
        "paused": result.paused,
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def report_json(report: SLAReport) -> dict[str, Any]:
    """The SLA of a request for the REST API (``GET /api/v1/servicerequest/<id>/sla``)."""
    return {
        "sla": report.sla_name,
        "selection": report.selection,
        "response": _outcome_json(report.response),
        "resolution": _outcome_json(report.resolution),
        "paused_since": _iso(report.paused_since),
        "pause_reason": report.pause_reason.value if report.pause_reason is not None else None,
        "changes": [
            {
                "at": _iso(change.at),
                "reason": change.reason.value,
                "sla": change.sla_name,
                "priority": change.priority.value if change.priority is not None else None,
                "response_minutes": change.response_minutes,
                "resolution_minutes": change.resolution_minutes,
                "consumed_seconds": change.consumed_seconds,
                "paused_seconds": change.paused_seconds,
                "response_due_at": _iso(change.response_due_at),
                "resolution_due_at": _iso(change.resolution_due_at),
            }
            for change in report.changes
        ],
        "timeline": [
            {
                "kind": span.kind,
                "start": _iso(span.start),
                "end": _iso(span.end),
                "working_seconds": span.working_seconds,
                "reason": span.reason,
            }
            for span in report.spans
        ],
    }
