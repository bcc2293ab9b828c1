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
    # user, roles, groups, permission set (1, not one per menu item), count, rows, account
    # managers (one selectin), the region search dropdown (count + rows): about 10.
    assert len(statements) <= 12, "\n".join(statements)


def test_permission_removed_from_a_role_takes_effect_on_the_next_request(app, login_as):
    client = login_as("dispatcher")
    assert client.get("/customers/list/").status_code == 200
    with app.app_context():
        sm = app.appbuilder.sm
        role = sm.find_role("Dispatcher")
        role.permissions = [pv for pv in role.permissions if pv.view_menu.name != "Customer"]
        sm.session.commit()
    assert client.get("/customers/list/").status_code == 403


def statements_for(app, client, url):
    client.get(url)  # warm up
    with counted_statements(app) as statements:
        assert client.get(url).status_code == 200
    return statements


def test_customer_list_costs_the_same_statements_at_page_size_10_and_100(app, login_as):
    from app.extensions import db
    from models.organisations import Contact, Customer, Site
    from models.reference import Region

    with app.app_context():
        # Distinct related rows per row: a shared one would hide per-row loads in the identity map.
        regions = [Region(code=f"R-BULK{i:03d}", name=f"批量区域{i}") for i in range(120)]
        customers = [Customer(code=f"C-BULK{i:03d}", name=f"批量客户{i}", region=r) for i, r in enumerate(regions)]
        db.session.add_all(customers)
        db.session.add_all(Contact(customer=c, name=f"联系人{c.code}") for c in customers)
        db.session.add_all(Site(customer=c, name=f"站点{c.code}", region=c.region) for c in customers)
        db.session.commit()
    client = login_as("admin")
    for path in ("/customers/list/", "/contacts/list/", "/sites/list/"):
        view = {"/customers/list/": "CustomerView", "/contacts/list/": "ContactView", "/sites/list/": "SiteView"}[path]
        small = statements_for(app, client, f"{path}?psize_{view}=10")
        large = statements_for(app, client, f"{path}?psize_{view}=100")
        assert len(small) == len(large), f"{path}: per-row queries\n" + "\n".join(large)
