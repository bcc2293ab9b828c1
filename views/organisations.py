"""Customer and service-vendor screens and APIs (minimal; the catalogs issue extends them)."""

from __future__ import annotations

from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l

from app.security.roles import CUSTOMER, VENDOR
from models.organisations import Customer, Vendor
from views.base import AppModelApi, AppModelView

ORGANISATION_COLUMNS = ["code", "name", "active"]
ORGANISATION_LABELS = {
    "code": _l("Code"),
    "name": _l("Name"),
    "active": _l("Active"),
    "created_at": _l("Created at"),
    "updated_at": _l("Updated at"),
}


class CustomerView(AppModelView):
    route_base = "/customers"
    datamodel = SQLAInterface(Customer)
    class_permission_name = CUSTOMER
    noun = _l("Customer")
    list_columns = ORGANISATION_COLUMNS
    search_columns = ORGANISATION_COLUMNS
    add_columns = edit_columns = ORGANISATION_COLUMNS
    show_columns = ORGANISATION_COLUMNS + ["created_at", "updated_at"]
    label_columns = ORGANISATION_LABELS
    base_order = ("code", "asc")


class VendorView(AppModelView):
    route_base = "/vendors"
    datamodel = SQLAInterface(Vendor)
    class_permission_name = VENDOR
    noun = _l("Service vendor")
    list_columns = ORGANISATION_COLUMNS
    search_columns = ORGANISATION_COLUMNS
    add_columns = edit_columns = ORGANISATION_COLUMNS
    show_columns = ORGANISATION_COLUMNS + ["created_at", "updated_at"]
    label_columns = ORGANISATION_LABELS
    base_order = ("code", "asc")


class CustomerApi(AppModelApi):
    resource_name = "customer"
    datamodel = SQLAInterface(Customer)
    class_permission_name = CUSTOMER
    list_columns = show_columns = ["id", *ORGANISATION_COLUMNS]
    add_columns = edit_columns = ORGANISATION_COLUMNS
    order_columns = ["code", "name"]
    search_columns = ORGANISATION_COLUMNS


class VendorApi(AppModelApi):
    resource_name = "vendor"
    datamodel = SQLAInterface(Vendor)
    class_permission_name = VENDOR
    list_columns = show_columns = ["id", *ORGANISATION_COLUMNS]
    add_columns = edit_columns = ORGANISATION_COLUMNS
    order_columns = ["code", "name"]
    search_columns = ORGANISATION_COLUMNS
