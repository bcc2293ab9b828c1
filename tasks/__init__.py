"""Huey tasks: thin, they take ids and call ``app.domain``.

Import this package (``huey_consumer tasks.huey``) to register every task.
"""

from tasks import auto_close, escalation, heartbeat, job_log, mail  # noqa: F401,E402
from tasks.queue import huey  # noqa: F401
