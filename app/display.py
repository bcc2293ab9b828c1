"""How values appear on generated screens: per locale, never as raw codes or Python words.

FAB renders booleans as True/False, None as "None", UTC datetimes raw, and a blank
select option as "__None" (WTForms 3.3 with FAB's empty blank text). Views take
their formatters from ``default_formatters`` and mix in ``LabelledBlankChoices``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from flask_babel import format_date, format_datetime, format_decimal, format_percent, format_time
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, Numeric
from sqlalchemy import Enum as SAEnum

from app.domain.errors import Msgid
from app.security.role_names import role_label
from models.base import UTCDateTime
from models.users import LANGUAGE_NAMES


def local_datetime(value) -> str:
    """A stored UTC time in the business time zone, formatted for the user's locale."""
    return format_datetime(value) if value is not None else ""


def translated(message: str, params: Mapping[str, object], *, times_of_day: bool = False) -> str:
    """A msgid from app/domain in the user's language, its parameters shown for the locale.

    Times are business-time date and time, or only the time of day (``times_of_day``, for
    "on duty until 18:00"); dates per locale; a ``Msgid`` or an enum is translated in turn.
    """

    def shown(value: object) -> str:
        if isinstance(value, datetime):
            return format_time(value, "short") if times_of_day else local_datetime(value)
        if isinstance(value, date):
            return format_date(value)
        if isinstance(value, Msgid):
            return _(value)
        return str(value)

    return _(message, **{key: shown(value) for key, value in params.items()})


def refusal(error: Exception) -> str:
    """A domain refusal for a flash or a 400: its msgid translated, else its text."""
    message = getattr(error, "message", None)
    if message is None:
        return str(error)
    return translated(message, getattr(error, "params", {}))


def local_date(value) -> str:
    """A date as the user's locale writes it ("Mar 31, 2027", "2027年3月31日"); blank for none."""
    return format_date(value) if value is not None else ""


def percent(rate: float | None) -> str:
    """A rate (0.875) as the locale writes a percentage with one decimal ("87.5%"); "—" for none."""
    return "—" if rate is None else format_percent(rate, format="#,##0.0%")


def yes_no(value) -> str:
    if value is None:
        return ""
    return _("Yes") if value else _("No")


def blank_if_none(value) -> str:
    return "" if value is None else str(value)


def language_name(code: str | None) -> str:
    return LANGUAGE_NAMES.get(code or "", code or "")


def role_labels(roles) -> str:
    """An account's roles by their translated names, e.g. "调度员、服务工程师"."""
    separator = _(", ")  # zh: 、
    return separator.join(role_label(role.name) for role in roles or ())


def enum_label(member) -> str:
    return "" if member is None else str(getattr(member, "label", member))


def enum_labeller(enum_class) -> Callable[[Any], str]:
    """Show an enum by its label, whether FAB hands over the member, its code or its name."""

    def label(value) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, enum_class):
            return enum_label(value)
        for member in enum_class:
            if value in (member.value, member.name):
                return str(member.label)
        return str(value)

    return label


def decimal(value) -> str:
    return "" if value is None else format_decimal(value, format="#,##0.00")


def default_formatters(model: type) -> dict[str, Callable[[Any], str]]:
    """Formatters for every UTC time, date, boolean, enum and decimal column of a model."""
    formatters: dict[str, Callable[[Any], str]] = {}
    for column in model.__table__.columns:
        if isinstance(column.type, UTCDateTime):
            formatters[column.key] = local_datetime
        elif isinstance(column.type, Date):
            formatters[column.key] = local_date
        elif isinstance(column.type, Boolean):
            formatters[column.key] = yes_no
        elif isinstance(column.type, SAEnum) and column.type.enum_class is not None:
            formatters[column.key] = enum_labeller(column.type.enum_class)
        elif isinstance(column.type, Numeric):
            formatters[column.key] = decimal
        elif column.nullable and not column.foreign_keys:
            formatters[column.key] = blank_if_none  # FAB would print "None"
    return formatters


BLANK_CHOICE = _l("(none)")


class LabelledBlankChoices:
    """Give optional select fields a visible, translated blank choice instead of "__None"."""

    def _init_forms(self) -> None:
        super()._init_forms()
        for form in (self.add_form, self.edit_form):
            for name in dir(form):
                field = getattr(form, name, None)
                kwargs = getattr(field, "kwargs", None)
                if isinstance(kwargs, dict) and kwargs.get("allow_blank") and not kwargs.get("blank_text"):
                    kwargs["blank_text"] = BLANK_CHOICE


def joined_names(rows) -> str:
    """A list of related rows as "华东、华北" (zh) or "East China, North China" (en)."""
    return _(", ").join(str(row) for row in rows or ())
