"""Changes to tracked catalog records are recorded: who, when, old, new — from any path."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select


def history(session, entity, entity_id):
    from models.history import ChangeLog

    stmt = select(ChangeLog).where(ChangeLog.entity == entity, ChangeLog.entity_id == entity_id)
    return session.execute(stmt.order_by(ChangeLog.id)).scalars().all()


def make_sla(session):
    from models.calendars import Calendar
    from models.enums import Priority
    from models.sla import SLA, SLATarget

    calendar = Calendar(name="测试日历", timezone="Asia/Shanghai", weekly_hours={"0": [["09:00", "18:00"]]})
    sla = SLA(name="测试SLA", calendar=calendar)
    sla.targets = [SLATarget(priority=Priority.P1, response_minutes=15, resolution_minutes=240)]
    session.add(sla)
    session.commit()
    return sla


def test_creating_and_editing_an_sla_records_old_and_new_values_with_the_actor(app):
    from app.extensions import db

    with app.app_context():
        db.session.info["actor_label"] = "test"
        sla = make_sla(db.session)
        sla.targets[0].resolution_minutes = 180
        sla.name = "测试SLA（修订）"
        db.session.commit()
        rows = history(db.session, "sla", sla.id)
    actions = [row.action for row in rows]
    assert actions[0] == "create"
    changes = {key: value for row in rows[1:] for key, value in row.changes.items()}
    assert changes["name"] == ["测试SLA", "测试SLA（修订）"]
    assert changes["P1.resolution_minutes"] == [240, 180]
    assert all(row.actor_label == "test" for row in rows)


def test_calendar_day_changes_appear_on_the_calendar_timeline(app):
    from app.extensions import db
    from models.calendars import Calendar, CalendarDay
    from models.enums import CalendarDayKind

    with app.app_context():
        calendar = Calendar(name="历史日历", timezone="Asia/Shanghai", weekly_hours={})
        db.session.add(calendar)
        db.session.commit()
        calendar.days.append(CalendarDay(day=date(2026, 10, 1), kind=CalendarDayKind.HOLIDAY, name="国庆节"))
        db.session.commit()
        rows = history(db.session, "business_calendar", calendar.id)
    assert any("2026-10-01.kind" in row.changes for row in rows)


def test_untracked_models_write_no_history(app):
    from app.extensions import db
    from models.history import ChangeLog
    from models.reference import Region

    with app.app_context():
        before = db.session.query(ChangeLog).count()
        db.session.add(Region(code="R-X", name="测试区域"))
        db.session.commit()
        assert db.session.query(ChangeLog).count() == before


def test_history_on_the_sla_page_shows_labels_yes_no_and_kinds_not_raw_values(app, login_as):
    from app.extensions import db
    from models.enums import SLAKind

    with app.app_context():
        sla = make_sla(db.session)
        sla.is_default = True
        sla.kind = SLAKind.INTERNAL
        db.session.commit()
        sla_id = sla.id
    page = login_as("admin").get(f"/slas/show/{sla_id}?_l_=en").text
    history = page[page.index("Change history") :]
    assert "No → Yes" in history  # the old value is kept although the SLA was expired by its commit
    assert "OLA (vendors and groups)" in history
    assert "True" not in history and "INTERNAL" not in history


@pytest.mark.parametrize("statement", ["UPDATE change_log SET actor_label = 'forged'", "DELETE FROM change_log"])
def test_nobody_edits_or_deletes_the_audit_trail(app, statement):
    """操作记录 are append-only in the database itself, whoever connects (a trigger refuses)."""
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError

    from app.extensions import db
    from models.history import ChangeLog

    with app.app_context():
        assert db.session.scalar(select(ChangeLog.id).limit(1)) is not None  # the demo's own history
        with pytest.raises(DatabaseError, match="append-only"), db.session.begin_nested():
            db.session.execute(text(statement))
        assert db.session.scalar(select(ChangeLog.actor_label).where(ChangeLog.actor_label == "forged")) is None


def test_the_audit_trail_has_no_screen_or_api_to_change_it(app):
    """No registered endpoint edits or deletes change_log rows: the only writer is app/history.py."""
    from app.history import ChangeLog

    for view in app.appbuilder.baseviews:
        datamodel = getattr(view, "datamodel", None)
        assert datamodel is None or datamodel.obj is not ChangeLog, type(view).__name__


def test_history_shows_dates_and_times_per_locale_not_as_stored(app, login_as):
    """Dates and times are kept in the change log as ISO text (times in UTC); people read them per locale,
    times in the business time zone."""
    from app.extensions import db
    from models.contracts import Contract
    from models.work_orders import WorkOrder
    from tests.helpers import DemoRows

    with app.app_context():
        contract = db.session.scalars(select(Contract).order_by(Contract.id)).first()
        contract.end_date = date(2027, 3, 31)
        order = DemoRows(db.session).work_order("SR-20261123-7001", engineer="engineer1")
        db.session.flush()
        db.session.get(WorkOrder, order.id).scheduled_start = datetime(2026, 12, 3, 1, 30, tzinfo=UTC)
        db.session.commit()
        contract_id, request_id = contract.id, order.request_id
    manager = login_as("manager")
    contract_history = manager.get(f"/contracts/show/{contract_id}?_l_=en").text
    assert "Mar 31, 2027" in contract_history.split("Change history")[-1]
    timeline = manager.get(f"/requests/show/{request_id}?_l_=zh").text
    assert "2026年12月3日 09:30:00" in timeline  # 01:30 UTC is 09:30 in Shanghai
    assert "+00:00" not in timeline and "2027-03-31" not in contract_history
