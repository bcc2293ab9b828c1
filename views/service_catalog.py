"""Service categories (服务类别, a tree with ticket templates) and the priority matrix (优先级矩阵).

Also the small pieces the service-settings screens share (views/calendars.py, views/sla.py,
views/contracts.py): enum members for the formatters, domain errors as 400s in the APIs,
and today's date in the business time zone.
"""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.fieldwidgets import BS3TextAreaFieldWidget
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import asc, case, desc, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired
from wtforms.widgets import TextArea

from app.domain.errors import ValidationError
from app.domain.priority import CELLS, LEVELS, MatrixIncomplete, check_complete, matrix_from_cells
from app.domain.sla_selection import descendants, would_create_cycle
from app.extensions import db
from app.form_fields import ActiveOrCurrent
from app.security.permissions import READ, WRITE
from app.security.roles import SERVICE_CATALOG
from models.enums import Priority
from models.service_catalog import PriorityCell, ServiceCategory
from views.base import AppModelApi, AppModelView
from views.interfaces import LabelledInterface

# ---------------------------------------------------------------------------------------------
# Shared by the service-settings screens
# ---------------------------------------------------------------------------------------------


LEVEL_CHOICES = [(1, _l("1 (highest)")), (2, "2"), (3, "3"), (4, _l("4 (lowest)"))]


# ---------------------------------------------------------------------------------------------
# Service categories
# ---------------------------------------------------------------------------------------------

LABELS = {
    "path": _l("Category"),
    "name": _l("Name"),
    "parent": _l("Parent category"),
    "standard_description": _l("Standard description"),
    "standard_solution": _l("Standard solution"),
    "default_impact": _l("Default impact"),
    "default_urgency": _l("Default urgency"),
    "required_skill": _l("Required skill"),
    "default_support_group": _l("Default support group"),
    "active": _l("Active"),
    "created_at": _l("Created at"),
    "updated_at": _l("Updated at"),
}


def _parents(session: Session) -> dict[int, int | None]:
    return dict(session.execute(select(ServiceCategory.id, ServiceCategory.parent_id)).tuples().all())


class NotSelfOrDescendant(BaseFilter):
    """Parent choices for the category being edited: never itself or anything under it."""

    name = "Not itself or below it"

    def apply(self, query, value):
        pk = request.view_args.get("pk") if request and request.view_args else None
        if pk is None:
            return query
        category_id = int(pk)
        excluded = {category_id} | descendants(_parents(query.session), category_id)
        return query.filter(self.model.id.notin_(excluded))


class CategoryInterface(LabelledInterface):
    """Orders categories as a tree ("硬件故障", "硬件故障 / 打印机", …) when sorted by path (three levels)."""

    def apply_order_by(self, query, order_column, order_direction, *args, **kwargs):
        if order_column != "path":
            return super().apply_order_by(query, order_column, order_direction, *args, **kwargs)
        parent, grand = aliased(ServiceCategory), aliased(ServiceCategory)
        query = query.outerjoin(parent, ServiceCategory.parent_id == parent.id).outerjoin(
            grand, parent.parent_id == grand.id
        )
        root = func.coalesce(grand.name, parent.name, ServiceCategory.name)
        second = case((grand.id.isnot(None), parent.name), (parent.id.isnot(None), ServiceCategory.name), else_="")
        third = case((grand.id.isnot(None), ServiceCategory.name), else_="")
        direction = asc if order_direction != "desc" else desc
        return query.order_by(direction(root), direction(second), direction(third), ServiceCategory.id)


def check_category(session: Session, category: ServiceCategory) -> None:
    """Refuse a category that would sit under itself, duplicate a sibling's name or leave 1–4."""
    with session.no_autoflush:
        category.name = (category.name or "").strip()
        if not category.name:
            raise ValidationError(_("Enter the category's name."))
        parent = category.parent
        parent_id = parent.id if parent is not None else category.parent_id
        if category.id is not None and would_create_cycle(_parents(session), category.id, parent_id):
            raise ValidationError(
                _(
                    "%(parent)s is %(category)s itself or one of its subcategories, so it cannot be its parent.",
                    parent=parent,
                    category=category.name,
                )
            )
        same_name = select(ServiceCategory.id).where(
            ServiceCategory.name == category.name,
            ServiceCategory.id != (category.id or 0),
            ServiceCategory.parent_id.is_(None) if parent_id is None else ServiceCategory.parent_id == parent_id,
        )
        if session.scalar(same_name) is not None:
            where = parent if parent is not None else _("the top level")
            raise ValidationError(
                _("A category named %(name)s already exists under %(parent)s.", name=category.name, parent=where)
            )
        for level, label in ((category.default_impact, LABELS["default_impact"]),
                             (category.default_urgency, LABELS["default_urgency"])):  # fmt: skip
            if level is not None and level not in LEVELS:
                raise ValidationError(_("%(field)s must be 1 to 4.", field=label))


def _level_field(label) -> SelectField:
    return SelectField(label, coerce=int, choices=LEVEL_CHOICES, default=3, validators=[DataRequired()])


class TemplateTextArea(BS3TextAreaFieldWidget):
    """Room for a ticket template: eight lines instead of FAB's three."""

    def __call__(self, field, **kwargs):
        kwargs["class"] = "form-control"
        kwargs["rows"] = 8
        return TextArea.__call__(self, field, **kwargs)


CATEGORY_FORM_FIELDS = {
    "standard_description": TextAreaField(LABELS["standard_description"], widget=TemplateTextArea()),
    "standard_solution": TextAreaField(LABELS["standard_solution"], widget=TemplateTextArea()),
    "default_impact": _level_field(LABELS["default_impact"]),
    "default_urgency": _level_field(LABELS["default_urgency"]),
}


class ServiceCategoryView(AppModelView):
    route_base = "/service-categories"
    datamodel = CategoryInterface(ServiceCategory)
    class_permission_name = SERVICE_CATALOG
    noun = _l("Service category")
    label_columns = LABELS
    list_columns = ["path", "default_impact", "default_urgency", "required_skill", "default_support_group", "active"]
    order_columns = ["path", "default_impact", "default_urgency"]
    search_columns = ["name", "parent", "required_skill", "default_support_group", "active"]
    add_columns = edit_columns = [
        "parent",
        "name",
        "default_impact",
        "default_urgency",
        "required_skill",
        "default_support_group",
        "standard_description",
        "standard_solution",
        "active",
    ]
    show_fieldsets = [
        (_l("Service category"), {"fields": ["path", "name", "parent", "active"]}),
        (_l("Ticket defaults"), {"fields": ["default_impact", "default_urgency", "required_skill",
                                             "default_support_group"]}),
        (_l("Templates"), {"fields": ["standard_description", "standard_solution"]}),
        (_l("Record"), {"fields": ["created_at", "updated_at"], "expanded": False}),
    ]  # fmt: skip
    description_columns = {
        "parent": _l("Empty for a top-level category; a category cannot be placed under itself"),
        "name": _l("Unique among its siblings, e.g. 打印机"),
        "default_impact": _l("Suggested for new requests: 1 = whole organisation … 4 = one user"),
        "default_urgency": _l("Suggested for new requests: 1 = work stopped now … 4 = can wait"),
        "standard_description": _l("The template a dispatcher fills in for a new request"),
        "standard_solution": _l("The standard steps an engineer follows"),
        "active": _l("Inactive categories leave dropdowns; existing requests keep them"),
    }
    formatters_columns = {
        "parent": lambda value: "" if value is None else str(value),
        "required_skill": lambda value: "" if value is None else str(value),
        "default_support_group": lambda value: "" if value is None else str(value),
    }
    add_form_extra_fields = edit_form_extra_fields = CATEGORY_FORM_FIELDS
    edit_form_query_rel_fields = {
        "parent": [["id", ActiveOrCurrent, (ServiceCategory, "parent")], ["id", NotSelfOrDescendant, None]],
    }
    order_rel_fields = {"parent": ("name", "asc")}
    base_order = ("path", "asc")

    save_rule = check_category


ServiceCategoryView.related_views = [ServiceCategoryView]  # a category's page lists its subcategories


class ServiceCategoryApi(AppModelApi):
    resource_name = "service_category"
    datamodel = SQLAInterface(ServiceCategory)
    class_permission_name = SERVICE_CATALOG
    base_order = ("name", "asc")
    list_columns = [
        "id",
        "name",
        "parent_id",
        "path",
        "default_impact",
        "default_urgency",
        "required_skill.code",
        "default_support_group.name",
        "active",
    ]
    show_columns = [*list_columns, "standard_description", "standard_solution", "created_at", "updated_at"]
    add_columns = edit_columns = ServiceCategoryView.add_columns
    search_columns = ["name", "parent", "required_skill", "default_support_group", "active"]
    order_columns = ["name", "default_impact", "default_urgency"]

    save_rule = check_category


# ---------------------------------------------------------------------------------------------
# Priority matrix: one grid of 16 cells
# ---------------------------------------------------------------------------------------------

IMPACT_HINTS = {
    1: _l("Whole organisation or a critical service"),
    2: _l("A department or a site"),
    3: _l("A few users"),
    4: _l("One user"),
}
URGENCY_HINTS = {
    1: _l("Work has stopped"),
    2: _l("Work is badly hindered"),
    3: _l("Work goes on with a workaround"),
    4: _l("Can wait"),
}


def _field(impact: int, urgency: int) -> str:
    return f"cell_{impact}_{urgency}"


def cell_label(impact: int, urgency: int) -> str:
    return _("impact %(impact)s × urgency %(urgency)s", impact=impact, urgency=urgency)


def save_matrix(session: Session, matrix: dict[tuple[int, int], Priority]) -> None:
    """Write all 16 cells in one transaction (their history is recorded with it)."""
    cells = {(cell.impact, cell.urgency): cell for cell in session.scalars(select(PriorityCell))}
    for (impact, urgency), priority in matrix.items():
        cell = cells.get((impact, urgency))
        if cell is None:
            session.add(PriorityCell(impact=impact, urgency=urgency, priority=priority))
        elif cell.priority is not priority:
            cell.priority = priority
    session.commit()


class PriorityMatrixView(BaseView):
    """Impact (1–4) × urgency (1–4) → priority (P1–P4), edited as one grid. Staff read it; admins save it."""

    route_base = "/priority-matrix"
    default_view = "index"
    class_permission_name = SERVICE_CATALOG
    method_permission_name = {"index": READ, "save": WRITE}

    @expose("/", methods=["GET"])
    @has_access
    def index(self):
        cells = matrix_from_cells(db.session.scalars(select(PriorityCell)))
        return self._render({cell: priority.name for cell, priority in cells.items()})

    @expose("/", methods=["POST"])
    @has_access
    def save(self):
        submitted = {cell: (request.form.get(_field(*cell)) or "").strip() for cell in CELLS}
        matrix = {cell: Priority.__members__.get(code) for cell, code in submitted.items()}
        try:
            complete = check_complete(matrix)
        except MatrixIncomplete as error:
            missing = _(", ").join(cell_label(*cell) for cell in error.missing)
            flash(
                _(
                    "A priority matrix needs every cell filled. Choose a priority for: %(cells)s. Nothing was saved.",
                    cells=missing,
                ),
                "danger",
            )
            return self._render(submitted, invalid=set(error.missing)), 400
        try:
            save_matrix(db.session, complete)
        except IntegrityError:
            db.session.rollback()
            flash(_("Someone else saved the matrix at the same time. Check it and save again."), "danger")
            return redirect(url_for(".index"))
        flash(_("The priority matrix was saved."), "success")
        return redirect(url_for(".index"))

    def _render(self, values: dict[tuple[int, int], str], invalid: set | None = None):
        can_write = self.appbuilder.sm.has_access(f"can_{WRITE}", SERVICE_CATALOG)
        return self.render_template(
            "service/priority_matrix.html",
            title=_("Priority matrix"),
            levels=LEVELS,
            values=values,
            invalid=invalid or set(),
            priorities=list(Priority),
            field=_field,
            impact_hints=IMPACT_HINTS,
            urgency_hints=URGENCY_HINTS,
            can_write=can_write,
        )


def register(appbuilder) -> None:
    from views import SERVICE_SETTINGS, add_to_menu

    add_to_menu(
        appbuilder, ServiceCategoryView, "Service categories", _l("Service categories"), "fa-sitemap", SERVICE_SETTINGS
    )
    add_to_menu(appbuilder, PriorityMatrixView, "Priority matrix", _l("Priority matrix"), "fa-th", SERVICE_SETTINGS)
    appbuilder.add_api(ServiceCategoryApi)
