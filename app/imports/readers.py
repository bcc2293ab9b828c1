"""Files to rows of raw cells: CSV (UTF-8 with or without BOM, or GB18030) and XLSX.

A reader checks only the shape of a file (size, encoding, headers, row count); the
meaning of each cell is the spec's business. Row numbers are those a spreadsheet shows:
the header is row 1. Blank rows are skipped but keep their numbers.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from flask_babel import lazy_gettext as _l

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 100
MAX_XLSX_UNPACKED_BYTES = 100 * 1024 * 1024  # a small XLSX can unzip into gigabytes


class ImportFileError(Exception):
    """The file as a whole cannot be used; ``message`` is a translatable string."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass
class SourceRow:
    """One data row: the raw cell of each header, and errors found while reading it."""

    number: int
    cells: dict[str, Any]
    errors: list[tuple[str, Any]] = field(default_factory=list)


@dataclass
class Table:
    headers: list[str]
    rows: list[SourceRow]


def extension(filename: str) -> str:
    return PurePath(filename or "").suffix.lower().lstrip(".")


def check_size(data: bytes) -> None:
    if len(data) > MAX_BYTES:
        raise ImportFileError(_l("The file is larger than %(limit)s MB.", limit=MAX_BYTES // (1024 * 1024)))


def decode_text(data: bytes) -> str:
    """UTF-8 (a BOM is dropped), else GB18030, which Chinese Excel uses for "CSV"."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ImportFileError(_l("The file is not text in UTF-8 or GB18030 encoding.")) from None


def read_csv(data: bytes) -> Table:
    check_size(data)
    text = decode_text(data)
    first_line = text.split("\n", 1)[0]
    # Comma unless the header line clearly uses semicolons or tabs (European Excel, pasted tables).
    delimiter = max(",;\t", key=first_line.count) if first_line.count(",") == 0 else ","
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise ImportFileError(_l("The CSV file cannot be read: %(reason)s", reason=str(error))) from None
    return build_table(records)


def read_xlsx(data: bytes) -> Table:
    """The first sheet; its first row holds the headers. Dates arrive as dates."""
    check_size(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        raise ImportFileError(_l("The file is not a valid XLSX workbook.")) from None
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise ImportFileError(_l("The workbook is too large once unpacked."))

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors for damaged or foreign files
        raise ImportFileError(_l("The file is not a valid XLSX workbook.")) from None
    try:
        if not workbook.worksheets:
            raise ImportFileError(_l("The workbook has no sheet."))
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True)
        return build_table(rows)
    finally:
        workbook.close()


def read_table(filename: str, data: bytes) -> Table:
    kind = extension(filename)
    if kind == "csv":
        return read_csv(data)
    if kind == "xlsx":
        return read_xlsx(data)
    raise ImportFileError(_l("Files of type .%(ext)s cannot be imported.", ext=kind or "?"))


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: how spreadsheets name a column without a header."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def build_table(records: Iterable[Sequence[Any]]) -> Table:
    """Headers from the first record, one SourceRow per non-blank record after it."""
    iterator = iter(records)
    header_record = next(iterator, None)
    if header_record is None:
        raise ImportFileError(_l("The file is empty."))
    headers = [str(cell).strip() if cell is not None else "" for cell in header_record]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise ImportFileError(_l("The first row must hold the column headers."))
    if len(headers) > MAX_COLUMNS:
        raise ImportFileError(_l("The file has more than %(limit)s columns.", limit=MAX_COLUMNS))
    seen: set[str] = set()
    for header in headers:
        if header and header.casefold() in seen:
            raise ImportFileError(_l("The column %(column)s appears twice.", column=header))
        seen.add(header.casefold())

    rows = []
    for number, record in enumerate(iterator, start=2):
        if all(is_blank(cell) for cell in record):
            continue
        if len(rows) == MAX_ROWS:
            raise ImportFileError(_l("The file has more than %(limit)s rows.", limit=MAX_ROWS))
        row = SourceRow(number, {})
        for index, cell in enumerate(record):
            header = headers[index] if index < len(headers) else ""
            if header:
                row.cells[header] = cell
            elif not is_blank(cell):
                row.errors.append((column_letter(index), _l("This column has a value but no header.")))
        rows.append(row)
    return Table([header for header in headers if header], rows)
