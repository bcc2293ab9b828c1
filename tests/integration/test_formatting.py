"""Times are stored in UTC and shown in the business time zone, formatted per locale."""

from __future__ import annotations

from datetime import UTC, datetime


def test_customer_times_show_in_shanghai_time_per_locale(app, login_as):
    from app.extensions import db
    from models.organisations import Customer

    with app.app_context():
        customer = db.session.query(Customer).filter_by(code="C-SZLH").one()
        customer.created_at = datetime(2026, 11, 22, 1, 17, 42, tzinfo=UTC)
        customer.updated_at = datetime(2026, 11, 23, 2, 5, 9, tzinfo=UTC)  # fixed, or "now" could look alike
        db.session.commit()
        pk = customer.id
    client = login_as("manager")
    english = client.get(f"/customers/show/{pk}?_l_=en").text
    chinese = client.get(f"/customers/show/{pk}?_l_=zh").text
    assert "Nov 22, 2026, 9:17:42" in english  # 01:17:42 UTC is 09:17:42 in Shanghai
    assert "2026年11月22日 09:17:42" in chinese
    assert "Nov 23, 2026, 10:05:09" in english
    assert "01:17:42" not in english and "01:17:42" not in chinese  # never the raw UTC time


def test_a_visit_window_names_its_day_once_unless_it_spans_midnight_in_business_time(app):
    from app.formatting import format_window, local_input

    start = datetime(2026, 12, 3, 1, 30, tzinfo=UTC)  # 09:30 in Shanghai, a Thursday
    with app.test_request_context("/?_l_=zh"):
        assert format_window(start, datetime(2026, 12, 3, 3, 30, tzinfo=UTC)) == "2026年12月3日周四 09:30 – 11:30"
        # 15:00 UTC is already 4 December in Shanghai: both ends in full.
        assert format_window(start, datetime(2026, 12, 3, 17, 0, tzinfo=UTC)) == "2026/12/3 09:30 – 2026/12/4 01:00"
        assert format_window(None, None) == ""
        assert local_input(start) == "2026-12-03T09:30" and local_input(None) == ""
    with app.test_request_context("/?_l_=en"):
        shown = format_window(start, datetime(2026, 12, 3, 3, 30, tzinfo=UTC))
        assert shown == "Thu, Dec 3, 2026 9:30\u202fAM – 11:30\u202fAM"
