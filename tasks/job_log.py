"""The job log: every run of a periodic job leaves a row (job, times, items, outcome, error).

``logged_job(name)`` wraps a task body, directly under ``@with_app_context``. The row is written
in a session of its own and committed at once, so a RUNNING row is visible while the job works,
and the job's own rollback cannot take its record with it. Recording never breaks a job: when
the log cannot be written, a warning is logged and the job runs all the same. A failing job's
traceback is kept and the exception re-raised, so Huey logs (and retries) it as before.
"""

from __future__ import annotations

import functools
import logging
import traceback
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from huey import crontab
from sqlalchemy import delete
from sqlalchemy.orm import Session

from models.base import utcnow
from models.enums import JobOutcome
from models.jobs import JobRun
from tasks.app_context import with_app_context
from tasks.queue import huey

logger = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])

ERROR_CHARS = 4000  # the end of a traceback says what went wrong; keep that part
DETAIL_CHARS = 300  # JobRun.detail's length
DEFAULT_KEEP_DAYS = 30


@dataclass(frozen=True)
class JobResult:
    """What a job may return to say how much it did, e.g. ``JobResult(3, "3 fired, 1 late")``."""

    items: int
    detail: str = ""


def summarise(result: Any) -> tuple[int, str]:
    """Items and detail from a job's return value.

    An int counts items; a JobResult says both; a dict of lists (``{"reminded": [..], "closed": [..]}``)
    counts every list and reads "reminded 2, closed 1"; anything else counts nothing.
    """
    if isinstance(result, JobResult):
        return result.items, result.detail
    if isinstance(result, int):  # bool too: one item sent or not
        return int(result), ""
    if isinstance(result, Mapping) and result and all(_is_sized(v) for v in result.values()):
        counts = {str(key): len(value) for key, value in result.items()}
        return sum(counts.values()), ", ".join(f"{key} {count}" for key, count in counts.items())
    return 0, ""


def _is_sized(value: Any) -> bool:
    return isinstance(value, (list, tuple, set, frozenset))


def _engine():
    """The app's engine (under tests, the connection whose outer transaction is rolled back)."""
    from app.extensions import db

    return db.engine


@contextmanager
def _session() -> Iterator[Session]:
    """A session of the log's own, like tasks/mail.py's: it commits apart from the job's session.

    ``create_savepoint`` only matters when the bind is a connection already in a transaction (the
    test suite's): the log's commits then become savepoints rolled back with the test.
    """
    session = Session(bind=_engine(), join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()


def _record_start(job: str, started_at: datetime) -> int | None:
    """Insert the RUNNING row and commit it; None when the log cannot be written."""
    try:
        with _session() as session:
            run = JobRun(job=job, started_at=started_at, outcome=JobOutcome.RUNNING, items=0)
            session.add(run)
            session.commit()
            return run.id
    except Exception:  # the log must never stop the job
        logger.warning("Job log: could not record the start of %s", job, exc_info=True)
        return None


def _record_end(
    run_id: int | None,
    job: str,
    started_at: datetime,
    *,
    outcome: JobOutcome,
    items: int = 0,
    detail: str = "",
    error: str | None = None,
) -> None:
    """Complete the run's row (or write it whole, if its start could not be recorded)."""
    finished_at = utcnow()
    try:
        with _session() as session:
            run = session.get(JobRun, run_id) if run_id is not None else None
            if run is None:
                run = JobRun(job=job, started_at=started_at)
                session.add(run)
            run.finished_at = finished_at
            run.duration_ms = max(0, int((finished_at - started_at) / timedelta(milliseconds=1)))
            run.outcome = outcome
            run.items = items
            run.detail = detail[:DETAIL_CHARS] or None
            run.error = error
            session.commit()
    except Exception:  # the log must never turn a finished job into a failed one
        logger.warning("Job log: could not record the end of %s (%s)", job, outcome.name, exc_info=True)


def _discard_unit_of_work() -> None:
    """Roll back what the failed job left open in the app's session, before the failure is written.

    The app context's teardown would roll it back anyway, but only after the log: on SQLite its
    write lock would make the log wait and give up, on PostgreSQL a failed statement would poison
    a shared connection (the test suite's).
    """
    try:
        from app.extensions import db

        db.session.rollback()
    except Exception:  # no app, or a connection already gone: nothing left to discard
        logger.debug("Job log: nothing to roll back", exc_info=True)


def logged_job(name: str) -> Callable[[F], F]:
    """Record every run of the decorated function under ``name``; put it right under ``@with_app_context``."""

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            started_at = utcnow()
            run_id = _record_start(name, started_at)
            try:
                result = fn(*args, **kwargs)
            except BaseException:
                _discard_unit_of_work()
                _record_end(
                    run_id, name, started_at, outcome=JobOutcome.FAILED, error=traceback.format_exc()[-ERROR_CHARS:]
                )
                raise
            try:
                items, detail = summarise(result)
            except Exception:  # an odd return value is not worth a failed run
                items, detail = 0, ""
            _record_end(run_id, name, started_at, outcome=JobOutcome.OK, items=items, detail=detail)
            return result

        return wrapper  # type: ignore[return-value]

    return decorate


def prune_runs(session: Session, *, now: datetime, keep_days: int) -> int:
    """Delete the runs that started more than ``keep_days`` days before ``now``; how many went."""
    cutoff = now - timedelta(days=keep_days)
    result = session.execute(
        delete(JobRun).where(JobRun.started_at < cutoff).execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


@huey.periodic_task(crontab(minute="15", hour="20"))  # once a day, at night in China (Huey runs on UTC)
@with_app_context
@logged_job("prune_job_log")
def prune_job_log() -> int:
    """Keep the job log to ``JOB_LOG_KEEP_DAYS`` days (30 unless configured)."""
    from flask import current_app

    from app.extensions import db

    keep_days = int(current_app.config.get("JOB_LOG_KEEP_DAYS", DEFAULT_KEEP_DAYS))
    deleted = prune_runs(db.session, now=utcnow(), keep_days=keep_days)
    db.session.commit()
    return deleted
