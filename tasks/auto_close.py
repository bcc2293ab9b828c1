"""Every 10 minutes: remind the contacts of resolved requests, then close those nobody answered.

Thin: the rules and the race-safety are in ``app.domain.auto_close.sweep``; this task gives it the
time and the settings, and commits. Running it twice, or twice at once, changes
nothing more than running it once.
"""

from __future__ import annotations

from huey import crontab
from sqlalchemy.orm import Session

from models.base import utcnow
from tasks.app_context import with_app_context
from tasks.job_log import logged_job
from tasks.queue import huey


def run(session: Session, now) -> dict[str, list[int]]:
    """One sweep at ``now``, committed; the ids reminded, closed and skipped."""
    from flask import current_app

    from app.domain.auto_close import sweep
    from app.domain.service_requests import desk_settings

    result = sweep(
        session,
        now=now,
        settings=desk_settings(session),
        timezone=current_app.config["BUSINESS_TIMEZONE"],
    )
    session.commit()
    return {"reminded": result.reminded, "closed": result.closed, "skipped": result.skipped}


@huey.periodic_task(crontab(minute="*/10"))
@with_app_context
@logged_job("auto_close")
def auto_close() -> dict[str, list[int]]:
    from app.extensions import db

    return run(db.session, utcnow())
