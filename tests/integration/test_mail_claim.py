"""Many workers claiming the same due mail at once: exactly one wins (PostgreSQL, real commits)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine, delete
from sqlalchemy.orm import Session

from app.domain.outbox import claim_mail
from models.base import utcnow
from models.enums import MailStatus
from models.notifications import MailOutbox

WORKERS = 8


@pytest.fixture
def committed_mail(app):
    """A PENDING mail committed outside the test's rolled-back transaction (removed afterwards)."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("postgresql"):
        pytest.skip("row locking under concurrency is real only on PostgreSQL")
    engine = create_engine(url, pool_size=WORKERS + 1)
    with Session(engine) as session:
        mail = MailOutbox(
            to_address="race@example.com",
            language="en",
            kind="test",
            subject="Race",
            body_text="Race",
            status=MailStatus.PENDING,
        )
        session.add(mail)
        session.commit()
        mail_id = mail.id
    yield engine, mail_id
    with Session(engine) as session:
        session.execute(delete(MailOutbox).where(MailOutbox.id == mail_id))
        session.commit()
    engine.dispose()


def test_concurrent_claims_of_one_mail_have_one_winner(committed_mail):
    engine, mail_id = committed_mail
    now = utcnow()
    start = threading.Barrier(WORKERS)
    wins: list[bool] = []
    lock = threading.Lock()

    def worker() -> None:
        with Session(engine) as session:
            start.wait()
            won = claim_mail(session, mail_id, now)
            session.commit()
        with lock:
            wins.append(won)

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(wins) == [False] * (WORKERS - 1) + [True]
    with Session(engine) as session:
        assert session.get(MailOutbox, mail_id).attempts == 1
