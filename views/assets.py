"""Equipment (设备): asset models and assets, serial numbers and warranty, and the serial-number lookup.

The rules an asset must pass (site and parent of its customer, no loops, warranty
dates in order, one serial number each) are app/domain/assets.py; the screens and
APIs apply them as their ``save_rule`` and show a refusal in the user's language.
The warranty status is derived from the dates and today in the business time zone.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import request
from flask_appbuilder import expose, has_access
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Load, Session, defaultload, joinedload
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from app.display import blank_if_none, enum_label, translated
from app.domain import assets
from app.domain.assets import AssetProblem, AssetRefused
from app.domain.errors import ValidationError
from app.form_fields import LabelledEnumField
from app.formatting import business_today
from app.security.permissions import READ, RW_METHODS
from app.security.roles import ASSET
from app.security.scoping import ScopeFilter, current_scope, scope_clause
from models.assets import Asset, AssetModel
from models.enums import AssetStatus, WarrantyStatus
from views.base import AppModelApi, AppModelView
from views.interfaces import LabelledInterface

LABELS = {
    "brand": _l("Brand"),
    "model": _l("Model"),
    "category": _l("Category"),
    "active": _l("Active"),
    "serial_number": _l("Serial number"),
    "asset_model": _l("Asset model"),
    "customer": _l("Customer"),
    "site": _l("Site"),
    "parent": _l("Parent asset"),
    "install_date": _l("Install date"),
    "warranty_start": _l("Warranty start"),
    "warranty_end": _l("Warranty end"),
    "status": _l("Status"),
    "warranty_status": _l("Warranty status"),
    "notes": _l("Notes"),
    "created_at": _l("Created at"),
    "updated_at": _l("Updated at"),
}

WARRANTY_CSS = {
    WarrantyStatus.IN_WARRANTY: "success",
    WarrantyStatus.EXPIRING: "warning",
    WarrantyStatus.EXPIRED: "danger",
    WarrantyStatus.UNKNOWN: "default",
}

# Related rows a user may pick or filter by: only those of the user's own organisation.
SCOPED = [["id", ScopeFilter, None]]
SCOPED_ACTIVE = [["id", ScopeFilter, None], ["active", FilterEqual, True]]


def warranty_badge(status: WarrantyStatus | None) -> Markup:
    if status is None:
        return Markup("")
    return Markup('<span class="label label-{}">{}</span>').format(WARRANTY_CSS[status], enum_label(status))


# ---------------------------------------------------------------------------------------------
# Rules: app/domain/assets.py; a refusal is shown in the user's language (a flash, or a 400)
# ---------------------------------------------------------------------------------------------


def _shown(problem: AssetProblem) -> str:
    if problem.plural is not None:
        return ngettext(problem.message, problem.plural, problem.count, **problem.params)
    return translated(problem.message, problem.params)


@contextmanager
def _in_user_language() -> Iterator[None]:
    try:
        yield
    except AssetRefused as refused:
        raise ValidationError(" ".join(_shown(problem) for problem in refused.problems)) from refused


def check_asset(session: Session, asset: Asset) -> None:
    with _in_user_language():
        assets.check_asset(session, asset)


def check_asset_model(session: Session, asset_model: AssetModel) -> None:
    with _in_user_language():
        assets.check_asset_model(session, asset_model)


# ---------------------------------------------------------------------------------------------
# Screens
# ---------------------------------------------------------------------------------------------


ASSET_RELATIONS = (Asset.asset_model, Asset.customer, Asset.site, Asset.parent)


class AssetInterface(LabelledInterface):
    """Enum members to the formatters, the warranty status as of today, and lean loading of the rows."""

    def _get_attr_value(self, item, col):
        if isinstance(item, Asset) and col == "warranty_status":
            return item.warranty_status_on(business_today())
        return super()._get_attr_value(item, col)

    def apply_all(
        self,
        query,
        filters=None,
        order_column="",
        order_direction="",
        page=None,
        page_size=None,
        select_columns=None,
        outer_default_load=False,
    ):
        query = super().apply_all(
            query, filters, order_column, order_direction, page, page_size, select_columns, outer_default_load
        )
        if self.obj is not Asset:
            return query
        if not select_columns:
            # A self-referential joined relationship is not eager-loaded without a join depth:
            # load the parent in the same statement, or every row with a parent costs a query.
            query = query.options(joinedload(Asset.parent))
        # The related rows are shown by name only: do not drag in what they refer to in turn
        # (customer → account manager → vendor → OLA → calendar, for each of them).
        return query.options(*(defaultload(relation).lazyload("*") for relation in ASSET_RELATIONS))

    def apply_inner_select_joins(self, query, select_columns=None, aliases_mapping=None):
        # The API joins "customer.code" and the like through aliases: same, for what they refer to.
        query = super().apply_inner_select_joins(query, select_columns, aliases_mapping)
        if self.obj is Asset and aliases_mapping:
            query = query.options(*(Load(alias).lazyload("*") for alias in aliases_mapping.values()))
        return query


class AssetView(AppModelView):
    route_base = "/assets"
    datamodel = AssetInterface(Asset)
    class_permission_name = ASSET
    method_permission_name = {**RW_METHODS, "lookup": READ}
    noun = _l("Asset")
    label_columns = LABELS
    list_columns = [
        "serial_number",
        "asset_model",
        "customer",
        "site",
        "parent",
        "status",
        "warranty_end",
        "warranty_status",
    ]
    export_columns = [
        "serial_number",
        "asset_model",
        "customer",
        "site",
        "parent",
        "install_date",
        "warranty_start",
        "warranty_end",
        "status",
        "warranty_status",
        "notes",
    ]
    search_columns = [
        "serial_number",
        "customer",
        "site",
        "asset_model",
        "status",
        "warranty_end",
        "install_date",
        "notes",
    ]
    order_columns = ["serial_number", "status", "install_date", "warranty_end"]
    add_columns = edit_columns = [
        "serial_number",
        "asset_model",
        "customer",
        "site",
        "parent",
        "install_date",
        "warranty_start",
        "warranty_end",
        "status",
        "notes",
    ]
    show_fieldsets = [
        (_l("Asset"), {"fields": ["serial_number", "asset_model", "status", "parent"]}),
        (_l("Where"), {"fields": ["customer", "site", "install_date"]}),
        (_l("Warranty"), {"fields": ["warranty_start", "warranty_end", "warranty_status"]}),
        (_l("Notes"), {"fields": ["notes"]}),
        (_l("Record"), {"fields": ["created_at", "updated_at"], "expanded": False}),
    ]
    description_columns = {
        "serial_number": _l("As printed on the equipment; unique across all customers"),
        "site": _l("Must be a site of the chosen customer"),
        "parent": _l("The asset this one is mounted in (e.g. a module in a server); same customer"),
        "warranty_end": _l("The warranty status is derived from the dates; it is never typed"),
        "status": _l("Retire an asset instead of deleting it; its history stays"),
    }
    formatters_columns = {
        "warranty_status": warranty_badge,
        **dict.fromkeys(["site", "parent", "install_date", "warranty_start", "warranty_end", "notes"], blank_if_none),
    }
    add_form_extra_fields = edit_form_extra_fields = {
        # FAB's own unique check says only "Already exists."; the asset rules name the owner.
        "serial_number": StringField(LABELS["serial_number"], validators=[DataRequired(), Length(max=100)]),
    }
    search_form_query_rel_fields = {"customer": SCOPED, "site": SCOPED}
    search_form_extra_fields = {
        "status": LabelledEnumField(AssetStatus, label=LABELS["status"], validators=[DataRequired()]),
    }
    base_order = ("serial_number", "asc")

    save_rule = check_asset

    def _export_value(self, item, column: str):
        if column == "warranty_status":
            return enum_label(item.warranty_status_on(business_today()))
        return super()._export_value(item, column)

    @expose("/lookup")
    @has_access
    def lookup(self):
        """Find an asset by serial number: owner, site, model, parent, warranty, modules, service history."""
        serial = (request.args.get("serial") or "").strip()[:100]
        visible = scope_clause(Asset, current_scope())
        session = self.datamodel.session
        asset = assets.find_asset(session, serial, visible) if serial else None
        today = business_today()
        parent = children = None
        if asset is not None:
            if asset.parent_id is not None:
                parent = session.scalars(select(Asset).where(Asset.id == asset.parent_id, visible)).first()
            children = session.scalars(
                select(Asset).where(Asset.parent_id == asset.id, visible).order_by(Asset.serial_number)
            ).all()
        return self.render_template(
            "assets/lookup.html",
            title=_("Serial number lookup"),
            serial=serial,
            asset=asset,
            parent=parent,
            children=children or [],
            today=today,
            warranty_status=asset.warranty_status_on(today) if asset is not None else None,
            warranty_badge=warranty_badge,
            label_columns=self.label_columns,
        )


AssetView.related_views = [AssetView]  # an asset's page lists the modules mounted in it


class AssetModelView(AppModelView):
    route_base = "/asset-models"
    datamodel = SQLAInterface(AssetModel)
    class_permission_name = ASSET
    noun = _l("Asset model")
    label_columns = LABELS
    list_columns = ["brand", "model", "category", "active"]
    search_columns = ["brand", "model", "category", "active"]
    add_columns = edit_columns = ["brand", "model", "category", "active"]
    show_columns = [*add_columns, "created_at", "updated_at"]
    description_columns = {
        "active": _l("Inactive models leave dropdowns; existing assets keep them"),
        "brand": _l("e.g. 华为, Dell"),
        "model": _l("Unique per brand, e.g. FusionServer 2288H V6"),
        "category": _l("e.g. 服务器, 打印机, 网络设备"),
    }
    related_views = [AssetView]
    base_order = ("brand", "asc")

    save_rule = check_asset_model


# ---------------------------------------------------------------------------------------------
# REST APIs
# ---------------------------------------------------------------------------------------------


class AssetModelApi(AppModelApi):
    resource_name = "asset_model"
    datamodel = SQLAInterface(AssetModel)
    class_permission_name = ASSET
    base_order = ("brand", "asc")  # stable pages: LIMIT/OFFSET without ORDER BY may repeat rows
    list_columns = show_columns = ["id", "brand", "model", "category", "active"]
    add_columns = edit_columns = ["brand", "model", "category", "active"]
    label_columns = LABELS
    search_columns = ["brand", "model", "category", "active"]
    order_columns = ["brand", "model", "category"]

    save_rule = check_asset_model


class AssetApi(AppModelApi):
    resource_name = "asset"
    datamodel = AssetInterface(Asset)
    class_permission_name = ASSET
    base_order = ("serial_number", "asc")
    list_columns = [
        "id",
        "serial_number",
        "asset_model.id",
        "asset_model.brand",
        "asset_model.model",
        "customer.id",
        "customer.code",
        "site.id",
        "site.name",
        "parent_id",
        "install_date",
        "warranty_start",
        "warranty_end",
        "status",
    ]
    show_columns = [
        *list_columns,
        "asset_model.category",
        "customer.name",
        "parent.serial_number",
        "notes",
        "created_at",
        "updated_at",
    ]
    add_columns = edit_columns = AssetView.add_columns
    label_columns = LABELS
    search_columns = ["serial_number", "customer", "site", "asset_model", "parent", "status", "warranty_end"]
    order_columns = ["serial_number", "install_date", "warranty_end", "status"]
    # _info lists choices for these; an outside user sees only its own organisation's rows.
    add_query_rel_fields = {"customer": SCOPED_ACTIVE, "site": SCOPED_ACTIVE, "parent": SCOPED}
    edit_query_rel_fields = {"customer": SCOPED, "site": SCOPED, "parent": SCOPED}

    save_rule = check_asset


def register(appbuilder) -> None:
    from views import CUSTOMERS, add_to_menu

    add_to_menu(appbuilder, AssetView, "Assets", _l("Assets"), "fa-server", CUSTOMERS)
    add_to_menu(appbuilder, AssetModelView, "Asset models", _l("Asset models"), "fa-cubes", CUSTOMERS)
    asset_view = next(view for view in appbuilder.baseviews if type(view) is AssetView)
    appbuilder.add_link(
        "Serial number lookup",
        href="/assets/lookup",
        icon="fa-search",
        label=_l("Serial number lookup"),
        category=CUSTOMERS,
        baseview=asset_view,
    )
    for api in (AssetModelApi, AssetApi):
        appbuilder.add_api(api)
