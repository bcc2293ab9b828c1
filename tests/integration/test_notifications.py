"""The bell, my notifications, mark read / acknowledge — and never anybody else's."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.domain.notices import notify
from app.domain.request_flow import N_
from models.base import utcnow
from models.notifications import Notification
from models.users import UserAccount
from tests.helpers import form_csrf_token
from tests.integration.test_query_budget import counted_statements

MESSAGE = N_("Work order assigned to you: %(customer)s")


def _user_id(username: str) -> int:
    from app.extensions import db

    return db.session.query(UserAccount.id).filter_by(username=username).scalar()


@pytest.fixture
def inbox(app):
    """Two unread notifications for the dispatcher (older, newer) and one for the engineer."""
    from app.extensions import db

    with app.app_context():
        dispatcher, engineer = _user_id("dispatcher"), _user_id("engineer1")
        older = notify(db.session, [dispatcher], "test", MESSAGE, {"customer": "Older Co"}, link="/customers/list/")[0]
        older.created_at = utcnow() - timedelta(hours=1)
        newer = notify(db.session, [dispatcher, dispatcher, None], "test", MESSAGE, {"customer": "Newer Co"})[0]
        other = notify(db.session, [engineer], "test", MESSAGE, {"customer": "Secret Co"})[0]
        db.session.commit()
        return {"older": older.id, "newer": newer.id, "other": other.id, "dispatcher": dispatcher}


def _bell(html: str) -> str | None:
    bell = re.search(r'<li id="notification-bell">(.*?)</li>', html, re.S)
    assert bell, "the navbar has no bell"
    badge = re.search(r'<span class="badge"[^>]*>([^<]+)</span>', bell.group(1))
    return badge.group(1) if badge else None


def _post(client, path: str, page: str = "/notifications/"):
    token = form_csrf_token(client.get(page).text)
    return client.post(path, data={"csrf_token": token})


def _read_at(app, notification_id: int):
    from app.extensions import db

    with app.app_context():
        return db.session.get(Notification, notification_id).read_at


def test_notify_makes_one_row_per_distinct_recipient(app, inbox):
    from app.extensions import db

    with app.app_context():
        rows = db.session.query(Notification).filter_by(recipient_id=inbox["dispatcher"]).count()
    assert rows == 2


def test_the_bell_counts_my_unread_notifications_only(inbox, login_as):
    assert _bell(login_as("dispatcher").get("/").text) == "2"
    assert _bell(login_as("engineer1").get("/").text) == "1"
    assert _bell(login_as("manager").get("/").text) is None


def test_the_bell_costs_one_statement_however_many_notifications(app, inbox, login_as):
    from app.extensions import db

    client = login_as("dispatcher")
    client.get("/notifications/")
    with counted_statements(app) as few:
        client.get("/notifications/")
    with app.app_context():
        notify(db.session, [inbox["dispatcher"]] * 1, "test", MESSAGE, {"customer": "X"})
        for _ in range(20):
            notify(db.session, [inbox["dispatcher"]], "test", MESSAGE, {"customer": "Y"})
        db.session.commit()
    with counted_statements(app) as many:
        page = client.get("/notifications/")
    assert _bell(page.text) == "23"
    assert len(many) == len(few), "\n".join(many)
    assert sum("count(" in statement.lower() and "notification" in statement for statement in many) == 1


def test_my_list_is_newest_first_and_in_my_language(inbox, login_as):
    client = login_as("dispatcher")
    english = client.get("/notifications/?_l_=en").text
    assert english.index("Work order assigned to you: Newer Co") < english.index("Work order assigned to you: Older Co")
    chinese = client.get("/notifications/?_l_=zh").text
    assert "分派给您的工单：Newer Co" in chinese
    assert "Secret Co" not in english


def test_opening_a_notification_marks_it_read_and_follows_its_link(app, inbox, login_as):
    response = login_as("dispatcher").get(f"/notifications/{inbox['older']}/open")
    assert response.status_code == 302 and response.headers["Location"].endswith("/customers/list/")
    assert _read_at(app, inbox["older"]) is not None


def test_mark_one_read_lowers_the_bell(app, inbox, login_as):
    client = login_as("dispatcher")
    assert _post(client, f"/notifications/{inbox['newer']}/read").status_code == 302
    assert _read_at(app, inbox["newer"]) is not None
    assert _bell(client.get("/").text) == "1"


def test_acknowledge_marks_read_and_acknowledged(app, inbox, login_as):
    from app.extensions import db

    client = login_as("dispatcher")
    _post(client, f"/notifications/{inbox['older']}/acknowledge")
    with app.app_context():
        row = db.session.get(Notification, inbox["older"])
        assert row.acknowledged_at is not None and row.read_at is not None
    assert "Acknowledged" in client.get("/notifications/?_l_=en").text


def test_mark_all_read_touches_only_my_notifications(app, inbox, login_as):
    client = login_as("dispatcher")
    _post(client, "/notifications/read-all")
    assert _read_at(app, inbox["older"]) and _read_at(app, inbox["newer"])
    assert _read_at(app, inbox["other"]) is None
    assert _bell(client.get("/").text) is None


@pytest.mark.parametrize("action", ["read", "acknowledge"])
def test_nobody_can_mark_another_users_notification(app, inbox, login_as, action):
    client = login_as("dispatcher")
    assert _post(client, f"/notifications/{inbox['other']}/{action}").status_code == 404
    assert _read_at(app, inbox["other"]) is None


def test_nobody_can_open_another_users_notification(app, inbox, login_as):
    assert login_as("customer1").get(f"/notifications/{inbox['other']}/open").status_code == 404
    assert _read_at(app, inbox["other"]) is None


def test_outside_users_have_their_own_bell_too(app, login_as):
    from app.extensions import db

    with app.app_context():
        notify(db.session, [_user_id("vendor1")], "test", MESSAGE, {"customer": "Vendor Co"})
        db.session.commit()
    vendor = login_as("vendor1")
    assert _bell(vendor.get("/").text) == "1"
    assert "Vendor Co" in vendor.get("/notifications/").text
    assert "Vendor Co" not in login_as("vendor2").get("/notifications/").text


def test_marking_needs_a_csrf_token(inbox, login_as):
    assert login_as("dispatcher").post(f"/notifications/{inbox['newer']}/read").status_code == 400


def test_a_notice_held_for_working_hours_is_neither_shown_nor_marked_read_before_its_time(app, inbox, login_as):
    from app.extensions import db

    with app.app_context():
        held = notify(
            db.session, [inbox["dispatcher"]], "test", MESSAGE, {"customer": "Tomorrow Co"},
            visible_from=utcnow() + timedelta(hours=8),
        )[0]  # fmt: skip
        db.session.commit()
        held_id = held.id
    client = login_as("dispatcher")
    assert _bell(client.get("/").text) == "2"
    assert "Tomorrow Co" not in client.get("/notifications/").text
    _post(client, "/notifications/read-all")
    assert _read_at(app, held_id) is None and _read_at(app, inbox["newer"]) is not None
