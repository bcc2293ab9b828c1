"""Base classes every view and REST API of the app derives from.

They carry what each must have: read/write permissions on a named resource,
translated titles, and row scoping for models that declare ``__scope__``.
"""

from __future__ import annotations

from flask_appbuilder import ModelRestApi, ModelView
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l

from app.security.permissions import ResourcePermissions
from app.security.scoping import is_scoped_model, scoped_base_filters
from models.base import UTCDateTime


def local_datetime(value) -> str:
    """A stored UTC time in the business time zone, formatted for the user's locale."""
    return format_datetime(value) if value is not None else ""


def _model_of(cls) -> type | None:
    """The model behind a view class; None for abstract bases without a datamodel."""
    datamodel = getattr(cls, "datamodel", None)
    return datamodel.obj if datamodel is not None else None


def _with_local_times(cls) -> None:
    model = _model_of(cls)
    if model is None:
        return
    times = {column.key: local_datetime for column in model.__table__.columns if isinstance(column.type, UTCDateTime)}
    cls.formatters_columns = {**times, **cls.__dict__.get("formatters_columns", {})}


def _with_scope(cls) -> None:
    model = _model_of(cls)
    if model is not None and is_scoped_model(model) and not cls.__dict__.get("base_filters"):
        cls.base_filters = scoped_base_filters()


class AppModelView(ResourcePermissions, ModelView):
    """A generated CRUD screen. Subclasses set datamodel, columns and ``noun``.

    Scoping and local-time formatting of UTC columns are added automatically.

    ``noun`` (a lazy string, e.g. "Customer") builds the translated page titles
    that FAB would otherwise leave in English ("List Customer").
    """

    noun = None
    page_size = 25

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        _with_scope(cls)
        _with_local_times(cls)
        if cls.noun is not None:
            cls.list_title = _l("%(noun)s list", noun=cls.noun)
            cls.show_title = _l("%(noun)s details", noun=cls.noun)
            cls.add_title = _l("New %(noun)s", noun=cls.noun)
            cls.edit_title = _l("Edit %(noun)s", noun=cls.noun)


class AppModelApi(ResourcePermissions, ModelRestApi):
    """A REST API over a model; the session cookie works too (CSRF-checked on writes)."""

    allow_browser_login = True

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        _with_scope(cls)
