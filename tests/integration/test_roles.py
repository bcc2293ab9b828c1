"""Roles as code: `flask roles sync` makes the database match app/security/roles.py."""

from __future__ import annotations

from app.security.roles import ADMIN, ROLE_GRANTS, sync_roles


def role_permissions(sm, name: str) -> set[tuple[str, str]]:
    return {(pv.permission.name, pv.view_menu.name) for pv in sm.find_role(name).permissions}


def test_every_built_in_role_exists_with_its_declared_permissions(app):
    sm = app.appbuilder.sm
    with app.app_context():
        for name, grants in ROLE_GRANTS.items():
            perms = role_permissions(sm, name)
            for resource in grants:
                assert ("can_read", resource) in perms, f"{name} cannot read {resource}"
            assert ("can_userinfo", "UserAccountView") in perms, f"{name} cannot open its profile"


def test_sync_is_idempotent(app):
    sm = app.appbuilder.sm
    with app.app_context():
        before = {name: role_permissions(sm, name) for name in [ADMIN, *ROLE_GRANTS]}
        sync_roles(app.appbuilder)
        sync_roles(app.appbuilder)
        after = {name: role_permissions(sm, name) for name in [ADMIN, *ROLE_GRANTS]}
    assert before == after


def test_sync_restores_a_permission_removed_by_hand_and_leaves_custom_roles_alone(app):
    sm = app.appbuilder.sm
    with app.app_context():
        dispatcher = sm.find_role("Dispatcher")
        dispatcher.permissions = [pv for pv in dispatcher.permissions if pv.view_menu.name != "Customer"]
        custom = sm.add_role("Auditor")
        custom.permissions = [sm.find_permission_view_menu("can_read", "Vendor")]
        sm.session.commit()
        sync_roles(app.appbuilder)
        assert ("can_read", "Customer") in role_permissions(sm, "Dispatcher")
        assert role_permissions(sm, "Auditor") == {("can_read", "Vendor")}


def test_admin_holds_every_permission(app):
    sm = app.appbuilder.sm
    with app.app_context():
        every = {(pv.permission.name, pv.view_menu.name) for pv in sm.session.query(sm.permissionview_model)}
        assert role_permissions(sm, ADMIN) == every


def test_outside_roles_write_only_their_own_work_and_never_see_security_screens(app):
    """A vendor works its work orders and issues parts to them; both mark their own notifications read;
    no catalog is writable."""
    sm = app.appbuilder.sm
    own_work = {"Vendor": {"WorkOrder", "StockLedger", "Notification"}, "Customer": {"Notification"}}
    with app.app_context():
        for name in ("Vendor", "Customer"):
            perms = role_permissions(sm, name)
            assert {resource for p, resource in perms if p == "can_write"} == own_work[name]
            assert ("menu_access", "Security") not in perms
        assert ("can_read", "Customer") not in role_permissions(sm, "Vendor")
        assert ("can_read", "Vendor") not in role_permissions(sm, "Customer")


def test_roles_appear_on_the_admins_security_screen(login_as):
    page = login_as("admin").get("/roles/list/")
    assert page.status_code == 200
    for name in ROLE_GRANTS:
        assert f">{name}<" in page.text.replace(" ", "").replace("\n", "")
