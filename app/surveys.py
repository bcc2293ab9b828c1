"""Sending the satisfaction survey when a request is resolved (called by the request flow).

The mail is the contact's "your request is resolved" message with the one-time survey link; the
token exists only in that mail (the table keeps its hash, ``app.domain.surveys``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.domain.surveys import create_survey
from models.service_requests import ServiceRequest

SURVEY_ENDPOINT = "surveys.answer"


def send_survey(session: Session, request: ServiceRequest, *, now: datetime) -> None:
    """Create the request's survey and mail its link to the contact; nothing when nobody can receive it."""
    from app.domain.service_requests import desk_settings
    from app.notifications import absolute_url, mail_contact

    contact = request.contact
    if contact is None or not contact.email:
        return
    token, survey = create_survey(session, request, now=now, valid_days=desk_settings(session).survey_valid_days)
    mail_contact(
        session,
        request,
        kind="request_resolved",
        template="request_resolved",
        context={"survey_url": absolute_url(SURVEY_ENDPOINT, token=token), "survey_expires_at": survey.expires_at},
        dedupe_key=f"resolved:{request.id}:{survey.id}",
    )
