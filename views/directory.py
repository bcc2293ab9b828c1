"""通讯录: who has an account. Staff see everyone; vendors and customers their own colleagues."""

from __future__ import annotations

from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l

from app.display import blank_if_none, role_labels
from app.security.roles import DIRECTORY
from models.users import UserAccount
from views.base import AppModelView


class DirectoryView(AppModelView):
    route_base = "/directory"
    datamodel = SQLAInterface(UserAccount)
    class_permission_name = DIRECTORY
    noun = _l("Account")
    base_permissions = ["can_read"]
    list_columns = ["first_name", "last_name", "email", "roles", "organisation", "active"]
    show_columns = ["first_name", "last_name", "username", "email", "roles", "organisation", "active"]
    search_columns = ["first_name", "last_name", "email", "roles", "active"]
    order_columns = ["first_name", "last_name", "email", "active"]  # FAB would offer "organisation", a property
    label_columns = {
        "first_name": _l("First Name"),
        "last_name": _l("Last Name"),
        "username": _l("User Name"),
        "email": _l("Email"),
        "roles": _l("Role"),
        "organisation": _l("Organisation"),
        "active": _l("Active"),
    }
    formatters_columns = {"organisation": blank_if_none, "roles": role_labels}
    base_order = ("username", "asc")


def register(appbuilder) -> None:
    from views import RESOURCES, add_to_menu

    add_to_menu(appbuilder, DirectoryView, "Directory", _l("Directory"), "fa-address-book", RESOURCES)
