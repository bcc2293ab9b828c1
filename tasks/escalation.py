"""Every minute: fire the escalations that are due (``app.domain.escalation.sweep``), then commit.

Thin: which records are due, what fires and the exactly-once guarantee (a unique key per
rule, record and repeat) are the domain's; this task gives it the time and the business time
zone, commits chunk by chunk, and is recorded in the job log. Minutes the consumer was down are not replayed:
the first sweep after an outage fires each due (rule, level) once, marked late.
"""

from __future__ import annotations

from huey import crontab
from sqlalchemy.orm import Session

from models.base import utcnow
from tasks.app_context import with_app_context
from tasks.job_log import JobResult, logged_job
from tasks.queue import huey

CHUNK = 100  # records per transaction: the embedded SQLite's write lock is released between chunks
MOST_CHUNKS = 100  # a bound, not a limit reached in practice: what is left waits for the next minute


def run(session: Session, now) -> JobResult:
    """Sweep at ``now`` until nothing is due, committing every chunk of records."""
    from flask import current_app

    from app.domain.escalation import SweepResult, sweep

    total = SweepResult()
    for _ in range(MOST_CHUNKS):
        result = sweep(session, now=now, timezone=current_app.config["BUSINESS_TIMEZONE"], batch=CHUNK)
        session.commit()
        total.add(result)
        if result.checked == 0:
            break
    return JobResult(total.fired, total.detail)


@huey.periodic_task(crontab(minute="*"))
@with_app_context
@logged_job("escalation_sweep")
def escalation_sweep() -> JobResult:
    from app.extensions import db

    return run(db.session, utcnow())
