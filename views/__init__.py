"""FAB views and REST APIs. ``register`` asks each area's module to add its own.

Each module exposes ``register(appbuilder)``; menu categories are declared here
so their order and labels are in one place.
"""

from __future__ import annotations

from flask import Flask
from flask_appbuilder import AppBuilder
from flask_babel import lazy_gettext as _l

CUSTOMERS = "Customers"
SERVICE_SETTINGS = "Service settings"
RESOURCES = "Resources"
IMPORTS = "Import data"
SERVICE_DESK = "Service desk"
CATEGORY_LABELS = {
    SERVICE_DESK: (_l("Service desk"), "fa-headset"),
    CUSTOMERS: (_l("Customers & assets"), "fa-building"),
    SERVICE_SETTINGS: (_l("Service settings"), "fa-sliders"),
    RESOURCES: (_l("Resources"), "fa-users"),
    IMPORTS: (_l("Import data"), "fa-upload"),
}


def add_to_menu(appbuilder: AppBuilder, view, name: str, label, icon: str, category: str) -> None:
    """Add a view under a menu category declared in CATEGORY_LABELS."""
    category_label, category_icon = CATEGORY_LABELS[category]
    appbuilder.add_view(
        view,
        name,
        label=label,
        icon=icon,
        category=category,
        category_label=category_label,
        category_icon=category_icon,
    )


def register(app: Flask, appbuilder: AppBuilder) -> None:
    from views import (
        assets,
        attachments,
        calendars,
        contracts,
        customers,
        desk_settings,
        directory,
        escalation,
        imports,
        intake,
        job_log,
        notifications,
        reference,
        request_queues,
        scorecards,
        service_catalog,
        service_requests,
        sla,
        stock,
        stock_ledger,
        support,
        surveys,
        time_entries,
        vendors,
        work_order_lists,
        work_orders,
    )
    from views.health import bp as health_bp

    modules = (customers, support, vendors, directory, stock, reference, assets)
    desk = (
        request_queues,
        service_requests,
        intake,
        work_orders,
        work_order_lists,
        time_entries,
        stock_ledger,
        attachments,
        notifications,
        escalation,
        surveys,
        desk_settings,
        job_log,
        scorecards,
    )
    for module in (*desk, *modules, calendars, service_catalog, sla, contracts, imports):
        module.register(appbuilder)
    app.register_blueprint(health_bp)
