"""request figures for the dashboard: working minutes to resolve and the reopen count, backfilled

Revision ID: 0008_request_figures
Revises: 0007_mail_intent
Create Date: 2026-12-08

``resolution_business_minutes``: working minutes of the request's calendar from creation to resolution
(the SLA's calendar, else the desk settings', else the default SLA's, else Monday–Friday all day in
Asia/Shanghai — the rule of ``app.domain.auto_close.CalendarPicker``), filled for every resolved or
closed request. ``reopen_count``: how often the change history shows the request moved from resolved or
closed back to in progress.

The backfill reads the tables with plain SQL (the models may have moved on by the time this runs) and
converts calendars with ``app.domain.calendars.business_calendar``, which takes plain values.
"""

import json
from collections import Counter
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008_request_figures"
down_revision = "0007_mail_intent"
branch_labels = None
depends_on = None

ALL_WEEKDAYS = {str(weekday): [["00:00", "24:00"]] for weekday in range(5)}
REOPENED = ({"RESOLVED", "CLOSED"}, "IN_PROGRESS")


def upgrade():
    with op.batch_alter_table("service_request", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resolution_business_minutes", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reopen_count", sa.Integer(), server_default="0", nullable=False))
    bind = op.get_bind()
    _backfill_reopens(bind)
    _backfill_minutes(bind)


def downgrade():
    with op.batch_alter_table("service_request", schema=None) as batch_op:
        batch_op.drop_column("reopen_count")
        batch_op.drop_column("resolution_business_minutes")


def _json(value):
    return json.loads(value) if isinstance(value, str) else (value or {})


def _moment(value):
    """A stored UTC time as an aware datetime (SQLite hands back text or naive values)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _backfill_reopens(bind):
    reopens = Counter()
    rows = bind.execute(sa.text("SELECT entity_id, changes FROM change_log WHERE entity = 'service_request'"))
    for entity_id, changes in rows:
        status = _json(changes).get("status")
        if status and status[0] in REOPENED[0] and status[1] == REOPENED[1]:
            reopens[entity_id] += 1
    update = sa.text("UPDATE service_request SET reopen_count = :count WHERE id = :id")
    for request_id, count in reopens.items():
        bind.execute(update, {"id": request_id, "count": count})


def _backfill_minutes(bind):
    from app.domain.calendars import business_calendar
    from app.domain.sla import resolution_minutes

    days = {}
    for calendar_id, day, kind, borrowed in bind.execute(
        sa.text("SELECT calendar_id, day, kind, borrowed_weekday FROM calendar_day")
    ):
        days.setdefault(calendar_id, []).append(
            (day if isinstance(day, date) else date.fromisoformat(day), kind, borrowed)
        )
    calendars = {
        calendar_id: business_calendar(timezone, _json(hours), days.get(calendar_id, []))
        for calendar_id, timezone, hours in bind.execute(
            sa.text("SELECT id, timezone, weekly_hours FROM business_calendar")
        )
    }
    fallback_id = (
        bind.execute(sa.text("SELECT calendar_id FROM desk_settings ORDER BY id LIMIT 1")).scalar()
        or bind.execute(
            sa.text("SELECT calendar_id FROM sla WHERE is_default AND active AND kind = 'EXTERNAL' ORDER BY id LIMIT 1")
        ).scalar()
    )
    fallback = calendars.get(fallback_id) or business_calendar("Asia/Shanghai", ALL_WEEKDAYS)
    rows = bind.execute(
        sa.text(
            "SELECT r.id, r.created_at, r.resolved_at, s.calendar_id FROM service_request r "
            "LEFT JOIN sla s ON s.id = r.sla_id WHERE r.resolved_at IS NOT NULL"
        )
    ).all()
    update = sa.text("UPDATE service_request SET resolution_business_minutes = :minutes WHERE id = :id")
    for request_id, created_at, resolved_at, calendar_id in rows:
        calendar = calendars.get(calendar_id, fallback)
        minutes = resolution_minutes(calendar, _moment(created_at), _moment(resolved_at))
        bind.execute(update, {"id": request_id, "minutes": minutes})
