"""Equipment (设备): asset models and assets, serial numbers and warranty, and the serial-number lookup.

An asset belongs to one customer; its site and its parent asset (the server a
module is mounted in) belong to that customer too, and parents never form a loop.
The warranty status is derived from the dates and today in the business time zone.
"""

from __future__ import annotations

from flask import request
from flask_appbuilder import expose, has_access
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import Load, Session, defaultload, joinedload
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from app.display import blank_if_none, enum_label
from app.domain.errors import ValidationError
from app.form_fields import LabelledEnumField
from app.formatting import business_today
from app.security.permissions import READ, RW_METHODS
from app.security.roles import ASSET
from app.security.scoping import Scope, ScopeFilter, current_scope, scope_clause
from models.assets import Asset, AssetModel
from models.enums import AssetStatus, WarrantyStatus
from views.base import AppModelApi, AppModelView, refuse_as_bad_request

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
# Rules. Messages are translated at raise time; nothing is flushed while checking, so a
# half-edited record never reaches the database (and never trips a constraint) before it passes.
# ---------------------------------------------------------------------------------------------


def asset_problems(session: Session, asset: Asset) -> list[str]:
    """Every rule the (unsaved) asset breaks, as translated sentences; empty if it may be saved."""
    problems: list[str] = []
    with session.no_autoflush:
        customer = asset.customer
        customer_id = customer.id if customer is not None else asset.customer_id
        if asset.serial_number:
            asset.serial_number = asset.serial_number.strip()
            taken = session.scalars(
                select(Asset).where(Asset.serial_number == asset.serial_number, Asset.id != (asset.id or 0))
            ).first()
            if taken is not None:
                problems.append(
                    _(
                        "Serial number %(serial)s is already registered to %(customer)s. "
                        "Each asset needs its own serial number.",
                        serial=asset.serial_number,
                        customer=taken.customer,
                    )
                )
        if asset.warranty_start and asset.warranty_end and asset.warranty_end < asset.warranty_start:
            problems.append(
                _(
                    "The warranty end (%(end)s) is before the warranty start (%(start)s).",
                    end=format_date(asset.warranty_end),
                    start=format_date(asset.warranty_start),
                )
            )
        site = asset.site
        if site is not None and customer_id is not None and site.customer_id != customer_id:
            problems.append(
                _(
                    "The site %(site)s belongs to %(owner)s, not to %(customer)s.",
                    site=site,
                    owner=site.customer,
                    customer=customer,
                )
            )
        problems.extend(_parent_problems(session, asset, customer_id))
    return problems


def _parent_problems(session: Session, asset: Asset, customer_id: int | None) -> list[str]:
    parent = asset.parent
    if parent is None:
        return _children_problems(session, asset, customer_id)
    if parent is asset or (asset.id is not None and parent.id == asset.id):
        return [_("An asset cannot be its own parent asset.")]
    if customer_id is not None and parent.customer_id != customer_id:
        return [
            _(
                "The parent asset %(parent)s belongs to %(owner)s; choose an asset of the same customer.",
                parent=parent,
                owner=parent.customer,
            )
        ]
    if asset.id is not None:
        seen: set[int] = set()
        node = parent
        while node is not None and node.id not in seen:  # walk up the parent chain as stored
            if node.id == asset.id:
                return [
                    _(
                        "%(parent)s is mounted in %(asset)s (directly or further down), "
                        "so it cannot also be its parent asset.",
                        parent=parent,
                        asset=asset,
                    )
                ]
            seen.add(node.id)
            node = node.parent
    return _children_problems(session, asset, customer_id)


def _children_problems(session: Session, asset: Asset, customer_id: int | None) -> list[str]:
    """Moving an asset to another customer would leave its mounted modules with the old one."""
    if asset.id is None or customer_id is None:
        return []
    stranded = session.scalar(
        select(func.count()).select_from(Asset).where(Asset.parent_id == asset.id, Asset.customer_id != customer_id)
    )
    if stranded:
        return [
            ngettext(
                "%(num)d asset mounted in %(asset)s belongs to another customer; "
                "move or detach it before changing this asset's customer.",
                "%(num)d assets mounted in %(asset)s belong to another customer; "
                "move or detach them before changing this asset's customer.",
                stranded,
                asset=asset,
            )
        ]
    return []


def check_asset(session: Session, asset: Asset) -> None:
    problems = asset_problems(session, asset)
    if problems:
        raise ValidationError(" ".join(problems))


def check_asset_model(session: Session, asset_model: AssetModel) -> None:
    with session.no_autoflush:
        asset_model.brand = (asset_model.brand or "").strip()
        asset_model.model = (asset_model.model or "").strip()
        duplicate = session.scalar(
            select(AssetModel.id).where(
                AssetModel.brand == asset_model.brand,
                AssetModel.model == asset_model.model,
                AssetModel.id != (asset_model.id or 0),
            )
        )
    if duplicate is not None:
        raise ValidationError(_("The asset model %(name)s already exists.", name=asset_model))


def find_asset(session: Session, serial: str, scope: Scope) -> Asset | None:
    """The asset with this serial number that ``scope`` may see: exact match first, then ignoring case."""
    visible = scope_clause(Asset, scope)
    asset = session.scalars(select(Asset).where(Asset.serial_number == serial, visible)).first()
    if asset is None:
        asset = session.scalars(
            select(Asset)
            .where(func.upper(Asset.serial_number) == serial.upper(), visible)
            .order_by(Asset.serial_number)
        ).first()
    return asset


# ---------------------------------------------------------------------------------------------
# Screens
# ---------------------------------------------------------------------------------------------


ASSET_RELATIONS = (Asset.asset_model, Asset.customer, Asset.site, Asset.parent)


class AssetInterface(SQLAInterface):
    """Hands enum members (not raw codes) to the formatters, and the warranty status as of today."""

    def _get_attr_value(self, item, col):
        if isinstance(item, Asset) and col == "warranty_status":
            return item.warranty_status_on(business_today())
        if isinstance(item, Asset) and col == "status":
            return item.status
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
        # FAB's own unique check says only "Already exists."; asset_problems names the owner.
        "serial_number": StringField(LABELS["serial_number"], validators=[DataRequired(), Length(max=100)]),
    }
    search_form_query_rel_fields = {"customer": SCOPED, "site": SCOPED}
    search_form_extra_fields = {
        "status": LabelledEnumField(AssetStatus, label=LABELS["status"], validators=[DataRequired()]),
    }
    base_order = ("serial_number", "asc")

    def pre_add(self, item) -> None:
        check_asset(self.datamodel.session, item)

    def pre_update(self, item) -> None:
        check_asset(self.datamodel.session, item)

    def _export_value(self, item, column: str):
        if column == "warranty_status":
            return enum_label(item.warranty_status_on(business_today()))
        return super()._export_value(item, column)

    @expose("/lookup")
    @has_access
    def lookup(self):
        """Find an asset by serial number: owner, site, model, parent, warranty, modules, service history."""
        serial = (request.args.get("serial") or "").strip()[:100]
        scope = current_scope()
        session = self.datamodel.session
        asset = find_asset(session, serial, scope) if serial else None
        today = business_today()
        parent = children = None
        if asset is not None:
            visible = scope_clause(Asset, scope)
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

    def pre_add(self, item) -> None:
        check_asset_model(self.datamodel.session, item)

    def pre_update(self, item) -> None:
        check_asset_model(self.datamodel.session, item)


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

    def pre_add(self, item) -> None:
        refuse_as_bad_request(check_asset_model, self.datamodel.session, item)

    def pre_update(self, item) -> None:
        refuse_as_bad_request(check_asset_model, self.datamodel.session, item)


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

    def pre_add(self, item) -> None:
        refuse_as_bad_request(check_asset, self.datamodel.session, item)

    def pre_update(self, item) -> None:
        refuse_as_bad_request(check_asset, self.datamodel.session, item)


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
