"""Migrations are the schema: they match the models exactly and can be walked back and forth."""

from __future__ import annotations

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url

import models


def test_migrated_schema_matches_the_models_exactly(app):
    from app.extensions import db

    with app.app_context():
        connection = db.session.connection()
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": connection.dialect.name == "sqlite"}
        )
        differences = compare_metadata(context, models.Model.metadata)
    assert differences == [], "models and migrations differ; run `flask --app run db migrate`"


@pytest.fixture
def scratch_database_url(app_env, tmp_path):
    """An empty database of the same backend as the suite's, dropped afterwards."""
    url = make_url(app_env["DATABASE_URL"])
    if url.drivername.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'scratch.db'}"
        return
    name = f"scratch_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url.set(drivername="postgresql+psycopg", database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_upgrade_downgrade_upgrade_round_trip(app_env, scratch_database_url, tmp_path):
    from flask_migrate import downgrade, upgrade

    from app import create_app
    from app.extensions import db

    env = {**app_env, "DATABASE_URL": scratch_database_url, "INSTANCE_PATH": str(tmp_path)}
    scratch = create_app({"TESTING": True}, env=env)
    with scratch.app_context():
        upgrade()
        assert "ab_user" in inspect(db.engine).get_table_names()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        db.engine.dispose()
    assert set(models.Model.metadata.tables) <= tables


def test_mail_rendered_before_0007_stays_readable_and_sendable_and_intent_survives_a_downgrade(
    app_env, scratch_database_url, tmp_path
):
    """Outbox rows written by the previous version keep their text (sent as stored); going back,
    mail queued as intent and never rendered is marked failed with the reason, not lost silently."""
    from flask_migrate import downgrade, upgrade

    from app import create_app
    from app.extensions import db
    from app.mail import render_outbox_mail
    from models.enums import MailStatus
    from models.notifications import MailOutbox

    env = {**app_env, "DATABASE_URL": scratch_database_url, "INSTANCE_PATH": str(tmp_path)}
    scratch = create_app({"TESTING": True}, env=env)
    with scratch.app_context():
        upgrade(revision="0006_period_indexes")
        db.session.execute(
            text(
                "INSERT INTO mail_outbox (to_address, to_name, language, kind, subject, body_text, status, attempts, "
                "created_at) VALUES ('old@example.com', 'Old', 'zh', 'request_created', '[SR-OLD] 旧邮件', '旧的正文', "
                "'HELD', 0, CURRENT_TIMESTAMP)"
            )
        )
        db.session.commit()
        upgrade()
        old = db.session.scalars(select(MailOutbox)).one()
        assert not old.is_intent and old.status is MailStatus.HELD
        assert render_outbox_mail(old) == ("[SR-OLD] 旧邮件", "旧的正文", None)
        db.session.add(MailOutbox(to_address="new@example.com", kind="request_closed", params={}))
        db.session.commit()

        downgrade(revision="0006_period_indexes")
        rows = db.session.execute(text("SELECT to_address, status, subject, last_error FROM mail_outbox")).all()
        db.session.commit()
        db.engine.dispose()
    by_address = {row.to_address: row for row in rows}
    assert by_address["old@example.com"].status == "HELD" and by_address["old@example.com"].subject == "[SR-OLD] 旧邮件"
    assert (
        by_address["new@example.com"].status == "FAILED"
        and "never rendered" in by_address["new@example.com"].last_error
    )
