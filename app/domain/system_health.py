"""What an administrator should look at, as SQL conditions: jobs that failed, mail that does not leave.

The admin's workspace cards and the job-log and outbox lists they open filter by these, so a card's
number is the length of its list. Mail counts as stuck when it failed for good (it waits for "Send
again"), or when it is still waiting well after its next try was due — no worker is sending.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_

from models.enums import JobOutcome, MailStatus
from models.jobs import JobRun
from models.notifications import MailOutbox

FAILED_RUNS_SINCE = timedelta(hours=24)
MAIL_OVERDUE_AFTER = timedelta(minutes=15)  # the minutely mail sweep would have tried it many times


def failed_job_runs(now: datetime) -> ColumnElement[bool]:
    """Runs of periodic jobs that ended FAILED, started in the 24 hours before ``now``."""
    return and_(JobRun.outcome == JobOutcome.FAILED, JobRun.started_at >= now - FAILED_RUNS_SINCE)


def stuck_mail(now: datetime) -> ColumnElement[bool]:
    """FAILED mail, and PENDING mail whose next try was due more than 15 minutes ago (a try not yet
    planned is due from the moment the mail was queued, or sent again)."""
    next_try = func.coalesce(MailOutbox.next_attempt_at, MailOutbox.requeued_at, MailOutbox.created_at)
    overdue = and_(MailOutbox.status == MailStatus.PENDING, next_try < now - MAIL_OVERDUE_AFTER)
    return or_(MailOutbox.status == MailStatus.FAILED, overdue)
