"""A Huey consumer inside the web process, for the embedded one-process setup.

Huey's consumer installs signal handlers, which only the main thread may do
(stack notes), so that step is skipped; the web server owns the signals.
"""

from __future__ import annotations

import logging
import threading

from huey.consumer import Consumer

log = logging.getLogger(__name__)


class ThreadConsumer(Consumer):
    def _set_signal_handlers(self) -> None:
        pass


def start_in_process_consumer(huey, workers: int = 2) -> ThreadConsumer:
    consumer = ThreadConsumer(huey, workers=workers, worker_type="thread", periodic=True, check_worker_health=False)
    thread = threading.Thread(target=consumer.run, name="huey-consumer", daemon=True)
    thread.start()
    log.info("job consumer started in-process with %d workers", workers)
    return consumer
