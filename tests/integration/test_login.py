import pytest

from app.demo import DEMO_PASSWORD, LOGIN_ACCOUNTS
from tests.helpers import form_csrf_token


def login(client, username, password=DEMO_PASSWORD, next_url=None):
    page = client.get("/login/")
    token = form_csrf_token(page.text)
    url = "/login/" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"username": username, "password": password, "csrf_token": token})


@pytest.mark.parametrize("username", [a.username for a in LOGIN_ACCOUNTS])
def test_every_demo_account_logs_in_and_reaches_its_landing_page(client, username):
    resp = login(client, username)
    assert resp.status_code == 302
    home = client.get("/")
    assert home.status_code == 200, f"{username} was sent to {home.headers.get('Location')}"
    assert "sd-card" in home.text


def test_disabled_account_cannot_log_in(client):
    login(client, "engineer_left")
    assert client.get("/").status_code == 302
