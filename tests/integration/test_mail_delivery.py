"""Mail goes out through a real local SMTP server (aiosmtpd), once, with retries and backoff."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app import notifications
from app.notifications import MAX_ATTEMPTS, deliver_mail, mail_contact, queue_mail, retry_delay
from models.base import utcnow
from models.enums import MailStatus, Priority
from models.notifications import MailOutbox
from models.organisations import Contact, Customer
from models.service_requests import ServiceRequest
from tests.smtp_server import free_port


@pytest.fixture
def refused(app, monkeypatch):
    """Nothing listens on the mail port: every connection is refused."""
    monkeypatch.setitem(app.config, "MAIL_DELIVERY", "smtp")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


def _request(session, language: str, email_address: str) -> ServiceRequest:
    customer = session.query(Customer).order_by(Customer.id).first()
    contact = Contact(customer=customer, name=f"Contact {language}", email=email_address, preferred_language=language)
    request = ServiceRequest(
        number=f"SR-20261122-09{len(language)}{ord(language[0]) % 10}",
        customer=customer,
        contact=contact,
        subject="Printer jammed",
        priority=Priority.P3,
    )
    session.add(request)
    session.flush()
    return request


def _db():
    from app.extensions import db

    return db.session


def _queue(session, request, *, template="request_created", dedupe_key=None):
    return queue_mail(
        session,
        to_address=request.contact.email,
        to_name=request.contact.name,
        language=request.contact.preferred_language,
        kind=template,
        template=template,
        context={"request": request},
        dedupe_key=dedupe_key,
    )


def test_mail_in_each_recipients_language_is_delivered_after_commit(ctx, smtp):
    session = _db()
    zh = _request(session, "zh", "wang@example.com")
    en = _request(session, "en", "amy@example.com")
    zh_mail, en_mail = mail_contact(session, zh, kind="created", template="request_created"), _queue(session, en)
    assert smtp.messages == []  # nothing leaves before the transaction commits
    session.commit()

    by_recipient = {message["To"].addresses[0].addr_spec: message for message in smtp.messages}
    assert set(by_recipient) == {"wang@example.com", "amy@example.com"}
    chinese, english = by_recipient["wang@example.com"], by_recipient["amy@example.com"]
    assert chinese["Subject"] == f"[{zh.number}] 我们已收到您的请求：Printer jammed"
    assert english["Subject"] == f"[{en.number}] We have received your request: Printer jammed"
    assert chinese["Content-Language"] == "zh" and english["Content-Language"] == "en"
    assert "您好" in chinese.get_body(("plain",)).get_content()
    english_text = english.get_body(("plain",)).get_content()
    english_html = english.get_body(("html",)).get_content()
    assert "Hello Contact en," in english_text
    link = notifications.record_url(en)
    assert link and link.startswith("https://desk.example.com/") and link.endswith(f"/{en.id}")
    assert link in english_text and f'href="{link}"' in english_html

    for mail in (zh_mail, en_mail):
        session.refresh(mail)
        assert mail.status is MailStatus.SENT and mail.attempts == 1 and mail.sent_at is not None


def test_outbox_mode_holds_mail_and_sends_nothing(app, ctx, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_DELIVERY", "outbox")
    session = _db()
    mail = _queue(session, _request(session, "en", "amy@example.com"))
    session.commit()
    from tasks.mail import sweep_mail

    sweep_mail()
    session.refresh(mail)
    assert mail.status is MailStatus.HELD and smtp.messages == []


def test_no_address_queues_nothing(ctx, smtp):
    session = _db()
    request = _request(session, "en", "amy@example.com")
    request.contact.email = None
    assert mail_contact(session, request, kind="created", template="request_created") is None


def test_the_same_dedupe_key_queues_once(ctx, smtp):
    session = _db()
    request = _request(session, "en", "amy@example.com")
    assert _queue(session, request, dedupe_key=f"created:{request.id}") is not None
    assert _queue(session, request, dedupe_key=f"created:{request.id}") is None
    session.commit()
    assert session.query(MailOutbox).filter_by(dedupe_key=f"created:{request.id}").count() == 1
    assert len(smtp.messages) == 1


def test_a_dedupe_race_lost_at_insert_is_a_no_op_and_keeps_the_transaction(ctx, smtp, monkeypatch):
    """Another transaction committed the same key between our check and our insert."""
    session = _db()
    request = _request(session, "en", "amy@example.com")
    assert _queue(session, request, dedupe_key="race") is not None
    monkeypatch.setattr(notifications, "_already_queued", lambda session, key: False)
    assert _queue(session, request, dedupe_key="race") is None
    request.subject = "Still writable"
    session.commit()
    assert session.query(MailOutbox).filter_by(dedupe_key="race").count() == 1


def test_a_refused_connection_is_retried_with_backoff_then_failed(ctx, refused):
    session = _db()
    mail = _queue(session, _request(session, "en", "amy@example.com"))
    session.commit()  # the send task runs, the server refuses
    session.refresh(mail)
    assert mail.status is MailStatus.PENDING and mail.attempts == 1
    assert "Connection" in mail.last_error or "refused" in mail.last_error.lower()
    first_retry = mail.next_attempt_at
    assert first_retry > utcnow() + timedelta(seconds=30)

    now = first_retry
    for attempt in range(2, MAX_ATTEMPTS + 1):
        assert not deliver_mail(session, mail.id, now=now - timedelta(seconds=1), settings=_settings())  # not due
        assert deliver_mail(session, mail.id, now=now, settings=_settings()) is False
        session.refresh(mail)
        assert mail.attempts == attempt
        if attempt < MAX_ATTEMPTS:
            assert mail.next_attempt_at == now + retry_delay(attempt)
            now = mail.next_attempt_at
    assert mail.status is MailStatus.FAILED and mail.next_attempt_at is None and mail.last_error


def test_backoff_doubles_and_is_capped():
    assert [retry_delay(n).total_seconds() // 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert retry_delay(30) == notifications.LONGEST_RETRY


def test_a_failed_mail_sent_again_goes_out(app, ctx, refused, smtp):
    session = _db()
    mail = _queue(session, _request(session, "en", "amy@example.com"))
    mail.status, mail.attempts, mail.last_error = MailStatus.FAILED, MAX_ATTEMPTS, "refused"
    session.commit()
    assert notifications.requeue_mail(session, mail)
    session.commit()
    session.refresh(mail)
    assert mail.status is MailStatus.SENT and mail.attempts == 1 and mail.last_error is None
    assert len(smtp.messages) == 1


def test_two_sweeps_send_a_due_mail_once(ctx, smtp):
    from tasks.mail import send_mail, sweep_mail

    session = _db()
    mail = _queue(session, _request(session, "en", "amy@example.com"))
    session.flush()  # queued but not committed: only the sweep can send it
    assert sweep_mail.call_local() == 1
    assert sweep_mail.call_local() == 0
    assert send_mail.call_local(mail.id) is False
    assert len(smtp.messages) == 1


def test_only_one_claim_wins(ctx, smtp):
    session = _db()
    mail = _queue(session, _request(session, "en", "amy@example.com"))
    now = utcnow()
    assert notifications.claim_mail(session, mail.id, now) is True
    assert notifications.claim_mail(session, mail.id, now) is False
    assert notifications.claim_mail(session, mail.id, now + notifications.CLAIM_LEASE) is True  # the sender died


def _settings():
    from flask import current_app

    return current_app.config
