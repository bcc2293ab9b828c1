"""Service level agreements (服务级别协议) and internal OLAs: screens and REST APIs.

An SLA has a business calendar, response and resolution targets per priority (P1–P4, working
minutes of that calendar), the request statuses that pause its clock, and a scope (customers,
customer tiers, service categories, asset models). Which SLA a request gets is the rule of
``app.domain.sla_selection``; the list and detail pages show it in words built from that module's
order of precedence. Targets are edited on the SLA's own form, eight numbers, all required.
"""

from __future__ import annotations

from flask_appbuilder.fieldwidgets import BS3TextFieldWidget, Select2ManyWidget
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import IntegerField, SelectMultipleField
from wtforms.validators import InputRequired, NumberRange

from app.domain.errors import ValidationError
from app.domain.sla_selection import ASSET_MODEL, CATEGORY, CUSTOMER, SCOPE_LEVELS, TIER
from app.security.roles import SLA as SLA_RESOURCE
from models.enums import Priority, RequestStatus, ServiceTier, SLAKind
from models.sla import SLA, SLATarget
from views.base import AppModelApi, AppModelView
from views.interfaces import LabelledInterface

# Statuses an SLA may pause in (codes stored in SLA.pause_statuses): any a request can still be
# worked in; closed and cancelled requests have no clock to pause.
REQUEST_STATUSES = {
    status.value: status.label
    for status in RequestStatus
    if status not in (RequestStatus.CLOSED, RequestStatus.CANCELLED)
}

TARGET_KINDS = ("response", "resolution")


def target_field(priority: Priority, kind: str) -> str:
    return f"target_{priority.name}_{kind}"


TARGET_FIELDS = [target_field(priority, kind) for priority in Priority for kind in TARGET_KINDS]

LABELS = {
    "name": _l("Name"),
    "kind": _l("Kind"),
    "calendar": _l("Business calendar"),
    "calendar_id": _l("Business calendar"),
    "is_default": _l("Default"),
    "pause_statuses": _l("Clock pauses while"),
    "scope": _l("Scope"),
    "scope_customers": _l("Customers"),
    "scope_tiers": _l("Customer tiers"),
    "scope_categories": _l("Service categories"),
    "scope_asset_models": _l("Asset models"),
    "description": _l("Description"),
    "targets": _l("Targets (working minutes)"),
    "active": _l("Active"),
    "sla": _l("SLA"),
    "priority": _l("Priority"),
    "response_minutes": _l("Response (minutes)"),
    "resolution_minutes": _l("Resolution (minutes)"),
    "created_at": _l("Created at"),
    "updated_at": _l("Updated at"),
    **{
        target_field(priority, "response"): _l("%(priority)s: response", priority=priority.label)
        for priority in Priority
    },
    **{
        target_field(priority, "resolution"): _l("%(priority)s: resolution", priority=priority.label)
        for priority in Priority
    },
}

LEVEL_NAMES = {
    CUSTOMER: _l("customer"),
    ASSET_MODEL: _l("asset model"),
    CATEGORY: _l("service category (the nearest)"),
    TIER: _l("customer tier"),
}


def selection_rule() -> list[str]:
    """The rule of app.domain.sla_selection in words, step by step, in its order of precedence."""
    order = " → ".join(str(LEVEL_NAMES[level]) for level in SCOPE_LEVELS)
    return [
        _("The SLA named by the request's contract, if that SLA is active."),
        _(
            "Otherwise the most specific active SLA whose scope matches the request. An SLA matches when every "
            "scope list it fills matches: its customers include the request's customer, its asset models the "
            "model of the request's asset, its service categories the request's category or one of its parent "
            "categories, its customer tiers the customer's tier. Empty lists do not restrict."
        ),
        _(
            "The most specific is decided in this order: %(order)s. Between equally specific SLAs the oldest wins.",
            order=order,
        ),
        _("Otherwise the default SLA."),
        _(
            "Inactive SLAs never take part. Customers' requests get SLAs; service vendors and support groups "
            "get OLAs by the same rule."
        ),
    ]


# ---------------------------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------------------------


def check_targets(targets: dict[Priority, tuple[int | None, int | None]]) -> None:
    """Every priority needs a response and a resolution target; resolution ≥ response ≥ 1 minute."""
    for priority in Priority:
        response, resolution = targets.get(priority, (None, None))
        if response is None or resolution is None:
            raise ValidationError(
                _("Enter the response and resolution targets for %(priority)s.", priority=priority.label)
            )
        if response < 1:
            raise ValidationError(
                _("%(priority)s: the response target must be at least 1 minute.", priority=priority.label)
            )
        if resolution < response:
            raise ValidationError(
                _(
                    "%(priority)s: the resolution target (%(resolution)s min) cannot be shorter than the "
                    "response target (%(response)s min).",
                    priority=priority.label,
                    resolution=resolution,
                    response=response,
                )
            )


def apply_targets(sla: SLA, targets: dict[Priority, tuple[int, int]]) -> None:
    existing = {target.priority: target for target in sla.targets}
    for priority, (response, resolution) in targets.items():
        target = existing.get(priority)
        if target is None:
            sla.targets.append(SLATarget(priority=priority, response_minutes=response, resolution_minutes=resolution))
        else:
            target.response_minutes, target.resolution_minutes = response, resolution


def check_sla(session: Session, sla: SLA, targets: dict[Priority, tuple[int | None, int | None]] | None = None) -> None:
    """Refuse an SLA breaking a rule; with ``targets`` (the screen's eight numbers) also set them."""
    with session.no_autoflush:
        sla.name = (sla.name or "").strip()
        if not sla.name:
            raise ValidationError(_("Enter the SLA's name."))
        if sla.calendar is None and sla.calendar_id is None:
            raise ValidationError(_("Choose the business calendar the SLA's targets are counted in."))
        sla.kind = sla.kind or SLAKind.EXTERNAL
        statuses = list(sla.pause_statuses or [])
        unknown = [status for status in statuses if status not in REQUEST_STATUSES]
        if unknown:
            raise ValidationError(_("Unknown request status: %(codes)s.", codes=", ".join(map(str, unknown))))
        sla.pause_statuses = [code for code in REQUEST_STATUSES if code in statuses]
        tiers = list(sla.scope_tiers or [])
        unknown = [tier for tier in tiers if tier not in ServiceTier.__members__]
        if unknown:
            raise ValidationError(_("Unknown customer tier: %(codes)s.", codes=", ".join(map(str, unknown))))
        sla.scope_tiers = [name for name in ServiceTier.__members__ if name in tiers]
        taken = session.scalar(select(SLA.id).where(SLA.name == sla.name, SLA.id != (sla.id or 0)))
        if taken is not None:
            raise ValidationError(_("An SLA named %(name)s already exists.", name=sla.name))
        if sla.active is None:
            sla.active = True  # the column default, applied only at insert: the rule must see it now
        sla.is_default = bool(sla.is_default)
        if sla.is_default and sla.active:
            other = session.scalars(
                select(SLA).where(
                    SLA.is_default.is_(True), SLA.active.is_(True), SLA.kind == sla.kind, SLA.id != (sla.id or 0)
                )
            ).first()
            if other is not None:
                raise ValidationError(
                    _(
                        "%(other)s is already the default %(kind)s; there can be only one. "
                        "Clear its Default box first, or leave this one without it.",
                        other=other,
                        kind=sla.kind.label,
                    )
                )
        if targets is not None:
            check_targets(targets)
            apply_targets(sla, targets)  # type: ignore[arg-type]


def check_target(session: Session, target: SLATarget) -> None:
    """One target row (API): a priority once per SLA, resolution ≥ response ≥ 1 minute."""
    with session.no_autoflush:
        if target.sla is None and target.sla_id is None:
            raise ValidationError(_("Choose the SLA."))
        if target.priority is None:
            raise ValidationError(_("Choose the priority."))
        others_pass = (1, 1)  # only this row's priority is being checked
        check_targets(
            {
                priority: (target.response_minutes, target.resolution_minutes)
                if priority is target.priority
                else others_pass
                for priority in Priority
            }
        )
        sla_id = target.sla.id if target.sla is not None else target.sla_id
        taken = session.scalar(
            select(SLATarget.id).where(
                SLATarget.sla_id == sla_id, SLATarget.priority == target.priority, SLATarget.id != (target.id or 0)
            )
        )
        if taken is not None:
            raise ValidationError(_("The SLA already has a %(priority)s target.", priority=target.priority.label))


# ---------------------------------------------------------------------------------------------
# Display
# ---------------------------------------------------------------------------------------------


def status_labels(codes) -> str:
    return _(", ").join(str(REQUEST_STATUSES.get(code, code)) for code in codes or ())


def tier_labels(names) -> str:
    return _(", ").join(
        str(ServiceTier[name].label) if name in ServiceTier.__members__ else str(name) for name in names or ()
    )


def names(rows) -> str:
    return _(", ").join(str(row) for row in rows or ())


def scope_summary(sla: SLA) -> str:
    parts = []
    for label, value in (
        (LABELS["scope_customers"], names(sla.scope_customers)),
        (LABELS["scope_asset_models"], names(sla.scope_asset_models)),
        (LABELS["scope_categories"], names(sla.scope_categories)),
        (LABELS["scope_tiers"], tier_labels(sla.scope_tiers)),
    ):
        if value:
            parts.append(_("%(label)s: %(value)s", label=label, value=value))
    if not parts:
        return _("Everything (default only)") if sla.is_default else _("No scope: used only when a contract names it")
    return " · ".join(parts)


def targets_table(targets) -> Markup:
    rows = Markup("").join(
        Markup("<tr><td>{}</td><td>{}</td><td>{}</td></tr>").format(
            target.priority.label, target.response_minutes, target.resolution_minutes
        )
        for target in targets or ()
    )
    head = Markup("<thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>").format(
        LABELS["priority"], LABELS["response_minutes"], LABELS["resolution_minutes"]
    )
    return Markup(
        '<table class="table table-condensed sd-sla-targets" style="width:auto">{}<tbody>{}</tbody></table>'
    ).format(head, rows)


class SLAInterface(LabelledInterface):
    def _get_attr_value(self, item, col):
        if col == "scope" and isinstance(item, SLA):
            return scope_summary(item)
        return super()._get_attr_value(item, col)


# ---------------------------------------------------------------------------------------------
# Screens
# ---------------------------------------------------------------------------------------------


def _target_field(priority: Priority, kind: str) -> IntegerField:
    return IntegerField(
        LABELS[target_field(priority, kind)],
        validators=[InputRequired(), NumberRange(min=1)],
        widget=BS3TextFieldWidget(),
        render_kw={"inputmode": "numeric"},
        description=_l("Working minutes"),
    )


SLA_FORM_FIELDS = {
    "pause_statuses": SelectMultipleField(
        LABELS["pause_statuses"], choices=list(REQUEST_STATUSES.items()), widget=Select2ManyWidget()
    ),
    "scope_tiers": SelectMultipleField(
        LABELS["scope_tiers"],
        choices=[(member.name, member.label) for member in ServiceTier],
        widget=Select2ManyWidget(),
    ),
    **{target_field(priority, kind): _target_field(priority, kind) for priority in Priority for kind in TARGET_KINDS},
}

FORM_FIELDSETS = [
    (_l("SLA"), {"fields": ["name", "kind", "calendar", "is_default", "active", "description"]}),
    (_l("Targets (working minutes of the calendar)"), {"fields": TARGET_FIELDS}),
    (_l("Scope"), {"fields": ["scope_customers", "scope_tiers", "scope_categories", "scope_asset_models"]}),
    (_l("Clock"), {"fields": ["pause_statuses"]}),
]


class SLAView(AppModelView):
    route_base = "/slas"
    datamodel = SLAInterface(SLA)
    class_permission_name = SLA_RESOURCE
    noun = _l("SLA")
    label_columns = LABELS
    list_columns = ["name", "kind", "calendar", "is_default", "scope", "active"]
    order_columns = ["name", "kind", "is_default"]
    search_columns = ["name", "kind", "calendar", "is_default", "scope_customers", "scope_categories", "active"]
    add_fieldsets = edit_fieldsets = FORM_FIELDSETS
    add_columns = edit_columns = [field for _title, fieldset in FORM_FIELDSETS for field in fieldset["fields"]]
    show_fieldsets = [
        (_l("SLA"), {"fields": ["name", "kind", "calendar", "is_default", "active", "description"]}),
        (_l("Targets"), {"fields": ["targets"]}),
        (_l("Scope"), {"fields": ["scope", "scope_customers", "scope_tiers", "scope_categories",
                                  "scope_asset_models"]}),
        (_l("Clock"), {"fields": ["pause_statuses"]}),
        (_l("Record"), {"fields": ["created_at", "updated_at"], "expanded": False}),
    ]  # fmt: skip
    description_columns = {
        "active": _l("Inactive SLAs are never chosen for new requests"),
        "kind": _l("SLA: promised to customers. OLA: internal, for service vendors and support groups"),
        "calendar": _l("Targets count only the working time of this calendar"),
        "is_default": _l("Used when no contract or scope picks another; at most one default per kind"),
        "pause_statuses": _l("While a request is in one of these statuses its SLA clock stops"),
        "scope_customers": _l("Leave every scope list empty for an SLA used only by contracts or as the default"),
        "scope_categories": _l("A category includes its subcategories"),
    }
    formatters_columns = {
        "pause_statuses": status_labels,
        "scope_tiers": tier_labels,
        "scope_customers": names,
        "scope_categories": names,
        "scope_asset_models": names,
        "targets": targets_table,
        "description": lambda value: value or "",
    }
    add_form_extra_fields = edit_form_extra_fields = SLA_FORM_FIELDS
    list_template = "service/sla_list.html"
    show_template = "service/sla_show.html"
    base_order = ("name", "asc")

    def prefill_form(self, form, pk) -> None:
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            return
        for target in item.targets:
            getattr(form, target_field(target.priority, "response")).data = target.response_minutes
            getattr(form, target_field(target.priority, "resolution")).data = target.resolution_minutes

    @staticmethod
    def _targets(item) -> dict[Priority, tuple[int | None, int | None]]:
        return {
            priority: (
                getattr(item, target_field(priority, "response"), None),
                getattr(item, target_field(priority, "resolution"), None),
            )
            for priority in Priority
        }

    def pre_add(self, item) -> None:
        check_sla(self.datamodel.session, item, self._targets(item))

    def pre_update(self, item) -> None:
        check_sla(self.datamodel.session, item, self._targets(item))

    def _export_value(self, item, column: str):
        if column == "scope":
            return scope_summary(item)
        return super()._export_value(item, column)

    def render_template(self, template, **kwargs):
        kwargs.setdefault("selection_rule", selection_rule())
        return super().render_template(template, **kwargs)


# ---------------------------------------------------------------------------------------------
# REST APIs
# ---------------------------------------------------------------------------------------------


class SLAApi(AppModelApi):
    """SLAs; their targets are rows of /api/v1/sla_target (the screen edits both at once)."""

    resource_name = "sla"
    datamodel = SQLAInterface(SLA)
    class_permission_name = SLA_RESOURCE
    base_order = ("name", "asc")
    list_columns = [
        "id",
        "name",
        "kind",
        "calendar.id",
        "calendar.name",
        "is_default",
        "pause_statuses",
        "scope_tiers",
        "active",
    ]
    show_columns = [
        *list_columns,
        "description",
        "scope_customers.id",
        "scope_categories.id",
        "scope_asset_models.id",
        "targets.priority",
        "targets.response_minutes",
        "targets.resolution_minutes",
        "created_at",
        "updated_at",
    ]
    add_columns = edit_columns = [
        "name",
        "kind",
        "calendar",
        "is_default",
        "pause_statuses",
        "scope_customers",
        "scope_tiers",
        "scope_categories",
        "scope_asset_models",
        "description",
        "active",
    ]
    search_columns = ["name", "kind", "calendar", "is_default", "active"]
    order_columns = ["name", "kind"]

    save_rule = check_sla  # without the screen's targets: an API edits them as SLA targets


class SLATargetApi(AppModelApi):
    resource_name = "sla_target"
    datamodel = SQLAInterface(SLATarget)
    class_permission_name = SLA_RESOURCE
    base_order = ("id", "asc")
    list_columns = show_columns = ["id", "sla.id", "sla.name", "priority", "response_minutes", "resolution_minutes"]
    add_columns = edit_columns = ["sla", "priority", "response_minutes", "resolution_minutes"]
    search_columns = ["sla", "priority"]
    order_columns = ["priority"]

    save_rule = check_target


def register(appbuilder) -> None:
    from views import SERVICE_SETTINGS, add_to_menu

    add_to_menu(appbuilder, SLAView, "SLAs", _l("SLAs and OLAs"), "fa-clock-o", SERVICE_SETTINGS)
    for api in (SLAApi, SLATargetApi):
        appbuilder.add_api(api)
