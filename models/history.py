"""Change history (操作记录) of catalog records: who changed what, when, from what to what.

One append-only row per saved change of a tracked record, with the changed fields
as ``{"field": [old, new]}``. Written by ``app.history`` from the session, so every
path (screens, API, imports, jobs) is recorded the same way.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Model, UTCDateTime, utcnow


class ChangeLog(Model):
    __tablename__ = "change_log"
    __table_args__ = (Index("ix_change_log_entity", "entity", "entity_id", "changed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(10))  # create, update, delete
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), index=True)
    actor_label: Mapped[str | None] = mapped_column(String(100))  # a job or import when no user acted
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
