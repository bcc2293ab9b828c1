"""The job worker says it is alive once a minute, so /health and admins can tell.

The time goes first into Huey's own key-value store, which the web process and every consumer
share: /health reads it with no app context or table, so it tells the truth even when the
database is down. Then the beat is recorded in the job log (admins see the worker's pulse there);
a log that cannot be written costs a warning, never the beat.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from flask import has_app_context
from huey import crontab

from tasks.app_context import with_app_context
from tasks.job_log import logged_job
from tasks.queue import huey

HEARTBEAT_KEY = "worker-heartbeat"
logger = logging.getLogger(__name__)


@huey.periodic_task(crontab(minute="*"))
def beat() -> str:
    now = datetime.now(UTC).isoformat()
    huey.put(HEARTBEAT_KEY, now)
    if huey.immediate and not has_app_context():
        return now  # run inline by a caller without an app (a test): there is no database to log into
    try:
        _logged_beat()
    except Exception:  # no app (bad configuration) or no database: the key above is what counts
        logger.warning("Heartbeat: could not record the beat in the job log", exc_info=True)
    return now


@with_app_context
@logged_job("heartbeat")
def _logged_beat() -> None:
    """Nothing to do but be recorded: the run itself is the pulse."""


def last_heartbeat() -> datetime | None:
    value = huey.get(HEARTBEAT_KEY, peek=True)
    return datetime.fromisoformat(value) if value else None
