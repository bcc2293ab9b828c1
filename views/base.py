"""Base classes every view and REST API of the app derives from.

They carry what each must have: read/write permissions on a named resource,
translated titles, row scoping for models that declare ``__scope__``, display
formatting, translated enum choices, active-only dropdowns, refused deletes of
referenced rows, CSV/XLSX export of the filtered list, and the change history.

A screen and its API declare the rule a saved record must pass once, as
``save_rule = check_x``: a plain function of the session and the record that raises
a DomainError (kept unbound, no ``staticmethod`` needed). Both apply it before an add
and an update, the screen showing the refusal as a flash, the API as a 400 with the
same sentence. A hook that does more than that (other logic on add than on update,
input only the screen has) overrides ``pre_add``/``pre_update`` instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import Response, abort, redirect, url_for
from flask_appbuilder import ModelRestApi, ModelView, expose, has_access
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.urltools import get_filter_args, get_order_args
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, inspect
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import Session
from werkzeug.exceptions import BadRequest
from wtforms import BooleanField
from wtforms.validators import DataRequired, Optional

from app import exports
from app.display import LabelledBlankChoices, default_formatters, local_datetime
from app.domain.errors import DomainError, ValidationError
from app.form_fields import ActiveOrCurrent, LabelledEnumField
from app.references import references_to
from app.security.permissions import ResourcePermissions
from app.security.scoping import ScopeFilter, is_scoped_model, scoped_base_filters

EXPORT_FORMATS = {
    "csv": ("text/csv; charset=utf-8", exports.csv_bytes),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", exports.xlsx_bytes),
}


def _model_of(cls) -> type | None:
    """The model behind a view class; None for abstract bases without a datamodel."""
    datamodel = getattr(cls, "datamodel", None)
    return datamodel.obj if datamodel is not None else None


def _declared(cls, attribute: str) -> dict:
    """A dict attribute as declared along the class hierarchy, subclasses winning."""
    merged: dict = {}
    for klass in reversed(cls.__mro__):
        merged.update(klass.__dict__.get(attribute) or {})
    return merged


def _with_display_formatters(cls) -> None:
    model = _model_of(cls)
    if model is not None:
        cls.formatters_columns = {**default_formatters(model), **_declared(cls, "formatters_columns")}


def _with_scope(cls) -> None:
    model = _model_of(cls)
    if model is not None and is_scoped_model(model) and not cls.__dict__.get("base_filters"):
        cls.base_filters = scoped_base_filters()


def _with_form_fields(cls, model) -> None:
    """Translated choices for enum columns; checkboxes that can be unticked for booleans.

    FAB lists raw enum values, and marks a NOT NULL boolean "required", so an
    Active box could never be cleared.
    """
    fields, search_fields = {}, {}
    for column in model.__table__.columns:
        label = (cls.label_columns or {}).get(column.key, column.key)
        description = (cls.description_columns or {}).get(column.key, "")
        default = column.default.arg if column.default is not None and column.default.is_scalar else None
        if isinstance(column.type, SAEnum) and column.type.enum_class is not None:
            validators = [Optional()] if column.nullable else [DataRequired()]
            fields[column.key] = LabelledEnumField(
                column.type.enum_class, label=label, description=description, validators=validators, default=default
            )
            search_fields[column.key] = LabelledEnumField(column.type.enum_class, label=label, validators=[Optional()])
        elif isinstance(column.type, Boolean):
            fields[column.key] = BooleanField(label, description=description, default=bool(default))
    cls.add_form_extra_fields = {**fields, **_declared(cls, "add_form_extra_fields")}
    cls.edit_form_extra_fields = {**fields, **_declared(cls, "edit_form_extra_fields")}
    cls.search_form_extra_fields = {**search_fields, **_declared(cls, "search_form_extra_fields")}


def relation_filters(model, *, editing: bool) -> dict[str, list]:
    """Per relation: only rows the user's scope may see; for forms also only active ones.

    FAB fills related dropdowns (forms, search, API ``_info``) with every row of the
    related table (stack notes): a vendor would see other vendors' names.
    """
    rules: dict[str, list] = {}
    for rel in inspect(model).relationships:
        target = rel.mapper.class_
        if rel.direction.name == "ONETOMANY":
            continue
        filters = []
        if is_scoped_model(target):
            filters.append(["id", ScopeFilter, None])
        if editing and hasattr(target, "active"):
            filters.append(["id", ActiveOrCurrent, (model, rel.key)])
        if filters:
            rules[rel.key] = filters
    return rules


SaveRule = Callable[[Session, Any], None]  # (session, record): returns, or raises a DomainError


class SavedByRule:
    """Mixin: ``pre_add`` and ``pre_update`` apply the class's ``save_rule`` (see the module docstring).

    A rule declared as a plain function stays one, not bound as a method of the view.
    """

    save_rule: SaveRule | None = None

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        rule = cls.__dict__.get("save_rule")
        if rule is not None and not isinstance(rule, staticmethod):
            cls.save_rule = staticmethod(rule)

    def pre_add(self, item) -> None:
        self.apply_save_rule(item)

    def pre_update(self, item) -> None:
        self.apply_save_rule(item)

    def apply_save_rule(self, item) -> None:
        """A broken rule raises its DomainError: a screen keeps the form and flashes ``str(error)``."""
        if self.save_rule is not None:
            self.save_rule(self.datamodel.session, item)


def _with_relation_filters(cls, model) -> None:
    editing = relation_filters(model, editing=True)
    cls.add_form_query_rel_fields = {**editing, **_declared(cls, "add_form_query_rel_fields")}
    cls.edit_form_query_rel_fields = {**editing, **_declared(cls, "edit_form_query_rel_fields")}
    searching = relation_filters(model, editing=False)
    cls.search_form_query_rel_fields = {**searching, **_declared(cls, "search_form_query_rel_fields")}


class AppModelView(ResourcePermissions, SavedByRule, LabelledBlankChoices, ModelView):
    """A generated CRUD screen. Subclasses set datamodel, columns and ``noun``.

    ``noun`` (a lazy string, e.g. "Customer") builds the translated page titles
    that FAB would otherwise leave in English ("List Customer"). ``save_rule``
    checks a record before it is added or updated (see the module docstring).
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
            _with_form_fields(cls, model)
            _with_relation_filters(cls, model)
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
        typed = isinstance(value, (int, float, Decimal, date)) and not isinstance(value, bool)  # a sheet sorts them
        if formatter is not None and not typed and value is not None:
            return formatter(value)
        return value

    def history_entity(self) -> str | None:
        model = _model_of(type(self))
        return model.__tablename__ if getattr(model, "__history__", False) else None

    def render_template(self, template, **kwargs):
        kwargs.setdefault("history_entity", self.history_entity())
        kwargs.setdefault("label_columns", self.label_columns)  # names fields in the change history
        kwargs.setdefault("export_formats", list(EXPORT_FORMATS) if self.list_columns else [])
        return super().render_template(template, **kwargs)


class NamedListRule(BaseFilter):
    """A named list's rule: ``value`` is its view's ``clause``, a WHERE clause built per request."""

    name = "Named list"

    def apply(self, query, value):
        return query.filter(value())


class NamedList:
    """Mixin for a named list: its screen over the rows one rule selects, each opening on the screen's page.

    Subclasses set ``route_base``, ``title`` and ``rule``; a family of lists sets ``show_endpoint`` and
    ``clause`` (what the rule is called with: the user for request queues, the time for due lists).
    Scoping stays: the rule narrows the rows the user may see anyway.
    """

    rule: Callable[..., Any] | None = None
    title = None
    show_endpoint = ""

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if cls.rule is not None:
            cls.base_filters = [*scoped_base_filters(), ["id", NamedListRule, cls.clause]]
            cls.list_title = cls.title

    @classmethod
    def clause(cls) -> Any:
        raise NotImplementedError

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        return redirect(url_for(self.show_endpoint, pk=pk))


class RuleRefused(BadRequest):
    """A 400 whose message is the rule's sentence alone (werkzeug's own adds "400 Bad Request: ")."""

    def __str__(self) -> str:
        return str(self.description)


@contextmanager
def rule_as_bad_request() -> Iterator[None]:
    """In an API, a broken rule answers 400 with its sentence (FAB's ``@safe`` makes other errors a 500)."""
    try:
        yield
    except DomainError as error:
        raise RuleRefused(str(error)) from error


def refuse_as_bad_request(check: Callable[..., None], *args: Any) -> None:
    with rule_as_bad_request():
        check(*args)


def _refuse_whole_user_accounts(cls, model) -> None:
    """An API column naming a user-account relation would serialise the whole row, password hash
    included (FAB dumps related objects in full): such columns must pick fields ("lead.username")."""
    from models.users import UserAccount

    relations = {rel.key for rel in inspect(model).relationships if rel.mapper.class_ is UserAccount}
    for attribute in ("list_columns", "show_columns"):
        exposed = relations & set(cls.__dict__.get(attribute) or ())
        if exposed:
            raise TypeError(f"{cls.__name__}.{attribute} exposes whole user accounts {sorted(exposed)}: name fields")


class AppModelApi(ResourcePermissions, SavedByRule, ModelRestApi):
    """A REST API over a model; the session cookie works too (CSRF-checked on writes).

    ``_info`` offers related rows to choose from only to users who may write: a
    reader cannot add or edit, and would otherwise read, e.g., every SLA's name.
    """

    allow_browser_login = True

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        _with_scope(cls)
        model = _model_of(cls)
        if model is not None:
            _refuse_whole_user_accounts(cls, model)
            editing = relation_filters(model, editing=True)
            cls.add_query_rel_fields = {**editing, **_declared(cls, "add_query_rel_fields")}
            cls.edit_query_rel_fields = {**editing, **_declared(cls, "edit_query_rel_fields")}

    def apply_save_rule(self, item) -> None:
        """A broken rule answers 400 with its sentence."""
        with rule_as_bad_request():
            super().apply_save_rule(item)

    def _get_list_related_field(self, field, filter_rel_field, page=None, page_size=None):
        if "can_write" not in self.base_permissions or not self.appbuilder.sm.has_access(
            "can_write", self.class_permission_name
        ):
            return 0, []
        return super()._get_list_related_field(field, filter_rel_field, page=page, page_size=page_size)

    def _get_field_info(self, field, *args, **kwargs):
        info = super()._get_field_info(field, *args, **kwargs)
        if not (self.description_columns or {}).get(field.name):
            info["description"] = ""  # FAB's gettext("") would return the catalog's header
        return info
