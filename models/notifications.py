"""Notifications: in-app (the bell) and e-mail through an outbox with retries.

An in-app notification stores a msgid and its parameters, not rendered text, so it
reads in whatever language its recipient uses when they open it. A mail is stored as
intent — recipient, template key (``kind``), parameters, language, the records it is
about, attachments and its thread — and rendered when it is delivered (``app/mail.py``),
so a template fixed or overridden meanwhile reaches mail still queued; what went out is
kept on the row. Rows queued before intent existed (``params`` NULL) carry their text.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Model, UTCDateTime, utcnow
from models.enums import MailStatus, enum_column

if TYPE_CHECKING:
    from models.service_requests import ServiceRequest
    from models.users import UserAccount
    from models.work_orders import WorkOrder


class Notification(Model):
    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_recipient_read", "recipient_id", "read_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"))
    kind: Mapped[str] = mapped_column(String(40), index=True)
    message: Mapped[str] = mapped_column(String(300))  # a msgid, translated when shown
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    link: Mapped[str | None] = mapped_column(String(300))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("service_request.id"), index=True)
    work_order_id: Mapped[int | None] = mapped_column(ForeignKey("work_order.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # An escalation notice: acknowledging it stops that level's repeats; shown from ``visible_from``
    # (quiet hours: a non-urgent notice waits for the recipient's working hours).
    escalation_event_id: Mapped[int | None] = mapped_column(ForeignKey("escalation_event.id"), index=True)
    visible_from: Mapped[datetime | None] = mapped_column(UTCDateTime)

    recipient: Mapped[UserAccount] = relationship("UserAccount", lazy="selectin")


class MailOutbox(Model):
    """One e-mail to send; ``dedupe_key`` makes queueing the same mail twice a no-op.

    ``kind`` is the template key (``app/templates/mail/<kind>.*``) and ``params`` its values
    (JSON; dates tagged, see ``app.domain.outbox``). ``message_id`` and ``thread_references``
    hold the left sides of the Message-ID and References headers (the sender's domain is
    added at delivery), so replies thread under the request however often a try is repeated.
    ``subject``/``body_text``/``body_html`` are what was rendered at the last delivery (or,
    for a row queued before intent existed, its only content).
    """

    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    to_address: Mapped[str] = mapped_column(String(200))
    to_name: Mapped[str | None] = mapped_column(String(100))
    recipient_user_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), index=True)
    recipient_contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"), index=True)
    language: Mapped[str | None] = mapped_column(String(5))  # None: the desk's default language
    kind: Mapped[str] = mapped_column(String(40), index=True)
    params: Mapped[dict | None] = mapped_column(JSON)
    subject: Mapped[str | None] = mapped_column(String(300))
    body_text: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    rendered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    message_id: Mapped[str | None] = mapped_column(String(120), unique=True)
    thread_references: Mapped[list | None] = mapped_column(JSON)
    status: Mapped[MailStatus] = mapped_column(
        enum_column(MailStatus), default=MailStatus.PENDING, server_default=MailStatus.PENDING.name
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "Send again" by an admin: also sends mail that development's outbox delivery would keep.
    requeued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    requeued_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("service_request.id"), index=True)
    work_order_id: Mapped[int | None] = mapped_column(ForeignKey("work_order.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    requeued_by: Mapped[UserAccount | None] = relationship("UserAccount", foreign_keys=[requeued_by_id])
    request: Mapped[ServiceRequest | None] = relationship("ServiceRequest", lazy="joined")
    work_order: Mapped[WorkOrder | None] = relationship("WorkOrder", lazy="select")
    attachments: Mapped[list[MailAttachment]] = relationship(
        "MailAttachment", lazy="selectin", order_by="MailAttachment.id", cascade="all, delete-orphan"
    )

    @property
    def is_intent(self) -> bool:
        """Rendered at delivery (False: a row queued before intent existed, sent as stored)."""
        return self.params is not None


class MailAttachment(Model):
    """A file sent with a mail: a stored file under ``<instance>/attachments`` (by ``stored_name``), never a blob."""

    __tablename__ = "mail_attachment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mail_id: Mapped[int] = mapped_column(ForeignKey("mail_outbox.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(80))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
