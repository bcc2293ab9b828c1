"""FAB views and REST APIs; ``register`` adds them all to an AppBuilder."""

from __future__ import annotations

from flask import Flask
from flask_appbuilder import AppBuilder
from flask_babel import lazy_gettext as _l


def register(app: Flask, appbuilder: AppBuilder) -> None:
    from views.directory import DirectoryView
    from views.health import bp as health_bp
    from views.organisations import CustomerApi, CustomerView, VendorApi, VendorView

    catalogs = _l("Catalogs")
    appbuilder.add_view(
        CustomerView,
        "Customers",
        label=_l("Customers"),
        icon="fa-building",
        category="Catalogs",
        category_label=catalogs,
        category_icon="fa-book",
    )
    appbuilder.add_view(
        VendorView, "Service vendors", label=_l("Service vendors"), icon="fa-truck", category="Catalogs"
    )
    appbuilder.add_view(DirectoryView, "Directory", label=_l("Directory"), icon="fa-address-book", category="Catalogs")
    appbuilder.add_api(CustomerApi)
    appbuilder.add_api(VendorApi)
    app.register_blueprint(health_bp)
