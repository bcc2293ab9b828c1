"""Cell parsers: each accepts what a spreadsheet plausibly holds and refuses the rest with a reason."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from app.imports.parsers import (
    CellError,
    DayValue,
    EnumValue,
    FlagValue,
    IntegerValue,
    Lookups,
    MoneyValue,
    OneOfValue,
    RowContext,
    TextValue,
    WeekdayValue,
    as_text,
    parser_for_column,
)
from models.calendars import CalendarDay
from models.enums import AssetStatus, CalendarDayKind, ServiceTier
from models.stock import SparePart


@pytest.fixture
def ctx() -> RowContext:
    return RowContext(Lookups(session=None))


def reason(parser, raw, ctx) -> str:
    with pytest.raises(CellError) as error:
        parser(raw, ctx)
    return str(error.value.message)


def test_excel_numbers_become_text_without_a_trailing_zero():
    assert as_text(13800138000.0) == "13800138000"
    assert as_text(12.5) == "12.5"
    assert as_text(datetime(2026, 3, 1)) == "2026-03-01"
    assert as_text("  C-1 ") == "C-1"


def test_text_longer_than_the_column_is_refused_with_both_lengths(ctx):
    assert TextValue(5)("abcde", ctx) == "abcde"
    assert reason(TextValue(5), "abcdef", ctx) == "At most 5 characters allowed, this has 6."


@pytest.mark.parametrize("raw, expected", [("0", 0), ("42", 42), (7, 7), (3.0, 3), ("+5", 5)])
def test_integer_accepts_whole_numbers(ctx, raw, expected):
    assert IntegerValue()(raw, ctx) == expected


@pytest.mark.parametrize(
    "raw, message",
    [
        ("-1", "-1 is outside 0 to 2147483647."),
        ("2.5", "2.5 is not a whole number."),
        ("ten", "ten is not a whole number."),
    ],
)
def test_integer_refuses_negative_fractional_and_words(ctx, raw, message):
    assert reason(IntegerValue(), raw, ctx) == message


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("12.50", Decimal("12.50")),
        ("1,234.5", Decimal("1234.5")),
        (99.9, Decimal("99.9")),
        (3, Decimal("3")),
        ("¥8", Decimal("8")),
    ],
)
def test_money_accepts_amounts(ctx, raw, expected):
    assert MoneyValue()(raw, ctx) == expected


@pytest.mark.parametrize(
    "raw, message",
    [
        ("-1", "The amount cannot be negative."),
        ("1.005", "At most 2 decimals allowed."),
        ("abc", "abc is not an amount."),
        ("NaN", "NaN is not an amount."),
        ("10000000000", "10000000000 is too large."),
    ],
)
def test_money_refuses_bad_amounts(ctx, raw, message):
    assert reason(MoneyValue(), raw, ctx) == message


@pytest.mark.parametrize(
    "raw", ["2026-05-01", "2026/5/1", "2026.05.01", "2026-05-01 00:00:00", datetime(2026, 5, 1, 0, 0), date(2026, 5, 1)]
)
def test_dates_from_text_and_from_excel(ctx, raw):
    assert DayValue()(raw, ctx) == date(2026, 5, 1)


@pytest.mark.parametrize("raw", ["2026-02-30", "01/05/2026", "next monday", 45000])
def test_dates_that_are_not_yyyy_mm_dd_are_refused(ctx, raw):
    assert "is not a date as YYYY-MM-DD." in reason(DayValue(), raw, ctx)


@pytest.mark.parametrize("raw", ["yes", "Y", "TRUE", "1", "是", True, 1])
def test_flag_true_words(ctx, raw):
    assert FlagValue()(raw, ctx) is True


@pytest.mark.parametrize("raw", ["no", "False", "0", "否", False, 0.0])
def test_flag_false_words(ctx, raw):
    assert FlagValue()(raw, ctx) is False


def test_flag_refuses_other_words(ctx):
    assert reason(FlagValue(), "maybe", ctx) == "maybe is not yes or no."


@pytest.mark.parametrize("raw", ["IN_REPAIR", "in_repair", "In repair", " in  REPAIR "])
def test_enum_by_stored_name_code_or_label(ctx, raw):
    assert EnumValue(AssetStatus)(raw, ctx) is AssetStatus.IN_REPAIR


def test_enum_refuses_unknown_values_and_lists_the_choices(ctx):
    message = reason(EnumValue(CalendarDayKind), "vacation", ctx)
    assert message == "vacation is not one of: Holiday, Make-up working day."


def test_one_of_returns_the_canonical_choice(ctx):
    assert OneOfValue(("zh", "en"))("EN", ctx) == "en"
    assert reason(OneOfValue(("zh", "en")), "fr", ctx) == "fr is not one of: zh, en."


@pytest.mark.parametrize("raw, expected", [("0", 0), (6, 6), ("Monday", 0), ("周六", 5), ("星期天", 6), ("sun", 6)])
def test_weekday_by_number_or_name(ctx, raw, expected):
    assert WeekdayValue()(raw, ctx) == expected


def test_weekday_refuses_seven(ctx):
    assert "is not a weekday" in reason(WeekdayValue(), "7", ctx)


def test_model_column_types_imply_their_parser():
    columns = SparePart.__table__.columns
    assert parser_for_column(columns["part_number"]) == TextValue(60)
    assert parser_for_column(columns["unit_cost"]) == MoneyValue(12, 2)
    assert parser_for_column(columns["safety_stock"]) == IntegerValue()
    assert parser_for_column(columns["serialized"]) == FlagValue()
    assert parser_for_column(CalendarDay.__table__.columns["kind"]) == EnumValue(CalendarDayKind)
    assert parser_for_column(CalendarDay.__table__.columns["day"]) == DayValue()


def test_enum_labels_are_accepted_in_every_language_whatever_the_users(tmp_path):
    """A Chinese file imported by an admin browsing in English still matches the Chinese labels."""
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from flask import Flask
    from flask_babel import Babel

    catalog = Catalog(locale="zh")
    catalog.add("Gold", "金牌")
    mo_path = tmp_path / "zh" / "LC_MESSAGES" / "messages.mo"
    mo_path.parent.mkdir(parents=True)
    with mo_path.open("wb") as mo_file:
        write_mo(mo_file, catalog)
    app = Flask(__name__)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(tmp_path)
    Babel(app, locale_selector=lambda: "en")

    with app.test_request_context():
        ctx = RowContext(Lookups(session=None, locales=("en", "zh")))
        assert EnumValue(ServiceTier)("金牌", ctx) is ServiceTier.GOLD
        assert EnumValue(ServiceTier)("Gold", ctx) is ServiceTier.GOLD
        english_only = RowContext(Lookups(session=None, locales=("en",)))
        assert "金牌 is not one of" in reason(EnumValue(ServiceTier), "金牌", english_only)


def test_contact_import_accepts_the_headers_our_zh_export_writes():
    from app.imports.catalog_specs import SPECS

    headers = {alias for column in SPECS["contacts"].columns for alias in column.headers}
    assert {"电子邮箱", "首选语言"} <= headers
