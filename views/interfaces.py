"""Data interfaces that load what a page shows, not every eager relation of the models.

Used by screens whose rows pull long eager-load chains (warehouse → vendor → OLA …):
a page then costs the same statements whatever its size (tests/integration/test_*_screens).
"""

from __future__ import annotations

from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy import inspect
from sqlalchemy.orm import joinedload, lazyload

from models.enums import LabelledEnum


class LeanInterface(SQLAInterface):
    """Loads a page's rows with what they show, not everything the models would load eagerly.

    The models load some relations eagerly (a warehouse its vendor, a vendor its OLA, an
    OLA four collections of its own). Here a row's eager many-to-one relations are still
    joined, but theirs wait until used; choices in dropdowns and filters (shown as
    ``str(row)``) load the rows alone. A page then costs the same statements whatever
    its size and whatever rows it happens to show.
    """

    def apply_all(self, query, *args, **kwargs):
        query = super().apply_all(query, *args, **kwargs)
        joined = [rel.key for rel in inspect(self.obj).relationships if rel.lazy == "joined"]
        return query.options(*(joinedload(getattr(self.obj, key)).lazyload("*") for key in joined))

    def get_related_interface(self, col_name):
        return ChoiceInterface(self.get_related_model(col_name), self.session)


class LabelledInterface(SQLAInterface):
    """Hands enum members (not their raw codes, as FAB does) to the formatters, which show the labels."""

    def _get_attr_value(self, item, col):
        if "." not in col:
            value = getattr(item, col, None)
            if isinstance(value, LabelledEnum):
                return value
        return super()._get_attr_value(item, col)


class ChoiceInterface(SQLAInterface):
    """Related rows offered as choices: the rows alone."""

    def apply_all(self, query, *args, **kwargs):
        return super().apply_all(query, *args, **kwargs).options(lazyload("*"))
