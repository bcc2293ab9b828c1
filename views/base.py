"""Base classes every view and REST API of the app derives from.

They carry what each must have: read/write permissions on a named resource,
translated titles, row scoping for models that declare ``__scope__``, display
formatting, translated enum choices, active-only dropdowns, refused deletes of
referenced rows, CSV/XLSX export of the filtered list, and the change history.
"""

from __future__ import annotations

from datetime import datetime

from flask import Response, abort
from flask_appbuilder import ModelRestApi, ModelView, expose, has_access
from flask_appbuilder.urltools import get_filter_args, get_order_args
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Enum as SAEnum
from sqlalchemy import inspect
from wtforms.validators import DataRequired, Optional

from app import exports
from app.display import LabelledBlankChoices, default_formatters, local_datetime
from app.domain.errors import ValidationError
from app.form_fields import ActiveOrCurrent, LabelledEnumField
from app.references import references_to
from app.security.permissions import ResourcePermissions
from app.security.scoping import is_scoped_model, scoped_base_filters

EXPORT_FORMATS = {
    "csv": ("text/csv; charset=utf-8", exports.csv_bytes),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", exports.xlsx_bytes),
}


def _model_of(cls) -> type | None:
    """The model behind a view class; None for abstract bases without a datamodel."""
    datamodel = getattr(cls, "datamodel", None)
    return datamodel.obj if datamodel is not None else None


def _with_display_formatters(cls) -> None:
    model = _model_of(cls)
    if model is not None:
        cls.formatters_columns = {**default_formatters(model), **cls.__dict__.get("formatters_columns", {})}


def _with_scope(cls) -> None:
    model = _model_of(cls)
    if model is not None and is_scoped_model(model) and not cls.__dict__.get("base_filters"):
        cls.base_filters = scoped_base_filters()


def _with_enum_fields(cls, model) -> None:
    """Translated choices for every enum column (FAB would list raw values)."""
    fields = {}
    for column in model.__table__.columns:
        if isinstance(column.type, SAEnum) and column.type.enum_class is not None:
            validators = [Optional()] if column.nullable else [DataRequired()]
            label = cls.label_columns.get(column.key, column.key)
            default = column.default.arg if column.default is not None and column.default.is_scalar else None
            fields[column.key] = LabelledEnumField(
                column.type.enum_class, label=label, validators=validators, default=default
            )
    cls.add_form_extra_fields = {**fields, **cls.__dict__.get("add_form_extra_fields", {})}
    cls.edit_form_extra_fields = {**fields, **cls.__dict__.get("edit_form_extra_fields", {})}


def _with_active_dropdowns(cls, model) -> None:
    """Dropdowns list active rows only, plus what an edited record already refers to."""
    rules = {}
    for rel in inspect(model).relationships:
        if hasattr(rel.mapper.class_, "active") and rel.direction.name != "ONETOMANY":
            rules[rel.key] = [["id", ActiveOrCurrent, (model, rel.key)]]
    cls.add_form_query_rel_fields = {**rules, **cls.__dict__.get("add_form_query_rel_fields", {})}
    cls.edit_form_query_rel_fields = {**rules, **cls.__dict__.get("edit_form_query_rel_fields", {})}


class AppModelView(ResourcePermissions, LabelledBlankChoices, ModelView):
    """A generated CRUD screen. Subclasses set datamodel, columns and ``noun``.

    ``noun`` (a lazy string, e.g. "Customer") builds the translated page titles
    that FAB would otherwise leave in English ("List Customer").
    """

    noun = None
    page_size = 25
    list_template = "servicedesk/model/list.html"
    show_template = "servicedesk/model/show.html"
    export_columns: list[str] | None = None

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        _with_scope(cls)
        _with_display_formatters(cls)
        model = _model_of(cls)
        if model is not None:
            _with_enum_fields(cls, model)
            _with_active_dropdowns(cls, model)
        if cls.noun is not None:
            cls.list_title = _l("%(noun)s list", noun=cls.noun)
            cls.show_title = _l("%(noun)s details", noun=cls.noun)
            cls.add_title = _l("New %(noun)s", noun=cls.noun)
            cls.edit_title = _l("Edit %(noun)s", noun=cls.noun)

    def pre_delete(self, item) -> None:
        uses = references_to(self.datamodel.session, item)
        if uses:
            used_by = _(", ").join(f"{count} {label}" for label, count in uses)
            raise ValidationError(
                _("%(name)s is used by %(uses)s. Deactivate it instead of deleting it.", name=item, uses=used_by)
            )

    @expose("/export/<fmt>/")
    @has_access
    def export(self, fmt: str) -> Response:
        """The list as it is filtered and ordered on screen, every page, as CSV or XLSX."""
        if fmt not in EXPORT_FORMATS:
            abort(404)
        order_column, order_direction = get_order_args().get(self.__class__.__name__, ("", ""))
        if not order_column and self.base_order:
            order_column, order_direction = self.base_order
        get_filter_args(self._filters)
        joined = self._filters.get_joined_filters(self._base_filters)
        _count, items = self.datamodel.query(joined, order_column, order_direction)
        columns = self.export_columns or self.list_columns
        headers = [str(self.label_columns.get(column, column)) for column in columns]
        rows = ([self._export_value(item, column) for column in columns] for item in items)
        mimetype, write = EXPORT_FORMATS[fmt]
        body = write(headers, rows, str(self.list_title)) if fmt == "xlsx" else write(headers, rows)
        filename = f"{self.route_base.strip('/').replace('/', '-')}.{fmt}"
        return Response(body, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={filename}"})

    def _export_value(self, item, column: str):
        value = getattr(item, column)
        value = value() if callable(value) else value
        if isinstance(value, datetime):
            return local_datetime(value)
        formatter = self.formatters_columns.get(column)
        if formatter is not None and not isinstance(value, (int, float)) and value is not None:
            return formatter(value)
        return value

    def history_entity(self) -> str | None:
        model = _model_of(type(self))
        return model.__tablename__ if getattr(model, "__history__", False) else None

    def render_template(self, template, **kwargs):
        kwargs.setdefault("history_entity", self.history_entity())
        kwargs.setdefault("export_formats", list(EXPORT_FORMATS) if self.list_columns else [])
        return super().render_template(template, **kwargs)


class AppModelApi(ResourcePermissions, ModelRestApi):
    """A REST API over a model; the session cookie works too (CSRF-checked on writes)."""

    allow_browser_login = True

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        _with_scope(cls)
