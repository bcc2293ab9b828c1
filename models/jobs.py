"""The job log: one row per run of a periodic job, so admins see what ran, how long, and what failed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Model, UTCDateTime
from models.enums import JobOutcome, enum_column


class JobRun(Model):
    __tablename__ = "job_run"
    __table_args__ = (
        Index("ix_job_run_job_started", "job", "started_at"),
        Index("ix_job_run_started_at", "started_at"),
        Index("ix_job_run_outcome", "outcome"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job: Mapped[str] = mapped_column(String(60))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    items: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    outcome: Mapped[JobOutcome] = mapped_column(
        enum_column(JobOutcome), default=JobOutcome.RUNNING, server_default=JobOutcome.RUNNING.name
    )
    error: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[str | None] = mapped_column(String(300))  # a short summary, e.g. "3 fired, 1 late"
