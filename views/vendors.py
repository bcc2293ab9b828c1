"""Service vendors (服务商) with their contacts and user accounts: screens and REST APIs.

A Vendor-role user reads only its own vendor, contacts, accounts and stock: rows by
``__scope__``, choices by views/base.py's relation filters.
"""

from __future__ import annotations

from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.display import blank_if_none, joined_names
from app.domain.errors import ValidationError
from app.form_fields import ActiveOrCurrent
from app.security.roles import VENDOR
from models.enums import SLAKind
from models.organisations import Vendor, VendorContact
from views.base import AppModelApi, AppModelView
from views.directory import DirectoryView
from views.interfaces import LeanInterface

# ---------------------------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------------------------


def check_vendor(session: Session, vendor: Vendor) -> None:
    with session.no_autoflush:
        vendor.code = (vendor.code or "").strip()
        taken = session.scalars(select(Vendor).where(Vendor.code == vendor.code, Vendor.id != (vendor.id or 0))).first()
        if taken is not None:
            raise ValidationError(_("The code %(code)s is already used by %(vendor)s.", code=vendor.code, vendor=taken))
        if vendor.ola is not None and vendor.ola.kind is not SLAKind.INTERNAL:
            raise ValidationError(
                _("%(sla)s is an SLA for customers; a vendor's service level must be an OLA.", sla=vendor.ola)
            )


# ---------------------------------------------------------------------------------------------
# Screens
# ---------------------------------------------------------------------------------------------

LABELS = {
    "code": _l("Code"),
    "name": _l("Name"),
    "phone": _l("Phone"),
    "address": _l("Address"),
    "notes": _l("Notes"),
    "regions": _l("Regions"),
    "skills": _l("Skills"),
    "ola": _l("OLA"),
    "active": _l("Active"),
    "vendor": _l("Service vendor"),
    "email": _l("Email"),
    "job_title": _l("Job title"),
    "created_at": _l("Created at"),
    "updated_at": _l("Updated at"),
}


# A vendor's service level is an internal OLA, never an SLA promised to customers.
OLA_CHOICES = [["id", ActiveOrCurrent, (Vendor, "ola")], ["kind", FilterEqual, SLAKind.INTERNAL]]


class VendorContactView(AppModelView):
    route_base = "/vendor-contacts"
    datamodel = LeanInterface(VendorContact)
    class_permission_name = VENDOR
    noun = _l("Vendor contact")
    label_columns = LABELS
    list_columns = ["name", "vendor", "phone", "email", "job_title", "active"]
    search_columns = ["name", "vendor", "phone", "email", "active"]
    add_columns = edit_columns = ["vendor", "name", "phone", "email", "job_title", "active"]
    show_columns = [*add_columns, "created_at", "updated_at"]
    description_columns = {"name": _l("Someone the dispatcher calls at the vendor; not necessarily a user")}
    formatters_columns = dict.fromkeys(["phone", "email", "job_title"], blank_if_none)
    base_order = ("name", "asc")


class VendorUserView(DirectoryView):
    """The vendor's user accounts (read only), shown on the vendor's page."""

    route_base = "/vendor-users"
    class_permission_name = VENDOR
    noun = _l("User account")
    list_columns = ["first_name", "last_name", "username", "email", "roles", "active"]
    show_columns = ["first_name", "last_name", "username", "email", "roles", "vendor", "active"]
    search_columns = ["first_name", "last_name", "username", "email", "active"]
    label_columns = {**DirectoryView.label_columns, "vendor": _l("Service vendor")}
    # A subclass's own declarations only are kept; staff accounts (reachable by id) have no vendor.
    formatters_columns = {**DirectoryView.formatters_columns, "vendor": blank_if_none}


VendorUserView.list_title = _l("User accounts")  # the tab on the vendor's page


class VendorView(AppModelView):
    route_base = "/vendors"
    datamodel = LeanInterface(Vendor)
    class_permission_name = VENDOR
    noun = _l("Service vendor")
    label_columns = LABELS
    list_columns = ["code", "name", "phone", "regions", "skills", "ola", "active"]
    search_columns = ["code", "name", "phone", "regions", "skills", "active"]
    add_columns = edit_columns = ["code", "name", "phone", "address", "regions", "skills", "ola", "notes", "active"]
    show_fieldsets = [
        (_l("Service vendor"), {"fields": ["code", "name", "regions", "skills", "ola", "active"]}),
        (_l("Contact details"), {"fields": ["phone", "address", "notes"]}),
        (_l("Record"), {"fields": ["created_at", "updated_at"], "expanded": False}),
    ]
    description_columns = {
        "code": _l("Unique, e.g. V-SHXX; used to find the vendor and to match imports"),
        "regions": _l("Where the vendor can be dispatched"),
        "skills": _l("What the vendor can be dispatched for"),
        "ola": _l("The internal service level (OLA) the vendor's work is measured against"),
        "active": _l("Inactive vendors leave dropdowns and dispatch; their records stay"),
    }
    formatters_columns = {
        "regions": joined_names,
        "skills": joined_names,
        **dict.fromkeys(["phone", "address", "notes", "ola"], blank_if_none),
    }
    add_form_query_rel_fields = edit_form_query_rel_fields = {"ola": OLA_CHOICES}
    related_views = [VendorContactView, VendorUserView]
    base_order = ("code", "asc")

    save_rule = check_vendor


# ---------------------------------------------------------------------------------------------
# REST APIs
# ---------------------------------------------------------------------------------------------


class VendorApi(AppModelApi):
    resource_name = "vendor"
    datamodel = SQLAInterface(Vendor)
    class_permission_name = VENDOR
    label_columns = LABELS
    base_order = ("code", "asc")  # stable pages: LIMIT/OFFSET without ORDER BY may repeat rows
    list_columns = ["id", "code", "name", "phone", "ola.name", "active"]
    show_columns = [
        "id",
        "code",
        "name",
        "phone",
        "address",
        "regions.id",
        "regions.code",
        "regions.name",
        "skills.id",
        "skills.code",
        "skills.name",
        "ola.id",
        "ola.name",
        "notes",
        "active",
    ]
    add_columns = edit_columns = VendorView.add_columns
    search_columns = ["code", "name", "regions", "skills", "active"]
    order_columns = ["code", "name"]
    add_query_rel_fields = edit_query_rel_fields = {"ola": OLA_CHOICES}

    save_rule = check_vendor


class VendorContactApi(AppModelApi):
    resource_name = "vendor_contact"
    datamodel = SQLAInterface(VendorContact)
    class_permission_name = VENDOR
    label_columns = LABELS
    base_order = ("name", "asc")
    list_columns = ["id", "name", "vendor.code", "phone", "email", "job_title", "active"]
    show_columns = ["id", "vendor.id", "vendor.code", "vendor.name", "name", "phone", "email", "job_title", "active"]
    add_columns = edit_columns = VendorContactView.add_columns
    search_columns = ["name", "vendor", "phone", "email", "active"]


def register(appbuilder) -> None:
    from views import RESOURCES, add_to_menu

    add_to_menu(appbuilder, VendorView, "Service vendors", _l("Service vendors"), "fa-truck", RESOURCES)
    add_to_menu(appbuilder, VendorContactView, "Vendor contacts", _l("Vendor contacts"), "fa-id-badge", RESOURCES)
    appbuilder.add_view_no_menu(VendorUserView)
    for api in (VendorApi, VendorContactApi):
        appbuilder.add_api(api)
