"""Base classes every view and REST API of the app derives from.

They carry what each must have: read/write permissions on a named resource,
translated titles, and row scoping for models that declare ``__scope__``.
"""

from __future__ import annotations

from flask_appbuilder import ModelRestApi, ModelView
from flask_babel import lazy_gettext as _l

from app.display import LabelledBlankChoices, default_formatters
from app.security.permissions import ResourcePermissions
from app.security.scoping import is_scoped_model, scoped_base_filters


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


class AppModelView(ResourcePermissions, LabelledBlankChoices, ModelView):
    """A generated CRUD screen. Subclasses set datamodel, columns and ``noun``.

    Scoping and display formatting (local times, Yes/No) are added automatically.

    ``noun`` (a lazy string, e.g. "Customer") builds the translated page titles
    that FAB would otherwise leave in English ("List Customer").
    """

    noun = None
    page_size = 25

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        _with_scope(cls)
        _with_display_formatters(cls)
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
