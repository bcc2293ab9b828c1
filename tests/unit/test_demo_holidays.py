"""The demo's China holidays for years whose schedule is not published: the demo loads last, this and next year,
so a demo loaded years from now still has 春节, 清明, 端午 and 中秋, marked as sample data."""

from __future__ import annotations

from datetime import date, timedelta

from app.demo_data.holidays import LUNAR, OFFICIAL, SAMPLE_MARK, china_calendar_days


def rows_of(year: int) -> dict[date, tuple[str, str, int | None]]:
    return {day: (kind, label, weekday) for day, kind, label, weekday in china_calendar_days(year)}


def test_generated_years_have_the_lunar_festivals_and_weekend_make_up_days():
    for year, festivals in LUNAR.items():
        assert year not in OFFICIAL
        rows = rows_of(year)
        for day in (*festivals, f"{year}-10-01"):
            kind, label, _ = rows[date.fromisoformat(day)]
            assert kind == "HOLIDAY" and SAMPLE_MARK in label, (year, day, label)
        eve = date.fromisoformat(festivals[0]) - timedelta(days=1)
        assert rows[eve][1].startswith("春节"), year  # 除夕 is off too
        makeup = [(day, weekday) for day, (kind, _, weekday) in rows.items() if kind == "MAKEUP_WORKDAY"]
        assert len(makeup) == 4 and all(day.weekday() >= 5 and 0 <= weekday <= 4 for day, weekday in makeup), year


def test_a_mid_autumn_festival_in_national_day_joins_it():
    rows = rows_of(2028)  # 中秋 is 3 October
    assert rows[date(2028, 10, 3)][1].startswith("国庆节、中秋节")
    assert rows[date(2028, 10, 8)][0] == "HOLIDAY" and date(2028, 10, 9) not in rows


def test_a_year_past_the_table_keeps_the_fixed_date_holidays():
    rows = rows_of(max(LUNAR) + 5)
    holidays = {label.removesuffix(SAMPLE_MARK) for kind, label, _ in rows.values() if kind == "HOLIDAY"}
    assert holidays == {"元旦", "劳动节", "国庆节"}
