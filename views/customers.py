"""Customers (客户) with their contacts (联系人) and sites (站点): screens and REST APIs."""

from __future__ import annotations

from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l

from app.security.roles import CUSTOMER
from models.organisations import Contact, Customer, Site
from views.assets import AssetView
from views.base import AppModelApi, AppModelView
from views.contracts import ContractView

LABELS = {
    "code": _l("Code"),
    "name": _l("Name"),
    "short_name": _l("Short name"),
    "industry": _l("Industry"),
    "region": _l("Region"),
    "service_tier": _l("Service tier"),
    "address": _l("Address"),
    "phone": _l("Phone"),
    "email": _l("Email"),
    "account_manager": _l("Account manager"),
    "notes": _l("Notes"),
    "active": _l("Active"),
    "customer": _l("Customer"),
    "job_title": _l("Job title"),
    "preferred_language": _l("Preferred language"),
    "contact": _l("Contact"),
    "created_at": _l("Created at"),
    "updated_at": _l("Updated at"),
}


class ContactView(AppModelView):
    route_base = "/contacts"
    datamodel = SQLAInterface(Contact)
    class_permission_name = CUSTOMER
    noun = _l("Contact")
    label_columns = LABELS
    list_columns = ["name", "customer", "phone", "email", "job_title", "active"]
    search_columns = ["name", "customer", "phone", "email", "active"]
    add_columns = edit_columns = ["customer", "name", "phone", "email", "job_title", "preferred_language", "active"]
    show_columns = [*add_columns, "created_at", "updated_at"]
    description_columns = {"email": _l("Unique per customer; used for notifications and surveys")}
    base_order = ("name", "asc")


class SiteView(AppModelView):
    route_base = "/sites"
    datamodel = SQLAInterface(Site)
    class_permission_name = CUSTOMER
    noun = _l("Site")
    label_columns = LABELS
    list_columns = ["name", "customer", "region", "address", "contact", "active"]
    search_columns = ["name", "customer", "region", "address", "active"]
    add_columns = edit_columns = ["customer", "name", "region", "address", "contact", "active"]
    show_columns = [*add_columns, "created_at", "updated_at"]
    description_columns = {"name": _l("Unique per customer, e.g. 浦东数据中心")}
    base_order = ("name", "asc")


class CustomerView(AppModelView):
    route_base = "/customers"
    datamodel = SQLAInterface(Customer)
    class_permission_name = CUSTOMER
    noun = _l("Customer")
    label_columns = LABELS
    list_columns = ["code", "name", "industry", "region", "service_tier", "account_manager", "active"]
    search_columns = ["code", "name", "short_name", "industry", "region", "service_tier", "phone", "active"]
    add_columns = edit_columns = [
        "code",
        "name",
        "short_name",
        "industry",
        "region",
        "service_tier",
        "account_manager",
        "phone",
        "address",
        "notes",
        "active",
    ]
    show_fieldsets = [
        (_l("Customer"), {"fields": ["code", "name", "short_name", "industry", "region", "service_tier", "active"]}),
        (_l("Contact details"), {"fields": ["phone", "address", "account_manager", "notes"]}),
        (_l("Record"), {"fields": ["created_at", "updated_at"], "expanded": False}),
    ]
    description_columns = {
        "code": _l("Unique, e.g. C-HZXH; used to find the customer and to match imports"),
        "service_tier": _l("Used to choose the SLA when no contract names one"),
        "active": _l("Inactive customers leave dropdowns and imports; their records stay"),
    }
    related_views = [ContactView, SiteView, AssetView, ContractView]
    base_order = ("code", "asc")


class CustomerApi(AppModelApi):
    resource_name = "customer"
    datamodel = SQLAInterface(Customer)
    class_permission_name = CUSTOMER
    base_order = ("code", "asc")  # stable pages: LIMIT/OFFSET without ORDER BY may repeat rows
    list_columns = ["id", "code", "name", "short_name", "industry", "region.name", "service_tier", "active"]
    show_columns = [  # a related account by chosen fields: the whole row would include its password hash
        "id",
        "code",
        "name",
        "short_name",
        "industry",
        "region.name",
        "service_tier",
        "account_manager.id",
        "account_manager.username",
        "phone",
        "address",
        "notes",
        "active",
    ]
    add_columns = edit_columns = [
        "code",
        "name",
        "short_name",
        "industry",
        "region",
        "service_tier",
        "account_manager",
        "phone",
        "address",
        "notes",
        "active",
    ]
    search_columns = ["code", "name", "industry", "service_tier", "active"]
    order_columns = ["code", "name"]


class ContactApi(AppModelApi):
    resource_name = "contact"
    datamodel = SQLAInterface(Contact)
    class_permission_name = CUSTOMER
    base_order = ("name", "asc")
    list_columns = ["id", "name", "customer.code", "phone", "email", "job_title", "preferred_language", "active"]
    show_columns = add_columns = edit_columns = ContactView.add_columns
    search_columns = ["name", "customer", "phone", "email", "active"]


class SiteApi(AppModelApi):
    resource_name = "site"
    datamodel = SQLAInterface(Site)
    class_permission_name = CUSTOMER
    base_order = ("name", "asc")
    list_columns = ["id", "name", "customer.code", "region.name", "address", "active"]
    show_columns = add_columns = edit_columns = SiteView.add_columns
    search_columns = ["name", "customer", "region", "active"]


def register(appbuilder) -> None:
    from views import CUSTOMERS, add_to_menu

    add_to_menu(appbuilder, CustomerView, "Customers", _l("Customers"), "fa-building", CUSTOMERS)
    add_to_menu(appbuilder, ContactView, "Contacts", _l("Contacts"), "fa-id-card", CUSTOMERS)
    add_to_menu(appbuilder, SiteView, "Sites", _l("Sites"), "fa-map-marker", CUSTOMERS)
    for api in (CustomerApi, ContactApi, SiteApi):
        appbuilder.add_api(api)
