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
