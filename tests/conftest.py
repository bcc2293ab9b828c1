"""Shared fixtures: one app per test session, each test rolled back.

The schema is built by the real migrations, roles synced and the demo data loaded
once per session (so ``login_as("vendor1")`` works everywhere). Each test then runs
inside an outer transaction that is rolled back; the app's commits become savepoint
releases. Huey runs tasks immediately. ``TEST_DATABASE_URL`` selects PostgreSQL.
"""

from __future__ import annotations

import os
import threading

import pytest
from hypothesis import HealthCheck, settings

from tests.settings import reset_database, test_database_url, test_env

settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=30, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))


def pytest_sessionfinish(session, exitstatus):
    """Cancel pending threading.Timers (the login rate limiter's memory storage re-arms a 10 ms one), which
    Python joins at exit: under `make test-future` (faketime) their waits run on the faked monotonic clock
    and would hold the finished run for a year."""
    for thread in threading.enumerate():
        if isinstance(thread, threading.Timer):
            thread.cancel()


@pytest.fixture(scope="session")
def app_env(tmp_path_factory) -> dict[str, str]:
    tmp_dir = tmp_path_factory.mktemp("servicedesk")
    url = test_database_url(tmp_dir)
    reset_database(url)
    return test_env(tmp_dir, url)


@pytest.fixture(scope="session")
def app(app_env):
    from flask_migrate import upgrade

    from app import create_app
    from app.demo import seed_demo
    from app.security.roles import sync_roles
    from tasks import huey

    huey.immediate = True
    # Cheap password hashes keep login-heavy tests fast; production uses scrypt.
    application = create_app({"TESTING": True, "FAB_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}, env=app_env)
    with application.app_context():
        upgrade()
        sync_roles(application.appbuilder)
        seed_demo(activity=False)  # the 90 days of desk work: tests/integration/test_demo_requests.py
    return application


@pytest.fixture(autouse=True)
def _isolated(request):
    """Roll back everything a test wrote; reset login rate limits."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    from app.extensions import db

    with app.app_context():
        engines = db._app_engines[app]  # Flask-SQLAlchemy ignores Session.bind: swap the engine
        engine = engines[None]
        connection = engine.connect()
        outer = connection.begin()
        connection.name = engine.name  # FAB asks the bind for its dialect name
        engines[None] = connection
        db.session.remove()
        db.session.session_factory.configure(join_transaction_mode="create_savepoint")
        app.appbuilder.sm.limiter.reset()
    try:
        yield
    finally:
        with app.app_context():
            db.session.remove()
        outer.rollback()
        connection.close()
        engines[None] = engine


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def smtp(app, monkeypatch):
    """A real SMTP server on a free port (its ``Inbox`` is yielded), and the app set to deliver to it."""
    from aiosmtpd.controller import Controller

    from tests.smtp_server import Inbox, free_port

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_DELIVERY", "smtp")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", controller.port)
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://desk.example.com")
    yield inbox
    controller.stop()


@pytest.fixture
def desk_story(app):
    """The workspace tests' day at the desk (tests/integration/workspace_story.py), committed."""
    from app.extensions import db
    from tests.integration.workspace_story import build_story

    with app.app_context():
        return build_story(db.session)


@pytest.fixture
def login_as(app):
    """``login_as("vendor1")`` → a test client whose session is that user's."""

    def login(username: str):
        from app.extensions import db
        from models.users import UserAccount

        with app.app_context():
            user = db.session.query(UserAccount).filter_by(username=username).one()
            user_id = user.id
        test_client = app.test_client()
        with test_client.session_transaction() as session:
            session["_user_id"] = str(user_id)
            session["_fresh"] = True
        return test_client

    return login
