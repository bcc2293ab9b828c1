"""Record every change of tracked catalog records in ``change_log``, whoever makes it.

A model opts in with ``__history__ = True``; a child row may log under its owner
(``__history_owner__ = ("sla", "sla_id", "P1")`` style, see ``owner_of``) so one
timeline shows an SLA with its targets. Rows are written in the same transaction
by ``after_flush`` (the session still knows what changed), through the connection,
so screens, the API, imports and jobs are all recorded alike. The actor comes from
``session.info["actor_id"]`` (set per request) or ``session.info["actor_label"]``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from models.base import utcnow
from models.history import ChangeLog

IGNORED = {"created_at", "updated_at"}


def _plain(value: Any) -> Any:
    """A JSON-safe, readable form of a column value or related object."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Enum):
        return value.name
    if isinstance(value, (Decimal, date, datetime)):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return str(value)


def _changes(obj: Any, action: str) -> dict[str, list[Any]]:
    state = inspect(obj)
    changes: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in IGNORED or attr.key == "id" or attr.key in getattr(obj, "__history_ignore__", ()):
            continue
        history = state.attrs[attr.key].history
        if action == "create":
            value = getattr(obj, attr.key)
            if value is not None:
                changes[attr.key] = [None, _plain(value)]
        elif action == "delete":
            changes[attr.key] = [_plain(getattr(obj, attr.key)), None]
        elif history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if _plain(old) != _plain(new):
                changes[attr.key] = [_plain(old), _plain(new)]
    for rel in state.mapper.relationships:
        if not rel.uselist or rel.secondary is None or action != "update":
            continue
        history = state.attrs[rel.key].history
        if history.added or history.deleted:
            unchanged = [_plain(item) for item in history.unchanged]
            old = unchanged + [_plain(item) for item in history.deleted]
            new = unchanged + [_plain(item) for item in history.added]
            changes[rel.key] = [sorted(map(str, old)), sorted(map(str, new))]
    return changes


def _iso_shower(parse, show):
    """A stored ISO date or time (``_plain``) shown per locale; text that is not one stays as it is."""

    def shown(value):
        if not isinstance(value, str):
            return value
        try:
            return show(parse(value))
        except ValueError:
            return value

    return shown


def owner_of(obj: Any) -> tuple[str, int, str]:
    """(entity, id, prefix) under which a change of ``obj`` is logged."""
    owner = getattr(obj, "__history_owner__", None)
    if owner is None:
        return obj.__tablename__, obj.id, ""
    entity, fk_attribute, prefix_attribute = owner
    prefix = _plain(getattr(obj, prefix_attribute)) if prefix_attribute else ""
    return entity, getattr(obj, fk_attribute), f"{prefix}." if prefix else ""


def _record(session: Session, flush_context) -> None:
    rows = []
    for action, objects in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            if not getattr(obj, "__history__", False):
                continue
            if action == "update" and not session.is_modified(obj, include_collections=True):
                continue
            changes = _changes(obj, action)
            if not changes:
                continue
            entity, entity_id, prefix = owner_of(obj)
            if entity_id is None:
                continue
            if prefix:
                changes.pop(obj.__history_owner__[1], None)  # the owner's id is the timeline itself
            rows.append(
                {
                    "entity": entity,
                    "entity_id": entity_id,
                    "action": action if not prefix else "update",
                    "changes": {f"{prefix}{key}": value for key, value in changes.items()},
                    "actor_id": session.info.get("actor_id"),
                    "actor_label": session.info.get("actor_label"),
                    "changed_at": utcnow(),
                }
            )
    if rows:
        session.connection().execute(insert(ChangeLog), rows)


def entries_for(session: Session, entity: str, entity_id: int, limit: int = 200) -> list[ChangeLog]:
    """The newest changes of one record (with its owned rows), for its show page."""
    from sqlalchemy import select

    stmt = select(ChangeLog).where(ChangeLog.entity == entity, ChangeLog.entity_id == entity_id)
    return list(session.execute(stmt.order_by(ChangeLog.id.desc()).limit(limit)).scalars())


def readable(row: ChangeLog) -> dict[str, list[Any]]:
    """A row's changes for people: "customer" not "customer_id", Yes/No, enum labels, not raw names,
    times in the business time zone and dates per locale (stored as ISO text)."""
    from app.display import enum_labeller, yes_no
    from models.base import Model

    table = Model.metadata.tables.get(row.entity)
    changes: dict[str, list[Any]] = {}
    for key, values in row.changes.items():
        prefix, _, field = key.rpartition(".")
        column = table.c.get(field) if table is not None and not prefix else None
        show = _shower(column, enum_labeller, yes_no)
        name = field[:-3] if field.endswith("_id") else field
        changes[f"{prefix}.{name}" if prefix else name] = [show(value) for value in values]
    return changes


def _shower(column, enum_labeller, yes_no):
    from flask_babel import format_date, format_datetime
    from sqlalchemy import JSON, Boolean, Date, DateTime
    from sqlalchemy import Enum as SAEnum

    from models.base import UTCDateTime

    if column is not None and isinstance(column.type, (UTCDateTime, DateTime)):
        return _iso_shower(datetime.fromisoformat, format_datetime)
    if column is not None and isinstance(column.type, Date):
        return _iso_shower(date.fromisoformat, format_date)
    if column is not None and isinstance(column.type, Boolean):
        return lambda value: value if value is None else yes_no(value)
    if column is not None and isinstance(column.type, SAEnum) and column.type.enum_class is not None:
        return lambda value: value if value is None else enum_labeller(column.type.enum_class)(value)
    if column is not None and isinstance(column.type, JSON):
        return lambda value: value if value is None else json.dumps(value, ensure_ascii=False)
    return lambda value: value


@dataclass(frozen=True)
class Entry:
    changed_at: datetime
    actor_name: str
    action: str
    changes: dict[str, list[Any]]


def _actor_names(session: Session, rows: list[ChangeLog]) -> dict[int, str]:
    from models.users import UserAccount

    ids = {row.actor_id for row in rows if row.actor_id}
    if not ids:
        return {}
    users = session.query(UserAccount).filter(UserAccount.id.in_(ids)).all()
    return {user.id: user.get_full_name() for user in users}


def init_app(app) -> None:
    """Attribute request changes to the logged-in user; give show pages ``change_history``."""
    from flask import g
    from flask_babel import gettext

    from app.extensions import db

    @app.before_request
    def _actor() -> None:
        user = getattr(g, "user", None)
        if getattr(user, "is_authenticated", False):
            db.session.info["actor_id"] = user.id

    def change_history(entity: str, entity_id) -> list[Entry]:
        rows = entries_for(db.session, entity, int(entity_id))
        names = _actor_names(db.session, rows)
        system = gettext("System")
        return [
            Entry(row.changed_at, names.get(row.actor_id) or row.actor_label or system, row.action, readable(row))
            for row in rows
        ]

    app.jinja_env.globals["change_history"] = change_history


def _keep_old_values() -> None:
    """Tracked columns load their stored value before being overwritten, even on expired
    objects (after a commit), so "old" is never lost from the history."""
    from models.base import Model

    for mapper in Model.registry.mappers:
        if getattr(mapper.class_, "__history__", False):
            for attr in mapper.column_attrs:
                mapper.class_manager[attr.key].impl.active_history = True


def install(session_factory) -> None:
    """Listen on the app's session (idempotent: safe when several apps share the class)."""
    _keep_old_values()
    if not event.contains(session_factory, "after_flush", _record):
        event.listen(session_factory, "after_flush", _record)
