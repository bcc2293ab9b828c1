"""Import readers: CSV in UTF-8 (with or without BOM) or GB18030, XLSX with typed cells, limits."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from app.imports import readers
from app.imports.readers import ImportFileError, read_csv, read_table, read_xlsx


def xlsx(*rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_csv_with_english_headers_gives_rows_numbered_like_a_spreadsheet():
    table = read_csv(b"code,name\nC-1,Alpha\n\nC-2,Beta\n")
    assert table.headers == ["code", "name"]
    assert [(row.number, row.cells) for row in table.rows] == [
        (2, {"code": "C-1", "name": "Alpha"}),
        (4, {"code": "C-2", "name": "Beta"}),
    ]


def test_csv_with_bom_and_chinese_headers_drops_the_bom():
    table = read_csv("\ufeff编码,名称\nC-1,杭州西湖\n".encode())
    assert table.headers == ["编码", "名称"]
    assert table.rows[0].cells == {"编码": "C-1", "名称": "杭州西湖"}


def test_csv_saved_by_chinese_excel_in_gb18030_is_read():
    table = read_csv("编码,名称\nC-1,深圳蓝海物流\n".encode("gb18030"))
    assert table.rows[0].cells == {"编码": "C-1", "名称": "深圳蓝海物流"}


def test_csv_in_neither_utf8_nor_gb18030_is_a_file_error():
    with pytest.raises(ImportFileError) as error:
        read_csv(b"code\n\xff\xff\xff\n")
    assert "UTF-8 or GB18030" in str(error.value.message)


def test_csv_separated_by_semicolons_is_read():
    table = read_csv(b"code;name\nC-1;Alpha\n")
    assert table.rows[0].cells == {"code": "C-1", "name": "Alpha"}


def test_quoted_cells_keep_commas_and_line_breaks():
    table = read_csv(b'code,notes\nC-1,"a, b\nc"\nC-2,x\n')
    assert table.rows[0].cells["notes"] == "a, b\nc"
    assert table.rows[1].number == 3


def test_a_value_under_no_header_is_a_row_error_naming_the_column_letter():
    table = read_csv(b"code,name\nC-1,Alpha,stray\n")
    assert [(column, str(message)) for column, message in table.rows[0].errors] == [
        ("C", "This column has a value but no header.")
    ]


def test_the_same_header_twice_is_a_file_error():
    with pytest.raises(ImportFileError) as error:
        read_csv(b"code,Code\nC-1,C-2\n")
    assert "appears twice" in str(error.value.message)


def test_an_empty_file_is_a_file_error():
    with pytest.raises(ImportFileError):
        read_csv(b"")


def test_more_rows_than_the_limit_is_a_file_error(monkeypatch):
    monkeypatch.setattr(readers, "MAX_ROWS", 2)
    read_csv(b"code\nA\nB\n")
    with pytest.raises(ImportFileError) as error:
        read_csv(b"code\nA\nB\nC\n")
    assert "more than 2 rows" in str(error.value.message)


def test_a_file_over_the_size_limit_is_a_file_error(monkeypatch):
    monkeypatch.setattr(readers, "MAX_BYTES", 10)
    with pytest.raises(ImportFileError) as error:
        read_csv(b"code\nABCDEFGHIJ\n")
    assert "larger than" in str(error.value.message)


def test_xlsx_first_sheet_keeps_dates_and_numbers_typed():
    data = xlsx(["serial number", "warranty end", "count"], ["SN-1", datetime(2026, 5, 1), 3], [None, None, None])
    table = read_xlsx(data)
    assert table.headers == ["serial number", "warranty end", "count"]
    assert len(table.rows) == 1
    assert table.rows[0].cells == {"serial number": "SN-1", "warranty end": datetime(2026, 5, 1), "count": 3}


def test_xlsx_that_is_not_a_workbook_is_a_file_error():
    with pytest.raises(ImportFileError) as error:
        read_xlsx(b"code,name\n")
    assert "not a valid XLSX" in str(error.value.message)


def test_read_table_refuses_other_file_types():
    with pytest.raises(ImportFileError) as error:
        read_table("customers.xls", b"")
    assert ".xls" in str(error.value.message)


def test_read_table_picks_the_reader_by_extension():
    assert read_table("a.CSV", b"code\nA\n").rows[0].cells == {"code": "A"}
    assert read_table("a.xlsx", xlsx(["code"], [date(2026, 1, 2)])).rows[0].cells["code"] == datetime(2026, 1, 2)
