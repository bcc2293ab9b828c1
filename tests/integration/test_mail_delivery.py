"""Mail goes out through a real local SMTP server (aiosmtpd), once, with retries and backoff; it is
worded at delivery, threads under its request and carries its attachments."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app import notifications
from app.domain import outbox
from app.domain.outbox import MAX_ATTEMPTS, mail_contact, queue_mail, retry_delay
from app.mail import deliver_mail
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
    return queue_mail(session, request.contact, template, request=request, dedupe_key=dedupe_key)


def test_mail_in_each_recipients_language_is_delivered_after_commit(ctx, smtp):
    session = _db()
    zh = _request(session, "zh", "wang@example.com")
    en = _request(session, "en", "amy@example.com")
    zh_mail, en_mail = mail_contact(session, zh, "request_created"), _queue(session, en)
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
    assert mail_contact(session, request, "request_created") is None


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
    monkeypatch.setattr(outbox, "_already_queued", lambda session, key: False)
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
    assert retry_delay(30) == outbox.LONGEST_RETRY


def test_a_failed_mail_sent_again_goes_out(app, ctx, refused, smtp):
    session = _db()
    mail = _queue(session, _request(session, "en", "amy@example.com"))
    mail.status, mail.attempts, mail.last_error = MailStatus.FAILED, MAX_ATTEMPTS, "refused"
    session.commit()
    assert outbox.requeue_mail(session, mail, actor=None, now=utcnow())
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
    assert outbox.claim_mail(session, mail.id, now) is True
    assert outbox.claim_mail(session, mail.id, now) is False
    assert outbox.claim_mail(session, mail.id, now + outbox.CLAIM_LEASE) is True  # the sender died


def _settings():
    from flask import current_app

    return current_app.config


def test_mail_is_worded_when_it_is_delivered_not_when_it_was_queued(ctx, smtp):
    session = _db()
    request = _request(session, "en", "amy@example.com")
    mail = _queue(session, request)
    assert mail.subject is None and mail.body_text is None  # the outbox holds intent, not text
    request.subject = "Printer fixed itself"  # changed before the transaction commits and the mail goes out
    session.commit()

    [message] = smtp.messages
    subject = message["Subject"].strip()  # a long subject is folded after "Subject:"
    assert subject == f"[{request.number}] We have received your request: Printer fixed itself"
    session.refresh(mail)
    assert mail.subject == subject and "Hello Contact en," in mail.body_text  # what went out is kept
    assert mail.rendered_at is not None and mail.language == "en"


def test_mail_about_one_request_threads_under_it_with_stable_message_ids(ctx, smtp):
    session = _db()
    request = _request(session, "zh", "wang@example.com")
    first = _queue(session, request)
    session.commit()
    second = mail_contact(session, request, "request_reply", {"reply": "请重启打印机。"})
    session.commit()

    created, reply = smtp.to("wang@example.com")
    assert created["Message-ID"] == f"<{first.message_id}@localhost>"
    assert reply["Message-ID"] == f"<{second.message_id}@localhost>" != created["Message-ID"]
    root = f"<{request.number}@localhost>"
    assert created["References"] == root and created["In-Reply-To"] == root
    assert reply["References"].split() == [root, created["Message-ID"]]  # split: a long header is folded
    assert reply["In-Reply-To"] == created["Message-ID"]
    assert "请重启打印机。" in reply.get_body(("plain",)).get_content()


def test_a_retried_mail_keeps_its_message_id(app, ctx, refused):
    session = _db()
    mail = _queue(session, _request(session, "en", "amy@example.com"))
    message_id = mail.message_id
    session.commit()  # refused: waiting for its retry
    session.refresh(mail)
    assert mail.attempts == 1 and mail.message_id == message_id


def _stored_pdf(app, name: str = "服务报告单 SR-1.pdf"):
    import io

    from app.attachments import storage_dir, store_upload
    from app.domain.outbox import MailFile

    content = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    stored = store_upload(io.BytesIO(content), name, storage_dir(app.config["INSTANCE_PATH"]), max_bytes=1 << 20)
    return content, MailFile(stored.filename, stored.stored_name, stored.content_type, stored.size_bytes)


def test_attachments_are_sent_from_the_stored_files(app, ctx, smtp):
    session = _db()
    request = _request(session, "zh", "wang@example.com")
    content, file = _stored_pdf(app)
    mail = queue_mail(session, request.contact, "request_closed", request=request, attachments=[file])
    session.commit()

    [message] = smtp.messages
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "服务报告单 SR-1.pdf"
    assert attachment.get_content_type() == "application/pdf" and attachment.get_content() == content
    assert "您好" in message.get_body(("plain",)).get_content()  # the text is still there, in the recipient's language
    session.refresh(mail)
    assert [(a.filename, a.size_bytes) for a in mail.attachments] == [("服务报告单 SR-1.pdf", len(content))]


def test_a_missing_attachment_sends_nothing_and_says_why(app, ctx, smtp):
    from app.attachments import storage_dir

    session = _db()
    request = _request(session, "en", "amy@example.com")
    _content, file = _stored_pdf(app, "report.pdf")
    (storage_dir(app.config["INSTANCE_PATH"]) / file.stored_name).unlink()
    mail = queue_mail(session, request.contact, "request_closed", request=request, attachments=[file])
    session.commit()
    session.refresh(mail)
    assert smtp.messages == [] and mail.status is MailStatus.PENDING and mail.attempts == 1
    assert "The attachment report.pdf is missing." in mail.last_error


def test_a_mail_rendered_before_intent_existed_is_sent_as_stored(ctx, smtp):
    """Rows queued by the previous version (migration 0007 keeps them) carry their text and still go out."""
    from flask import current_app

    session = _db()
    mail = MailOutbox(to_address="old@example.com", to_name="Old", language="zh", kind="request_created",
                      subject="[SR-OLD] 旧邮件", body_text="旧的正文\n", status=MailStatus.PENDING)  # fmt: skip
    session.add(mail)
    session.flush()
    assert deliver_mail(session, mail.id, now=utcnow(), settings=current_app.config)
    [message] = smtp.messages
    assert message["Subject"] == "[SR-OLD] 旧邮件" and message.get_body(("plain",)).get_content().strip() == "旧的正文"
    session.refresh(mail)
    assert message["Message-ID"] == f"<{mail.message_id}@localhost>" and mail.status is MailStatus.SENT


def test_a_mail_whose_template_is_gone_fails_with_the_reason_and_sends_nothing(ctx, smtp):
    session = _db()
    request = _request(session, "en", "amy@example.com")
    mail = queue_mail(session, request.contact, "no_such_template", request=request)
    session.commit()
    session.refresh(mail)
    assert smtp.messages == [] and "There is no mail template “no_such_template”." in mail.last_error
