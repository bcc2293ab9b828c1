"""满意度回访: one-time, expiring survey links and what an answer changes.

A link carries a random token; only its SHA-256 is stored, so the table cannot be turned back
into working links. A token is unknown, expired, already answered or open (``SurveyState``); the
public page shows unknown and expired alike, so a guessed link tells nothing about any request.
An answer is taken with one conditional UPDATE (still open, not expired), so a link works once
even when submitted twice at the same moment; it is copied onto the request and restarts the
request's auto-close clock.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from app.domain.auto_close import restart_timer
from app.domain.errors import ValidationError
from app.domain.outbox import mail_contact
from models.service_requests import SatisfactionSurvey, ServiceRequest

RATINGS = range(1, 6)
COMMENT_MAX = 2000
TOKEN_BYTES = 32


def N_(message: str) -> str:
    """Marks a msgid for extraction; the view translates it."""
    return message


class SurveyState(enum.Enum):
    OPEN = "open"
    ANSWERED = "answered"
    EXPIRED = "expired"  # also: unknown (the page does not tell them apart)


class SurveyRefused(ValidationError):
    """An answer not taken; ``message`` is a msgid for the view to translate."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_survey(
    session: Session, request: ServiceRequest, *, now: datetime, valid_days: int
) -> tuple[str, SatisfactionSurvey]:
    """A new survey for the request and its token (shown once, in the mail); earlier open links expire."""
    session.execute(
        update(SatisfactionSurvey)
        .where(
            SatisfactionSurvey.request_id == request.id,
            SatisfactionSurvey.answered_at.is_(None),
            SatisfactionSurvey.expires_at > now,
        )
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )
    token = new_token()
    survey = SatisfactionSurvey(
        request_id=request.id,
        contact_id=request.contact_id,
        token_hash=token_hash(token),
        expires_at=now + timedelta(days=valid_days),
        created_at=now,
    )
    session.add(survey)
    session.flush()
    return token, survey


def send_survey(session: Session, request: ServiceRequest, *, now: datetime, valid_days: int) -> None:
    """Create the request's survey and mail its link with the "resolved" message to the contact.

    The token exists only in that mail's parameters (the survey row keeps its hash); nothing is
    created when nobody can receive it.
    """
    contact = request.contact
    if contact is None or not contact.email:
        return
    token, survey = create_survey(session, request, now=now, valid_days=valid_days)
    mail_contact(session, request, "request_resolved", {"survey_token": token, "survey_expires_at": survey.expires_at},
                 dedupe_key=f"resolved:{request.id}:{survey.id}")  # fmt: skip


def find_survey(session: Session, token: str) -> SatisfactionSurvey | None:
    if not token or len(token) > 200:
        return None
    return session.query(SatisfactionSurvey).filter_by(token_hash=token_hash(token)).one_or_none()


def survey_state(survey: SatisfactionSurvey | None, now: datetime) -> SurveyState:
    if survey is None:
        return SurveyState.EXPIRED
    if survey.answered_at is not None:
        return SurveyState.ANSWERED
    if survey.expires_at <= now:
        return SurveyState.EXPIRED
    return SurveyState.OPEN


def answer_survey(
    session: Session, survey: SatisfactionSurvey, *, rating: int | None, comment: str | None, now: datetime
) -> None:
    """Store the answer on the survey and the request, once; raises ``SurveyRefused``."""
    if rating not in RATINGS:
        raise SurveyRefused(N_("Choose a rating from 1 to 5."))
    comment = (comment or "").strip() or None
    if comment is not None and len(comment) > COMMENT_MAX:
        raise SurveyRefused(N_("The comment may be at most %(max)s characters long."), max=COMMENT_MAX)
    taken = session.execute(
        update(SatisfactionSurvey)
        .where(
            SatisfactionSurvey.id == survey.id,
            SatisfactionSurvey.answered_at.is_(None),
            SatisfactionSurvey.expires_at > now,
        )
        .values(answered_at=now, rating=rating, comment=comment)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        raise SurveyRefused(N_("This survey link has already been used or has expired."))
    session.expire(survey)
    request = survey.request
    request.satisfaction_rating = rating
    request.satisfaction_comment = comment
    request.satisfaction_at = now
    restart_timer(request, now)
    session.flush()
