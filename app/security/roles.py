"""Roles as code: what each built-in role may do, synced into the database.

``flask roles sync`` makes the database match this table (idempotent): it creates
missing roles and permissions, and replaces each listed role's permissions with
exactly these. Admins see the result in Security → List Roles; a role they create
under another name is left alone. Menu entries follow from what a role may read.
Admin gets every permission that exists.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from flask_appbuilder import AppBuilder
from flask_appbuilder.security.views import ResetMyPasswordView

from app.security.permissions import READ, WRITE
from app.security.role_names import ADMIN, PUBLIC
from app.security.user_views import ProfileEditView, UserAccountView

# Resources (``class_permission_name`` of views and APIs).
CUSTOMER = "Customer"  # customers, contacts, sites
VENDOR = "Vendor"  # service vendors and their contacts
DIRECTORY = "Directory"
ASSET = "Asset"  # asset models and assets
REFERENCE = "Reference"  # regions and skills
SERVICE_CATALOG = "ServiceCatalog"  # service categories and the priority matrix
CALENDAR = "Calendar"  # business calendars and their days
SLA = "SLA"  # SLAs/OLAs and their targets
CONTRACT = "Contract"  # contracts and entitlement charges
SUPPORT = "Support"  # support groups and engineer profiles
STOCK = "Stock"  # warehouses, spare parts, stock levels
CATALOG_IMPORT = "CatalogImport"  # CSV/XLSX/iCalendar imports (Admin only)
REQUEST = "ServiceRequest"  # service requests, their notes, attachments, intake, search
REQUEST_QUEUE = "RequestQueue"  # staff's named request lists (mine, my group's, unassigned, due today, …)
WORK_ORDER = "WorkOrder"  # work orders, their time entries, expenses, sign-off
STOCK_LEDGER = "StockLedger"  # stock movements (receipts, issues, transfers, repairs)
NOTIFICATION = "Notification"  # one's own notifications (the bell)
DESK_SETTINGS = "DeskSettings"  # service desk settings and the mail outbox (Admin only)
ESCALATION_RULE = "EscalationRule"  # escalation rules (configured by admins, read by staff)
ESCALATION = "Escalation"  # fired escalation events; acknowledging one stops its repeats
JOB_LOG = "JobLog"  # runs of the periodic jobs (Admin only)
VENDOR_SCORECARD = "VendorScorecard"  # vendors ranked by the promises they keep (managers and dispatchers)

# Pages every logged-in user needs: their profile, its edit form, their own password.
SELF_SERVICE: tuple[tuple[str, str], ...] = (
    ("can_userinfo", UserAccountView.__name__),
    ("userinfoedit", UserAccountView.__name__),
    ("resetmypassword", UserAccountView.__name__),
    ("can_this_form_get", ProfileEditView.__name__),
    ("can_this_form_post", ProfileEditView.__name__),
    ("can_this_form_get", ResetMyPasswordView.__name__),
    ("can_this_form_post", ResetMyPasswordView.__name__),
)

STAFF_READS = (
    CUSTOMER,
    VENDOR,
    DIRECTORY,
    ASSET,
    REFERENCE,
    SERVICE_CATALOG,
    CALENDAR,
    SLA,
    CONTRACT,
    SUPPORT,
    STOCK,
    ESCALATION_RULE,
)

# Staff work requests, work orders and the stock ledger; what each role may do to a request
# or work order beyond that is the transition tables in app/domain.
STAFF_WORK = {
    REQUEST: WRITE,
    REQUEST_QUEUE: WRITE,
    WORK_ORDER: WRITE,
    STOCK_LEDGER: WRITE,
    NOTIFICATION: WRITE,
    ESCALATION: WRITE,
}

ROLE_GRANTS: dict[str, dict[str, str]] = {
    # Catalogs are configured by admins (who hold every permission); staff read them.
    "Manager": {**dict.fromkeys(STAFF_READS, READ), **STAFF_WORK, VENDOR_SCORECARD: READ},
    "Dispatcher": {**dict.fromkeys(STAFF_READS, READ), **STAFF_WORK, VENDOR_SCORECARD: READ},
    "Engineer": {**dict.fromkeys(STAFF_READS, READ), **STAFF_WORK},
    # Outside organisations: rows are scoped to their own organisation.
    # A vendor issues and returns parts on its own work orders from its vendor-held warehouses.
    "Vendor": {VENDOR: READ, DIRECTORY: READ, STOCK: READ, WORK_ORDER: WRITE, STOCK_LEDGER: WRITE, NOTIFICATION: WRITE},
    "Customer": {
        CUSTOMER: READ,
        DIRECTORY: READ,
        ASSET: READ,
        CONTRACT: READ,
        REQUEST: READ,
        NOTIFICATION: WRITE,
    },
}
BUILT_IN_ROLES = (ADMIN, *ROLE_GRANTS)


def permission_pairs(grants: dict[str, str]) -> set[tuple[str, str]]:
    """(permission, resource) pairs for a role's grants; write includes read."""
    pairs = set(SELF_SERVICE)
    for resource, level in grants.items():
        pairs.add(("can_read", resource))
        if level == WRITE:
            pairs.add(("can_write", resource))
    return pairs


def menu_pairs(appbuilder: AppBuilder, grants: dict[str, str]) -> set[tuple[str, str]]:
    """menu_access for each menu item whose page the role can open, and its category.

    A page is opened with the permission its view's default method needs: read for most, write
    for screens that only writers use (taking a call), so readers do not see a link that refuses them.
    """
    pairs: set[tuple[str, str]] = set()
    for category in appbuilder.menu.get_list():
        items = category.childs or [category]
        for item in items:
            view = item.baseview
            level = grants.get(view.class_permission_name) if view is not None else None
            if level is None:
                continue
            needed = (getattr(view, "method_permission_name", None) or {}).get(getattr(view, "default_view", ""))
            if needed != WRITE or level == WRITE:
                pairs.add(("menu_access", item.name))
                pairs.add(("menu_access", category.name))
    return pairs


@contextmanager
def _quiet_fab_cleanup() -> Iterator[None]:
    """FAB's cleanup warns about every permission it had nothing to delete; that is noise."""
    logger = logging.getLogger("flask_appbuilder.security.sqla.manager")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _ensure_role(sm, name: str):
    return sm.find_role(name) or sm.add_role(name)


def _permission_views(sm, pairs: Iterable[tuple[str, str]]) -> list:
    views = []
    for permission, resource in sorted(pairs):
        pv = sm.find_permission_view_menu(permission, resource) or sm.add_permission_view_menu(permission, resource)
        views.append(pv)
    return views


def sync_roles(appbuilder: AppBuilder) -> dict[str, int]:
    """Make the database's roles match ROLE_GRANTS; return permission counts per role."""
    sm = appbuilder.sm
    _ensure_role(sm, ADMIN)
    _ensure_role(sm, PUBLIC)
    with _quiet_fab_cleanup():
        appbuilder.add_permissions(update_perms=True)
        appbuilder.security_cleanup()

    counts: dict[str, int] = {}
    for name, grants in ROLE_GRANTS.items():
        role = _ensure_role(sm, name)
        wanted = permission_pairs(grants) | menu_pairs(appbuilder, grants)
        role.permissions = _permission_views(sm, wanted)
        counts[name] = len(role.permissions)

    admin = sm.find_role(ADMIN)
    admin.permissions = list(sm.session.query(sm.permissionview_model).all())
    counts[ADMIN] = len(admin.permissions)
    sm.session.commit()
    return counts
