"""Mail jobs: send one outbox row by id, and a sweep that retries what is due.

Both are thin: the claim and backoff live in ``app/domain/outbox.py``, rendering and the SMTP
transport in ``app/mail.py``.
Each run uses a session of its own, because ``send_mail`` is enqueued from a
session's after-commit hook (and runs inline there when Huey is immediate, in tests),
where that session can no longer emit SQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app
from huey import crontab
from sqlalchemy.orm import Session

from models.base import utcnow
from tasks.app_context import with_app_context
from tasks.job_log import logged_job
from tasks.queue import huey


@contextmanager
def _session() -> Iterator[Session]:
    from app.extensions import db

    session = Session(bind=db.engine, join_transaction_mode="create_savepoint")
    try:
        yield session
    finally:
        session.close()


@huey.task()
@with_app_context
def send_mail(mail_id: int) -> bool:
    """Send one PENDING mail if it is due and nobody else has claimed it."""
    from app.mail import deliver_mail

    with _session() as session:
        return deliver_mail(session, mail_id, now=utcnow(), settings=current_app.config)


@huey.periodic_task(crontab(minute="*"))
@with_app_context
@logged_job("mail_sweep")
def sweep_mail() -> int:
    """Every minute: send (or retry) each PENDING mail whose next attempt is due; in development, keep it."""
    from app.domain.outbox import due_mail_ids, hold_mail
    from app.mail import deliver_mail

    sent = 0
    with _session() as session:
        if current_app.config.get("MAIL_DELIVERY") == "outbox":  # development: keep new mail, all at once
            hold_mail(session, None, utcnow())
            session.commit()
        for mail_id in due_mail_ids(session, utcnow()):
            sent += deliver_mail(session, mail_id, now=utcnow(), settings=current_app.config)
    return sent
