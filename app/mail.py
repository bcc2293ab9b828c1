"""Mail delivery: the outbox's intent rendered in the recipient's language and sent.

``app.domain.outbox`` records what is to be said; here it is worded, at delivery, by the mail
templates (``app/templates/mail/<kind>.subject.txt``, ``.txt``, optional ``.html``) with the
Jinja environment alone — no request context processors — so a job renders exactly what a web
request would, and a template changed meanwhile reaches mail still queued. The message carries
a stable Message-ID and the request thread's References (customers' replies thread), the stored
files as attachments, and ``Content-Language``. What was rendered is kept on the row.

In development (``MAIL_DELIVERY=outbox``) mail is kept in the outbox for admins to read (worded when
they open it): no task is queued per mail, the minutely sweep keeps what is due, and only what an admin
sends again goes out. Otherwise ``install_delivery_hook`` hands mail queued in a transaction to the send
task once it commits.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formataddr, parseaddr
from pathlib import Path
from typing import Any, NamedTuple

from flask import current_app, has_app_context
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from jinja2 import TemplateError, TemplateNotFound
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.attachments import storage_dir
from app.domain.outbox import (
    claim_mail,
    decode_params,
    forget_pending,
    hold_mail,
    new_message_id,
    record_failure,
    record_sent,
    take_committed,
    thread_references,
)
from app.notifications import absolute_url, record_url
from models.base import utcnow
from models.notifications import MailOutbox
from models.users import LANGUAGE_CODES

log = logging.getLogger(__name__)
SMTP_TIMEOUT_SECONDS = 30

# Every template key the desk mails with, as the outbox names it (a test checks it matches the templates).
MAIL_KINDS = {
    "request_created": _l("Request received (to the contact)"),
    "request_assigned": _l("Request assigned"),
    "request_reply": _l("Reply to the customer"),
    "request_resolved": _l("Request resolved, with the survey (to the contact)"),
    "request_closed": _l("Request closed (to the contact)"),
    "auto_close_reminder": _l("Reminder before closing (to the contact)"),
    "visit_scheduled": _l("Visit scheduled (to the contact)"),
    "work_order_assigned": _l("Work order assigned"),
    "work_order_window": _l("Visit window to confirm"),
    "escalation": _l("Escalation notice"),
}


def kind_label(kind: str | None) -> str:
    """What a mail is, in words; a kind no template knows any more is shown as "Other mail"."""
    return str(MAIL_KINDS.get(kind or "", _l("Other mail")))


def N_(message: str) -> str:
    """Marks a msgid for extraction; it is translated where it is shown (the outbox page)."""
    return message


class Undeliverable(Exception):
    """The mail cannot be put together (a template or a stored attachment is missing). ``message`` is a
    msgid with ``params``; the English text goes into the row's last error, like the mail server's."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message % params)
        self.message = message
        self.params = params


class RenderedMail(NamedTuple):
    subject: str
    text: str
    html: str | None


# ---------------------------------------------------------------- rendering


def render(template: str, language: str, context: Mapping[str, Any]) -> RenderedMail:
    """Subject, text and HTML (or None) of ``mail/<template>.*`` in ``language``; ``.html`` is autoescaped."""
    env = current_app.jinja_env
    context = {"absolute_url": absolute_url, "record_url": record_url, **context, "language": language}
    with force_locale(language):
        subject = env.get_template(f"mail/{template}.subject.txt").render(context)
        text = env.get_template(f"mail/{template}.txt").render(context)
        try:
            html = env.get_template(f"mail/{template}.html").render(context)
        except TemplateNotFound:
            html = None
    return RenderedMail(" ".join(subject.split())[:300], text.strip() + "\n", html)


def delivery_language(mail: MailOutbox) -> str:
    """The recipient's language as recorded, else the desk's default."""
    if mail.language in LANGUAGE_CODES:
        return mail.language
    return current_app.config.get("BABEL_DEFAULT_LOCALE", "zh")


def render_outbox_mail(mail: MailOutbox) -> RenderedMail:
    """The mail as it would go out now: rendered from its intent, or as stored for a row queued before intent."""
    if not mail.is_intent:
        return RenderedMail(mail.subject or "", mail.body_text or "", mail.body_html)
    context = {
        **decode_params(mail.params),
        "request": mail.request,
        "work_order": mail.work_order,
        "recipient_name": mail.to_name,
    }
    try:
        return render(mail.kind, delivery_language(mail), context)
    except TemplateNotFound as exc:
        raise Undeliverable(N_("There is no mail template “%(name)s”."), name=mail.kind) from exc
    except (TemplateError, LookupError, TypeError, ValueError, AttributeError) as exc:  # a record gone, say
        raise Undeliverable(
            N_("The mail could not be worded: %(error)s"), error=f"{type(exc).__name__}: {exc}"
        ) from exc


def store_rendering(session: Session, mail: MailOutbox, rendered: RenderedMail) -> None:
    """Keep on the row what is being sent, in which language, under which Message-ID (a row queued before
    intent gets its own now) and in which thread — taken at the first try, kept for the retries."""
    mail.subject, mail.body_text, mail.body_html = rendered.subject, rendered.text, rendered.html
    mail.language = delivery_language(mail)
    mail.rendered_at = utcnow()
    mail.message_id = mail.message_id or new_message_id()
    if mail.thread_references is None:
        mail.thread_references = thread_references(session, mail)


# ---------------------------------------------------------------- the message


def message_domain(sender: str) -> str:
    """The right side of our Message-IDs: the sender's domain."""
    return parseaddr(sender)[1].rpartition("@")[2] or "localhost"


def build_message(mail: MailOutbox, rendered: RenderedMail, settings: Mapping[str, Any]) -> EmailMessage:
    sender = settings["MAIL_DEFAULT_SENDER"]
    domain = message_domain(sender)
    message = EmailMessage()
    message["Subject"] = rendered.subject
    message["From"] = sender
    message["To"] = formataddr((mail.to_name or "", mail.to_address))
    message["Message-ID"] = f"<{mail.message_id}@{domain}>"
    references = [f"<{local}@{domain}>" for local in mail.thread_references or ()]
    if references:
        message["In-Reply-To"] = references[-1]
        message["References"] = " ".join(references)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(rendered.text)
    if rendered.html:
        message.add_alternative(rendered.html, subtype="html")
    folder = storage_dir(settings["INSTANCE_PATH"])
    for attachment in mail.attachments:
        path = folder / attachment.stored_name
        if Path(attachment.stored_name).name != attachment.stored_name or not path.is_file():
            raise Undeliverable(N_("The attachment %(name)s is missing."), name=attachment.filename)
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(
            path.read_bytes(), maintype=maintype, subtype=subtype or "octet-stream", filename=attachment.filename
        )
    message["Content-Language"] = delivery_language(mail)  # after the body: set_content clears Content-* headers
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


# ---------------------------------------------------------------- delivery


def deliver_mail(session: Session, mail_id: int, *, now, settings: Mapping[str, Any]) -> bool:
    """Claim, render, send and record one mail; True when it went out. Commits.

    The claim is committed before talking to the server, so a concurrent sweep sees it; the
    outcome after. In outbox mode the due mail is kept instead.
    """
    if settings.get("MAIL_DELIVERY") == "outbox" and _keep_in_outbox(session, mail_id, now):
        return False
    if not claim_mail(session, mail_id, now):
        session.rollback()
        return False
    session.commit()
    mail = session.get(MailOutbox, mail_id)
    try:
        rendered = render_outbox_mail(mail)
        store_rendering(session, mail, rendered)
        smtp_send(build_message(mail, rendered, settings), settings)
    except (smtplib.SMTPException, OSError, ValueError, Undeliverable) as exc:  # ValueError: a refused address
        record_failure(mail, f"{type(exc).__name__}: {exc}", now)
        session.commit()
        return False
    record_sent(mail, now)
    session.commit()
    return True


def _keep_in_outbox(session: Session, mail_id: int, now) -> bool:
    """Hold a due mail for admins to read (it is worded when they open it); False when it is not
    held: an admin chose to send it again."""
    if not hold_mail(session, mail_id, now):
        session.rollback()
        return False
    session.commit()
    return True


def install_delivery_hook() -> None:
    """After a transaction commits, hand the mail it queued to the send task (once per process)."""
    if not event.contains(Session, "after_commit", _enqueue_committed):
        event.listen(Session, "after_commit", _enqueue_committed)
        event.listen(Session, "after_rollback", _forget_rolled_back)


def _enqueue_committed(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return  # a savepoint was released: the transaction is still open
    ids = take_committed(session)
    if not ids or (has_app_context() and current_app.config.get("MAIL_DELIVERY") == "outbox"):
        return  # development: the minutely sweep keeps new mail and sends what an admin sent again
    from tasks.mail import send_mail

    try:
        for mail_id in ids:
            send_mail(mail_id)
    except Exception:  # the queue is down: the data is committed, and the sweep sends it later
        log.exception("could not enqueue mail %s; the sweep will send it", ids)


def _forget_rolled_back(session: Session) -> None:
    """The whole transaction rolled back: its mail never existed (a savepoint's may linger, harmlessly)."""
    if session.get_nested_transaction() is None:
        forget_pending(session)
