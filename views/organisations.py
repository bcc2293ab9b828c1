"""Service-vendor screens and APIs (customers: views/customers.py)."""

from __future__ import annotations

from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l

from app.security.roles import VENDOR
from models.organisations import Vendor
from views.base import AppModelApi, AppModelView

COLUMNS = ["code", "name", "active"]


class OrganisationView(AppModelView):
    """Columns shared by the customer and vendor screens."""

    list_columns = search_columns = add_columns = edit_columns = COLUMNS
    show_columns = [*COLUMNS, "created_at", "updated_at"]
    label_columns = {
        "code": _l("Code"),
        "name": _l("Name"),
        "active": _l("Active"),
        "created_at": _l("Created at"),
        "updated_at": _l("Updated at"),
    }
    base_order = ("code", "asc")


class OrganisationApi(AppModelApi):
    base_order = ("code", "asc")  # stable pages: LIMIT/OFFSET without ORDER BY may repeat rows
    list_columns = show_columns = ["id", *COLUMNS]
    add_columns = edit_columns = search_columns = COLUMNS
    order_columns = ["code", "name"]


class VendorView(OrganisationView):
    route_base = "/vendors"
    datamodel = SQLAInterface(Vendor)
    class_permission_name = VENDOR
    noun = _l("Service vendor")


class VendorApi(OrganisationApi):
    resource_name = "vendor"
    datamodel = SQLAInterface(Vendor)
    class_permission_name = VENDOR


def register(appbuilder) -> None:
    from views import RESOURCES, add_to_menu

    add_to_menu(appbuilder, VendorView, "Service vendors", _l("Service vendors"), "fa-truck", RESOURCES)
    appbuilder.add_api(VendorApi)
