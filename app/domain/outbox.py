"""Mail as intent: what is to be said, to whom, about what — recorded by the rules, worded at delivery.

The domain queues a mail as a row of the outbox: recipient (a user or a contact, and the address
at that moment), template key, parameters, language, the request and work order it is about,
attachments (stored files) and a stable Message-ID; its place in the request's thread (References)
is taken when it is first delivered. Nothing is rendered here and nothing here needs
Flask: ``app/mail.py`` renders at delivery, in the recipient's language, and sends.

Parameters are JSON with dates kept typed (``{"$date": …}``, ``{"$datetime": …}``,
``{"$decimal": …}``), so a template shows them per locale; they are a snapshot of what was true
when the mail was queued (a reply's text, a visit window), while the records it is about are read
as they are at delivery.

Delivery state lives on the row and changes only through the functions below: a try is claimed
by one conditional UPDATE (two workers never send the same row), failures back off and end as
FAILED, and ids queued in a transaction are handed over for sending only once it commits
(``send_after_commit``; the Flask layer installs the hook that enqueues them).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.enums import MailStatus
from models.notifications import MailAttachment, MailOutbox
from models.organisations import Contact
from models.service_requests import ServiceRequest
from models.users import LANGUAGE_CODES, UserAccount
from models.work_orders import WorkOrder

MAX_ATTEMPTS = 6
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=2)
CLAIM_LEASE = timedelta(minutes=10)  # a worker that died mid-send frees its row after this
THREAD_DEPTH = 10  # References keep the thread's root and the newest earlier mails (RFC 5322 allows trimming)
PENDING_KEY = "mail_outbox_ids_to_send"


@dataclass(frozen=True)
class MailAddress:
    """A recipient that is neither a user nor a contact (a report's subscriber, say)."""

    email: str | None
    name: str | None = None
    preferred_language: str | None = None


@dataclass(frozen=True)
class MailFile:
    """A file already stored under ``<instance>/attachments`` (``app.attachments``) to send with a mail."""

    filename: str
    stored_name: str
    content_type: str
    size_bytes: int


Recipient = UserAccount | Contact | MailAddress


# ---------------------------------------------------------------- parameters


def encode_params(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """Parameters as JSON, dates and amounts tagged so they come back typed; anything else is refused."""
    return _encode(dict(params or {}))


def decode_params(stored: Mapping[str, Any] | None) -> dict[str, Any]:
    return {key: _decode(value) for key, value in (stored or {}).items()}


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime in mail parameters; pass an aware datetime")
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, list | tuple):
        return [_encode(item) for item in value]
    if isinstance(value, Mapping):
        if any(str(key).startswith("$") for key in value):
            raise ValueError("mail parameter keys beginning with $ are reserved for typed values")
        return {str(key): _encode(item) for key, item in value.items()}
    raise TypeError(f"mail parameters hold plain values, not {type(value).__name__}")


_DECODERS = {"$datetime": datetime.fromisoformat, "$date": date.fromisoformat, "$decimal": Decimal}


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(item) for item in value]
    if isinstance(value, dict):
        if len(value) == 1:
            ((tag, text),) = value.items()
            if tag in _DECODERS:
                return _DECODERS[tag](text)
        return {key: _decode(item) for key, item in value.items()}
    return value


# ---------------------------------------------------------------- queueing


def recipient_language(recipient: Recipient) -> str | None:
    """The recipient's language, or None for the desk's default (decided at delivery)."""
    language = getattr(recipient, "preferred_language", None)
    return language if language in LANGUAGE_CODES else None


def recipient_name(recipient: Recipient) -> str | None:
    if isinstance(recipient, UserAccount):
        return recipient.get_full_name()
    return recipient.name


def queue_mail(
    session: Session,
    recipient: Recipient,
    kind: str,
    params: Mapping[str, Any] | None = None,
    *,
    request: ServiceRequest | None = None,
    work_order: WorkOrder | None = None,
    dedupe_key: str | None = None,
    not_before: datetime | None = None,
    attachments: Iterable[MailFile] = (),
) -> MailOutbox | None:
    """Record a mail of template ``kind`` to ``recipient``; sent after commit, rendered then.

    No address → None. A ``dedupe_key`` already queued → None, also when two transactions race
    (the unique column decides, inside a savepoint). ``not_before`` (quiet hours) leaves it to
    the sweep, which sends it once that time has come. A work order's mail belongs to its request.
    """
    address = (recipient.email or "").strip()
    if not address:
        return None
    if dedupe_key and _already_queued(session, dedupe_key):
        return None
    if request is None and work_order is not None:
        request = work_order.request
    mail = MailOutbox(
        to_address=address,
        to_name=recipient_name(recipient),
        recipient_user_id=recipient.id if isinstance(recipient, UserAccount) else None,
        recipient_contact_id=recipient.id if isinstance(recipient, Contact) else None,
        language=recipient_language(recipient),
        kind=kind,
        params=encode_params(params),
        message_id=new_message_id(),
        status=MailStatus.PENDING,
        attempts=0,
        dedupe_key=dedupe_key,
        request_id=request.id if request is not None else None,
        work_order_id=work_order.id if work_order is not None else None,
        next_attempt_at=not_before,
        attachments=[
            MailAttachment(
                filename=file.filename,
                stored_name=file.stored_name,
                content_type=file.content_type,
                size_bytes=file.size_bytes,
            )
            for file in attachments
        ],
    )
    try:
        with session.begin_nested():
            session.add(mail)
    except IntegrityError:
        return None
    if not_before is None:
        send_after_commit(session, mail.id)
    return mail


def mail_contact(
    session: Session,
    request: ServiceRequest,
    kind: str,
    params: Mapping[str, Any] | None = None,
    *,
    work_order: WorkOrder | None = None,
    dedupe_key: str | None = None,
) -> MailOutbox | None:
    """Mail a request's contact in the contact's language; None when there is no address."""
    if request.contact is None:
        return None
    return queue_mail(
        session, request.contact, kind, params, request=request, work_order=work_order, dedupe_key=dedupe_key
    )


def _already_queued(session: Session, dedupe_key: str) -> bool:
    return session.scalar(select(MailOutbox.id).where(MailOutbox.dedupe_key == dedupe_key)) is not None


def new_message_id() -> str:
    """The left side of a new Message-ID: random, so unique across databases and reinstalls."""
    return f"{secrets.token_hex(12)}.desk"


def thread_references(session: Session, mail: MailOutbox) -> list[str] | None:
    """The References of a mail about a request: the request's root (its number), then the Message-IDs of
    earlier mail about it to the same address, oldest first (the newest THREAD_DEPTH - 1 of them).

    Taken at the first delivery and kept, so every try sends the same headers."""
    if mail.request is None:
        return None
    earlier = session.scalars(
        select(MailOutbox.message_id)
        .where(MailOutbox.request_id == mail.request_id, MailOutbox.to_address == mail.to_address,
               MailOutbox.id < mail.id, MailOutbox.message_id.is_not(None))
        .order_by(MailOutbox.id.desc())
        .limit(THREAD_DEPTH - 1)
    ).all()  # fmt: skip
    return [mail.request.number or f"request-{mail.request_id}", *reversed(earlier)]


def send_after_commit(session: Session, mail_id: int) -> None:
    """Hand ``mail_id`` over for sending once this transaction commits (never before)."""
    session.info.setdefault(PENDING_KEY, set()).add(mail_id)


def take_committed(session: Session) -> list[int]:
    """The ids queued in the transaction that just committed (emptied: each is handed over once)."""
    return sorted(session.info.pop(PENDING_KEY, ()))


def forget_pending(session: Session) -> None:
    """The whole transaction rolled back: its mail never existed."""
    session.info.pop(PENDING_KEY, None)


# ---------------------------------------------------------------- delivery state


def requeue_mail(session: Session, mail: MailOutbox, *, actor: UserAccount | None, now: datetime) -> bool:
    """The "send again" action for a FAILED or HELD mail: back to PENDING with fresh attempts.

    Recorded (who, when); such a mail is sent even where delivery keeps new mail in the outbox.
    """
    if mail.status not in (MailStatus.FAILED, MailStatus.HELD):
        return False
    mail.requeued_at, mail.requeued_by_id = now, actor.id if actor is not None else None
    mail.status = MailStatus.PENDING
    mail.attempts = 0
    mail.next_attempt_at = None
    mail.last_error = None
    session.flush()
    send_after_commit(session, mail.id)
    return True


def retry_delay(attempts: int) -> timedelta:
    """Backoff after the ``attempts``-th failed try: 1, 2, 4, 8 … minutes, at most two hours."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def _due(mail_id: int | None, now: datetime):
    conditions = [
        MailOutbox.status == MailStatus.PENDING,
        or_(MailOutbox.next_attempt_at.is_(None), MailOutbox.next_attempt_at <= now),
    ]
    return and_(MailOutbox.id == mail_id, *conditions) if mail_id is not None else and_(*conditions)


def due_mail_ids(session: Session, now: datetime, limit: int = 100) -> list[int]:
    """PENDING mail whose next try is due, oldest first."""
    query = select(MailOutbox.id).where(_due(None, now)).order_by(MailOutbox.created_at, MailOutbox.id).limit(limit)
    return list(session.scalars(query))


def claim_mail(session: Session, mail_id: int, now: datetime) -> bool:
    """Take one due PENDING mail for sending; only one caller ever wins a given try.

    One conditional UPDATE (stack notes): it counts the attempt and pushes the next try
    past a lease, so a second sweep or worker finds nothing due, and a worker that died
    mid-send leaves the row to be retried after the lease.
    """
    result = session.execute(
        update(MailOutbox)
        .where(_due(mail_id, now))
        .values(attempts=MailOutbox.attempts + 1, next_attempt_at=now + CLAIM_LEASE)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def hold_mail(session: Session, mail_id: int | None, now: datetime) -> int:
    """Keep due mail in the outbox instead of sending it (development's outbox delivery): one mail, or
    every due one when ``mail_id`` is None. Mail an admin chose to send again is not kept: it goes out."""
    result = session.execute(
        update(MailOutbox)
        .where(_due(mail_id, now), MailOutbox.requeued_at.is_(None))
        .values(status=MailStatus.HELD, next_attempt_at=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def record_sent(mail: MailOutbox, now: datetime) -> None:
    mail.status = MailStatus.SENT
    mail.sent_at = now
    mail.next_attempt_at = None
    mail.last_error = None


def record_failure(mail: MailOutbox, error: str, now: datetime) -> None:
    """Retry later with backoff, or give up as FAILED after MAX_ATTEMPTS tries."""
    mail.last_error = error[:2000]
    if mail.attempts >= MAX_ATTEMPTS:
        mail.status = MailStatus.FAILED
        mail.next_attempt_at = None
    else:
        mail.next_attempt_at = now + retry_delay(mail.attempts)
