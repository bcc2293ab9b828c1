"""The service desk settings screen: Admin only, one row, checked, with its change history."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.helpers import form_csrf_token

VALID = {
    "reopen_days": "10",
    "reminder_business_days": "2",
    "auto_close_business_days": "4",
    "survey_valid_days": "7",
    "attachment_max_mb": "5",
    "calendar": "",
}


@pytest.fixture
def admin(login_as):
    return login_as("admin")


def settings_page(client) -> tuple[str, str]:
    """(show page URL, its html) reached through the menu entry."""
    response = client.get("/desk-settings/current/")
    assert response.status_code == 302
    url = response.headers["Location"]
    return url, client.get(url).get_data(as_text=True)


def save(client, **changes):
    url, _html = settings_page(client)
    pk = url.rstrip("/").rsplit("/", 1)[-1]
    edit = client.get(f"/desk-settings/edit/{pk}")
    data = {**VALID, **changes, "csrf_token": form_csrf_token(edit.get_data(as_text=True))}
    return client.post(f"/desk-settings/edit/{pk}", data=data, follow_redirects=True)


def stored(app):
    from app.domain.service_requests import desk_settings
    from app.extensions import db

    with app.app_context():
        row = desk_settings(db.session)
        db.session.commit()
        return {name: getattr(row, name) for name in VALID if name != "calendar"} | {"calendar_id": row.calendar_id}


def test_admin_finds_the_settings_in_the_service_settings_menu(admin):
    home = admin.get("/").get_data(as_text=True)
    assert "/desk-settings/current/" in home
    _url, html = settings_page(admin)
    assert "自动关闭天数（工作日）" in html
    assert "满意度回访" in html


@pytest.mark.parametrize("username", ["manager", "dispatcher", "engineer1", "vendor1", "customer1"])
def test_only_admins_open_the_settings(login_as, username):
    client = login_as(username)
    assert client.get("/desk-settings/current/").status_code in (302, 403)
    assert "/desk-settings/" not in client.get("/").get_data(as_text=True)


def test_admin_changes_the_settings_and_the_change_is_in_the_history(app, admin):
    from app.extensions import db
    from models.calendars import Calendar

    with app.app_context():
        calendar = db.session.scalars(select(Calendar).order_by(Calendar.id)).first()
        calendar_id, calendar_name = calendar.id, calendar.name
    response = save(admin, calendar=str(calendar_id), reminder_business_days="3", auto_close_business_days="6")
    assert response.status_code == 200
    assert stored(app) == {
        "reopen_days": 10,
        "reminder_business_days": 3,
        "auto_close_business_days": 6,
        "survey_valid_days": 7,
        "attachment_max_mb": 5,
        "calendar_id": calendar_id,
    }
    _url, html = settings_page(admin)
    assert calendar_name in html
    assert "14 → 10" in html and "5 → 6" in html  # the change history: old → new


def test_auto_close_must_come_after_the_reminder(app, admin):
    before = stored(app)
    response = save(admin, reminder_business_days="5", auto_close_business_days="5")
    assert "自动关闭必须晚于提醒：应多于 5 个工作日。" in response.get_data(as_text=True)
    assert stored(app) == before


def test_numbers_outside_their_range_are_refused_in_english_too(app, login_as):
    from app.extensions import db
    from models.users import UserAccount

    with app.app_context():
        db.session.scalars(select(UserAccount).where(UserAccount.username == "admin")).one().preferred_language = "en"
        db.session.commit()
    client = login_as("admin")
    before = stored(app)
    response = save(client, reminder_business_days="0", survey_valid_days="")
    html = response.get_data(as_text=True)
    assert "Enter a number from 1 to 60." in html
    assert "Enter a whole number." in html
    assert stored(app) == before


def test_attachments_cannot_exceed_what_the_server_accepts(app, admin):
    before = stored(app)
    response = save(admin, attachment_max_mb="64")
    assert "服务器最多接受 32 MB 的上传" in response.get_data(as_text=True)
    assert stored(app) == before


def test_a_calendar_without_working_hours_is_refused(app, admin):
    from app.extensions import db
    from models.calendars import Calendar

    with app.app_context():
        empty = Calendar(name="Never open", timezone="Asia/Shanghai", weekly_hours={})
        db.session.add(empty)
        db.session.commit()
        empty_id = empty.id
    before = stored(app)
    response = save(admin, calendar=str(empty_id))
    assert "没有工作时间" in response.get_data(as_text=True)
    assert stored(app) == before


def test_a_second_settings_row_cannot_be_added(app, admin):
    from app.extensions import db
    from models.service_requests import DeskSettings

    settings_page(admin)
    page = admin.get("/desk-settings/add")
    if page.status_code == 200:
        data = {**VALID, "csrf_token": form_csrf_token(page.get_data(as_text=True))}
        admin.post("/desk-settings/add", data=data, follow_redirects=True)
    with app.app_context():
        assert len(db.session.scalars(select(DeskSettings)).all()) == 1
