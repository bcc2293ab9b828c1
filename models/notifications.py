"""Notifications: in-app (the bell) and e-mail through an outbox with retries.

An in-app notification stores a msgid and its parameters, not rendered text, so it
reads in whatever language its recipient uses when they open it. A mail is rendered
once, in the recipient's language, when it is queued; a Huey task sends it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Model, UTCDateTime, utcnow
from models.enums import MailStatus, enum_column

if TYPE_CHECKING:
    from models.users import UserAccount


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
    """One e-mail to send; ``dedupe_key`` makes queueing the same mail twice a no-op."""

    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    to_address: Mapped[str] = mapped_column(String(200))
    to_name: Mapped[str | None] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(5), default="zh")
    kind: Mapped[str] = mapped_column(String(40), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    status: Mapped[MailStatus] = mapped_column(
        enum_column(MailStatus), default=MailStatus.PENDING, server_default=MailStatus.PENDING.name
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("service_request.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
