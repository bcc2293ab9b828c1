"""The job worker says it is alive once a minute, so /health and admins can tell.

Stored in Huey's own key-value store, which the web process and every consumer
share, so it needs no app context and no database table.
"""

from __future__ import annotations

from datetime import UTC, datetime

from huey import crontab

from tasks.queue import huey

HEARTBEAT_KEY = "worker-heartbeat"


@huey.periodic_task(crontab(minute="*"))
def beat() -> str:
    now = datetime.now(UTC).isoformat()
    huey.put(HEARTBEAT_KEY, now)
    return now


def last_heartbeat() -> datetime | None:
    value = huey.get(HEARTBEAT_KEY, peek=True)
    return datetime.fromisoformat(value) if value else None
