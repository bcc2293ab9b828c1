"""Notifications: the in-app bell and e-mail through the outbox.

``notify`` stores a msgid and its parameters per recipient, so each reads it in their
own language. ``queue_mail`` renders a mail once, in the recipient's language, into
the outbox; after the transaction commits each new row is handed to the Huey task
(``tasks/mail.py``), and a periodic sweep retries what is due. Sending is guarded by a
conditional UPDATE (``claim_mail``) so two workers never send the same row, and every
state change (attempts, backoff, last error) lives on the row: the sweep is
state-based and safe to run twice.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale
from jinja2 import TemplateNotFound
from sqlalchemy import and_, event, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.enums import MailStatus
from models.notifications import MailOutbox, Notification
from models.users import LANGUAGE_CODES, UserAccount

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=2)
CLAIM_LEASE = timedelta(minutes=10)  # a worker that died mid-send frees its row after this
SMTP_TIMEOUT_SECONDS = 30
_PENDING_KEY = "mail_outbox_ids_to_send"


def N_(message: str) -> str:
    """Marks a msgid for extraction; it is translated when shown."""
    return message


# ---------------------------------------------------------------- in-app


def notify(
    session: Session,
    recipients: Iterable[UserAccount | int],
    kind: str,
    message: str,
    params: dict | None = None,
    *,
    link: str | None = None,
    request_id: int | None = None,
    work_order_id: int | None = None,
    escalation_event_id: int | None = None,
    visible_from: datetime | None = None,
) -> list[Notification]:
    """One unread notification per distinct recipient (users or user ids; None is skipped).

    ``visible_from`` holds it back until then (quiet hours); the bell and the list show it from then on.
    """
    ids = dict.fromkeys(r.id if isinstance(r, UserAccount) else r for r in recipients if r is not None)
    rows = [
        Notification(
            recipient_id=user_id,
            kind=kind,
            message=message,
            params=dict(params or {}),
            link=link,
            request_id=request_id,
            work_order_id=work_order_id,
            escalation_event_id=escalation_event_id,
            visible_from=visible_from,
        )
        for user_id in ids
    ]
    session.add_all(rows)
    return rows


def visible_now(now: datetime | None = None):
    """The clause for notifications already shown: not held back for the recipient's working hours."""
    from models.base import utcnow

    return or_(Notification.visible_from.is_(None), Notification.visible_from <= (now or utcnow()))


def notification_text(notification: Notification) -> str:
    """The stored msgid in the current locale; a missing parameter never breaks the page."""
    from flask_babel import gettext

    try:
        return gettext(notification.message, **(notification.params or {}))
    except (KeyError, ValueError, TypeError):
        return gettext(notification.message)


# ---------------------------------------------------------------- language and links


def user_language(user: Any) -> str:
    """A user's or contact's preferred language, else the app's default."""
    language = getattr(user, "preferred_language", None)
    if language in LANGUAGE_CODES:
        return language
    return current_app.config.get("BABEL_DEFAULT_LOCALE", "zh")


def absolute_url(endpoint: str, **values: Any) -> str:
    """A full link from PUBLIC_BASE_URL: the same in a web request, a job or a mail."""
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def record_url(record: Any, *, external: bool = True) -> str | None:
    """The show page of a record (a request, a work order …): absolute for mail, else relative."""
    return show_url(type(record), record.id, external=external)


def show_url(model: type, pk: int, *, external: bool = True) -> str | None:
    """The show page of ``model`` row ``pk``, found from the registered views (None if none).

    Looked up rather than hard-coded, so mail and notifications follow whichever
    ModelView shows that model (preferring one named ``<Model>View``).
    """
    endpoint = _show_endpoint(model)
    if endpoint is None:
        return None
    if external:
        return absolute_url(endpoint, pk=pk)
    from flask import url_for

    return url_for(endpoint, pk=pk)


def _show_endpoint(model: type) -> str | None:
    from flask_appbuilder import ModelView

    cache = current_app.extensions.setdefault("show_endpoints", {})
    if model not in cache:
        views = [
            view
            for view in current_app.appbuilder.baseviews
            if isinstance(view, ModelView) and getattr(view.datamodel, "obj", None) is model
        ]
        views.sort(key=lambda view: type(view).__name__ != f"{model.__name__}View")
        cache[model] = f"{views[0].endpoint}.show" if views else None
    return cache[model]


# ---------------------------------------------------------------- queueing mail


def render_mail(template: str, language: str, context: Mapping[str, Any]) -> tuple[str, str, str | None]:
    """(subject, text, html or None) from app/templates/mail/<template>.* in ``language``.

    Rendered with the Jinja environment alone (no request context processors), so a
    job renders exactly what a web request would. ``.html`` is autoescaped.
    """
    env = current_app.jinja_env
    context = {"absolute_url": absolute_url, "record_url": record_url, **context, "language": language}
    with force_locale(language):
        subject = env.get_template(f"mail/{template}.subject.txt").render(context)
        text = env.get_template(f"mail/{template}.txt").render(context)
        try:
            html = env.get_template(f"mail/{template}.html").render(context)
        except TemplateNotFound:
            html = None
    return " ".join(subject.split()), text.strip() + "\n", html


def queue_mail(
    session: Session,
    *,
    to_address: str | None,
    to_name: str | None,
    language: str,
    kind: str,
    template: str,
    context: dict,
    dedupe_key: str | None = None,
    request_id: int | None = None,
    not_before: datetime | None = None,
) -> MailOutbox | None:
    """Render a mail into the outbox; sent after commit (or HELD in outbox mode).

    No address → None. A ``dedupe_key`` already queued → None, also when two
    transactions race (the unique column decides, inside a savepoint). ``not_before``
    (quiet hours) leaves it to the sweep, which sends it once that time has come.
    """
    if not to_address or not to_address.strip():
        return None
    if dedupe_key and _already_queued(session, dedupe_key):
        return None
    if language not in LANGUAGE_CODES:
        language = current_app.config.get("BABEL_DEFAULT_LOCALE", "zh")
    if request_id is None and context.get("request") is not None:
        request_id = context["request"].id
    subject, text, html = render_mail(template, language, {**context, "recipient_name": to_name})
    held = current_app.config.get("MAIL_DELIVERY") == "outbox"
    mail = MailOutbox(
        to_address=to_address.strip(),
        to_name=to_name,
        language=language,
        kind=kind,
        subject=subject[:300],
        body_text=text,
        body_html=html,
        status=MailStatus.HELD if held else MailStatus.PENDING,
        attempts=0,
        dedupe_key=dedupe_key,
        request_id=request_id,
        next_attempt_at=not_before,
    )
    try:
        with session.begin_nested():
            session.add(mail)
    except IntegrityError:
        return None
    if not held and not_before is None:
        send_after_commit(session, mail.id)
    return mail


def _already_queued(session: Session, dedupe_key: str) -> bool:
    return session.scalar(select(MailOutbox.id).where(MailOutbox.dedupe_key == dedupe_key)) is not None


def mail_contact(
    session: Session,
    request: Any,
    *,
    kind: str,
    template: str,
    context: dict | None = None,
    dedupe_key: str | None = None,
) -> MailOutbox | None:
    """Mail a request's contact in the contact's language; None when there is no address."""
    contact = request.contact
    if contact is None or not contact.email:
        return None
    return queue_mail(
        session,
        to_address=contact.email,
        to_name=contact.name,
        language=user_language(contact),
        kind=kind,
        template=template,
        context={"request": request, **(context or {})},
        dedupe_key=dedupe_key,
        request_id=request.id,
    )


def requeue_mail(session: Session, mail: MailOutbox) -> bool:
    """The "send again" action for a FAILED or HELD mail: back to PENDING with fresh attempts."""
    if mail.status not in (MailStatus.FAILED, MailStatus.HELD):
        return False
    mail.status = MailStatus.PENDING
    mail.attempts = 0
    mail.next_attempt_at = None
    mail.last_error = None
    session.flush()
    send_after_commit(session, mail.id)
    return True


def send_after_commit(session: Session, mail_id: int) -> None:
    """Hand ``mail_id`` to the send task once this transaction commits (never before)."""
    _install_commit_hook()
    session.info.setdefault(_PENDING_KEY, set()).add(mail_id)


def _install_commit_hook() -> None:
    if not event.contains(Session, "after_commit", _enqueue_committed):
        event.listen(Session, "after_commit", _enqueue_committed)
        event.listen(Session, "after_rollback", _forget_pending)


def _enqueue_committed(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return  # a savepoint was released: the transaction is still open
    ids = session.info.pop(_PENDING_KEY, None)
    if not ids:
        return
    from tasks.mail import send_mail

    try:
        for mail_id in sorted(ids):
            send_mail(mail_id)
    except Exception:  # the queue is down: the data is committed, and the sweep sends it later
        log.exception("could not enqueue mail %s; the sweep will send it", sorted(ids))


def _forget_pending(session: Session) -> None:
    """The whole transaction rolled back: its mail never existed (a savepoint's may linger, harmlessly)."""
    if session.get_nested_transaction() is None:
        session.info.pop(_PENDING_KEY, None)


# ---------------------------------------------------------------- delivery


def retry_delay(attempts: int) -> timedelta:
    """Backoff after the ``attempts``-th failed try: 1, 2, 4, 8 … minutes, at most two hours."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def due_mail_ids(session: Session, now: datetime, limit: int = 100) -> list[int]:
    """PENDING mail whose next try is due, oldest first."""
    query = (
        select(MailOutbox.id)
        .where(
            MailOutbox.status == MailStatus.PENDING,
            or_(MailOutbox.next_attempt_at.is_(None), MailOutbox.next_attempt_at <= now),
        )
        .order_by(MailOutbox.created_at, MailOutbox.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def claim_mail(session: Session, mail_id: int, now: datetime) -> bool:
    """Take one due PENDING mail for sending; only one caller ever wins a given try.

    One conditional UPDATE (stack notes): it counts the attempt and pushes the next try
    past a lease, so a second sweep or worker finds nothing due, and a worker that died
    mid-send leaves the row to be retried after the lease.
    """
    result = session.execute(
        update(MailOutbox)
        .where(
            and_(
                MailOutbox.id == mail_id,
                MailOutbox.status == MailStatus.PENDING,
                or_(MailOutbox.next_attempt_at.is_(None), MailOutbox.next_attempt_at <= now),
            )
        )
        .values(attempts=MailOutbox.attempts + 1, next_attempt_at=now + CLAIM_LEASE)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


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


def build_message(mail: MailOutbox, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = mail.subject
    message["From"] = sender
    message["To"] = formataddr((mail.to_name or "", mail.to_address))
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.body_text)
    if mail.body_html:
        message.add_alternative(mail.body_html, subtype="html")
    message["Content-Language"] = mail.language  # after the body: set_content clears Content-* headers
    return message


def smtp_send(message: EmailMessage, settings: Mapping[str, Any]) -> None:
    """Send through the MAIL_* server; raises on any failure."""
    host, port = settings["MAIL_SERVER"], settings["MAIL_PORT"]
    if settings.get("MAIL_USE_SSL"):
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            host, port, timeout=SMTP_TIMEOUT_SECONDS, context=ssl.create_default_context()
        )
    else:
        client = smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT_SECONDS)
    with client:
        if settings.get("MAIL_USE_TLS"):
            client.starttls(context=ssl.create_default_context())
        if settings.get("MAIL_USERNAME"):
            client.login(settings["MAIL_USERNAME"], settings.get("MAIL_PASSWORD") or "")
        client.send_message(message)


def deliver_mail(session: Session, mail_id: int, *, now: datetime, settings: Mapping[str, Any]) -> bool:
    """Claim, send and record one mail; True when it went out. Commits twice.

    The claim is committed before talking to the server, so a concurrent sweep sees
    it; the outcome is committed after.
    """
    if not claim_mail(session, mail_id, now):
        session.rollback()
        return False
    session.commit()
    mail = session.get(MailOutbox, mail_id)
    try:
        smtp_send(build_message(mail, settings["MAIL_DEFAULT_SENDER"]), settings)
    except (smtplib.SMTPException, OSError, ValueError) as exc:  # ValueError: an address the mail library refuses
        record_failure(mail, f"{type(exc).__name__}: {exc}", now)
        session.commit()
        return False
    record_sent(mail, now)
    session.commit()
    return True
