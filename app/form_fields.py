"""Form pieces the generated screens need beyond FAB's defaults.

- ``LabelledEnumField``: FAB's enum select shows raw values; ours shows translated labels.
- ``ActiveOrCurrent``: dropdowns offer active rows only, plus the value the edited
  record already has, so editing an old record never silently drops a reference
  to a since-deactivated row.
"""

from __future__ import annotations

from flask import request
from flask_appbuilder.fields import EnumField
from flask_appbuilder.models.filters import BaseFilter
from sqlalchemy import or_
from wtforms.validators import Optional

from app.display import BLANK_CHOICE

BLANKS = ("", "None", "__None")


class LabelledEnumField(EnumField):
    """Choices by translated label; an optional field (``Optional`` validator) offers a blank."""

    def __init__(self, enum_class, *args, **kwargs) -> None:
        super().__init__(enum_class, list(enum_class.__members__), *args, **kwargs)
        optional = any(isinstance(validator, Optional) for validator in self.validators)
        choices = [(name, str(member.label)) for name, member in enum_class.__members__.items()]
        self.choices = [("", str(BLANK_CHOICE)), *choices] if optional else choices
        members = enum_class.__members__

        def coerce(value):
            if value is None or isinstance(value, enum_class):
                return value
            return None if value in BLANKS else members.get(str(value))

        self.coerce = coerce

    def pre_validate(self, form) -> None:
        if self.data is None and (not self.raw_data or self.raw_data[0] in BLANKS):
            return  # blank: the Optional validator decides
        super().pre_validate(form)


class ActiveOrCurrent(BaseFilter):
    """Related rows that are active, or that the record being edited refers to now.

    ``value`` is ``(parent_model, relation_name)``; the edited record's id is the
    ``pk`` of the current URL (FAB's edit route).
    """

    name = "Active or current"

    def apply(self, query, value):
        parent_model, relation = value
        condition = self.model.active.is_(True)
        pk = request.view_args.get("pk") if request and request.view_args else None
        if pk is not None:
            parent = query.session.get(parent_model, pk)
            current = getattr(parent, relation, None) if parent is not None else None
            related = current if isinstance(current, list) else [current] if current is not None else []
            ids = [row.id for row in related]
            if ids:
                condition = or_(condition, self.model.id.in_(ids))
        return query.filter(condition)
