"""Every minute: fire the escalations that are due (``app.domain.escalation.sweep``), then commit.

Thin: which records are due, what fires and the exactly-once guarantee (a unique key per
rule, record and repeat) are the domain's; this task gives it the time and the business time
zone, commits, and is recorded in the job log. Minutes the consumer was down are not replayed:
the first sweep after an outage fires each due (rule, level) once, marked late.
"""

from __future__ import annotations

from huey import crontab
from sqlalchemy.orm import Session

from models.base import utcnow
from tasks.app_context import with_app_context
from tasks.job_log import JobResult, logged_job
from tasks.queue import huey


def run(session: Session, now) -> JobResult:
    """One sweep at ``now``, committed."""
    from flask import current_app

    from app.domain.escalation import sweep

    result = sweep(session, now=now, timezone=current_app.config["BUSINESS_TIMEZONE"])
    session.commit()
    return JobResult(result.fired, result.detail)


@huey.periodic_task(crontab(minute="*"))
@with_app_context
@logged_job("escalation_sweep")
def escalation_sweep() -> JobResult:
    from app.extensions import db

    return run(db.session, utcnow())
