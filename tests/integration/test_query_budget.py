"""Pages answer from a handful of SQL statements, and permissions stay current per request."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event


@contextmanager
def counted_statements(app):
    from app.extensions import db

    statements: list[str] = []
    with app.app_context():
        bind = db.engines[None]  # the test's Connection (see conftest) or the Engine
        engine = getattr(bind, "engine", bind)

    def record(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_list_page_needs_few_statements_whatever_the_menu_size(app, login_as):
    client = login_as("dispatcher")
    client.get("/customers/list/")  # warm caches (e.g. the user's roles)
    with counted_statements(app) as statements:
        assert client.get("/customers/list/").status_code == 200
    assert len(statements) <= 8, "\n".join(statements)


def test_permission_removed_from_a_role_takes_effect_on_the_next_request(app, login_as):
    client = login_as("dispatcher")
    assert client.get("/customers/list/").status_code == 200
    with app.app_context():
        sm = app.appbuilder.sm
        role = sm.find_role("Dispatcher")
        role.permissions = [pv for pv in role.permissions if pv.view_menu.name != "Customer"]
        sm.session.commit()
    assert client.get("/customers/list/").status_code == 403
