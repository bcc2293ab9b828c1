"""In-app notifications (the bell): a msgid and its parameters per recipient, worded when shown.

Stored untranslated, so each recipient reads it in their own language whenever they open it
(``app.notifications.notification_text``). ``visible_from`` holds a notice back until the
recipient's working hours (escalation's quiet hours).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ColumnElement, or_
from sqlalchemy.orm import Session

from models.notifications import Notification
from models.users import UserAccount


def notify(
    session: Session,
    recipients: Iterable[UserAccount | int | None],
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
    """One unread notification per distinct recipient (users or user ids; None is skipped)."""
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


def visible_now(now: datetime) -> ColumnElement[bool]:
    """The clause for notifications already shown: not held back for the recipient's working hours."""
    return or_(Notification.visible_from.is_(None), Notification.visible_from <= now)
