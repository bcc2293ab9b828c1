"""Mail templates render in the recipient's language, with the record's number and link.

The objects are transient (never saved): rendering needs only the app's templates,
catalogs and registered views.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask_babel import force_locale

from app.mail import render as render_mail
from models.enums import Priority, WorkOrderType
from models.organisations import Customer, Site
from models.service_requests import ServiceRequest
from models.work_orders import WorkOrder


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield app


def _request(**extra) -> ServiceRequest:
    customer = Customer(name="杭州西湖科技", code="C-TEST")
    values = dict(id=42, number="SR-20261122-0042", subject="Printer <jammed> & smoking", customer=customer)
    values.update(priority=Priority.P2, resolution="Replaced the fuser.", **extra)
    return ServiceRequest(**values)


ALL_TEMPLATES = [
    ("request_created", {}),
    ("request_assigned", {}),
    ("request_reply", {"reply": "Please restart it."}),
    ("request_resolved", {"survey_token": "abc"}),
    ("request_closed", {}),
    ("auto_close_reminder", {"close_on": date(2026, 12, 1)}),
]


@pytest.mark.parametrize(("template", "extra"), ALL_TEMPLATES)
@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_request_template_renders_subject_text_and_html_with_the_number(ctx, template, extra, language):
    subject, text, html = render_mail(template, language, {"request": _request(), **extra})
    assert subject.startswith("[SR-20261122-0042] ")
    assert "\n" not in subject
    assert "SR-20261122-0042" in text
    assert html is not None and "SR-20261122-0042" in html


def test_request_created_reads_in_chinese_for_a_chinese_recipient(ctx):
    subject, text, _ = render_mail("request_created", "zh", {"request": _request(), "recipient_name": "王芳"})
    assert "我们已收到您的请求" in subject
    assert "王芳" in text and "Hello" not in text


def test_request_created_reads_in_english_for_an_english_recipient(ctx):
    subject, text, _ = render_mail("request_created", "en", {"request": _request(), "recipient_name": "Amy"})
    assert subject == "[SR-20261122-0042] We have received your request: Printer <jammed> & smoking"
    assert "Hello Amy," in text
    assert "我们" not in text


def test_mail_links_point_to_the_public_address(ctx, app):
    _, text, html = render_mail("request_created", "en", {"request": _request()})
    link = app.config["PUBLIC_BASE_URL"] + "/"
    assert link in text and f'href="{link}' in html


def test_html_escapes_what_users_typed_but_text_and_subject_keep_it(ctx):
    subject, text, html = render_mail("request_reply", "en", {"request": _request(), "reply": "<script>x()</script>"})
    assert "<script>" not in html and "&lt;script&gt;x()&lt;/script&gt;" in html
    assert "<script>x()</script>" in text
    assert "Printer <jammed> & smoking" in subject
    _, _, created = render_mail("request_created", "en", {"request": _request()})
    assert "Printer &lt;jammed&gt; &amp; smoking" in created


def test_resolved_mail_carries_the_resolution_and_the_survey_link(ctx, app):
    _, text, html = render_mail("request_resolved", "en", {"request": _request(), "survey_token": "t0k"})
    link = app.config["PUBLIC_BASE_URL"] + "/survey/t0k"
    assert "Replaced the fuser." in text and link in text
    assert f'href="{link}"' in html


def test_auto_close_reminder_shows_the_closing_date_per_locale(ctx):
    context = {"request": _request(), "close_on": date(2026, 12, 1)}
    assert "Dec 1, 2026" in render_mail("auto_close_reminder", "en", context)[0]
    assert "2026年12月1日" in render_mail("auto_close_reminder", "zh", context)[0]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_work_order_mail_names_customer_site_and_window(ctx, language):
    request = _request(site=Site(name="Hangzhou HQ", address="1 Lake Rd"))
    work_order = WorkOrder(
        id=7,
        number="WO-20261122-0007",
        request=request,
        work_type=WorkOrderType.ON_SITE,
        scheduled_start=datetime(2026, 11, 23, 1, 0, tzinfo=UTC),
        scheduled_end=datetime(2026, 11, 23, 3, 0, tzinfo=UTC),
    )
    subject, text, html = render_mail("work_order_assigned", language, {"work_order": work_order})
    assert subject.startswith("[WO-20261122-0007]") and "杭州西湖科技" in subject
    for part in ("Hangzhou HQ", "1 Lake Rd", "SR-20261122-0042"):
        assert part in text and part in html
    assert ("09:00" in text) or ("9:00" in text)  # shown in the business time zone (UTC+8)
    with force_locale(language):
        assert f"({WorkOrderType.ON_SITE.label})" in text


def test_absolute_url_works_without_a_request_and_keeps_a_path_prefix(app, monkeypatch):
    from app.notifications import absolute_url

    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://desk.example.com/sd")
    with app.app_context():  # as in a job: no request to take the host from
        assert absolute_url("NotificationView.index") == "https://desk.example.com/sd/notifications/"


@pytest.mark.parametrize(("language", "line"), [("zh", "编号：SR-"), ("en", "Number: SR-")])
def test_plain_text_labels_use_the_locales_colon(ctx, language, line):
    """Chinese text reads 编号：…, with the full-width colon; English "Number: …"."""
    _, text, _ = render_mail("request_created", language, {"request": _request()})
    assert line in text


def test_every_mail_template_has_a_name_in_the_outbox_and_every_name_a_template():
    from pathlib import Path

    from app.mail import MAIL_KINDS

    folder = Path(__file__).resolve().parents[2] / "app" / "templates" / "mail"
    assert {path.name.removesuffix(".subject.txt") for path in folder.glob("*.subject.txt")} == set(MAIL_KINDS)
