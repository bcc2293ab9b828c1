"""The generic import engine: a declarative spec per catalog, a preview, an all-or-nothing commit.

A spec names the model, the key columns that find an existing record (update instead
of duplicate), and the columns with the headers accepted in English and Chinese. The
engine maps headers, parses every cell, looks records up by key, applies the spec's
rules, then the spec's file rules over every row it would write at once (rows naming each
other, e.g. parents created by the same file), and returns a ``Preview``: per row the
action (create / update / unchanged) and errors as (row, column, reason). ``commit``
re-runs the preview and writes only when there is no error at all, inside one savepoint;
the caller commits the transaction. What still fails while writing (a rule of the domain,
rows referring to each other in a loop, a concurrent change) is a file error, and nothing is written.

Blank cells are "not given": a new record gets the model's default, an existing one
keeps its value (so importing a partial file never erases what is saved), except in
columns declared ``blank_clears``. A file imported twice changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import LazyString, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, inspect, select
from sqlalchemy.exc import CircularDependencyError, IntegrityError
from sqlalchemy.orm import Session

from app.display import refusal, translated
from app.domain.errors import DomainError
from app.imports.parsers import (
    LOOKUP_CHUNK,
    CellError,
    Lookups,
    PendingRef,
    RowContext,
    Skip,
    as_text,
    parser_for_column,
)
from app.imports.readers import ImportFileError, SourceRow, Table, is_blank

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"

Parser = Callable[[Any, RowContext], Any]
Rule = Callable[[Mapping[str, Any]], Iterable[tuple[str, Any]]]


@dataclass(frozen=True)
class FileRow:
    """A row the file would write, for a file rule: its merged values and the saved record it updates."""

    values: Mapping[str, Any]
    target: Any


# (session, every row the file would write) → [(index into those rows, column name, reason)]
FileRule = Callable[[Session, Sequence[FileRow]], Iterable[tuple[int, str, Any]]]


@dataclass(frozen=True)
class Column:
    """One importable field. ``headers``: English first, then Chinese, then any aliases."""

    name: str
    headers: tuple[str, ...]
    parse: Parser | None = None  # None: implied by the model column's type and length
    required: bool = False
    stored: bool = True  # False: only read by another column's parser (e.g. a brand)
    fold_case: bool = False  # as a key, compared without case (e-mail addresses)
    blank_clears: bool = False  # a blank cell stores None instead of keeping the value

    @property
    def title(self) -> str:
        return " / ".join(self.headers[:2])


@dataclass(frozen=True)
class ImportSpec:
    kind: str
    label: Any
    model: type
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    rules: tuple[Rule, ...] = ()  # (merged values) → [(column name, reason)]
    file_rules: tuple[FileRule, ...] = ()  # the rows to write, checked together
    formats: tuple[str, ...] = ("csv", "xlsx")
    _by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = [column.name for column in self.columns]
        assert len(set(names)) == len(names), f"{self.kind}: a column is declared twice"
        assert set(self.key) <= set(names), f"{self.kind}: key {self.key} must be columns"
        object.__setattr__(self, "_by_name", {column.name: column for column in self.columns})

    def column(self, name: str) -> Column:
        return self._by_name[name]

    def parser(self, column: Column) -> Parser:
        if column.parse is not None:
            return column.parse
        return parser_for_column(self.model.__table__.columns[column.name])


def normalise_header(header: str) -> str:
    return " ".join(header.replace("_", " ").replace("*", " ").split()).casefold()


@dataclass(frozen=True)
class Issue:
    row: int | None
    column: str
    message: Any


@dataclass
class RowResult:
    number: int
    key_text: str = ""
    action: str | None = None
    changed: list[str] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    key: tuple | None = field(default=None, repr=False)
    target: Any = field(default=None, repr=False)
    assign: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass
class Preview:
    kind: str
    file_errors: list[Any] = field(default_factory=list)
    rows: list[RowResult] = field(default_factory=list)
    applied: bool = False

    @property
    def errors(self) -> list[Issue]:
        return [issue for row in self.rows for issue in row.errors]

    @property
    def ok(self) -> bool:
        return not self.file_errors and not any(row.errors for row in self.rows)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action and not row.errors)

    @property
    def changes(self) -> int:
        return self.count(CREATE) + self.count(UPDATE)

    @property
    def rows_with_errors(self) -> int:
        return sum(1 for row in self.rows if row.errors)


def preview(
    spec: ImportSpec,
    table: Table,
    session: Session,
    defaults: Mapping[str, Any] | None = None,
    locales: tuple[str, ...] = ("en", "zh"),
) -> Preview:
    """What importing ``table`` would do; reads only."""
    return _Run(spec, table, session, dict(defaults or {}), locales).preview()


def commit(
    spec: ImportSpec,
    table: Table,
    session: Session,
    defaults: Mapping[str, Any] | None = None,
    locales: tuple[str, ...] = ("en", "zh"),
) -> Preview:
    """Validate again and, only if no row has an error, write every change in one savepoint.

    ``applied`` tells whether anything was written; the caller commits the session.
    """
    result = preview(spec, table, session, defaults, locales)
    if not result.ok or not result.changes:
        return result
    try:
        with session.no_autoflush, session.begin_nested():
            _apply(spec, result, session)
            session.flush()
    except IntegrityError:
        result.file_errors.append(
            _l("Someone saved changes to the same records meanwhile; nothing was imported. Preview the file again.")
        )
        return result
    except CircularDependencyError:
        result.file_errors.append(
            _l("Rows of the file refer to each other in a loop; nothing was imported. Correct the file and try again.")
        )
        return result
    except DomainError as error:
        result.file_errors.append(refused(error))
        return result
    result.applied = True
    return result


def _apply(spec: ImportSpec, result: Preview, session: Session) -> None:
    records: dict[tuple, Any] = {}
    changing = [row for row in result.rows if row.action in (CREATE, UPDATE)]
    for row in changing:
        record = row.target if row.action == UPDATE else spec.model()
        if row.action == CREATE:
            session.add(record)
        records[row.key] = record
    for row in changing:
        record = records[row.key]
        for name, value in row.assign.items():
            setattr(record, name, records[value.key] if isinstance(value, PendingRef) else value)


def problem_text(problem: Any) -> LazyString:
    """A domain problem (msgid, params, optional plural) in the language of the page showing it."""
    if getattr(problem, "plural", None) is not None:
        return LazyString(ngettext, problem.message, problem.plural, problem.count, **problem.params)
    return LazyString(translated, problem.message, problem.params)


def refused(error: DomainError) -> LazyString:
    """A domain refusal in the language of the page showing it: each of its problems, or its msgid."""
    problems = getattr(error, "problems", None)
    if problems:
        return LazyString(lambda: " ".join(str(problem_text(problem)) for problem in problems))
    return LazyString(refusal, error)


def _key_part(value: Any, fold_case: bool) -> Any:
    return value.lower() if fold_case and isinstance(value, str) else value


class _Run:
    def __init__(self, spec, table, session, defaults, locales) -> None:
        self.spec = spec
        self.table = table
        self.session = session
        self.defaults = defaults
        self.lookups = Lookups(session, locales)
        self.parsers = {column.name: spec.parser(column) for column in spec.columns}
        self.header_of: dict[str, str] = {}  # column name → the header used in the file

    def preview(self) -> Preview:
        result = Preview(self.spec.kind)
        result.file_errors = self._map_headers()
        if not result.file_errors and not self.table.rows:
            result.file_errors.append(_l("The file has no data rows."))
        if result.file_errors:
            return result
        key_columns = [self.spec.column(name) for name in self.spec.key]
        other_columns = [column for column in self.spec.columns if column.name not in self.spec.key]

        states = [self._start(row) for row in self.table.rows]
        readable = [state for state in states if not state.source.errors]
        for column in key_columns:
            self._parse_column(readable, column)
        first_row_of: dict[tuple, int] = {}
        for state in readable:
            if state.result.errors or len(state.given & set(self.spec.key)) < len(self.spec.key):
                continue
            state.result.key = self._key_of(state.values)
            if state.result.key in first_row_of:
                state.error(
                    " + ".join(self._where(column) for column in key_columns),
                    _l(
                        "Row %(row)s has the same key; each record may appear only once.",
                        row=first_row_of[state.result.key],
                    ),
                )
            else:
                first_row_of[state.result.key] = state.result.number
        self.lookups.file_keys = set(first_row_of)
        existing = self._existing(list(first_row_of))

        for column in other_columns:
            self._parse_column(readable, column)
        for state in readable:
            if not state.result.errors:
                self._decide(state, existing.get(state.result.key, []))
        self._check_file(readable)
        result.rows = [state.result for state in states]
        return result

    def _check_file(self, states: list[_RowState]) -> None:
        """The spec's file rules over every row that would be written, as one batch."""
        writing = [s for s in states if s.result.action in (CREATE, UPDATE) and not s.result.errors]
        if not writing or not self.spec.file_rules:
            return
        rows = [FileRow(state.merged, state.result.target) for state in writing]
        for rule in self.spec.file_rules:
            for index, name, message in rule(self.session, rows):
                writing[index].error(self._where(self.spec.column(name)), message)

    def _map_headers(self) -> list[Any]:
        by_alias = {normalise_header(alias): column for column in self.spec.columns for alias in column.headers}
        errors = []
        for header in self.table.headers:
            column = by_alias.get(normalise_header(header))
            if column is None:
                errors.append(
                    _l("Unknown column %(column)s: see the template for the accepted columns.", column=header)
                )
            elif column.name in self.header_of:
                errors.append(
                    _l(
                        "Columns %(first)s and %(second)s are the same field.",
                        first=self.header_of[column.name],
                        second=header,
                    )
                )
            else:
                self.header_of[column.name] = header
        for column in self.spec.columns:
            if column.required and column.name not in self.header_of and column.name not in self.defaults:
                errors.append(_l("The required column %(column)s is missing.", column=column.title))
        return errors

    def _where(self, column: Column) -> str:
        return self.header_of.get(column.name, column.title)

    def _start(self, source: SourceRow) -> _RowState:
        state = _RowState(source, RowResult(source.number), RowContext(self.lookups))
        for column, message in source.errors:
            state.error(column, message)
        key_cells = [source.cells.get(self.header_of.get(name, ""), self.defaults.get(name)) for name in self.spec.key]
        state.result.key_text = " / ".join("" if is_blank(cell) else as_text(cell) for cell in key_cells)
        return state

    def _parse_column(self, states: list[_RowState], column: Column) -> None:
        """One column down all rows, so a reference can look up all its values at once."""
        header = self.header_of.get(column.name)
        parser = self.parsers[column.name]
        where = self._where(column)
        cells = [(state, state.source.cells.get(header) if header is not None else None) for state in states]
        prefetch = getattr(parser, "prefetch", None)
        if prefetch is not None:
            prefetch(self.lookups, [(raw, state.values) for state, raw in cells if not is_blank(raw)])
        for state, raw in cells:
            if is_blank(raw):
                if column.name in self.defaults:
                    state.set(column.name, self.defaults[column.name])
                elif header is not None and column.blank_clears:
                    state.set(column.name, None)
                elif column.required:
                    state.error(where, _l("A value is required."))
                continue
            try:
                value = parser(raw, state.context)
            except CellError as error:
                state.error(where, error.message)
            except Skip:
                continue
            else:
                state.set(column.name, value)

    def _key_of(self, values: Mapping[str, Any]) -> tuple:
        return tuple(_key_part(values[name], self.spec.column(name).fold_case) for name in self.spec.key)

    def _existing(self, keys: list[tuple]) -> dict[tuple, list]:
        """Saved records by key, fetched in chunks by the first key column."""
        model = self.spec.model
        first = self.spec.column(self.spec.key[0])
        mapper = inspect(model)
        if first.name in mapper.relationships:
            (expression,) = mapper.relationships[first.name].local_columns
            values = {key[0].id for key in keys}
        else:
            expression = getattr(model, first.name)
            values = {key[0] for key in keys}
            if first.fold_case:
                expression = func.lower(expression)
                values = {value.lower() for value in values}
        found: dict[tuple, list] = {}
        ordered = sorted(values, key=str)
        for start in range(0, len(ordered), LOOKUP_CHUNK):
            chunk = ordered[start : start + LOOKUP_CHUNK]
            for record in self.session.scalars(select(model).where(expression.in_(chunk))).unique():
                key = self._key_of({name: getattr(record, name) for name in self.spec.key})
                found.setdefault(key, []).append(record)
        return found

    def _decide(self, state: _RowState, matches: list) -> None:
        if len(matches) > 1:
            state.error(
                " + ".join(self._where(self.spec.column(name)) for name in self.spec.key),
                _l("%(count)s saved records have this key; correct them before importing.", count=len(matches)),
            )
            return
        target = matches[0] if matches else None
        merged = {
            column.name: state.values[column.name]
            if column.name in state.given
            else (getattr(target, column.name) if target is not None and column.stored else None)
            for column in self.spec.columns
        }
        state.merged = merged
        for rule in self.spec.rules:
            for name, message in rule(merged):
                state.error(self._where(self.spec.column(name)), message)
        if state.result.errors:
            return
        assign = {name: state.values[name] for name in state.given if self.spec.column(name).stored}
        state.result.target = target
        if target is None:
            state.result.action = CREATE
            state.result.assign = assign
            return
        changed = {
            name: value
            for name, value in assign.items()
            if isinstance(value, PendingRef) or getattr(target, name) != value
        }
        state.result.assign = changed
        state.result.changed = [self._where(self.spec.column(name)) for name in changed]
        state.result.action = UPDATE if changed else UNCHANGED


@dataclass
class _RowState:
    source: SourceRow
    result: RowResult
    context: RowContext
    given: set[str] = field(default_factory=set)
    merged: dict[str, Any] = field(default_factory=dict)  # given values over the saved record's

    @property
    def values(self) -> dict[str, Any]:
        return self.context.values

    def set(self, name: str, value: Any) -> None:
        self.context.values[name] = value
        self.given.add(name)

    def error(self, column: str, message: Any) -> None:
        self.result.errors.append(Issue(self.result.number, column, message))


def file_error_preview(kind: str, error: ImportFileError) -> Preview:
    return Preview(kind, file_errors=[error.message])
