"""Cell parsers: a raw cell (text from CSV; text, number, date or bool from XLSX) → a value.

A parser is a callable ``parser(raw, ctx)`` that returns the value or raises
``CellError`` with a translatable reason; it is never given a blank cell. ``ctx`` is
the row being read (``ctx.values`` holds the columns parsed before this one) and the
run's shared lookups (session, cache, keys of this file). ``hint`` tells users what
the column accepts. References resolve natural keys and refuse inactive rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, Integer, Numeric, String, Text, func, select
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import Session, lazyload

MAX_INTEGER = 2_147_483_647  # PostgreSQL INTEGER
LOOKUP_CHUNK = 500


class CellError(Exception):
    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


class Skip(Exception):
    """A column this one depends on is missing or wrong; that column already has the error."""


@dataclass(frozen=True)
class PendingRef:
    """A reference to a record another row of the same file creates (e.g. a parent asset)."""

    key: tuple


@dataclass
class Lookups:
    """What every row of one run shares."""

    session: Session
    locales: tuple[str, ...] = ("en", "zh")
    file_keys: set[tuple] = field(default_factory=set)
    cache: dict[Any, Any] = field(default_factory=dict)

    def cached(self, key: Any, compute: Callable[[], Any]) -> Any:
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]


@dataclass
class RowContext:
    lookups: Lookups
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def session(self) -> Session:
        return self.lookups.session


def as_text(raw: Any) -> str:
    """A cell as text: whole numbers without ".0" (Excel stores codes and phones as numbers)."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == datetime.min.time() else raw.isoformat(sep=" ")
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw).strip()


def fold(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class TextValue:
    max_length: int | None = None

    @property
    def hint(self):
        return _l("text, at most %(max)s characters", max=self.max_length) if self.max_length else _l("text")

    def __call__(self, raw: Any, ctx: RowContext) -> str:
        text = as_text(raw)
        if self.max_length is not None and len(text) > self.max_length:
            raise CellError(
                _l("At most %(max)s characters allowed, this has %(length)s.", max=self.max_length, length=len(text))
            )
        return text


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class EmailValue(TextValue):
    @property
    def hint(self):
        return _l("e-mail address")

    def __call__(self, raw: Any, ctx: RowContext) -> str:
        text = super().__call__(raw, ctx)
        if not _EMAIL.match(text):
            raise CellError(_l("%(value)s is not an e-mail address.", value=text))
        return text


@dataclass(frozen=True)
class IntegerValue:
    minimum: int = 0
    maximum: int = MAX_INTEGER

    @property
    def hint(self):
        return _l("whole number from %(min)s to %(max)s", min=self.minimum, max=self.maximum)

    def __call__(self, raw: Any, ctx: RowContext) -> int:
        text = as_text(raw)
        if isinstance(raw, bool) or not re.fullmatch(r"[+-]?\d+", text):
            raise CellError(_l("%(value)s is not a whole number.", value=text))
        number = int(text)
        if not self.minimum <= number <= self.maximum:
            raise CellError(
                _l("%(value)s is outside %(min)s to %(max)s.", value=text, min=self.minimum, max=self.maximum)
            )
        return number


@dataclass(frozen=True)
class MoneyValue:
    """An amount ≥ 0 with at most ``places`` decimals that fits NUMERIC(digits, places)."""

    digits: int = 12
    places: int = 2

    @property
    def hint(self):
        return _l("amount ≥ 0 with at most %(places)s decimals", places=self.places)

    def __call__(self, raw: Any, ctx: RowContext) -> Decimal:
        text = as_text(raw).replace(",", "").lstrip("¥￥$")
        try:
            amount = Decimal(str(raw) if isinstance(raw, float) else text)
        except InvalidOperation:
            raise CellError(_l("%(value)s is not an amount.", value=as_text(raw))) from None
        if not amount.is_finite():
            raise CellError(_l("%(value)s is not an amount.", value=as_text(raw)))
        if amount < 0:
            raise CellError(_l("The amount cannot be negative."))
        if -amount.as_tuple().exponent > self.places:
            raise CellError(_l("At most %(places)s decimals allowed.", places=self.places))
        if amount >= Decimal(10) ** (self.digits - self.places):
            raise CellError(_l("%(value)s is too large.", value=as_text(raw)))
        return amount


_DAY = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]00:00(?::00)?)?$")


@dataclass(frozen=True)
class DayValue:
    @property
    def hint(self):
        return _l("date as YYYY-MM-DD")

    def __call__(self, raw: Any, ctx: RowContext) -> date:
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, date):
            return raw
        text = as_text(raw)
        match = _DAY.match(text)
        if match:
            try:
                return date(*map(int, match.groups()))
            except ValueError:
                pass
        raise CellError(_l("%(value)s is not a date as YYYY-MM-DD.", value=text))


TRUE_WORDS = {"yes", "y", "true", "1", "是", "对"}
FALSE_WORDS = {"no", "n", "false", "0", "否", "不"}


@dataclass(frozen=True)
class FlagValue:
    @property
    def hint(self):
        return _l("yes/no, 是/否, true/false or 1/0")

    def __call__(self, raw: Any, ctx: RowContext) -> bool:
        if isinstance(raw, bool):
            return raw
        text = as_text(raw).casefold()
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        raise CellError(_l("%(value)s is not yes or no.", value=as_text(raw)))


def labels_in(label: Any, locales: tuple[str, ...]) -> set[str]:
    """A lazy label as shown in each language (outside an app there is only its English)."""
    shown = {str(label)}
    for locale in locales:
        with force_locale(locale):
            shown.add(str(label))
    return shown


@dataclass(frozen=True)
class EnumValue:
    """A LabelledEnum member by its stored name (IN_SERVICE), its code (in_service) or its label."""

    enum_class: type

    @property
    def hint(self):
        return _l("one of: %(choices)s", choices=self.hint_choices())

    def __call__(self, raw: Any, ctx: RowContext):
        options = ctx.lookups.cached(("enum", self.enum_class), lambda: self._options(ctx.lookups.locales))
        text = as_text(raw)
        member = options.get(fold(text))
        if member is None:
            raise CellError(_l("%(value)s is not one of: %(choices)s.", value=text, choices=self.hint_choices()))
        return member

    def hint_choices(self) -> str:
        return str(_l(", ")).join(str(member.label) for member in self.enum_class)  # zh: 、

    def _options(self, locales: tuple[str, ...]) -> dict[str, Any]:
        options = {}
        for member in self.enum_class:
            for name in {member.name, member.value, *labels_in(member.label, locales)}:
                options[fold(name)] = member
        return options


@dataclass(frozen=True)
class OneOfValue:
    choices: tuple[str, ...]

    @property
    def hint(self):
        return _l("one of: %(choices)s", choices=", ".join(self.choices))

    def __call__(self, raw: Any, ctx: RowContext) -> str:
        text = as_text(raw)
        for choice in self.choices:
            if fold(choice) == fold(text):
                return choice
        raise CellError(_l("%(value)s is not one of: %(choices)s.", value=text, choices=", ".join(self.choices)))


WEEKDAY_NAMES = (
    ("monday", "mon", "周一", "星期一"),
    ("tuesday", "tue", "周二", "星期二"),
    ("wednesday", "wed", "周三", "星期三"),
    ("thursday", "thu", "周四", "星期四"),
    ("friday", "fri", "周五", "星期五"),
    ("saturday", "sat", "周六", "星期六"),
    ("sunday", "sun", "周日", "星期日", "周天", "星期天"),
)


@dataclass(frozen=True)
class WeekdayValue:
    @property
    def hint(self):
        return _l("0–6 (0 = Monday) or a weekday name")

    def __call__(self, raw: Any, ctx: RowContext) -> int:
        text = fold(as_text(raw))
        if re.fullmatch(r"[0-6]", text) and not isinstance(raw, bool):
            return int(text)
        for weekday, names in enumerate(WEEKDAY_NAMES):
            if text in names:
                return weekday
        raise CellError(_l("%(value)s is not a weekday: give 0–6 (0 = Monday) or its name.", value=as_text(raw)))


def check_found(found: list, noun: Any, text: str):
    if not found:
        raise CellError(_l("%(noun)s %(value)s does not exist.", noun=noun, value=text))
    if len(found) > 1:
        raise CellError(_l("%(value)s matches more than one %(noun)s.", noun=noun, value=text))
    record = found[0]
    if getattr(record, "active", True) is False:
        raise CellError(_l("%(noun)s %(value)s is inactive.", noun=noun, value=text))
    return record


@dataclass(frozen=True)
class Reference:
    """A row of ``model`` found by the first of ``fields`` that matches; must be active.

    ``within=(column, foreign_key)`` looks only among the rows belonging to what this
    row's ``column`` holds, e.g. a site by name within the row's customer. The engine
    calls ``prefetch`` with a whole column first, so a file costs a query per chunk of
    values rather than one per row.
    """

    model: type
    fields: tuple[str, ...]
    noun: Any
    hint: Any
    within: tuple[str, str] | None = None
    fold_case: bool = False

    def __call__(self, raw: Any, ctx: RowContext):
        return check_found(self._found(ctx.lookups, as_text(raw), ctx.values), self.noun, as_text(raw))

    def _found(self, lookups: Lookups, text: str, values: dict[str, Any]) -> list:
        owner = None
        if self.within is not None:
            owner = values.get(self.within[0])
            if owner is None:
                raise Skip
        key = self._cache_key(text, owner)
        if key not in lookups.cache:
            self.prefetch(lookups, [(text, values)])
        return lookups.cache[key]

    def _cache_key(self, text: str, owner) -> tuple:
        # By id: hashing the spec's lazy labels would translate them on every lookup.
        return (id(self), self._norm(text), owner)

    def _norm(self, text: str) -> str:
        return text.lower() if self.fold_case else text

    def prefetch(self, lookups: Lookups, cells: list[tuple[Any, dict[str, Any]]]) -> None:
        """Look up every value of a column at once and cache what each one finds."""
        wanted: dict[tuple, tuple[str, Any]] = {}
        for raw, values in cells:
            owner = values.get(self.within[0]) if self.within is not None else None
            if self.within is not None and owner is None:
                continue
            key = self._cache_key(as_text(raw), owner)
            if key not in lookups.cache:
                wanted[key] = (self._norm(as_text(raw)), owner)
        for name in self.fields:
            if not wanted:
                break
            found = self._load(lookups.session, name, wanted.values())
            for key, (text, owner) in list(wanted.items()):
                matches = found.get((text, owner.id if owner is not None else None))
                if matches:
                    lookups.cache[key] = matches
                    del wanted[key]
        for key in wanted:
            lookups.cache[key] = []

    def _load(self, session: Session, name: str, wanted) -> dict[tuple, list]:
        column = getattr(self.model, name)
        expression = func.lower(column) if self.fold_case else column
        owner_column = getattr(self.model, self.within[1]) if self.within is not None else None
        texts = sorted({text for text, _owner in wanted})
        owner_ids = {owner.id for _text, owner in wanted if owner is not None}
        found: dict[tuple, list] = {}
        for start in range(0, len(texts), LOOKUP_CHUNK):
            # Only the looked-up row's own columns are needed: skip the models' eager joins.
            stmt = select(self.model).options(lazyload("*")).where(expression.in_(texts[start : start + LOOKUP_CHUNK]))
            if owner_column is not None:
                stmt = stmt.where(owner_column.in_(owner_ids))
            for record in session.scalars(stmt):
                owner_id = getattr(record, self.within[1]) if self.within is not None else None
                found.setdefault((self._norm(getattr(record, name)), owner_id), []).append(record)
        return found


@dataclass(frozen=True)
class SameFileReference(Reference):
    """Like Reference by one key field, but may also name a record this file creates."""

    def __call__(self, raw: Any, ctx: RowContext):
        text = as_text(raw)
        found = self._found(ctx.lookups, text, ctx.values)
        if not found and (text,) in ctx.lookups.file_keys:
            return PendingRef((text,))
        return check_found(found, self.noun, text)


def parser_for_column(column) -> Callable[[Any, RowContext], Any]:
    """The parser a plain model column implies: its type, its length."""
    column_type = column.type
    if isinstance(column_type, SAEnum) and column_type.enum_class is not None:
        return EnumValue(column_type.enum_class)
    if isinstance(column_type, Boolean):
        return FlagValue()
    if isinstance(column_type, Integer):
        return IntegerValue()
    if isinstance(column_type, Numeric):
        return MoneyValue(column_type.precision or 12, column_type.scale or 2)
    if isinstance(column_type, Date):
        return DayValue()
    if isinstance(column_type, String | Text):
        return TextValue(column_type.length)
    raise TypeError(f"no parser for {column.key} ({column_type!r}): give one in the spec")
